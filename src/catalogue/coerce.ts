// OpenIntegrations' value rules (opi-bitrix24.md §4.3-4.4), shared by the library and the CLI:
// every value may arrive as text, so structures are read from JSON text (single quotes allowed) or a
// .json file, IDs are sent as strings, flags as "Y"/"N", and empty values are left out.
// Where OpenIntegrations silently sends garbage (invalid JSON wrapped into an array), we refuse.
import { existsSync, readFileSync, statSync } from "node:fs";
import { inputError } from "../transport/errors.js";
import type { ParamSpec } from "./define.js";

/** 1C's "filled" test: "", 0, false, null/undefined and empty collections are not filled. */
export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value as object).length > 0;
  return true;
}

/** Numbers as plain digits, collections as JSON, text as is. */
export function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

/** True for text that names an existing file; such values are read, never sent as they are. */
export function isExistingFile(text: string): boolean {
  if (!text || text.length > 4096 || /^\s*[[{]/.test(text)) return false;
  try {
    return existsSync(text) && statSync(text).isFile();
  } catch {
    return false;
  }
}

let json5: { parse(text: string): unknown } | undefined;

/** Parses JSON, falling back to JSON5 so that OpenIntegrations' single-quoted examples work. */
async function parseJson(text: string, param: ParamSpec, source: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    json5 ??= (await import("json5")).default;
    try {
      return json5.parse(text);
    } catch {
      const reason = (strictError as Error).message.replace(/^JSON\.parse: /, "");
      throw inputError(`${source} is not valid JSON (${reason})`, param.name);
    }
  }
}

/** A structure from an object, JSON text or a path to a .json file; `undefined` when the text is neither. */
async function readStructure(value: unknown, param: ParamSpec): Promise<unknown> {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text) return undefined;
  if (isExistingFile(text)) {
    return parseJson(readFileSync(text, "utf8").replace(/^\uFEFF/, ""), param, `the file ${text}`);
  }
  if (/\.json$/i.test(text)) throw inputError(`the file ${text} does not exist`, param.name);
  if (text.startsWith("{") || text.startsWith("[")) return parseJson(text, param, "the value");
  return undefined;
}

export async function toArray(value: unknown, param: ParamSpec): Promise<unknown[]> {
  if (Array.isArray(value)) return value;
  if (typeof value === "string" ? !value.trim() : !isFilled(value)) return [];
  const structure = await readStructure(value, param);
  if (Array.isArray(structure)) return structure;
  if (structure && typeof structure === "object") return [structure];
  if (param.items === "object") {
    throw inputError(
      "expected a JSON array of objects (e.g. [{\"IMAGE\":{\"NAME\":\"a\",\"LINK\":\"https://…\"}}]), one JSON object, or a path to a .json file",
      param.name,
    );
  }
  return [value];
}

export async function toMap(value: unknown, param: ParamSpec): Promise<Record<string, unknown>> {
  if (value === undefined || value === null || value === "") return {};
  const structure = await readStructure(value, param);
  if (structure && typeof structure === "object" && !Array.isArray(structure)) return structure as Record<string, unknown>;
  throw inputError("expected a JSON object (e.g. {\"TITLE\":\"…\"}) or a path to a .json file", param.name);
}

/** Any structure: an object or list as it is, or parsed from JSON text or a .json file. */
export async function toJson(value: unknown, param: ParamSpec): Promise<unknown> {
  if (value === undefined || value === null || value === "") return "";
  if (value === "N") return "N"; // im.message.update's "remove it"
  const structure = await readStructure(value, param);
  if (structure && typeof structure === "object") return structure;
  throw inputError("expected JSON (an object or a list) or a path to a .json file", param.name);
}

const TRUE = new Set(["true", "y", "yes", "1"]);
const FALSE = new Set(["false", "n", "no", "0", ""]);

export function toBoolean(value: unknown, param: ParamSpec): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  const text = toText(value).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw inputError(`expected true or false, got "${toText(value)}"`, param.name);
}

/**
 * Bytes from a Uint8Array, a path to a file, an http(s) URL (downloaded) or Base64 text
 * (OpenIntegrations' ПолучитьДвоичныеДанные).
 */
export async function toBinary(value: unknown, param: ParamSpec): Promise<Buffer> {
  if (value instanceof Uint8Array) return Buffer.from(value);
  const text = toText(value).trim();
  if (isExistingFile(text)) return readFileSync(text);
  if (/^https?:\/\//i.test(text)) {
    let response: Response;
    try {
      response = await fetch(text, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw inputError(`could not download ${text}: ${(error as Error).message}`, param.name);
    }
    if (!response.ok) throw inputError(`downloading ${text} answered HTTP ${response.status}`, param.name);
    return Buffer.from(await response.arrayBuffer());
  }
  const compact = text.replace(/\s+/g, "");
  if (compact && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0) return Buffer.from(compact, "base64");
  throw inputError(`"${text.slice(0, 80)}" is not a path to an existing file, an http(s) URL or Base64 text`, param.name);
}
