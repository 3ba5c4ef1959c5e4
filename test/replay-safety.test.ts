// Issue #8, points 1 and 3. An unsafe call (SendMessage) is never re-sent once an HTTP answer came
// that does not prove the method did not run: a PHP notice before the JSON, a body cut short, a
// gateway's page after the method ran. It is reported as an unknown outcome (TransportError with
// outcomeUnknown, CLI exit 5), and the portal holds the message once. A non-JSON 4xx is a refusal:
// not retried, nothing stored. Reads are retried through all of it. And a write marked safe to
// replay really is: run again it adds nothing and answers the same; the writes a second run would
// fail (delete, leave, owner change, …) are reported as unknown after a lost answer, not as failures.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { bitrix24, Bitrix24Client, TransportError } from "../src/index.js";
import { catalogue, findFunction } from "../src/catalogue/index.js";
import type { RestDefinition } from "../src/catalogue/define.js";
import { planCall } from "../src/catalogue/invoke.js";
import { MemoryLimiterStore } from "../src/transport/limiter.js";
import type { FaultKind } from "../src/portal/index.js";
import { chatColorHex } from "../src/portal/data/chat-colors.js";
import { runCli, usePortal } from "./helpers.js";
import { SAFE_SAMPLES, type ReplayContext } from "./replay/samples.js";

const ctx = usePortal();
const attempts = (method: string) => ctx.portal.requests.filter((r) => r.restMethod?.toLowerCase() === method.toLowerCase()).length;

/** A client with short backoff so retries take milliseconds (sleeps are skipped); the webhook's, or with user 1's OAuth token. */
function fastClient(oauth = false) {
  return new Bitrix24Client({
    ...(oauth ? { url: ctx.portal.url, token: ctx.portal.accessToken } : { url: ctx.portal.webhookUrl }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    limiterStore: new MemoryLimiterStore(),
    clock: { sleep: async () => {} },
  });
}

/** Sends a catalogue function the way the library and CLI do (its definition's `replay` included). */
async function viaCatalogue(name: string, values: Record<string, unknown>, oauth = false) {
  const client = fastClient(oauth);
  const plan = await planCall(findFunction(name) as RestDefinition, { url: ctx.portal.webhookUrl, ...values }, client);
  return plan.client.send(plan.request);
}

/** How many messages of chat1 have this text, read back through im.dialog.messages.get. */
async function storedInChat1(text: string): Promise<number> {
  const answer = await fastClient().call<{ messages: { text: string }[] }>("im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 50 });
  return answer.result.messages.filter((m) => m.text === text).length;
}

/** The call fails with an outcome-unknown TransportError that carries the request, secret masked. */
function unknownOutcome(method: string, text?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.outcomeUnknown, true);
    assert.equal(error.request?.method, method);
    if (text !== undefined) assert.equal(error.request?.params.MESSAGE, text);
    assert.match(error.message, /may or may not have been carried out/);
    assert.match(error.message, /not safe to replay/);
    assert.doesNotMatch(error.message + JSON.stringify(error.request), new RegExp(ctx.portal.secret));
    return true;
  };
}

// Answers that come after im.message.add ran, and prove nothing about it.
const AFTER_IT_RAN: [string, FaultKind][] = [
  ["a PHP notice printed before the JSON (HTTP 200)", { kind: "notice" }],
  ["a JSON body cut short (HTTP 200)", { kind: "truncate" }],
  ["an empty body (HTTP 200)", { kind: "truncate", bytes: 0 }],
  ["a connection closed half-way through the body", { kind: "truncate", drop: true }],
  ["a gateway's 504 page", { kind: "status", status: 504, after: true }],
  ["a proxy's 502 page", { kind: "status", status: 502, after: true }],
];

// HTTP refusals that are not Bitrix24's: the method did not run.
const REFUSALS: [string, FaultKind][] = [
  ["431 Request Header Fields Too Large", { kind: "status", status: 431 }],
  ["a proxy's HTML 400 page", { kind: "status", status: 400 }],
  ["413 Request Entity Too Large", { kind: "status", status: 413 }],
];

describe("SendMessage after an answer that proves nothing: stored once, outcome unknown", () => {
  for (const [what, fault] of AFTER_IT_RAN) {
    it(`library: ${what}`, async () => {
      const text = `library, ${what}`;
      ctx.portal.faults.add({ ...fault, method: "im.message.add" });
      const before = attempts("im.message.add");
      await assert.rejects(bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", text), unknownOutcome("im.message.add", text));
      assert.equal(attempts("im.message.add") - before, 1, "not sent again");
      assert.equal(await storedInChat1(text), 1);
    });

    it(`CLI exits 5: ${what}`, async () => {
      const text = `cli, ${what}`;
      ctx.portal.faults.add({ ...fault, method: "im.message.add" });
      const run = await runCli(["bitrix24", "SendMessage", "--url", ctx.portal.webhookUrl, "--chat", "chat1", "--text", text]);
      assert.equal(run.code, 5, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^oint: im\.message\.add: .*may or may not have been carried out.*not safe to replay/);
      assert.equal(run.stderr.trim().split("\n").length, 1);
      assert.doesNotMatch(run.stderr, new RegExp(ctx.portal.secret));
      assert.equal(await storedInChat1(text), 1);
    });
  }

  it("a 200 whose JSON is not an envelope is an unknown outcome too (here the method did not run)", async () => {
    ctx.portal.faults.add({ kind: "malformed", method: "im.message.add" });
    const before = attempts("im.message.add");
    await assert.rejects(bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", "malformed answer"), unknownOutcome("im.message.add"));
    assert.equal(attempts("im.message.add") - before, 1);
    assert.equal(await storedInChat1("malformed answer"), 0);
  });
});

describe("a non-JSON 4xx is a refusal: not retried, nothing stored, not an unknown outcome", () => {
  for (const [what, fault] of REFUSALS) {
    it(`library and CLI: ${what}`, async () => {
      const status = (fault as { status: number }).status;
      ctx.portal.faults.add({ ...fault, method: "im.message.add" });
      const before = attempts("im.message.add");
      await assert.rejects(bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", `refused ${status}`), (error: unknown) => {
        assert.ok(error instanceof TransportError, String(error));
        assert.equal(error.code, `HTTP_${status}`);
        assert.equal(error.status, status);
        assert.equal(error.outcomeUnknown, false);
        assert.match(error.message, /a refusal: the request was not carried out/);
        return true;
      });
      assert.equal(attempts("im.message.add") - before, 1, "not retried");

      ctx.portal.faults.add({ ...fault, method: "im.message.add" });
      const run = await runCli(["bitrix24", "SendMessage", "--url", ctx.portal.webhookUrl, "--chat", "chat1", "--text", `refused ${status}`]);
      assert.equal(run.code, 5, run.stderr);
      assert.match(run.stderr, new RegExp(`^oint: im\\.message\\.add: the portal answered HTTP ${status} with a body that is not clean JSON: <html>.*not carried out\\n$`));
      assert.equal(attempts("im.message.add") - before, 2);
      assert.equal(await storedInChat1(`refused ${status}`), 0);
    });
  }

  it("a Bitrix24 error with a PHP notice before it is a refusal too, and not retried", async () => {
    ctx.portal.faults.add({ kind: "notice", method: "im.message.add" });
    const before = attempts("im.message.add");
    const client = fastClient();
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "" }), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, "HTTP_400");
      assert.equal(error.outcomeUnknown, false);
      return true;
    });
    assert.equal(attempts("im.message.add") - before, 1);
  });

  it("a read is not retried after a refusal either: the same request would be refused again", async () => {
    ctx.portal.faults.add({ kind: "status", status: 431, method: "user.get" });
    const before = attempts("user.get");
    await assert.rejects(viaCatalogue("GetUser", { userId: "1" }), (e: unknown) => e instanceof TransportError && e.code === "HTTP_431");
    assert.equal(attempts("user.get") - before, 1);
  });
});

describe("reads are retried through answers that prove nothing", () => {
  it("GetUser: after a notice, a cut body, a dropped body, a 502 page and a malformed 200, the sixth attempt answers", async () => {
    ctx.portal.faults.add(
      { kind: "notice", method: "user.get" },
      { kind: "truncate", method: "user.get" },
      { kind: "truncate", drop: true, method: "user.get" },
      { kind: "status", status: 502, after: true, method: "user.get" },
      { kind: "malformed", method: "user.get" },
    );
    const before = attempts("user.get");
    const answer = await viaCatalogue("GetUser", { userId: "1" });
    assert.equal((answer.result as { ID: string }[])[0].ID, "1");
    assert.equal(attempts("user.get") - before, 6);
    assert.equal(ctx.portal.faults.pending, 0);
  });
});

describe("replay markings", () => {
  let chatId = 0;
  let messageId = 0;
  const client = () => fastClient();

  before(async () => {
    chatId = (await client().call<number>("im.chat.add", { TITLE: "replay", USERS: [2, 3] })).result;
    messageId = (await client().call<number>("im.message.add", { DIALOG_ID: `chat${chatId}`, MESSAGE: "original" })).result;
  });

  /** What a second run could add: messages, chats, notifications, and every engine entity's rows and sequences (the Drive's too). */
  const added = () => {
    const { counters } = ctx.portal.state.snapshot();
    const entities = Object.fromEntries(ctx.portal.state.stores.list().map(({ entity, store }) => [entity.name, { size: store.size, ...store.counters() }]));
    assert.ok(entities["disk.object"] && entities["disk.version"], "the Drive's stores are among them");
    return { ...counters, notifications: ctx.portal.state.notifications.snapshot().nextId, entities };
  };

  const SAMPLES = SAFE_SAMPLES;
  const replayContext = (): ReplayContext => ({ portal: ctx.portal, client, chatId, messageId });

  it("every function marked safe has a sample here (a new one must show it is safe)", () => {
    const safe = catalogue.filter((d) => d.kind !== "local" && d.replay === "safe").map((d) => d.name);
    assert.deepEqual(safe.sort(), Object.keys(SAMPLES).sort());
  });

  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`${name}: run again after its answer was lost, it adds nothing${sample.write ? " and answers the same" : ""}`, async () => {
      const method = (findFunction(name) as RestDefinition).method;
      const values = await sample.values(replayContext());
      const first = await viaCatalogue(name, values, sample.oauth);
      const mark = added();
      ctx.portal.faults.add({ kind: "drop-after", method });
      const before = attempts(method);
      const again = await viaCatalogue(name, values, sample.oauth);
      assert.equal(attempts(method) - before, 2, "re-sent once after the lost answer");
      assert.deepEqual(added(), mark);
      if (sample.write) assert.deepEqual(again.result, first.result);
    });
  }

  // Writes a second run would refuse: after a lost answer they are reported as unknown, not as
  // Bitrix24 failures, and the action did happen.
  const SECOND_RUN_FAILS: Record<string, { setup: () => Promise<Record<string, unknown>>; done: (values: Record<string, unknown>) => boolean }> = {
    DeleteMessage: {
      setup: async () => ({ messageId: (await client().call<number>("im.message.add", { DIALOG_ID: `chat${chatId}`, MESSAGE: "to delete" })).result }),
      done: (v) => ctx.portal.state.getMessage(Number(v.messageId))?.isDeleted === true,
    },
    LeaveChat: {
      setup: async () => ({ chatId: (await client().call<number>("im.chat.add", { TITLE: "to leave", USERS: [2] })).result }),
      done: (v) => !ctx.portal.state.getChat(Number(v.chatId))!.members.includes(1),
    },
    ChangeChatOwner: {
      setup: async () => ({ chatId: (await client().call<number>("im.chat.add", { TITLE: "to hand over", USERS: [2] })).result, userId: "2" }),
      done: (v) => ctx.portal.state.getChat(Number(v.chatId))!.ownerId === 2,
    },
    DeleteUserFromChat: {
      setup: async () => ({ chatId: (await client().call<number>("im.chat.add", { TITLE: "to shrink", USERS: [2] })).result, userId: "2" }),
      done: (v) => !ctx.portal.state.getChat(Number(v.chatId))!.members.includes(2),
    },
    ChangeChatColor: {
      setup: async () => ({ chatId: (await client().call<number>("im.chat.add", { TITLE: "to paint", COLOR: "RED" })).result, color: "MINT" }),
      done: (v) => ctx.portal.state.getChat(Number(v.chatId))!.color === chatColorHex("MINT"),
    },
    DeleteNotification: {
      setup: async () => ({ notificationId: (await client().call<number>("im.notify.personal.add", { USER_ID: 2, MESSAGE: "to delete" })).result }),
      done: (v) => ctx.portal.state.notifications.get(Number(v.notificationId)) === undefined,
    },
  };

  for (const [name, { setup, done }] of Object.entries(SECOND_RUN_FAILS)) {
    it(`${name}: a second run fails, so after a lost answer it is reported as unknown, not re-sent`, async () => {
      const method = (findFunction(name) as RestDefinition).method;
      // Why it is unsafe: run twice, the second run does not succeed as the first did.
      const twice = await setup();
      const first = await viaCatalogue(name, twice);
      const second = await viaCatalogue(name, twice).then((a) => a.result, (e: Error) => e);
      assert.notDeepEqual(second, first.result);

      const values = await setup();
      ctx.portal.faults.add({ kind: "drop-after", method });
      const before = attempts(method);
      await assert.rejects(viaCatalogue(name, values), unknownOutcome(method));
      assert.equal(attempts(method) - before, 1);
      assert.ok(done(values), "the action happened");
    });
  }

  for (const name of ["DeleteMessage", "LeaveChat", "ChangeChatOwner"]) {
    it(`CLI: ${name} whose answer was lost exits 5 (may have been carried out), not 3`, async () => {
      const { setup, done } = SECOND_RUN_FAILS[name];
      const values = await setup();
      ctx.portal.faults.add({ kind: "drop-after", method: (findFunction(name) as RestDefinition).method });
      const options = Object.entries(values).flatMap(([key, value]) => [`--${findFunction(name)!.params.find((p) => p.name === key)!.option}`, String(value)]);
      const run = await runCli(["bitrix24", name, "--url", ctx.portal.webhookUrl, ...options]);
      assert.equal(run.code, 5, run.stderr);
      assert.match(run.stderr, /may or may not have been carried out.*not safe to replay/);
      assert.ok(done(values), "the action happened");
    });
  }
});
