// Reads a bulk-send file: JSON Lines, one SendMessage per line, each checked up front with
// SendMessage's own definition (the same payload rules as `oint bitrix24 SendMessage`), so a bad
// line stops the run before anything is sent.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildPayload } from "../catalogue/invoke.js";
import type { ParamSpec } from "../catalogue/define.js";
import { sendMessage } from "../catalogue/regions/messages.js";
import { InputError } from "../transport/errors.js";

export interface BulkLine {
  /** 1-based line number in the file (blank lines count, so numbers match an editor's). */
  line: number;
  /** The im.message.add payload, built and checked by SendMessage's definition. */
  payload: Record<string, unknown>;
}

export interface BulkFile {
  lines: BulkLine[];
  /** sha256 of the file's bytes: a journal belongs to exactly one file content. */
  digest: string;
}

/** Keys a line may use: SendMessage's library names and CLI option names, except url and token. */
const KEYS = new Map<string, ParamSpec>();
for (const param of sendMessage.params as readonly ParamSpec[]) {
  if (param.kind === "url" || param.kind === "token") continue; // a line never redirects the connection
  KEYS.set(param.name, param);
  KEYS.set(param.option, param);
}

/** A problem with one line: the CLI prints it with the line number and sends nothing. */
export class LineError extends InputError {
  constructor(readonly line: number, problem: string) {
    super(`line ${line}: ${problem}`, "--file");
  }
}

/** Reads and checks every line (of `path`, or of `piped`: stdin's bytes); throws LineError (the first bad line) or InputError (no file). */
export async function readBulkFile(path: string, piped?: Buffer): Promise<BulkFile> {
  let bytes: Buffer;
  try {
    bytes = piped ?? readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, "--file");
  }
  const lines: BulkLine[] = [];
  const texts = bytes.toString("utf8").split(/\r?\n/);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i].trim();
    if (!text) continue;
    lines.push({ line: i + 1, payload: await checkLine(i + 1, text) });
  }
  if (lines.length === 0) throw new InputError(`${path} has no messages (one JSON object per line)`, "--file");
  return { lines, digest: createHash("sha256").update(bytes).digest("hex") };
}

/**
 * A line is data: every value must be the JSON value itself. On the command line a structure may be
 * JSON text or a path to a .json file, but a line is often built from untrusted data, so a string
 * where a structure belongs is refused here, before SendMessage's coercion could read a local file
 * (and send or echo its content).
 */
function notData(param: ParamSpec, value: unknown): string | undefined {
  if (value === null) return undefined; // an empty value, left out like on the command line
  switch (param.kind) {
    case "array":
    case "json":
    case "map":
      return typeof value === "object" ? undefined : `must be a JSON ${param.kind === "map" ? "object" : "array or object"} in the line itself (a string is not read as JSON text or a file path)`;
    case "flag":
    case "boolean":
      return typeof value === "boolean" || typeof value === "string" || typeof value === "number" ? undefined : "must be true or false";
    case "binary":
      return "cannot be given in a bulk line";
    default:
      return typeof value === "string" || typeof value === "number" ? undefined : "must be a string or a number";
  }
}

async function checkLine(line: number, text: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the line; only where it broke is said.
    throw new LineError(line, `not valid JSON (${(error as Error).message.replace(/, ".*" is not valid JSON$/s, "").replace(/^Unexpected token '.*?'/s, "Unexpected token")})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new LineError(line, "must be a JSON object like {\"chat\":\"chat1\",\"text\":\"Hi\"}");
  const values: Record<string, unknown> = { url: "bulk" }; // the connection comes from the command line
  for (const [key, v] of Object.entries(value)) {
    const param = KEYS.get(key);
    if (!param) throw new LineError(line, `unknown field "${key}" (use SendMessage's options: ${[...new Set([...KEYS.values()].map((p) => p.option))].join(", ")})`);
    if (values[param.name] !== undefined) throw new LineError(line, `"${param.option}" is given twice`);
    const problem = notData(param, v);
    if (problem) throw new LineError(line, `${param.option}: ${problem}`);
    values[param.name] = v;
  }
  try {
    return await buildPayload(sendMessage, values);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const param = (sendMessage.params as readonly ParamSpec[]).find((p) => p.name === error.parameter);
    throw new LineError(line, param ? `${param.option}: ${error.problem}` : error.problem);
  }
}
