// Build step after tsc: the web page's files (HTML, CSS, browser JS, pictures) are not TypeScript,
// so tsc leaves them out of dist/; copy them next to the compiled portal (type stubs stay behind).
// Then mark dist/cjs/ (tsconfig.cjs.json's CommonJS build of the library) as CommonJS, so Node and
// TypeScript read its .js and .d.ts files as such inside this "type": "module" package.
import { cpSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
cpSync(join(root, "src/portal/web/assets"), join(root, "dist/portal/web/assets"), {
  recursive: true,
  filter: (source) => !source.endsWith(".d.ts"),
});
if (existsSync(join(root, "dist/cjs"))) writeFileSync(join(root, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
