// `oint bulk send`: many messages from a JSON Lines file through batches, journaled, so that every
// message reaches the portal exactly once: under 503 storms, 5xx pages, dropped connections and an
// expiring token, and across a run killed mid-way and started again. All through the CLI against a
// local portal that enforces Bitrix24's real bucket (time-scaled).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { runCli, useScratchDir, type CliRun } from "./helpers.js";

const scratch = useScratchDir();
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ plan: "standard", timeScale: 10 });
});
after(() => portal?.close());

const env = () => ({ OINT_CONFIG_DIR: join(scratch.path, "config"), OINT_URL: "", OINT_TOKEN: "", OINT_OAUTH_URL: `${portal.url}/oauth/token/` });

/** Writes `count` messages to chat1 with texts `${prefix} 1` … and returns the file's path. */
function messagesFile(name: string, prefix: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  const path = join(scratch.path, `${name}.jsonl`);
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ chat: "chat1", text: `${prefix} ${i + 1}`, ...extra(i + 1) }));
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** How many messages in chat1 carry each text starting with `prefix`. */
function countsOf(prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of portal.state.listMessages(1, { limit: 1_000_000 })) {
    if (m.text.startsWith(`${prefix} `)) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  }
  return counts;
}

function assertExactlyOnce(prefix: string, count: number): void {
  const counts = countsOf(prefix);
  const missing = Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).filter((t) => !counts.has(t));
  const twice = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
  assert.deepEqual({ missing, twice }, { missing: [], twice: [] });
  assert.equal(counts.size, count);
}

const batchRequests = () => portal.requests.filter((r) => r.restMethod === "batch").length;
const summaryOf = (run: CliRun) => JSON.parse(run.stdout) as { sent: number; skipped: number; reconciled: number; notSent: number; failed: { line: number; code: string }[] };

function assertNoSecrets(texts: string[], secrets: string[]): void {
  for (const secret of secrets) for (const text of texts) assert.ok(!text.includes(secret), "a secret appeared in the output or the journal");
}

describe("oint bulk send", () => {
  it("sends every line once through batches of 50, journals it, and prints a summary", async () => {
    const file = messagesFile("plain", "plain", 120);
    const before = batchRequests();
    const run = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const summary = summaryOf(run);
    assert.deepEqual([summary.sent, summary.skipped, summary.notSent, summary.failed], [120, 0, 0, []]);
    assert.equal(batchRequests() - before, 3, "120 messages take 3 batch requests");
    assertExactlyOnce("plain", 120);
    const journal = readFileSync(`${file}.journal`, "utf8");
    assert.equal(journal.split("\n").filter((l) => l.includes('"state":"sent"')).length, 120);
    assert.equal(run.stderr.includes("\u001b["), false, "no progress bar when stderr is not a terminal");
    assertNoSecrets([journal, run.stdout, run.stderr], [portal.secret]);

    // Run again: everything is already sent, nothing goes out.
    const again = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(summaryOf(again).skipped, 120);
    assert.equal(batchRequests() - before, 3);
    assertExactlyOnce("plain", 120);
  });

  it("a bad line stops the run before anything is sent (exit 4, the line named)", async () => {
    const file = messagesFile("bad", "bad", 10, (i) => (i === 7 ? { blocks: "{not json" } : i === 9 ? { colour: "red" } : {}));
    const requests = portal.requests.length;
    const run = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /line 7: blocks:/);
    assert.equal(portal.requests.length, requests, "nothing was sent");
    assert.equal(existsSync(`${file}.journal`), false);

    writeFileSync(file, '{"chat":"chat1"}\n');
    const noText = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(noText.code, 4);
    assert.match(noText.stderr, /line 1: text: is required/);
    assert.equal(portal.requests.length, requests);
  });

  it("under a 503 storm, 5xx pages, dropped connections and an expiring OAuth token, the portal holds every message exactly once", async () => {
    const app = portal.oauth.defaultApp;
    const code = portal.oauth.authorize(app.clientId)!;
    const tokens = portal.oauth.exchange({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code }).body as {
      access_token: string;
      refresh_token: string;
    };
    const added = await runCli(["profile", "add", "bulkapp", "--url", portal.url], {
      env: { ...env(), OINT_TOKEN: tokens.access_token, OINT_REFRESH_TOKEN: tokens.refresh_token, OINT_CLIENT_ID: app.clientId, OINT_CLIENT_SECRET: app.clientSecret },
    });
    assert.equal(added.code, 0, added.stderr);

    const file = messagesFile("faults", "storm", 300, (i) => (i % 25 === 0 ? { blocks: [{ IMAGE: { NAME: "p", LINK: "https://example.com/p.jpg" } }] } : {}));
    // Faults hit the batch requests in this order (reads that check a dialog back are spared).
    portal.faults.add(
      { kind: "status", status: 503, method: "batch", times: 7 }, // longer than the client's 5 retries
      { kind: "drop-after", method: "batch" }, // carried out, no answer: must not be sent again
      { kind: "status", status: 502, method: "batch" }, // a proxy's page: not run, outcome unknown to the client
      { kind: "drop-before", method: "batch" }, // connection cut before the portal ran it
      { kind: "status", status: 500, method: "batch", times: 2 },
      { kind: "drop-after", method: "batch" },
    );
    portal.faults.expireTokenAfter(tokens.access_token, 4);
    const run = await runCli(["bulk", "send", "--file", file, "--profile", "bulkapp", "--timeout", "2"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(portal.faults.pending, 0, "every fault was met");
    const summary = summaryOf(run);
    assert.equal(summary.sent, 300);
    assert.ok(summary.reconciled >= 100, "the batches whose answer was dropped were found on read-back");
    assertExactlyOnce("storm", 300);

    const profile = JSON.parse(readFileSync(join(scratch.path, "config", "profiles.json"), "utf8")).profiles.bulkapp as { token: string; refreshToken: string };
    assert.notEqual(profile.token, tokens.access_token, "the token was refreshed mid-run and saved");
    const journal = readFileSync(`${file}.journal`, "utf8");
    assertNoSecrets([journal, run.stdout, run.stderr], [tokens.access_token, tokens.refresh_token, profile.token, profile.refreshToken, app.clientSecret, portal.secret]);
  });

  it("a run killed mid-way, started again at once, waits out the batch the portal is still running, then sends only the rest", async () => {
    const file = messagesFile("killed", "killed", 300);
    const batchesBefore = batchRequests();
    // The third batch is held by the portal for 4 s before it runs: the client is killed meanwhile,
    // and the re-run starts while the portal is still holding it. The killed run's request timeout
    // (6 s, in its journal) is how long the re-run must wait before reading that batch back.
    portal.faults.add({ kind: "delay", method: "batch", ms: 300 }, { kind: "delay", method: "batch", ms: 300 }, { kind: "delay", method: "batch", ms: 4000 });
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts"), "bulk", "send", "--file", file, "--url", portal.webhookUrl, "--timeout", "6"], {
      stdio: "ignore",
      env: { ...process.env, ...env() },
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    while (batchRequests() - batchesBefore < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    await exited;
    const journal = readFileSync(`${file}.journal`, "utf8");
    assert.equal(journal.split("\n").filter((l) => l.includes('"state":"sent"')).length, 100);
    assert.equal(journal.split("\n").filter((l) => l.includes('"state":"pending"')).length, 150);
    assert.equal(countsOf("killed").size, 100, "the held batch has not run yet when the re-run starts");

    const rerun = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /waiting \d+ s before reading back 50 lines whose batch got no answer/);
    const summary = summaryOf(rerun) as ReturnType<typeof summaryOf> & { unknown: unknown };
    assert.deepEqual([summary.skipped, summary.reconciled, summary.sent], [100, 50, 200]);
    assert.deepEqual(summary.unknown, { lines: 50, foundDelivered: 50, notFoundResent: 0, stillUnknown: 0 });
    assertExactlyOnce("killed", 300);
  });

  it("Ctrl-C stops after the current batch (exit 5); the next run sends the rest", async () => {
    const file = messagesFile("interrupted", "interrupted", 200);
    const batchesBefore = batchRequests();
    portal.faults.add({ kind: "delay", method: "batch", ms: 800 });
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts"), "bulk", "send", "--file", file, "--url", portal.webhookUrl], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env() },
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    while (batchRequests() - batchesBefore < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGINT");
    assert.equal(await exited, 5);
    const first = JSON.parse(stdout) as { sent: number; notSent: number };
    assert.deepEqual([first.sent, first.notSent], [50, 150]);

    const rerun = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual([summaryOf(rerun).skipped, summaryOf(rerun).sent], [50, 150]);
    assertExactlyOnce("interrupted", 200);
  });

  it("lines Bitrix24 refuses are reported with their line numbers (exit 3) and re-sent only with --retry-failed", async () => {
    const file = messagesFile("refused", "refused", 60, (i) => (i === 5 || i === 42 ? { chat: "chat999999" } : {}));
    const run = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(run.code, 3, run.stderr);
    assert.deepEqual(summaryOf(run).failed.map((f) => f.line), [5, 42]);
    assert.match(run.stderr, /line 5: \w+/);
    assert.match(run.stderr, /line 42: \w+/);
    assert.equal(countsOf("refused").size, 58);

    const batches = batchRequests();
    const again = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(again.code, 3);
    assert.equal(batchRequests(), batches, "failed lines are not re-sent by default");
    const retried = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl, "--retry-failed"], { env: env() });
    assert.equal(retried.code, 3);
    assert.equal(batchRequests(), batches + 1, "with --retry-failed the two lines go out again (and fail again)");
    assert.equal(countsOf("refused").size, 58);
  });

  it("a journal written for another file content is refused (exit 4)", async () => {
    const file = messagesFile("changed", "changed", 3);
    assert.equal((await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() })).code, 0);
    writeFileSync(file, `${JSON.stringify({ chat: "chat1", text: "changed other" })}\n`);
    const run = await runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl], { env: env() });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--journal: .*different messages file/);
  });
});
