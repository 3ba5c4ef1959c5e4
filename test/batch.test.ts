// client.batch(): any number of calls, 50 commands to a request, each call's own outcome in input
// order; failed commands are named with their error, `halt` stops the rest. Against the local portal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();
const batchRequests = (portal: RunningPortal = ctx.portal) => portal.requests.filter((r) => r.restMethod === "batch").length;
const client = () => new Bitrix24Client({ url: ctx.portal.webhookUrl });

describe("batch", () => {
  it("120 messages go in 3 requests (50, 50, 20); results come back in input order, each message once", async () => {
    const before = batchRequests();
    const texts = Array.from({ length: 120 }, (_, i) => `batch message ${i}`);
    const outcomes = await client().batch<number>(texts.map((text) => ["im.message.add", { DIALOG_ID: "chat1", MESSAGE: text }] as const));
    assert.equal(batchRequests() - before, 3);
    assert.equal(outcomes.length, 120);
    outcomes.forEach((outcome, i) => {
      assert.ok(outcome.ok, `call ${i} succeeded`);
      assert.equal(ctx.portal.state.getMessage(outcome.result)?.text, texts[i], `call ${i}'s result is its own message`);
    });
    const stored = ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text.startsWith("batch message "));
    assert.equal(stored.length, 120);
  });

  it("a failing command is returned with its error and method; the others still run", async () => {
    const outcomes = await client().batch([
      ["server.time"],
      { method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: "" } },
      ["im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 1 }],
    ]);
    assert.equal(outcomes[0].ok, true);
    assert.equal(outcomes[2].ok, true);
    const failed = outcomes[1];
    assert.ok(!failed.ok);
    assert.ok(failed.error instanceof Bitrix24Error);
    assert.equal(failed.error.code, "MESSAGE_EMPTY");
    assert.equal(failed.method, "im.message.add");
    assert.equal(failed.key, "c1");
  });

  it("halt: the first failure stops the batch; the calls after it say they were not run, later chunks are not sent", async () => {
    const before = batchRequests();
    const calls = Array.from({ length: 70 }, (_, i) => ["im.message.add", { DIALOG_ID: "chat1", MESSAGE: i === 10 ? "" : `halt ${i}` }] as const);
    const outcomes = await client().batch(calls, { halt: true });
    assert.equal(batchRequests() - before, 1);
    assert.equal(outcomes.length, 70);
    assert.ok(outcomes.slice(0, 10).every((o) => o.ok));
    assert.ok(!outcomes[10].ok && outcomes[10].error.code === "MESSAGE_EMPTY");
    assert.ok(outcomes.slice(11).every((o) => !o.ok && o.error.code === "BATCH_HALTED"));
    const stored = ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text.startsWith("halt "));
    assert.equal(stored.length, 10);
  });

  it("named calls can use an earlier call's result ($result[key])", async () => {
    const outcomes = await client().batch([
      { key: "sent", method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: "before" } },
      { key: "edit", method: "im.message.update", params: { MESSAGE_ID: "$result[sent]", MESSAGE: "after" } },
    ]);
    assert.ok(outcomes[0].ok && outcomes[1].ok);
    assert.equal(ctx.portal.state.getMessage(outcomes[0].result as number)?.text, "after");
  });

  it("$total[key] and $next[key] references reach the portal as written and resolve there", async () => {
    const portal = await startPortal({ leads: 120 });
    try {
      const outcomes = await new Bitrix24Client({ url: portal.webhookUrl }).batch([
        { key: "page", method: "crm.lead.list", params: { order: { ID: "ASC" }, select: ["ID"] } },
        { key: "count", method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: "$total[page] leads, next page at $next[page]" } },
      ]);
      assert.ok(outcomes[1].ok);
      assert.equal(portal.state.getMessage(outcomes[1].result as number)?.text, "120 leads, next page at 50");
      // Bitrix24 substitutes references in the command's raw text: on the wire they are not percent-encoded.
      const sent = JSON.stringify(portal.requests.at(-1)?.params);
      assert.match(sent, /\$total\[page\]\+leads%2C\+next\+page\+at\+\$next\[page\]|\$total\[page\]%20leads%2C%20next%20page%20at%20\$next\[page\]/);
    } finally {
      await portal.close();
    }
  });

  it("list calls bring their total and next", async () => {
    const portal = await startPortal({ leads: 120 });
    try {
      const [page] = await new Bitrix24Client({ url: portal.webhookUrl }).batch([["crm.lead.list", { order: { ID: "ASC" } }]]);
      assert.ok(page.ok);
      assert.equal(page.total, 120);
      assert.equal(page.next, 50);
      assert.equal((page.result as unknown[]).length, 50);
    } finally {
      await portal.close();
    }
  });

  it("a batch request takes one slot of the rate limit: 150 calls against a bucket of 3 are never refused", async () => {
    const portal = await startPortal({ bucket: { capacity: 3, drainPerSecond: 1 } });
    try {
      const outcomes = await new Bitrix24Client({ url: portal.webhookUrl, bucket: { capacity: 3, drainPerSecond: 1 } }).batch(
        Array.from({ length: 150 }, () => ["server.time"] as const),
      );
      assert.ok(outcomes.every((o) => o.ok));
      assert.equal(batchRequests(portal), 3);
    } finally {
      await portal.close();
    }
  });

  it("empty objects arrive as sent: DELIMITER {} and COMMAND_PARAMS {} ride in the batch as JSON text and are stored", async () => {
    const before = batchRequests();
    const keyboard = { BUTTONS: [{ TEXT: "Go", COMMAND: "go", COMMAND_PARAMS: {} }] };
    const outcomes = await client().batch<number>([
      ["im.message.add", { DIALOG_ID: "chat1", MESSAGE: "with a delimiter", ATTACH: [{ MESSAGE: "above" }, { DELIMITER: {} }], KEYBOARD: keyboard }],
      ["im.message.add", { DIALOG_ID: "chat1", MESSAGE: "plain" }],
    ]);
    assert.equal(batchRequests() - before, 1, "both in one batch request");
    const [first, second] = outcomes;
    assert.ok(first.ok && second.ok);
    const stored = ctx.portal.state.getMessage(first.result)!;
    assert.deepEqual(stored.attach?.[0].BLOCKS, [{ MESSAGE: "above" }, { DELIMITER: {} }]);
    assert.deepEqual(stored.keyboard, keyboard);
    // And read back through the API as Bitrix24 shows it.
    const page = await client().call<{ messages: { id: number; params: { ATTACH?: { BLOCKS: unknown[] }[]; KEYBOARD?: unknown } }[] }>("im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 5 });
    const read = page.result.messages.find((m) => m.id === first.result)!;
    assert.deepEqual(read.params.ATTACH?.[0].BLOCKS, [{ MESSAGE: "above" }, { DELIMITER: {} }]);
    assert.deepEqual(read.params.KEYBOARD, keyboard);
  });

  it("a call with a value no query string carries (empty object, false, null) goes alone as JSON, in its place, and gets it as sent", async () => {
    const portal = await startPortal({ methods: { "test.echo": (c) => c.params } });
    try {
      const before = portal.requests.length;
      const odd = { empty: {}, list: [], no: false, yes: true, nothing: null, nested: { a: [] }, text: "x" };
      const outcomes = await new Bitrix24Client({ url: portal.webhookUrl }).batch<Record<string, unknown>>([
        { key: "first", method: "test.echo", params: { n: 1 } },
        { key: "odd", method: "test.echo", params: odd },
        { key: "last", method: "test.echo", params: { n: 3, deep: { x: "y" } } },
      ]);
      assert.deepEqual(
        portal.requests.slice(before).map((r) => r.restMethod),
        ["batch", "test.echo", "batch"],
        "in the calls' order: the odd call between two batch requests",
      );
      assert.deepEqual(outcomes.map((o) => o.ok && o.key), ["first", "odd", "last"]);
      assert.ok(outcomes[1].ok);
      assert.deepEqual(outcomes[1].result, odd);
      assert.ok(outcomes[2].ok);
      assert.deepEqual(outcomes[2].result, { n: "3", deep: { x: "y" } }, "query-string values arrive as PHP reads them: text");
    } finally {
      await portal.close();
    }
  });

  it("names PHP would rewrite (dots, spaces, brackets) and commands over PHP's 1000 input variables go alone; big ATTACH goes as JSON text", async () => {
    const portal = await startPortal({ methods: { "test.echo": (c) => c.params } });
    try {
      const many = Array.from({ length: 1001 }, (_, i) => `v${i}`);
      const calls = [
        { method: "test.echo", params: { "my.key": "dot", "my key": "space" } },
        { method: "test.echo", params: { nested: { "a[b]": "bracket" } } },
        { method: "test.echo", params: { many } },
      ];
      const before = portal.requests.length;
      const outcomes = await new Bitrix24Client({ url: portal.webhookUrl }).batch<unknown>(calls);
      assert.deepEqual(portal.requests.slice(before).map((r) => r.restMethod), ["test.echo", "test.echo", "test.echo"]);
      for (const [i, o] of outcomes.entries()) {
        assert.ok(o.ok, `call ${i}`);
        assert.deepEqual(o.result, calls[i].params);
      }

      const grid = Array.from({ length: 300 }, (_, i) => ({ DISPLAY: "LINE", NAME: `n${i}`, VALUE: `v${i}`, WIDTH: 100 }));
      const [sent] = await new Bitrix24Client({ url: portal.webhookUrl }).batch<number>([["im.message.add", { DIALOG_ID: "chat1", MESSAGE: "grid", ATTACH: [{ GRID: grid }] }]]);
      assert.equal(portal.requests.at(-1)?.restMethod, "batch");
      assert.match(String((portal.requests.at(-1)?.params.cmd as Record<string, string>).c0), /&ATTACH=%5B%7B%22GRID/, "1,200 variables: ATTACH goes as one JSON text");
      assert.ok(sent.ok);
      assert.deepEqual(portal.state.getMessage(sent.result)?.attach?.[0].BLOCKS, [{ GRID: grid }]);
    } finally {
      await portal.close();
    }
  });

  it("a $result reference to a call that goes in another request is refused before anything is sent", async () => {
    const before = batchRequests();
    await assert.rejects(
      client().batch([
        { key: "alone", method: "im.message.add", params: { DIALOG_ID: "chat1", MESSAGE: "x", SYSTEM: false } },
        { key: "edit", method: "im.message.update", params: { MESSAGE_ID: "$result[alone]", MESSAGE: "y" } },
      ]),
      /refers to \$result\[alone\], which goes in another request/,
    );
    assert.equal(batchRequests() - before, 0);
  });

  it("duplicate keys and nested batches are refused before anything is sent", async () => {
    const before = batchRequests();
    await assert.rejects(client().batch([{ key: "a", method: "server.time" }, { key: "a", method: "server.time" }]), /used twice/);
    await assert.rejects(client().batch([["batch", {}]]), /cannot contain a batch/);
    assert.equal(batchRequests() - before, 0);
  });
});
