// Retries that never duplicate: safe calls are retried on 503/5xx/network errors with bounded,
// jittered backoff; a call that is not safe to replay is never re-sent after the portal may have
// carried it out: the caller gets an outcome-unknown error carrying the (redacted) request.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error, TransportError } from "../src/index.js";
import { findFunction } from "../src/catalogue/index.js";
import type { RestDefinition } from "../src/catalogue/define.js";
import { planCall } from "../src/catalogue/invoke.js";
import { MemoryLimiterStore } from "../src/transport/limiter.js";
import { freePort, runCli, usePortal } from "./helpers.js";

const ctx = usePortal();
const attempts = (method: string) => ctx.portal.requests.filter((r) => r.restMethod === method).length;
const messagesWith = (text: string) => ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text === text).length;

/** A client with short backoff so retries take milliseconds; sleeps are counted. */
function fastClient(options: { maxRetries?: number; url?: string } = {}) {
  const slept: number[] = [];
  const client = new Bitrix24Client({
    url: options.url ?? ctx.portal.webhookUrl,
    maxRetries: options.maxRetries,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    limiterStore: new MemoryLimiterStore(),
    clock: { sleep: async (ms) => void slept.push(ms) },
  });
  return { client, slept };
}

/** Sends a catalogue function the way the library and CLI do (its definition's `replay` included). */
async function sendViaCatalogue(client: Bitrix24Client, name: string, values: Record<string, unknown>) {
  const plan = await planCall(findFunction(name) as RestDefinition, { url: ctx.portal.webhookUrl, ...values }, client);
  return plan.client.send(plan.request);
}

describe("retries", () => {
  it("a 503 storm: SendMessage is retried (nothing ran) and the message exists exactly once", async () => {
    ctx.portal.faults.add({ kind: "status", status: 503, times: 3, method: "im.message.add" });
    const before = attempts("im.message.add");
    const { client } = fastClient();
    const answer = await sendViaCatalogue(client, "SendMessage", { chatId: "chat1", text: "after the storm" });
    assert.equal(typeof answer.result, "number");
    assert.equal(attempts("im.message.add") - before, 4);
    assert.equal(messagesWith("after the storm"), 1);
  });

  it("a read is retried after 5xx pages from a proxy and after a dropped connection", async () => {
    ctx.portal.faults.add({ kind: "status", status: 502, method: "server.time" }, { kind: "status", status: 500, method: "server.time" }, { kind: "drop-before", method: "server.time" });
    const before = attempts("server.time");
    const { client, slept } = fastClient();
    const answer = await sendViaCatalogue(client, "ServerTime", {});
    assert.equal(typeof answer.result, "string");
    assert.equal(attempts("server.time") - before, 4);
    assert.equal(slept.length, 3, "one backoff per failure");
  });

  it("an idempotent write (EditMessage, replay safe) is re-sent after the answer was lost", async () => {
    const { client } = fastClient();
    const sent = await client.call<number>("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "to be edited" });
    ctx.portal.faults.add({ kind: "drop-after", method: "im.message.update" });
    const before = attempts("im.message.update");
    const answer = await sendViaCatalogue(client, "EditMessage", { messageId: sent.result, text: "edited twice, same result" });
    assert.equal(answer.result, true);
    assert.equal(attempts("im.message.update") - before, 2);
    assert.equal(ctx.portal.state.getMessage(sent.result)?.text, "edited twice, same result");
  });

  it("a proxy's rate limit or request timeout page (429, 408, not Bitrix24's) proves nothing ran: SendMessage goes again, stored once", async () => {
    ctx.portal.faults.add(
      { kind: "status", status: 429, body: "<html><body>Too Many Requests</body></html>", method: "im.message.add" },
      { kind: "status", status: 408, method: "im.message.add" },
    );
    const before = attempts("im.message.add");
    const { client, slept } = fastClient();
    const answer = await sendViaCatalogue(client, "SendMessage", { chatId: "chat1", text: "after a proxy's refusals" });
    assert.equal(typeof answer.result, "number");
    assert.equal(attempts("im.message.add") - before, 3);
    assert.equal(slept.length, 2);
    assert.equal(messagesWith("after a proxy's refusals"), 1);
  });

  it("retries are bounded: after maxRetries the portal's error reaches the caller", async () => {
    ctx.portal.faults.add({ kind: "status", status: 503, times: 10, method: "server.time" });
    const before = attempts("server.time");
    const { client } = fastClient({ maxRetries: 3 });
    await assert.rejects(client.call("server.time"), (e: unknown) => e instanceof Bitrix24Error && e.code === "QUERY_LIMIT_EXCEEDED");
    assert.equal(attempts("server.time") - before, 4);
    ctx.portal.faults.clear();
  });

  it("a method error (4xx) is not retried", async () => {
    const before = attempts("im.message.add");
    const { client } = fastClient();
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "" }), (e: unknown) => e instanceof Bitrix24Error && e.status === 400);
    assert.equal(attempts("im.message.add") - before, 1);
  });

  it("a portal nobody listens on: nothing was sent, so even a write is retried, then CONNECTION_FAILED", async () => {
    const port = await freePort();
    const { client, slept } = fastClient({ maxRetries: 2, url: `http://127.0.0.1:${port}/rest/1/nosuchsecret/` });
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x" }), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.equal(e.code, "CONNECTION_FAILED");
      assert.equal(e.outcomeUnknown, false);
      assert.doesNotMatch(e.message, /nosuchsecret/);
      return true;
    });
    assert.equal(slept.length, 2);
  });
});

describe("unsafe calls after an ambiguous failure", () => {
  it("SendMessage whose answer is lost: not re-sent, outcome-unknown error with the request, the portal holds the message once", async () => {
    ctx.portal.faults.add({ kind: "drop-after", method: "im.message.add" });
    const before = attempts("im.message.add");
    const { client } = fastClient();
    await assert.rejects(sendViaCatalogue(client, "SendMessage", { chatId: "chat1", text: "sent once, answer lost" }), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.equal(e.outcomeUnknown, true);
      assert.match(e.message, /not safe to replay/);
      assert.equal(e.request?.method, "im.message.add");
      assert.deepEqual(e.request?.params, { DIALOG_ID: "chat1", MESSAGE: "sent once, answer lost" });
      assert.doesNotMatch(JSON.stringify(e.request) + e.message, new RegExp(ctx.portal.secret));
      return true;
    });
    assert.equal(attempts("im.message.add") - before, 1);
    assert.equal(messagesWith("sent once, answer lost"), 1);
  });

  it("the same through a proxy's 504 page: the write is not repeated", async () => {
    ctx.portal.faults.add({ kind: "status", status: 504, method: "im.message.add" });
    const before = attempts("im.message.add");
    const { client } = fastClient();
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "behind a proxy" }), (e: unknown) => e instanceof TransportError && e.outcomeUnknown);
    assert.equal(attempts("im.message.add") - before, 1);
  });

  it("the CLI exits 5 and says the message may have been sent, with the secret masked", async () => {
    ctx.portal.faults.add({ kind: "drop-after", method: "im.message.add" });
    const run = await runCli(["bitrix24", "SendMessage", "--url", ctx.portal.webhookUrl, "--chat", "chat1", "--text", "cli answer lost"]);
    assert.equal(run.code, 5);
    assert.match(run.stderr, /may or may not have been carried out/);
    assert.match(run.stderr, /not safe to replay/);
    assert.doesNotMatch(run.stderr, new RegExp(ctx.portal.secret));
    assert.equal(messagesWith("cli answer lost"), 1);
  });
});
