// `--option -`: the value read from stdin (loaded only then). Text as it comes, less its final line
// break; a URL or token trimmed (and, like every secret, never shown); a structure must be JSON
// text (an object or a list: data from a pipe is never taken for a file path); a file's bytes as
// they are.
import type { ParamSpec } from "../catalogue/define.js";
import { InputError } from "../transport/errors.js";

const STRUCTURES = new Set(["array", "map", "json", "files"]);

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The value of `param` from the bytes read on stdin. */
export function stdinValue(param: ParamSpec, bytes: Buffer): unknown {
  if (param.kind === "binary") {
    if (!bytes.length) throw new InputError("stdin (-) is empty: no file content was piped in", param.name);
    return bytes;
  }
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (STRUCTURES.has(param.kind)) {
    const trimmed = text.trim();
    if (!/^[[{]/.test(trimmed)) throw new InputError("from stdin (-) must be JSON text: an object or a list", param.name);
    return trimmed;
  }
  const value = param.kind === "url" || param.kind === "token" || param.secret ? text.trim() : text.replace(/\r?\n$/, "");
  // An empty pipe (`echo -n "" | …`, a variable that was empty) says so, rather than some later problem.
  if (value === "") throw new InputError("stdin (-) is empty: nothing was piped in", param.name);
  return value;
}

/** Reads the option's value, with a hint on stderr when stdin is a terminal (end with Ctrl-D). */
export async function valueFromStdin(param: ParamSpec): Promise<unknown> {
  if (process.stdin.isTTY) process.stderr.write(`oint: reading --${param.option} from the terminal; end with Ctrl-D\n`);
  return stdinValue(param, await readStdin());
}
