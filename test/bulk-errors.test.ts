// `oint bulk send` when something is wrong: a malformed line is located without being echoed, a bad
// --file or --journal path is bad input (exit 4, the option named, never "unexpected error"), an
// unreachable portal stops the run at once (exit 5) with the lines kept for the next run, waits
// between rounds are announced, an interruption is reported once, a bad option value names the
// option. Through the built CLI against a local portal.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CLI_ARGS, freePort, runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const scratch = useScratchDir();
const held = usePortal();
const portal = () => held.portal;

const env = () => ({ OINT_CONFIG_DIR: join(scratch.path, "config"), OINT_URL: "", OINT_TOKEN: "" });
const send = (args: readonly string[], url = portal().webhookUrl) => runCli(["bulk", "send", ...args, "--url", url], { env: env() });
const isRoot = process.getuid?.() === 0;

/** Writes `count` messages to chat1 with texts `${prefix} 1` … and returns the file's path. */
function messagesFile(name: string, prefix: string, count: number): string {
  const path = join(scratch.path, `${name}.jsonl`);
  writeFileSync(path, `${Array.from({ length: count }, (_, i) => JSON.stringify({ chat: "chat1", text: `${prefix} ${i + 1}` })).join("\n")}\n`);
  return path;
}

/** How many messages in chat1 carry each text starting with `prefix `. */
function countsOf(prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of portal().state.listMessages(1, { limit: 1_000_000 })) {
    if (m.text.startsWith(`${prefix} `)) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  }
  return counts;
}

function assertExactlyOnce(prefix: string, count: number): void {
  const counts = countsOf(prefix);
  const missing = Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).filter((t) => !counts.has(t));
  const twice = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
  assert.deepEqual({ missing, twice, size: counts.size }, { missing: [], twice: [], size: count });
}

/** Exit 4 with `pattern` on stderr, not an unexpected error, nothing sent. */
function assertBadInput(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /unexpected error/);
  assert.equal(run.stderr.trim().split("\n").length, 1, "one line");
}

const summaryOf = (run: CliRun) => JSON.parse(run.stdout) as { sent: number; skipped: number; notSent: number; failed: unknown[]; stopped?: { code: string; message: string } };

describe("bulk send: malformed lines are located, never echoed", () => {
  it("says the line, the column and the kind of problem, without the line's content", async () => {
    const file = join(scratch.path, "malformed.jsonl");
    const requests = portal().requests.length;
    writeFileSync(file, `SECRETSTRING-a1b2c3d4e5 {"chat":"chat1","text":"x"}\n`);
    const first = await send(["--file", file]);
    assertBadInput(first, /--file: line 1, column 1: not valid JSON: expected a value/);
    assert.doesNotMatch(first.stderr, /SECRET|a1b2/);

    // Further in, after an indent and on a later line: a bare word, a raw tab in a string, an unclosed string.
    writeFileSync(file, `{"chat":"chat1","text":"ok"}\n\n  {"chat":"chat1","text":"x", PRIVATEWORD: 1}\n`);
    const word = await send(["--file", file]);
    assertBadInput(word, /--file: line 3, column 31: not valid JSON: expected a field name in double quotes/);
    assert.doesNotMatch(word.stderr, /PRIVATE/);

    writeFileSync(file, `{"chat":"chat1","text":"PRIVATE\tDATA"}\n`);
    const tab = await send(["--file", file]);
    assertBadInput(tab, /line 1, column 32: not valid JSON: a control character .* must be written as an escape/);
    assert.doesNotMatch(tab.stderr, /PRIVATE|DATA/);

    writeFileSync(file, `{"chat":"chat1","text":"PRIVATE DATA and more of it}\n`);
    const open = await send(["--file", file]);
    assertBadInput(open, /line 1, column 24: not valid JSON: a string is not closed/);
    assert.doesNotMatch(open.stderr, /PRIVATE|DATA/);

    // An unknown field whose name does not look like a field name is not shown either.
    writeFileSync(file, `{"chat":"chat1","text":"x","Bearer-9f8e7d6c5b4a":1}\n`);
    const field = await send(["--file", file]);
    assertBadInput(field, /line 1: unknown field \(its name is not shown/);
    assert.doesNotMatch(field.stderr, /9f8e7d6c5b4a/);

    assert.equal(portal().requests.length, requests, "nothing was sent");
    assert.equal(existsSync(`${file}.journal`), false);
  });
});

describe("bulk send: bad --file and --journal paths are bad input (exit 4), never exit 99", () => {
  it("a folder given as the journal", async () => {
    const file = messagesFile("journal-dir", "journal-dir", 2);
    const folder = join(scratch.path, "a-folder");
    mkdirSync(folder);
    assertBadInput(await send(["--file", file, "--journal", folder]), /--journal: .*a-folder is a folder, not a file/);
    assert.equal(existsSync(`${folder}.lock`), false, "the lock is released");
  });

  it("a journal in a folder that does not exist, or under a file", async () => {
    const file = messagesFile("journal-missing", "journal-missing", 2);
    assertBadInput(await send(["--file", file, "--journal", join(scratch.path, "no-such-folder", "j")]), /--journal: .*the folder \S*no-such-folder does not exist/);
    assertBadInput(await send(["--file", file, "--journal", join(file, "j")]), /--journal: .*is a file where a folder is expected/);
  });

  it("a folder where the journal's lock file goes", async () => {
    const file = messagesFile("lock-dir", "lock-dir", 2);
    mkdirSync(`${file}.journal.lock`);
    assertBadInput(await send(["--file", file]), /--journal: cannot lock the journal .*lock-dir\.jsonl\.journal\.lock is a folder, not a file/);
  });

  it("the messages file given as its own journal", async () => {
    const file = messagesFile("own-journal", "own-journal", 2);
    const before = readFileSync(file, "utf8");
    assertBadInput(await send(["--file", file, "--journal", file]), /--journal: is the messages file itself/);
    assert.equal(readFileSync(file, "utf8"), before, "the messages file is untouched");
  });

  it("a folder, or nothing, given as the messages file", async () => {
    const folder = join(scratch.path, "messages-folder");
    mkdirSync(folder);
    assertBadInput(await send(["--file", folder]), /--file: cannot read the messages file: .*messages-folder is a folder, not a file/);
    assertBadInput(await send(["--file", join(scratch.path, "absent.jsonl")]), /--file: cannot read the messages file: .*absent\.jsonl does not exist/);
  });

  it("an unreadable journal or messages file", { skip: isRoot && "root reads any file" }, async () => {
    const file = messagesFile("unreadable", "unreadable", 2);
    const journal = join(scratch.path, "unreadable.journal");
    writeFileSync(journal, "");
    chmodSync(journal, 0o000);
    assertBadInput(await send(["--file", file, "--journal", journal]), /--journal: cannot read the journal: permission denied/);
    chmodSync(journal, 0o600);
    chmodSync(file, 0o000);
    assertBadInput(await send(["--file", file]), /--file: cannot read the messages file: permission denied/);
    chmodSync(file, 0o600);
  });
});

describe("bulk send: an unreachable portal", () => {
  it("stops the run at once (exit 5, one line naming the problem, no secret); the same command later sends the lines once", async () => {
    const file = messagesFile("unreachable", "unreachable", 60);
    const secret = "deadportalsecret9876";
    const dead = `http://127.0.0.1:${await freePort()}/rest/1/${secret}/`;
    const started = Date.now();
    const run = await send(["--file", file], dead);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 5, run.stderr);
    assert.ok(seconds < 20, `the run ended after ${seconds} s: it must not wait minutes for a portal that refuses connections`);
    const stopped = run.stderr.split("\n").filter((l) => l.includes("stopped:"));
    assert.equal(stopped.length, 1, run.stderr);
    assert.match(stopped[0], /stopped: the portal cannot be reached \(.*could not connect to .*nothing was sent\); run the same command again to send the rest$/);
    assert.equal((stopped[0].match(/run the same command again/g) ?? []).length, 1);
    assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), "the webhook secret is masked");
    const summary = summaryOf(run);
    assert.deepEqual([summary.sent, summary.notSent, summary.stopped?.code], [0, 60, "CONNECTION_FAILED"]);
    const journal = readFileSync(`${file}.journal`, "utf8");
    assert.equal(journal.includes(secret), false);
    assert.equal(journal.split("\n").filter((l) => l.includes('"state":"sent"')).length, 0);

    // The portal is back: the same file and journal send every line, once, without waiting for a read-back.
    const readBacks = () => portal().requests.filter((r) => r.restMethod === "im.dialog.messages.get").length;
    const readsBefore = readBacks();
    const rerun = await send(["--file", file]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual([summaryOf(rerun).sent, summaryOf(rerun).skipped, summaryOf(rerun).notSent], [60, 0, 0]);
    assert.doesNotMatch(rerun.stderr, /waiting/);
    assert.equal(readBacks(), readsBefore, "nothing to read back: the lines were proven unsent");
    assertExactlyOnce("unreachable", 60);
    const again = await send(["--file", file]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(summaryOf(again).skipped, 60);
    assertExactlyOnce("unreachable", 60);
  });

  it("a batch the portal keeps refusing (503) is sent again after a pause announced on stderr", async () => {
    const file = messagesFile("refused-round", "refused-round", 3);
    portal().faults.add({ kind: "status", status: 503, method: "batch", times: 6 }); // one more than the client's own retries
    const run = await send(["--file", file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(portal().faults.pending, 0);
    assert.match(run.stderr, /the portal refused the batch before running it \(QUERY_LIMIT_EXCEEDED: .*\); sending it again in 1 s \(round 1 of 8\)/);
    assertExactlyOnce("refused-round", 3);
  });
});

describe("bulk send: messages said once, options named", () => {
  it("an interruption is reported once, and the next run sends the rest", async () => {
    const file = messagesFile("interrupt-once", "interrupt-once", 120);
    const batches = () => portal().requests.filter((r) => r.restMethod === "batch").length;
    const before = batches();
    portal().faults.add({ kind: "delay", method: "batch", ms: 800 });
    const child = spawn(process.execPath, [...CLI_ARGS, "bulk", "send", "--file", file, "--url", portal().webhookUrl], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env() },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    while (batches() - before < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGINT");
    assert.equal(await exited, 5, stderr);
    assert.equal((stderr.match(/run the same command again/g) ?? []).length, 1, stderr);
    assert.match(stderr, /stopped: interrupted; run the same command again to send the rest\n/);
    assert.equal(JSON.parse(stdout).notSent, 70);

    const rerun = await send(["--file", file]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assertExactlyOnce("interrupt-once", 120);
  });

  it("--timeout -5 names --timeout and what it takes; a value after --token is never repeated", async () => {
    const file = messagesFile("options", "options", 1);
    assertBadInput(await send(["--file", file, "--timeout", "-5"]), /--timeout: takes a positive number of seconds, at most 3600/);
    assertBadInput(await send(["--file", file, "--timeout=-5"]), /--timeout: takes a positive number of seconds, at most 3600, not "-5"/);
    const token = await send(["--file", file, "--token", "-tok3nSecretValue"]);
    assertBadInput(token, /--token: takes an access token .*--token=VALUE/);
    assert.doesNotMatch(token.stderr, /tok3n/);
    assertBadInput(await send(["--file", file, "--retry-failed=yes"]), /--retry-failed: takes no value/);
    assert.equal(countsOf("options").size, 0);
  });
});
