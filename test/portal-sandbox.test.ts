// `oint sandbox` (runSandbox): what it prints, that the printed URL and token work, the option
// checks (loopback only, unknown options), and a clean stop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSandbox } from "../src/portal/cli.js";
import { startPortal } from "../src/portal/index.js";

/** A stdout/stderr stand-in that can wait for a line to appear. */
class Capture {
  text = "";
  private waiters: { marker: string; resolve: () => void; timer: NodeJS.Timeout }[] = [];
  write(chunk: string): boolean {
    this.text += chunk;
    for (const w of this.waiters.filter((w) => this.text.includes(w.marker))) this.settle(w, true);
    return true;
  }
  waitFor(marker: string, ms = 5000): Promise<void> {
    if (this.text.includes(marker)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        marker,
        resolve: () => resolve(),
        timer: setTimeout(() => reject(new Error(`no "${marker}" in output: ${this.text}`)), ms),
      };
      this.waiters.push(waiter);
    });
  }
  /** Drops pending waits (their promises stay pending) so no timer outlives the test. */
  dispose(): void {
    for (const w of [...this.waiters]) this.settle(w, false);
  }
  private settle(w: Capture["waiters"][number], found: boolean): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
    if (found) w.resolve();
  }
}

async function runShort(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stop = new AbortController();
  const running = runSandbox(argv, { stdout, stderr, signal: stop.signal });
  // Invalid invocations return at once; a started sandbox is stopped as soon as it is up.
  stdout.waitFor("Press Ctrl+C").then(() => stop.abort(), () => stop.abort());
  const code = await running;
  stdout.dispose();
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("oint sandbox", () => {
  it("prints a working webhook URL, access token and example command, then stops cleanly", async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const stop = new AbortController();
    const running = runSandbox(["--port", "0", "--secret", "mysecret123"], { stdout, stderr, signal: stop.signal });
    await stdout.waitFor("Press Ctrl+C");

    const webhook = /Webhook URL:\s+(http:\/\/127\.0\.0\.1:\d+\/rest\/1\/mysecret123\/)/.exec(stdout.text)?.[1];
    assert.ok(webhook, stdout.text);
    const origin = new URL(webhook).origin;
    assert.match(stdout.text, new RegExp(`running at ${origin.replace(/\./g, "\\.")}`));
    const token = /Access token:\s+(\S+)/.exec(stdout.text)?.[1];
    assert.ok(token);
    assert.ok(stdout.text.includes(`oint bitrix24 SendMessage --url ${webhook} --chat chat1 --text`));

    const viaHook = await fetch(`${webhook}im.message.add`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"DIALOG_ID":"chat1","MESSAGE":"hi"}' });
    assert.equal(viaHook.status, 200);
    assert.ok(Number.isInteger((await viaHook.json()).result));
    const viaToken = await fetch(`${origin}/rest/server.time?auth=${token}`);
    assert.equal(viaToken.status, 200);

    stop.abort();
    assert.equal(await running, 0);
    assert.equal(stderr.text, "");
    await assert.rejects(fetch(`${webhook}server.time`), "the portal no longer listens");
  });

  it("generates a 16-character lowercase secret by default", async () => {
    const run = await runShort(["--port", "0"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /\/rest\/1\/[a-z0-9]{16}\//);
  });

  it("refuses a non-loopback host with exit code 4 and one line on stderr", async () => {
    for (const host of ["0.0.0.0", "192.168.1.10", "example.com"]) {
      const run = await runShort(["--host", host, "--port", "0"]);
      assert.equal(run.code, 4, host);
      assert.match(run.stderr, /^oint sandbox: .*loopback.*\n$/);
      assert.equal(run.stdout, "");
    }
  });

  it("rejects unknown options and bad values with exit code 4 and one line on stderr", async () => {
    for (const argv of [["--frobnicate"], ["extra"], ["--port"], ["--port", "70000"], ["--port", "abc"], ["--secret", "has/slash"]]) {
      const run = await runShort(argv);
      assert.equal(run.code, 4, argv.join(" "));
      assert.equal(run.stderr.split("\n").length, 2, `one line for ${argv.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "");
    }
    assert.match((await runShort(["--frobnicate"])).stderr, /unknown option --frobnicate/);
  });

  it("reports a port already in use instead of crashing", async () => {
    const busy = await startPortal();
    try {
      const run = await runShort(["--port", String(busy.port)]);
      assert.equal(run.code, 4);
      assert.match(run.stderr, new RegExp(`port ${busy.port} is already in use`));
    } finally {
      await busy.close();
    }
  });

  it("prints usage for --help and exits 0", async () => {
    const run = await runShort(["--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: oint sandbox/);
    assert.match(run.stdout, /--port/);
  });
});
