// How results are printed: valid JSON with double quotes (OpenIntegrations' CLI prints single
// quotes, which no JSON parser reads), indented by one space like OpenIntegrations' samples.
import { closeSync, openSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError, OintError } from "../transport/errors.js";

export function formatResult(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

/**
 * Refuses an `--out` path that cannot be written (missing or unwritable folder, a directory, a
 * read-only file), before anything is sent: exit 4 must mean nothing happened. The file is opened
 * for appending (nothing in it changes) and removed again when this check created it.
 */
export function checkWritable(out: string): void {
  const path = resolve(out);
  let existed = false;
  try {
    if (statSync(path).isDirectory()) throw new InputError(`${path} is a directory; give a file path`, "--out");
    existed = true;
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  try {
    closeSync(openSync(path, "a"));
    if (!existed) unlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write ${path}: ${code ? `${code}${REASONS[code] ? ` (${REASONS[code]})` : ""}` : (error as Error).message}`, "--out");
  }
}

/**
 * `--out` must not name a file the command reads (`--file`, `--blocks` from a .json file …): the
 * result would replace it. `inputs`: the options' values as given, by option.
 */
export function checkNotAnInput(out: string, inputs: Readonly<Record<string, unknown>>): void {
  let target;
  try {
    target = statSync(resolve(out));
  } catch {
    return; // a new file is nobody's input
  }
  for (const [option, value] of Object.entries(inputs)) {
    if (typeof value !== "string" || value === "" || value.length > 4096) continue;
    try {
      const input = statSync(resolve(value));
      if (input.isFile() && input.ino === target.ino && input.dev === target.dev) {
        throw new InputError(`${resolve(out)} is also the file of --${option}; the result would replace it: write it elsewhere`, "--out");
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
    }
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such folder",
  ENOTDIR: "a part of the path is not a folder",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "read-only file system",
  EISDIR: "a directory",
};

/** Prints to stdout, or writes to the `--out` file and says so on stderr. */
export function emit(value: unknown, out: string | undefined): void {
  const text = formatResult(value);
  if (!out) {
    process.stdout.write(`${text}\n`);
    return;
  }
  const path = resolve(out);
  try {
    writeFileSync(path, text);
  } catch (error) {
    // Checked before sending (checkWritable), so the call has happened: keep its result on stdout.
    process.stdout.write(`${text}\n`);
    throw new OintError("OUTPUT", `--out: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the result is printed on stdout instead`);
  }
  process.stderr.write(`oint: ${Buffer.byteLength(text)} bytes written to ${path}\n`);
}
