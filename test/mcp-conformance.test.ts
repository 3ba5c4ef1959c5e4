// The official MCP conformance suite (@modelcontextprotocol/conformance) against `oint mcp start
// --http`: the server scenarios that apply to a tools-only server. The others need the suite's own
// test tools (test_simple_text, test_image_content, …), resources, prompts, logging or completion,
// which oint does not offer, so they are not run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, usePortal, useScratchDir } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const CLI_ARGS = process.env.OINT_CLI_SOURCE === "1" ? ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts")] : [CLI];
const CONFORMANCE = join(import.meta.dirname, "..", "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
const NODE20_SHIM = join(import.meta.dirname, "mcp-conformance-node20.mjs");

const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection", "server-sse-multiple-streams"];

let url = "";

function conformance(scenario: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", NODE20_SHIM, CONFORMANCE, "server", "--url", url, "--scenario", scenario], {
      cwd: scratch.path, // its results/ folder
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

describe("MCP conformance (streamable HTTP)", () => {
  let server: ReturnType<typeof spawn> | undefined;

  before(async () => {
    // Both tool sets, so the typed tools' generated schemas are listed too.
    server = spawn(process.execPath, [...CLI_ARGS, "mcp", "start", "--http", "127.0.0.1:0", "--tools", "both"], {
      env: { ...process.env, OINT_URL: ctx.portal.webhookUrl, OINT_TOKEN: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    url = await new Promise<string>((resolve, reject) => {
      server!.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        const m = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
        if (m) resolve(m[1]);
      });
      server!.on("exit", (code) => reject(new Error(`oint mcp exited ${code}: ${stderr}`)));
    });
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  });

  for (const scenario of SCENARIOS) {
    test(scenario, async () => {
      const { code, output } = await conformance(scenario);
      assert.equal(code, 0, output);
      assert.match(output, /Passed: (\d+)\/\1, 0 failed, 0 warnings/, output);
    });
  }
});
