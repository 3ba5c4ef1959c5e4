// `--log FILE`: what the server did, one line each (`[date] text`, as OpenIntegrations writes it).
// Lines are written already masked by the caller; the file is created owner-only.
import { appendFileSync, closeSync, openSync } from "node:fs";
import { InputError } from "../transport/errors.js";

export interface Logger {
  write(line: string): void;
}

export function openLog(path: string | undefined): Logger {
  if (!path) return { write: () => {} };
  try {
    closeSync(openSync(path, "a", 0o600));
  } catch (error) {
    throw new InputError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, "--log");
  }
  return {
    write: (line) => {
      try {
        appendFileSync(path, `[${new Date().toISOString()}] ${line}\n`);
      } catch {
        /* a log that cannot be written must not stop the server */
      }
    },
  };
}
