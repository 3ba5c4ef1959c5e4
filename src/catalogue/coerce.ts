// OpenIntegrations' value rules (opi-bitrix24.md §4.3-4.4), shared by the library and the CLI:
// every value may arrive as text, so structures are read from JSON text (single quotes allowed) or a
// .json file, IDs are sent as strings, flags as "Y"/"N", and empty values are left out.
// Where OpenIntegrations silently sends garbage (invalid JSON wrapped into an array), we refuse.
import { readFileSync, statSync } from "node:fs";
import { dirname, parse } from "node:path";
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

/**
 * A value as an error message may quote it: short text, prose and paths as they are, anything
 * else long (it could be a token or a secret typed in the wrong place) only by its length.
 */
export function showInput(value: unknown): string {
  const text = toText(value);
  if (text.length <= 12 || /[\s/.]/.test(text)) return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return `the value (${text.length} characters, not shown in case it is a secret)`;
}

/** True for text that names an existing file; such values are read, never sent as they are. */
export function isExistingFile(text: string): boolean {
  return pathKind(text) === "file";
}

/** What a value names on this machine: a regular file, a directory, something else (a FIFO, a device), or nothing. */
function pathKind(text: string): "file" | "directory" | "other" | "none" {
  if (!text || text.length > 4096 || /^\s*[[{]/.test(text)) return "none";
  try {
    const stat = statSync(text, { throwIfNoEntry: false });
    if (!stat) return "none";
    return stat.isFile() ? "file" : stat.isDirectory() ? "directory" : "other";
  } catch {
    return "none"; // a name too long for the file system, a component that is a file (ENOTDIR), …
  }
}

const REASONS: Record<string, string> = { EACCES: "permission denied", EPERM: "not permitted", EISDIR: "a directory", EIO: "input/output error" };

/**
 * The file a value names, read; `undefined` when the value names nothing on disk. A directory,
 * something that is not a regular file, or a file that cannot be read is bad input, not a value.
 */
function readNamedFile(text: string, param: ParamSpec): Buffer | undefined {
  const kind = pathKind(text);
  if (kind === "none") {
    if (looksLikeMissingPath(text)) throw inputError(`the file ${text} does not exist`, param.name);
    return undefined;
  }
  if (kind === "directory") throw inputError(`${text} is a directory, not a file`, param.name);
  if (kind === "other") throw inputError(`${text} is not a regular file`, param.name);
  try {
    return readFileSync(text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw inputError(`cannot read the file ${text}${code ? `: ${code}${REASONS[code] ? ` (${REASONS[code]})` : ""}` : ""}`, param.name);
  }
}

/**
 * A path whose folder exists but whose file does not: `/tmp/reprot.pdf`, `docs/blocks`. Such a value
 * is a mistyped path, even when its characters would also pass for Base64 (`/` is a Base64 digit),
 * so it is refused rather than sent as something else. Text naming no existing folder is not a path.
 */
function looksLikeMissingPath(text: string): boolean {
  if (text.length > 4096 || !text.includes("/") || /^\s*[[{]/.test(text) || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return false;
  // The root and the working directory are every path's ancestors: they say nothing.
  for (let dir = dirname(text); dir !== "." && dir !== parse(dir).root; dir = dirname(dir)) {
    if (pathKind(dir) === "directory") return true;
  }
  return false;
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
      throw inputError(`${source} is not valid JSON (${jsonProblem(text, strictError as Error)})`, param.name);
    }
  }
}

/**
 * Where JSON text goes wrong, without quoting it (it may hold a token): Node's message names the
 * unexpected character and quotes the text around it, so only the kind of problem and its line and
 * column are kept.
 */
function jsonProblem(text: string, error: Error): string {
  const at = /position (\d+)/.exec(error.message)?.[1];
  const kind = /^Unexpected end|^Expected/.test(error.message) ? "something is missing" : /^Unexpected non-whitespace/.test(error.message) ? "there is more after it" : "an unexpected character";
  if (at === undefined) return kind;
  const before = text.slice(0, Number(at)).split("\n");
  return `${kind} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** A structure from an object, JSON text or a path to a .json file; `undefined` when the text is neither. */
async function readStructure(value: unknown, param: ParamSpec): Promise<unknown> {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text) return undefined;
  if (text.startsWith("{") || text.startsWith("[")) return parseJson(text, param, "the value");
  const file = readNamedFile(text, param);
  if (file) return parseJson(file.toString("utf8").replace(/^\uFEFF/, ""), param, `the file ${text}`);
  if (/\.json$/i.test(text)) throw inputError(`the file ${text} does not exist`, param.name);
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
  // Files are named by their file name ({"photo.png":"./photo.png"}); other objects by their fields.
  const example = param.kind === "files" ? '{"photo.png":"./photo.png"}' : '{"TITLE":"…"}';
  throw inputError(`expected a JSON object (e.g. ${example}) or a path to a .json file`, param.name);
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
  throw inputError(`expected true or false, got ${showInput(value)}`, param.name);
}

/**
 * Bytes from a Uint8Array, a path to a file, an http(s) URL (downloaded) or Base64 text
 * (OpenIntegrations' ПолучитьДвоичныеДанные). A directory or an unreadable file is refused, as is
 * text that could be a mistyped file name as well as Base64 (see looksLikeMissingPath, SHORT_WORD).
 */
export async function toBinary(value: unknown, param: ParamSpec): Promise<Buffer> {
  if (value instanceof Uint8Array) return Buffer.from(value);
  const text = toText(value).trim();
  const file = readNamedFile(text, param);
  if (file) return file;
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
  if (compact && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0) {
    if (SHORT_WORD.test(compact)) throw inputError(`the file ${text} does not exist (and it is too short to be taken for Base64 text)`, param.name);
    return Buffer.from(compact, "base64");
  }
  throw inputError(`${showInput(text)} is not a path to an existing file, an http(s) URL or Base64 text`, param.name);
}

/**
 * Letters, digits and slashes only, under 16 characters (under 12 bytes), no padding: `data`,
 * `Makefile`, `/srv/logo`. As Base64 it would be a few bytes of nothing; as a file name it is a typo.
 */
const SHORT_WORD = /^[A-Za-z0-9/]{1,15}$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const localDate = (d: Date) => `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
const offsetOf = (d: Date) => {
  const minutes = -d.getTimezoneOffset();
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
};
// yyyy-MM-dd, then optionally THH:mm[:ss[.fff]] (or a space), then optionally Z or ±hh[:]mm.
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// dd.MM.yyyy [HH:mm[:ss]], as 1C users write dates.
const DOTTED = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}:\d{2})(:\d{2})?)?$/;

/** A date or date-time as its parts: the local date, time and zone as written (or of a Date, in local time). */
function dateParts(value: unknown, param: ParamSpec): { date: string; time: string; zone?: string; instant?: Date } {
  const parts = readDateParts(value, param);
  if (!realDate(parts.date, parts.time, parts.zone)) throw inputError(`${showInput(value)} is not a real date and time (month 1-12, a day the month has, hours 0-23, minutes and seconds 0-59, offsets up to ±14:00)`, param.name);
  return parts;
}

/** True when the written date, time and zone name a moment that exists (no month 13, no 25:00, no Feb 30). */
function realDate(date: string, time: string, zone: string | undefined): boolean {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, se] = time.split(":").map(Number);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate(); // the month's last day
  const zoneOk = !zone || zone === "Z" || (/^[+-](\d{2}):(\d{2})$/.test(zone) && Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(4, 6)) < 60);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && se <= 59 && zoneOk;
}

function readDateParts(value: unknown, param: ParamSpec): { date: string; time: string; zone?: string; instant?: Date } {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw inputError("is an invalid Date", param.name);
    return { date: localDate(value), time: localTime(value), zone: offsetOf(value), instant: value };
  }
  const text = toText(value).trim();
  const iso = ISO_LIKE.exec(text);
  if (iso) {
    const zone = iso[4] ? (iso[4].toUpperCase() === "Z" ? "Z" : iso[4].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")) : undefined;
    const time = `${iso[2] ?? "00:00"}${iso[3] ?? ":00"}`;
    return { date: iso[1], time, zone, instant: zone ? new Date(`${iso[1]}T${time}${zone}`) : undefined };
  }
  const dotted = DOTTED.exec(text);
  if (dotted) return { date: `${dotted[3]}-${dotted[2]}-${dotted[1]}`, time: `${dotted[4] ?? "00:00"}${dotted[5] ?? ":00"}` };
  throw inputError(`expected a date (yyyy-MM-dd, yyyy-MM-ddTHH:mm:ss, with Z or an offset, or dd.MM.yyyy), got ${showInput(value)}`, param.name);
}

/** `yyyy-MM-dd` (OpenIntegrations' ДатаБезВремени); empty stays empty. */
export function toDate(value: unknown, param: ParamSpec): string {
  if (value === undefined || value === null || value === "") return "";
  return dateParts(value, param).date;
}

/**
 * ISO date-time as OpenIntegrations sends it: `yyyy-MM-ddTHH:mm:ss` ("local", ДатаISO), the same
 * in UTC with `Z` ("utc", ДатаISOZ), or with the zone offset ("offset"). A value that names its zone
 * is converted; one that does not is taken as written (and, for "offset", as this machine's time).
 */
export function toDateTime(value: unknown, param: ParamSpec): string {
  if (value === undefined || value === null || value === "") return "";
  const parts = dateParts(value, param);
  const format = param.format ?? "local";
  if (format === "utc") {
    if (parts.instant && parts.zone !== "Z") return `${parts.instant.toISOString().slice(0, 19)}Z`;
    return `${parts.date}T${parts.time}Z`;
  }
  if (format === "offset") {
    const zone = parts.zone ?? offsetOf(new Date(`${parts.date}T${parts.time}`));
    return `${parts.date}T${parts.time}${zone === "Z" ? "+00:00" : zone}`;
  }
  return `${parts.date}T${parts.time}`;
}

/** A map file name -> path, URL, bytes or Base64 as `[[name, base64], …]` (OpenIntegrations' NormalizeFiles). */
export async function toFiles(value: unknown, param: ParamSpec): Promise<[string, string][]> {
  if (value === undefined || value === null || value === "") return [];
  const map = value instanceof Uint8Array ? undefined : await toMap(value, param);
  if (!map) throw inputError("expected a map of file names to paths, URLs or bytes ({\"a.txt\": \"/path/a.txt\"})", param.name);
  const out: [string, string][] = [];
  for (const [name, content] of Object.entries(map)) out.push([name, (await toBinary(content, { ...param, name: `${param.name}.${name}` })).toString("base64")]);
  return out;
}

/** One text as a label in every language Bitrix24 shows (`{ en, ru }`); empty stays empty. */
export function toLabel(value: unknown): Record<string, string> | "" {
  const text = toText(value);
  return text ? { en: text, ru: text } : "";
}
