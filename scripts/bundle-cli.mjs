// Build step after tsc: the `oint` bin (dist/cli/main.js) as one bundle split at its dynamic imports.
// Node 20's ES-module loader reads, resolves and links every file separately: for a command that
// loads some 30 of oint's modules that cost about 10 ms of an 80 ms start-up (bench/startup.ts,
// bench/one-request.ts). The bundle is the same code, one definition per function: every module the
// CLI runs comes from it (profiles, bulk send, the MCP server and the local portal are chunks loaded
// on first use), and packages stay in node_modules. The library (dist/index.js, dist/cjs/) is tsc's
// output and is not bundled.
import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const outdir = join(root, "dist", "cli");

// A module that finds files next to itself (the portal's web page: `new URL("./assets/",
// import.meta.url)`) keeps finding them where tsc put it: inside the bundle, its import.meta.url is
// that file's place in dist/, computed from the chunk's own URL (every chunk is in dist/cli/).
const compiledLocation = {
  name: "compiled-location",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const contents = readFileSync(args.path, "utf8");
      if (!args.path.startsWith(src) || !contents.includes("import.meta.url")) return undefined;
      const compiled = relative(outdir, join(root, "dist", relative(src, args.path))).replace(/\\/g, "/").replace(/\.ts$/, ".js");
      return { contents: contents.replaceAll("import.meta.url", `new URL(${JSON.stringify(compiled)}, import.meta.url).href`), loader: "ts" };
    });
  },
};

const result = await build({
  absWorkingDir: root, // metafile paths are relative to it
  entryPoints: { main: join(src, "cli", "main.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  chunkNames: "bundle-[name]-[hash]",
  plugins: [compiledLocation],
  logLevel: "warning",
  metafile: true,
});

// Chunks of an earlier build (their names carry a content hash) are removed once the new ones are
// written, so a CLI started meanwhile finds its files.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => join(root, file)));
for (const name of readdirSync(outdir)) {
  if (/^bundle-.*\.js$/.test(name) && !written.has(join(outdir, name))) rmSync(join(outdir, name));
}
