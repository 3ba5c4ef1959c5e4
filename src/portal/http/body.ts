// Request parameters as PHP would see them: the query string and the body (JSON,
// x-www-form-urlencoded or multipart form), both with PHP bracket syntax (`fields[TITLE]=…`,
// `select[]=ID`), merged at the top level with the body winning.
import type { IncomingMessage } from "node:http";
import qs from "qs";
import { invalidRequest, type RestError } from "./errors.js";

import type { Params } from "./params.js";

// Generous limits: qs turns arrays longer than arrayLimit into objects, and the defaults
// (20 items, depth 5) are smaller than real Bitrix24 payloads such as batch or ATTACH grids.
const QS_OPTIONS: qs.IParseOptions = { depth: 20, arrayLimit: 1000, parameterLimit: 100_000, allowPrototypes: false };

/** Files are sent Base64 inside params (up to 100 MB), so the cap sits above that. */
export const MAX_BODY_BYTES = 128 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/**
 * The whole body, refused with BodyTooLargeError as soon as it is known to be over `limit`: at once
 * when Content-Length says so (nothing is read), else when the bytes received pass it (what came is
 * dropped, the rest is left unread). The chunks are joined once, at the end.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (declaredLength(req) > limit) return Promise.reject(new BodyTooLargeError(`request body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks = [];
        req.off("data", onData);
        req.pause();
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on("error", reject);
    // A client that goes away mid-body: nothing more will come.
    req.on("close", () => {
      if (!req.complete) reject(new Error("the client closed the connection before the body was sent"));
    });
  });
}

/** The body's size as Content-Length declares it (0 when absent or not a number). */
export function declaredLength(req: IncomingMessage): number {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared > 0 ? declared : 0;
}

/** Reads and drops a body nobody needs, so the connection can carry the next request. */
export function discardBody(req: IncomingMessage): void {
  req.resume();
}

export function parseQuery(search: string): Params {
  return qs.parse(search.startsWith("?") ? search.slice(1) : search, QS_OPTIONS) as Params;
}

/**
 * Body parameters by Content-Type. Types PHP does not parse (text/plain, none) give no
 * parameters, exactly as on a real portal. Returns a RestError for an unreadable body.
 */
export async function parseBody(contentType: string | undefined, body: Buffer): Promise<Params | RestError> {
  if (body.length === 0) return {};
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return parseJson(body.toString("utf8"));
  if (type === "application/x-www-form-urlencoded") return qs.parse(body.toString("utf8"), QS_OPTIONS) as Params;
  if (type === "multipart/form-data") return parseMultipart(contentType ?? "", body);
  return {};
}

function parseJson(text: string): Params | RestError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalidRequest("Request body is not valid JSON");
  }
  // A top-level list is the positional form (`[123, {…}]` = `0=123&1[…]=…`).
  if (Array.isArray(value)) return Object.fromEntries(value.entries());
  if (typeof value !== "object" || value === null) return invalidRequest("Request body must be a JSON object");
  return value as Params;
}

/** Text fields only for now; file parts are skipped until disk uploads are emulated. */
async function parseMultipart(contentType: string, body: Buffer): Promise<Params | RestError> {
  let form: FormData;
  try {
    form = await new Response(bytesOf(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return invalidRequest("Request body is not valid multipart/form-data");
  }
  const pairs = new URLSearchParams();
  form.forEach((value, name) => {
    if (typeof value === "string") pairs.append(name, value);
  });
  return qs.parse(pairs.toString(), QS_OPTIONS) as Params;
}

/** A view of the buffer's bytes as fetch's Response takes them (no copy). */
export function bytesOf(body: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
}
