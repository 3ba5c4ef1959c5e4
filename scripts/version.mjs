// Build step before tsc: writes src/version.ts from package.json, so the CLI's --version and the
// client's user agent say the version being built (one place: package.json). The file is committed
// so that tsx (tests, OINT_CLI_SOURCE=1) and tsc find it; test/cli-habits.test.ts checks it matches.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const file = join(root, "src", "version.ts");
const text = `// Generated from package.json by scripts/version.mjs (npm run build): do not edit.\nexport const VERSION = ${JSON.stringify(version)};\n`;
let current = "";
try {
  current = readFileSync(file, "utf8");
} catch {
  /* first build */
}
if (current !== text) writeFileSync(file, text);
