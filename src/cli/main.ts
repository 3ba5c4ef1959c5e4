#!/usr/bin/env node
// Entry point of the `oint` bin.
import { run } from "./run.js";
import { redactUrl } from "../transport/redact.js";
import { errorPrefix } from "./colour.js";

// A reader that went away (`oint … | head -1`) is not the command's failure: the rest of the output
// is dropped and the exit code stays the command's, without a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${errorPrefix()} unexpected error: ${redactUrl(String((error as Error)?.message ?? error))}\n`);
    process.exitCode = 99;
  },
);
