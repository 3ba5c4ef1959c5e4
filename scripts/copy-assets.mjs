// Build step after tsc: the web page's files (HTML, CSS, browser JS, pictures) are not TypeScript,
// so tsc leaves them out of dist/; copy them next to the compiled portal (type stubs stay behind).
import { cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
cpSync(join(root, "src/portal/web/assets"), join(root, "dist/portal/web/assets"), {
  recursive: true,
  filter: (source) => !source.endsWith(".d.ts"),
});
