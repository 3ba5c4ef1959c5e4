// The Drive's links outside /rest: `/upload/<one-time token>` takes a multipart/form-data POST
// with the file (the uploadUrl of disk.folder.uploadFile) and answers `{"result": disk object}`
// without a time block, as Bitrix24 does. The body is streamed: the file part goes chunk by chunk
// into the byte store, never held whole by the request side (disk-upload-stream.ts).
// `/download/<token>` serves a file's (or a version's) exact bytes with its name and type;
// `/~<code>` is an external link (disk.folder.getExternalLink): a file's bytes, a folder's listing.
import type { ServerResponse } from "node:http";
import { MAX_BODY_BYTES } from "../http/body.js";
import { mimeOf, type DiskRow } from "../data/disk.js";
import { renderDiskObject } from "../render/disk-render.js";
import type { ExtraRoute, ExtraRouteContext } from "../http/server.js";
import { boundaryOf, MultipartError, streamMultipart } from "./disk-upload-stream.js";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

async function upload({ req, res, url, state, portalUrl }: ExtraRouteContext): Promise<void> {
  if (req.method !== "POST") {
    req.resume();
    return fail(res, 405, "ERROR_METHOD", "Use POST with multipart/form-data");
  }
  // The ticket is spent whatever comes next; an unknown one is refused before the body is read.
  const ticket = state.disk.takeTicket(decodeURIComponent(url.pathname.slice("/upload/".length)));
  if (!ticket) {
    req.resume();
    return fail(res, 401, "INVALID_CREDENTIALS", "Invalid request credentials");
  }
  const boundary = boundaryOf(req.headers["content-type"]);
  if (!boundary) {
    req.resume();
    return fail(res, 400, "INVALID_REQUEST", "Request body is not valid multipart/form-data");
  }
  const writer = state.disk.bytes.writer();
  let outcome;
  try {
    outcome = await streamMultipart(req, boundary, "file", (chunk) => writer.write(chunk), MAX_BODY_BYTES);
  } catch (error) {
    writer.abort();
    if (res.headersSent || req.destroyed) return;
    if (error instanceof RangeError) return fail(res, 413, "ERROR_COULD_NOT_SAVE_FILE", "Could not save file");
    if (error instanceof MultipartError) return fail(res, 400, "INVALID_REQUEST", "Request body is not valid multipart/form-data");
    return;
  }
  const stats = state.disk.uploadStats;
  stats.peakBufferedBytes = Math.max(stats.peakBufferedBytes, outcome.peakBuffered);
  stats.streamedUploads++;
  if (!outcome.part) {
    writer.abort();
    return fail(res, 400, "ERROR_ARGUMENT", "Could not find value for parameter {file}");
  }
  const name = outcome.part.filename || "file";
  const filed = state.disk.upload(ticket, name, writer.end());
  if (!filed.ok) {
    return filed.reason === "unknown-ticket"
      ? fail(res, 401, "INVALID_CREDENTIALS", "Invalid request credentials")
      : // Bitrix24 Drive's "non-unique name" error (pass generateUniqueName=true to get "name (1).ext").
        fail(res, 400, "DISK_OBJ_22000", `A file named "${name}" already exists in this folder`);
  }
  state.changes.emit({ kind: "disk", action: "add" });
  sendJson(res, 200, { result: renderDiskObject(state.disk, filed.file, portalUrl, { made: true }) });
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
  res.end("Not Found");
}

/** Sends a file's bytes as they are stored (its chunks, never joined), with its name and type. */
function sendBytes(ctx: ExtraRouteContext, name: string, hash: string): void {
  const { req, res, state } = ctx;
  const chunks = state.disk.bytes.chunks(hash);
  const size = state.disk.bytes.info(hash)?.size;
  if (!chunks || size === undefined) return notFound(res);
  res.writeHead(200, {
    "Content-Type": mimeOf(name),
    "Content-Length": size,
    "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  if (req.method === "HEAD") return void res.end();
  let i = 0;
  const pump = () => {
    while (i < chunks.length) if (!res.write(chunks[i++])) return void res.once("drain", pump);
    res.end();
  };
  pump();
}

function download(ctx: ExtraRouteContext): void {
  const { req, res, url, state } = ctx;
  const found = state.disk.byDownloadToken(decodeURIComponent(url.pathname.slice("/download/".length)));
  if (!found || (req.method !== "GET" && req.method !== "HEAD")) return notFound(res);
  sendBytes(ctx, String(found.file.NAME), String((found.version ?? found.file).CONTENT));
}

function externalLink(ctx: ExtraRouteContext): void {
  const { req, res, url, state } = ctx;
  const row = state.disk.byExternalLink(decodeURIComponent(url.pathname.slice("/~".length)));
  if (!row || row.DELETED_TYPE !== 0 || (req.method !== "GET" && req.method !== "HEAD")) return notFound(res);
  if (row.TYPE === "file") return sendBytes(ctx, String(row.NAME), String(row.CONTENT));
  const names = state.disk.childrenOf(Number(row.ID)).map((child: DiskRow) => `${String(child.NAME)}${child.TYPE === "folder" ? "/" : ""}`);
  const text = `${String(row.NAME)}/\n${names.map((n) => `  ${n}\n`).join("")}`;
  res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(req.method === "HEAD" ? undefined : text);
}

export const diskRoutes: readonly ExtraRoute[] = [
  { prefix: "/upload/", handle: upload, streamsBody: true },
  { prefix: "/download/", handle: download },
  { prefix: "/~", handle: externalLink },
];
