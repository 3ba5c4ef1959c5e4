// Reads a bulk-send file: JSON Lines, one SendMessage per line, each checked up front with
// SendMessage's own definition (the same payload rules as `oint bitrix24 SendMessage`), so a bad
// line stops the run before anything is sent.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildPayload } from "../catalogue/invoke.js";
import type { ParamSpec } from "../catalogue/define.js";
import { sendMessage } from "../catalogue/regions/messages.js";
import { InputError } from "../transport/errors.js";
import { pathProblem } from "./paths.js";

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
  /** `column`: 1-based, in characters, where the problem is (JSON syntax errors). */
  constructor(readonly line: number, problem: string, readonly column?: number) {
    super(`line ${line}${column !== undefined ? `, column ${column}` : ""}: ${problem}`, "--file");
  }
}

/** Reads and checks every line (of `path`, or of `piped`: stdin's bytes); throws LineError (the first bad line) or InputError (no file). */
export async function readBulkFile(path: string, piped?: Buffer): Promise<BulkFile> {
  let bytes: Buffer;
  try {
    bytes = piped ?? readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read the messages file: ${pathProblem(error, path)}`, "--file");
  }
  const lines: BulkLine[] = [];
  const texts = bytes.toString("utf8").split(/\r?\n/);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i].trim();
    if (!text) continue;
    lines.push({ line: i + 1, payload: await checkLine(i + 1, text, texts[i].length - texts[i].trimStart().length) });
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

/**
 * Where and why `text` is not JSON (JSON.parse's grammar, RFC 8259), or undefined when it is: `at`
 * is an index into `text`, `problem` a description that never quotes the text. JSON.parse's own
 * message is not used: it quotes the text it failed on ("SECRET {…" is not valid JSON), in a form
 * that changes between Node versions, and a line can hold anything (a token, personal data).
 * Iterative (an explicit stack), so a deeply nested line cannot overflow the call stack.
 */
export function jsonProblem(text: string): { at: number; problem: string } | undefined {
  const n = text.length;
  let i = 0;
  const bad = (problem: string, at = i) => ({ at: Math.min(at, n), problem: at >= n ? "the line ends before its JSON value is complete" : problem });
  const skip = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const digit = () => i < n && text[i] >= "0" && text[i] <= "9";
  const string = () => {
    const start = i++;
    for (;;) {
      if (i >= n) return bad('a string is not closed (no closing ")', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) return bad("a control character (a tab, a line break) inside a string must be written as an escape (\\t, \\n)");
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return bad("\\u in a string must be followed by 4 hex digits");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return bad(e === undefined ? 'a string is not closed (no closing ")' : 'an unknown escape in a string (\\ must be followed by one of " \\ / b f n r t u)', e === undefined ? start : i);
        continue;
      }
      i++;
    }
  };
  const number = () => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (digit()) while (digit()) i++;
    else return bad("a number needs a digit here");
    if (text[i] === ".") {
      i++;
      if (!digit()) return bad("a number needs a digit after its decimal point");
      while (digit()) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!digit()) return bad("a number needs a digit in its exponent");
      while (digit()) i++;
    }
    return undefined;
  };
  const key = () => {
    skip();
    if (text[i] !== '"') return bad("expected a field name in double quotes");
    const problem = string();
    if (problem) return problem;
    skip();
    if (text[i] !== ":") return bad('expected ":" after a field name');
    i++;
    return undefined;
  };
  const closers: string[] = [];
  for (;;) {
    // A value.
    skip();
    const c = text[i];
    if (c === "{" || c === "[") {
      i++;
      skip();
      const close = c === "{" ? "}" : "]";
      if (text[i] === close) i++;
      else {
        closers.push(close);
        const problem = close === "}" ? key() : undefined;
        if (problem) return problem;
        continue;
      }
    } else if (c === '"') {
      const problem = string();
      if (problem) return problem;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const problem = number();
      if (problem) return problem;
    } else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!word) return bad("expected a value (an object, a list, a string in double quotes, a number, true, false or null)");
      i += word.length;
    }
    // After a value: close what ends here, then the next value or the end.
    for (;;) {
      skip();
      const close = closers.at(-1);
      if (close === undefined) return i < n ? bad("unexpected text after the JSON value (one JSON object per line)") : undefined;
      if (text[i] === close) {
        closers.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return bad(close === "}" ? 'expected "," or "}" after a field\'s value' : 'expected "," or "]" after a list item');
      i++;
      const problem = close === "}" ? key() : undefined;
      if (problem) return problem;
      break;
    }
  }
}

/** What an unknown field name looks like when it may be shown; anything else could be data (a secret). */
const FIELD_LIKE = /^[a-z][a-zA-Z_-]{0,23}$/;

/** `text`: the line without its outer spaces, which were `indent` characters (for the column). */
async function checkLine(line: number, text: string, indent = 0): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Said: where it broke and what kind of problem, never the line's content (the parser's message quotes it).
    const found = jsonProblem(text) ?? { at: Number(/at position (\d+)/.exec((error as Error).message)?.[1] ?? 0), problem: "JSON.parse refused it" };
    throw new LineError(line, `not valid JSON: ${found.problem}`, indent + [...text.slice(0, found.at)].length + 1);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new LineError(line, "must be a JSON object like {\"chat\":\"chat1\",\"text\":\"Hi\"}");
  const values: Record<string, unknown> = { url: "bulk" }; // the connection comes from the command line
  for (const [key, v] of Object.entries(value)) {
    const param = KEYS.get(key);
    if (!param) throw new LineError(line, `unknown field ${FIELD_LIKE.test(key) ? `"${key}"` : "(its name is not shown: it does not look like a field name)"} (use SendMessage's options: ${[...new Set([...KEYS.values()].map((p) => p.option))].join(", ")})`);
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
