// `oint bulk send` keeps what the user sent intact and sends it once: empty objects arrive, a batch
// whose answer is lost is found on read-back (DELIMITER lines too), lines are data (never file
// paths), one run per messages file, stale locks taken over, damaged journals refused. Through the
// CLI against a local portal; duplicates are checked by reading the chat back.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { processStart } from "../src/bulk/lock.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { runCli, useScratchDir, type CliRun } from "./helpers.js";

const scratch = useScratchDir();
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({});
});
after(() => portal?.close());

const env = () => ({ OINT_CONFIG_DIR: join(scratch.path, "config"), OINT_URL: "", OINT_TOKEN: "" });
const send = (file: string, ...more: string[]) => runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl, ...more], { env: env() });

interface Summary {
  sent: number;
  skipped: number;
  reconciled: number;
  notSent: number;
  unknown: { lines: number; foundDelivered: number; notFoundResent: number; stillUnknown: number };
  failed: { line: number; code: string }[];
}
const summaryOf = (run: CliRun) => JSON.parse(run.stdout) as Summary;
const batchRequests = () => portal.requests.filter((r) => r.restMethod === "batch").length;

function writeLines(name: string, lines: Record<string, unknown>[]): string {
  const path = join(scratch.path, `${name}.jsonl`);
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return path;
}

/** Chat 1's messages whose text starts with `prefix`, read back through the API (as a user would). */
async function readBack(prefix: string): Promise<{ id: number; text: string; params: { ATTACH?: { BLOCKS: Record<string, unknown>[] }[]; KEYBOARD?: unknown } }[]> {
  const found = [];
  let lastId = 0;
  for (;;) {
    const url = `${portal.webhookUrl}im.dialog.messages.get?DIALOG_ID=chat1&LIMIT=50${lastId ? `&LAST_ID=${lastId}` : ""}`;
    const { result } = (await (await fetch(url)).json()) as { result: { messages: { id: number; text: string; params: never }[] } };
    if (!result.messages.length) break;
    found.push(...result.messages.filter((m) => m.text.startsWith(prefix)));
    lastId = Math.min(...result.messages.map((m) => m.id));
  }
  return found;
}

async function assertOnce(prefix: string, count: number): Promise<void> {
  const counts = new Map<string, number>();
  for (const m of await readBack(`${prefix} `)) counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  const missing = Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).filter((t) => !counts.has(t));
  const twice = [...counts].filter(([, n]) => n > 1).map(([t, n]) => `${t} x${n}`);
  assert.deepEqual({ missing, twice }, { missing: [], twice: [] });
}

const delimiterLines = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ chat: "chat1", text: `${prefix} ${i + 1}`, ...(i % 2 ? { blocks: [{ DELIMITER: {} }] } : {}) }));

describe("bulk send: what the user sent is what the portal gets", () => {
  it("DELIMITER {} blocks and keyboard COMMAND_PARAMS {} arrive and are stored, 50 to a batch", async () => {
    const keyboard = { BUTTONS: [{ TEXT: "Open", COMMAND: "open", COMMAND_PARAMS: {} }] };
    const file = writeLines("empty-objects", [
      { chat: "chat1", text: "empties 1", blocks: [{ DELIMITER: {} }] },
      { chat: "chat1", text: "empties 2", blocks: [{ MESSAGE: "x" }, { DELIMITER: {} }], keyboard },
      { chat: "chat1", text: "empties 3" },
    ]);
    const batches = batchRequests();
    const run = await send(file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(batchRequests() - batches, 1);
    const byText = new Map((await readBack("empties ")).map((m) => [m.text, m.params]));
    assert.deepEqual(byText.get("empties 1")?.ATTACH?.[0].BLOCKS, [{ DELIMITER: {} }]);
    assert.deepEqual(byText.get("empties 2")?.ATTACH?.[0].BLOCKS, [{ MESSAGE: "x" }, { DELIMITER: {} }]);
    assert.deepEqual(byText.get("empties 2")?.KEYBOARD, keyboard);
    assert.equal(byText.get("empties 3")?.ATTACH, undefined);
  });

  it("a batch that ran but whose connection dropped is found on read-back: DELIMITER lines too, no duplicates", async () => {
    const file = writeLines("dropped", delimiterLines("dropped", 120));
    portal.faults.add({ kind: "delay", method: "batch", ms: 0 }, { kind: "drop-after", method: "batch" });
    const run = await send(file, "--timeout", "2");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(portal.faults.pending, 0);
    const summary = summaryOf(run);
    assert.equal(summary.sent, 120);
    assert.deepEqual(summary.unknown, { lines: 50, foundDelivered: 50, notFoundResent: 0, stillUnknown: 0 });
    assert.match(run.stderr, /outcome unknown for 50 lines: 50 found delivered, 0 not found and sent again, 0 still unknown/);
    await assertOnce("dropped", 120);
  });

  it("a batch answered 200 with a body that is not clean JSON (PHP notice, truncated) is reconciled, never re-sent", async () => {
    const file = writeLines("unclean", delimiterLines("unclean", 150));
    portal.faults.add({ kind: "notice", method: "batch" }, { kind: "truncate", method: "batch" }, { kind: "truncate", drop: true, method: "batch" });
    const run = await send(file, "--timeout", "1");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(portal.faults.pending, 0);
    const summary = summaryOf(run);
    assert.equal(summary.sent, 150);
    assert.deepEqual(summary.unknown, { lines: 150, foundDelivered: 150, notFoundResent: 0, stillUnknown: 0 });
    await assertOnce("unclean", 150);
  });

  it("lines whose dialog cannot be read back stay pending (exit 3, still unknown), and the next run settles them without re-sending", async () => {
    const file = writeLines("unread", delimiterLines("unread", 50));
    portal.faults.add(
      { kind: "drop-after", method: "batch" },
      { kind: "status", status: 403, method: "im.dialog.messages.get", body: { error: "ACCESS_DENIED", error_description: "Access denied" } },
    );
    const run = await send(file, "--timeout", "1");
    assert.equal(run.code, 3, run.stderr);
    const summary = summaryOf(run);
    assert.deepEqual(summary.unknown, { lines: 50, foundDelivered: 0, notFoundResent: 0, stillUnknown: 50 });
    assert.deepEqual(new Set(summary.failed.map((f) => f.code)), new Set(["OUTCOME_UNKNOWN"]));
    assert.match(run.stderr, /line 1: OUTCOME_UNKNOWN/);

    const batches = batchRequests();
    const again = await send(file, "--timeout", "1", "--retry-failed");
    assert.equal(again.code, 0, again.stderr);
    assert.equal(batchRequests(), batches, "nothing was sent again");
    assert.deepEqual(summaryOf(again).unknown, { lines: 50, foundDelivered: 50, notFoundResent: 0, stillUnknown: 0 });
    await assertOnce("unread", 50);
  });

  it("a batch cut before it ran is found missing on read-back and sent once", async () => {
    const file = writeLines("cut", delimiterLines("cut", 60));
    portal.faults.add({ kind: "status", status: 502, method: "batch" }); // a proxy's page: the client cannot know it did not run
    const run = await send(file, "--timeout", "1");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(summaryOf(run).unknown, { lines: 50, foundDelivered: 0, notFoundResent: 50, stillUnknown: 0 });
    await assertOnce("cut", 60);
  });
});

describe("bulk send: a batch refused by a proxy", () => {
  it("a 413/431 page stops the run at once: nothing re-sent, no line marked sent, a re-run sends them", async () => {
    for (const status of [413, 431]) {
      const file = writeLines(`refused${status}`, delimiterLines(`refused${status}`, 3));
      const before = batchRequests();
      portal.faults.add({ kind: "status", status, method: "batch" });
      const run = await send(file);
      assert.notEqual(run.code, 0, "the run did not succeed");
      assert.match(run.stderr, new RegExp(`HTTP_${status}|${status}`));
      assert.equal(batchRequests() - before, 1, "the refused batch was not sent again");
      assert.equal(summaryOf(run).sent, 0);
      assert.equal(summaryOf(run).notSent, 3);
      assert.deepEqual(await readBack(`refused${status} `), [], "nothing reached the chat");
      const again = await send(file);
      assert.equal(again.code, 0, again.stderr);
      await assertOnce(`refused${status}`, 3);
    }
  });
});

describe("bulk send: lines are data", () => {
  it("a line whose blocks is a file path is refused; the file is not read, sent or quoted", async () => {
    const blocksFile = join(scratch.path, "blocks.json");
    writeFileSync(blocksFile, JSON.stringify([{ MESSAGE: "from the file" }]));
    const secretFile = join(scratch.path, "notes.txt");
    writeFileSync(secretFile, "top-secret-content that must not be echoed");
    const requests = portal.requests.length;
    for (const [value, name] of [[blocksFile, "path"], [secretFile, "text"], ['[{"MESSAGE":"json text"}]', "json-text"]] as const) {
      const file = writeLines(`as-${name}`, [{ chat: "chat1", text: "fine" }, { chat: "chat1", text: "paths", blocks: value }]);
      const run = await send(file);
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /line 2: blocks: must be a JSON array or object in the line itself/);
      assert.equal(run.stderr.includes("top-secret"), false);
      assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, "one line");
    }
    const keyboardPath = writeLines("keyboard-path", [{ chat: "chat1", text: "k", keyboard: blocksFile }]);
    const run = await send(keyboardPath);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /line 1: keyboard: must be a JSON array or object/);
    assert.equal(portal.requests.length, requests, "nothing was sent");
    assert.equal((await readBack("from the file")).length, 0);
  });
});

describe("bulk send: one run per messages file; journals checked", () => {
  it("a second run on the same messages file with another --journal is refused while the first runs", async () => {
    const file = writeLines("twice", Array.from({ length: 60 }, (_, i) => ({ chat: "chat1", text: `twice ${i + 1}` })));
    const batches = batchRequests();
    portal.faults.add({ kind: "delay", method: "batch", ms: 1500 });
    const first = runCli(["bulk", "send", "--file", file, "--url", portal.webhookUrl, "--journal", join(scratch.path, "one.journal")], { env: env() });
    while (batchRequests() === batches) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await send(file, "--journal", join(scratch.path, "two.journal"));
    assert.equal(second.code, 4, second.stderr);
    assert.match(second.stderr, /--file: another run \(process \d+\) is using the messages file/);
    assert.equal(existsSync(join(scratch.path, "two.journal")), false);
    const done = await first;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(batchRequests() - batches, 2, "only the first run's two batches");
    await assertOnce("twice", 60);
    assert.equal(existsSync(`${file}.lock`), false, "the lock is released");
  });

  it("a lock whose PID now belongs to another process is taken over; a live owner's lock is respected", async () => {
    const file = writeLines("stale", [{ chat: "chat1", text: "stale 1" }]);
    // This test process is alive, but it did not start at the time the lock records: the PID was reused.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, start: "1", host: hostname() }));
    writeFileSync(`${file}.journal.lock`, JSON.stringify({ pid: process.pid, start: "1", host: hostname() }));
    const run = await send(file);
    assert.equal(run.code, 0, run.stderr);
    await assertOnce("stale", 1);

    const live = writeLines("live", [{ chat: "chat1", text: "live 1" }]);
    writeFileSync(`${live}.lock`, JSON.stringify({ pid: process.pid, start: processStart(process.pid), host: hostname() }));
    const refused = await send(live);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, new RegExp(`another run \\(process ${process.pid}\\) is using the messages file`));
    assert.equal((await readBack("live ")).length, 0);
  });

  it("a journal with a malformed record is refused (exit 4, its line named); nothing is sent", async () => {
    const file = writeLines("damaged", [{ chat: "chat1", text: "damaged 1" }, { chat: "chat1", text: "damaged 2" }]);
    assert.equal((await send(file)).code, 0);
    const good = readFileSync(`${file}.journal`, "utf8");
    const requests = portal.requests.length;
    const at = `line ${good.trimEnd().split("\n").length + 1}:`; // the record added after the good ones
    const cases: [string, string][] = [
      ['{"line":1,"state":"pending"}', 'a pending record needs "after"'],
      ['{"line":2,"state":"sent","id":"12"}', 'a sent record needs "id"'],
      ['{"line":9,"state":"unsent"}', "line 9 of the messages file holds no message"],
      ['{"line":1,"state":"lost"}', 'unknown state "lost"'],
      ["not json", "not valid JSON"],
    ];
    for (const [record, message] of cases) {
      // Followed by a good record, so that it is not a torn last write.
      writeFileSync(`${file}.journal`, `${good}${record}\n${good.split("\n")[0]}\n`);
      const run = await send(file);
      assert.equal(run.code, 4, `${record}: ${run.stderr}`);
      assert.ok(run.stderr.includes(`${at} ${message}`), run.stderr);
      assert.match(run.stderr, /damaged\.jsonl\.journal/);
    }
    assert.equal(portal.requests.length, requests, "nothing was sent");
    await assertOnce("damaged", 2);
  });

  it("a record torn by a crash at the end of the journal is dropped, and the next runs go on", async () => {
    const file = writeLines("torn", [{ chat: "chat1", text: "torn 1" }, { chat: "chat1", text: "torn 2" }]);
    assert.equal((await send(file)).code, 0);
    writeFileSync(`${file}.journal`, `${readFileSync(`${file}.journal`, "utf8")}{"line":1,"sta`);
    for (let i = 0; i < 2; i++) {
      const run = await send(file);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(summaryOf(run).skipped, 2);
    }
    await assertOnce("torn", 2);
  });
});
