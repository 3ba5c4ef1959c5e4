// `node --import ./test/mcp-conformance-node20.mjs …/conformance/dist/index.js`: the official MCP
// conformance CLI imports `globSync` from `fs`, which Node 20 lacks (it came in Node 22). Only its
// `tier-check` command uses it; for the server scenarios a stub is enough. On Node 22+ nothing changes.
import fs from "node:fs";
import { register } from "node:module";

const STUB = `export * from "node:fs"; import fs from "node:fs"; export default fs;
export function globSync() { throw new Error("globSync needs Node 22 or newer"); }`;

export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL?.includes("/@modelcontextprotocol/conformance/")) {
    return { url: `data:text/javascript,${encodeURIComponent(STUB)}`, shortCircuit: true };
  }
  return next(specifier, context);
}

if (!("globSync" in fs)) register(import.meta.url);
