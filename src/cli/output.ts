// How results are printed: valid JSON with double quotes (OpenIntegrations' CLI prints single
// quotes, which no JSON parser reads), indented by one space like OpenIntegrations' samples.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../transport/errors.js";

export function formatResult(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

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
    throw new InputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, "--out");
  }
  process.stderr.write(`oint: ${Buffer.byteLength(text)} bytes written to ${path}\n`);
}
