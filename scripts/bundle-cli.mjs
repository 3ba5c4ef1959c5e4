// Build step after tsc: the `oint` bin (dist/cli/main.js) as a few bundled chunks made from tsc's own
// output. Node 20's ES-module loader reads, resolves and links every file separately, about half a
// millisecond each: a REST call that loaded oint's ~35 modules one by one spent some 10 ms of an
// 80 ms start-up doing that (bench/startup.ts, bench/one-request.ts).
//
// Rollup splits the CLI at its dynamic imports and, unlike a plain splitter, leaves a module in the
// chunk that already loaded it instead of cutting a shared chunk for every combination of importers.
// A local command (GetPictureBlock) loads two files: the CLI and its region's definitions; a REST
// call adds one, `bundle-rest` (the client, its transport and profiles). Help, completion, bulk send,
// the MCP server and the local portal stay chunks loaded on first use; packages stay in node_modules.
// The library (dist/index.js, dist/cjs/) is tsc's output and is not bundled.
import { readdirSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outdir = join(dist, "cli");

/** What every REST call needs and no local command does: one chunk instead of five. */
const REST = ["transport/client.js", "transport/limiter.js", "transport/oauth.js", "transport/paging.js", "transport/retry.js", "transport/endpoint.js", "transport/envelope.js", "transport/answer.js", "transport/http.js", "transport/oauth-token.js", "transport/connections.js", "cli/profile.js", "cli/profile-file.js"].map((file) => join(dist, file));

// A module that finds files next to itself (the portal's web page: `new URL("./assets/",
// import.meta.url)`) keeps finding them where tsc put it: inside a chunk, its import.meta.url is that
// file's place in dist/, computed from the chunk's own URL (every chunk is in dist/cli/).
const compiledLocation = {
  name: "compiled-location",
  transform(code, id) {
    if (!id.startsWith(dist + sep) || !code.includes("import.meta.url")) return null;
    const compiled = relative(outdir, id).replace(/\\/g, "/");
    return { code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(compiled)}, import.meta.url).href`), map: null };
  },
};

let loaded;
/** The modules `entry` loads before it runs: its static imports, all the way down. */
function staticallyLoaded(entry, getModuleInfo) {
  if (loaded) return loaded;
  loaded = new Set();
  const visit = (id) => {
    if (loaded.has(id)) return;
    loaded.add(id);
    for (const next of getModuleInfo(id)?.importedIds ?? []) visit(next);
  };
  visit(entry);
  return loaded;
}

const bundle = await rollup({
  input: { main: join(outdir, "main.js") },
  external: (id) => isBuiltin(id) || !(id.startsWith(".") || id.startsWith("/")), // packages and node: modules
  plugins: [compiledLocation],
  onwarn(warning, warn) {
    if (warning.code !== "CIRCULAR_DEPENDENCY") warn(warning);
  },
});
const { output } = await bundle.write({
  dir: outdir,
  format: "esm",
  entryFileNames: "[name].js",
  chunkFileNames: "bundle-[name]-[hash].js",
  manualChunks(id, { getModuleInfo }) {
    if (REST.includes(id)) return "rest";
    // A manual chunk takes its modules' dependencies with it unless they have a chunk of their own:
    // what the CLI itself loads stays in main.js.
    if (staticallyLoaded(join(outdir, "main.js"), getModuleInfo).has(id)) return "main";
    return undefined;
  },
});
await bundle.close();

// Chunks of an earlier build (their names carry a content hash) are removed once the new ones are
// written, so a CLI started meanwhile finds its files.
const written = new Set(output.map((chunk) => chunk.fileName));
for (const name of readdirSync(outdir)) {
  if (/^bundle-.*\.js$/.test(name) && !written.has(name)) rmSync(join(outdir, name));
}
