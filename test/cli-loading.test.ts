// What a command loads before it answers: the bin's start-up is what every script pays, thousands of
// times (bench/startup.ts and bench/one-request.ts time it; this keeps its shape from regressing).
// A load hook records every module the built CLI loads; the test reads that record.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CLI, runCli, usePortal, useScratchDir } from "./helpers.js";

const scratch = useScratchDir();
const ctx = usePortal();

// Runs in the loader's own thread: every URL a load reaches, one line each, appended to $OINT_LOAD_LOG.
const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(process.env.OINT_LOAD_LOG, url + "\\n"); return next(url, context); }`;
const REGISTER = `import { register } from "node:module"; register("data:text/javascript,${encodeURIComponent(HOOKS)}");`;

let runs = 0;
/** The command's exit, output and the modules it loaded: oint's own files (relative to dist/cli/) and node: built-ins. */
async function loadsOf(args: string[]): Promise<{ code: number; stdout: string; own: string[]; builtins: string[] }> {
  const log = join(scratch.path, `loads-${++runs}.txt`);
  const run = await runCli(args, { nodeArgs: ["--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`], env: { OINT_LOAD_LOG: log } });
  const urls = readFileSync(log, "utf8").trim().split("\n");
  const dir = new URL(".", `file://${CLI}`).href;
  return {
    code: run.code,
    stdout: run.stdout,
    own: urls.filter((u) => u.startsWith(dir)).map((u) => u.slice(dir.length)),
    builtins: urls.filter((u) => u.startsWith("node:")),
  };
}

describe("what a command loads", { skip: process.env.OINT_CLI_SOURCE === "1" && "runs the built bin only" }, () => {
  it("a local command loads the CLI and its own region's definitions, nothing of the transport", async () => {
    const run = await loadsOf(["bitrix24", "GetPictureBlock", "--title", "x", "--url", "https://example.com/a.png"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /"LINK": "https:\/\/example.com\/a.png"/);
    assert.equal(run.own.length, 2, `loaded: ${run.own.join(", ")}`);
    assert.equal(run.own[0], "main.js");
    assert.match(run.own[1]!, /^bundle-messages-/);
    assert.ok(!run.builtins.some((b) => /^node:(http|https|crypto|zlib)$/.test(b)), `built-ins: ${run.builtins.join(", ")}`);
  });

  it("a REST call adds one chunk, the client with its transport and profiles, and loads node:http, not node:https", async () => {
    const run = await loadsOf(["bitrix24", "ServerTime", "--url", ctx.portal.webhookUrl]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /"result": "\d{4}-/);
    assert.equal(run.own.length, 3, `loaded: ${run.own.join(", ")}`);
    assert.deepEqual(new Set(run.own.map((f) => f.replace(/-[\w-]{8}\.js$/, ""))), new Set(["main.js", "bundle-rest", "bundle-settings"]));
    assert.ok(run.builtins.includes("node:http"));
    assert.ok(!run.builtins.includes("node:https"), `built-ins: ${run.builtins.join(", ")}`);
  });
});
