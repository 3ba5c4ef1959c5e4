// The README's examples run as written: its shell block of CLI calls and its library example,
// against a local portal on the port and secret the README uses.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { CLI, useScratchDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
const tmp = useScratchDir();
let portal: RunningPortal;

before(async () => {
  const port = Number(/oint sandbox --port (\d+)/.exec(readme)?.[1]);
  const secret = /--secret (\w+)/.exec(readme)?.[1];
  assert.ok(port && secret, "the README starts a sandbox with --port and --secret");
  portal = await startPortal({ port, secret });
});
after(() => portal?.close());

function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

it("the CLI examples run and succeed", async () => {
  const shell = blocks.find((b) => b.lang === "sh" && b.code.includes("oint bitrix24 SendMessage"));
  assert.ok(shell, "README has a shell block of CLI examples");
  const script = `set -e\noint() { node ${JSON.stringify(CLI)} "$@"; }\n${shell.code}`;
  const before = portal.requests.length;
  const result = await run("bash", ["-c", script], tmp.path);
  assert.equal(result.code, 0, result.out);
  assert.ok(portal.requests.length > before, "the examples reached the portal");
  assert.doesNotMatch(result.out, /demosecret123456/, "the secret is never printed");
});

it("the library example runs and prints what its comments say", async () => {
  const ts = blocks.find((b) => b.lang === "ts" && b.code.includes('from "oint"'));
  assert.ok(ts, "README has a TypeScript library example");
  // A file inside the package resolves `oint` to this package itself (package.json "exports").
  const file = join(ROOT, "test", ".readme-example.mts");
  writeFileSync(file, ts.code);
  try {
    const result = await run(process.execPath, ["--import", "tsx", file], ROOT);
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /^\d+$/m, "the new message ID");
    assert.match(result.out, /CANT_EDIT_MESSAGE 400 im\.message\.update/);
  } finally {
    rmSync(file, { force: true });
  }
});

it("the client-bound example runs and leaves its edited message on the portal", async () => {
  const ts = blocks.find((b) => b.lang === "ts" && b.code.includes("const b24 = new Bitrix24Client"));
  assert.ok(ts, "README has an example of functions bound to a client");
  const file = join(ROOT, "test", ".readme-bound-example.mts");
  writeFileSync(file, `import { Bitrix24Client } from "oint";\n${ts.code}\nconsole.log(JSON.stringify(message.result));\n`);
  try {
    const result = await run(process.execPath, ["--import", "tsx", file], ROOT);
    assert.equal(result.code, 0, result.out);
    const id = Number(/^(\d+)$/m.exec(result.out)?.[1]);
    const stored = portal.state.getMessage(id);
    assert.equal(stored?.text, "Hello again");
  } finally {
    rmSync(file, { force: true });
  }
});
