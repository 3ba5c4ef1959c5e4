#!/usr/bin/env node
// Entry point of the `oint` bin.
import { run } from "./run.js";
import { redactUrl } from "../transport/redact.js";
import { errorPrefix } from "./colour.js";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${errorPrefix()} unexpected error: ${redactUrl(String((error as Error)?.message ?? error))}\n`);
    process.exitCode = 99;
  },
);
