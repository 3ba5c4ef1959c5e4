// SetMessageReaction, MarkMessageAsReaded and MarkMessageAsUnreaded through the library and the
// CLI in both auth modes, and what the dialog then shows: likes in params.LIKE, read marks in
// each reader's `unread` flags.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { expectError, runCli, usePortal } from "./helpers.js";
import { assertSameShape, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const hook = () => ctx.portal.webhookUrl;
const token = () => ctx.portal.accessToken; // user 1
const lastRequest = () => ctx.portal.requests.at(-1)!;
const lastBody = () => JSON.parse(lastRequest().body);

/** An access token of another user, registered on first use. */
function tokenOf(userId: number): string {
  const name = `user-${userId}-token`;
  ctx.portal.credentials.addToken(name, { userId });
  return name;
}

interface DialogMessage {
  id: number;
  unread: boolean;
  params: { LIKE?: number[] } | [];
}

/** The messages of a dialog as `asToken`'s user (or the webhook user) sees them, by id. */
async function dialog(dialogId: string, asToken?: string): Promise<Map<number, DialogMessage>> {
  const client = asToken ? new Bitrix24Client({ url: ctx.portal.url, token: asToken }) : new Bitrix24Client({ url: hook() });
  const answer = await client.call<{ messages: DialogMessage[] }>("im.dialog.messages.get", { DIALOG_ID: dialogId, LIMIT: 50 });
  return new Map(answer.result.messages.map((m) => [m.id, m]));
}

const likesOf = async (id: number) => ((await dialog("chat1")).get(id)?.params as { LIKE?: number[] }).LIKE;

/** Messages from user 2 to chat1, oldest first. */
async function postsByMaria(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await bitrix24.sendMessage(ctx.portal.url, "chat1", `Maria ${i}`, "", tokenOf(2))).result);
  return ids;
}

describe("SetMessageReaction", () => {
  it("POSTs MESSAGE_ID to im.message.like, answers true like the sample, and toggles params.LIKE", async () => {
    const id = (await bitrix24.sendMessage(hook(), "chat1", "Like me")).result;
    const answer = await bitrix24.setMessageReaction(hook(), id);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/im.message.like`);
    assert.deepEqual(lastBody(), { MESSAGE_ID: String(id) });
    assertSameShape(answer, opiSample("SetMessageReaction"));
    assert.equal(answer.result, true);
    assert.deepEqual(await likesOf(id), [1]);

    await bitrix24.setMessageReaction(ctx.portal.url, id, tokenOf(3));
    assert.deepEqual(await likesOf(id), [1, 3], "likes of several users, in order");
    await bitrix24.setMessageReaction(hook(), id);
    assert.deepEqual(await likesOf(id), [3], "a second call takes the like back");
  });

  it("CLI with a token: -u -m -t", async () => {
    const id = (await bitrix24.sendMessage(hook(), "chat1", "Like me from the CLI")).result;
    const run = await runCli(["bitrix24", "SetMessageReaction", "-u", ctx.portal.url, "-m", String(id), "-t", token()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).result, true);
    assert.equal(lastRequest().path, "/rest/im.message.like");
    assert.deepEqual(lastBody(), { MESSAGE_ID: String(id), auth: token() });
    assert.deepEqual(await likesOf(id), [1]);
  });

  it("Bitrix24's errors: no MESSAGE_ID, no change (ACTION plus twice), a message the caller cannot see", async () => {
    const client = new Bitrix24Client({ url: hook() });
    await expectError(client.call("im.message.like", {}), "MESSAGE_ID_ERROR");
    const id = (await bitrix24.sendMessage(hook(), "chat1", "plus")).result;
    await client.call("im.message.like", { MESSAGE_ID: id, ACTION: "plus" });
    await expectError(client.call("im.message.like", { MESSAGE_ID: id, ACTION: "plus" }), "WITHOUT_CHANGES");
    await expectError(bitrix24.setMessageReaction(hook(), 99999), "WITHOUT_CHANGES");
    const run = await runCli(["bitrix24", "УстановитьРеакциюНаСообщение", "--url", hook(), "--message", "99999"]);
    assert.equal(run.code, 3);
    assert.equal(JSON.parse(run.stdout).error, "WITHOUT_CHANGES");
  });
});

describe("MarkMessageAsReaded / MarkMessageAsUnreaded", () => {
  it("another user's new messages are unread; reading one reads it and everything before it", async () => {
    const [a, b, c] = await postsByMaria(3);
    let seen = await dialog("chat1");
    assert.deepEqual([a, b, c].map((id) => seen.get(id)?.unread), [true, true, true]);

    const answer = await bitrix24.markMessageAsReaded(hook(), "chat1", b);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/im.dialog.read`);
    assert.deepEqual(lastBody(), { DIALOG_ID: "chat1", MESSAGE_ID: String(b) });
    assert.deepEqual(answer.result, { dialogId: "chat1", chatId: 1, lastId: b, counter: 1 });

    seen = await dialog("chat1");
    assert.deepEqual([a, b, c].map((id) => seen.get(id)?.unread), [false, false, true]);
    assert.equal((await dialog("chat1", tokenOf(3))).get(a)?.unread, true, "read marks are per reader");
    const own = await dialog("chat1", tokenOf(2));
    assert.equal(own.get(c)?.unread, false, "own messages are never unread");
  });

  it("unreading a message makes it and every later one unread again", async () => {
    const [a, b, c] = await postsByMaria(3);
    await bitrix24.markMessageAsReaded(hook(), "chat1", c);
    const answer = await bitrix24.markMessageAsUnreaded(hook(), "chat1", b);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/im.dialog.unread`);
    assert.deepEqual(lastBody(), { DIALOG_ID: "chat1", MESSAGE_ID: String(b) });
    assertSameShape(answer, opiSample("MarkMessageAsUnreaded"));
    const seen = await dialog("chat1");
    assert.deepEqual([a, b, c].map((id) => seen.get(id)?.unread), [false, true, true]);
  });

  it("a private dialog with a token answers like the sample (dialogId is the user id, a number)", async () => {
    const sent = (await bitrix24.sendMessage(ctx.portal.url, 1, "Hello Alex", "", tokenOf(2))).result;
    const answer = await bitrix24.markMessageAsReaded(ctx.portal.url, 2, sent, token());
    assert.deepEqual(lastBody(), { DIALOG_ID: "2", MESSAGE_ID: String(sent), auth: token() });
    assertSameShape(answer, opiSample("MarkMessageAsReaded"));
    assert.equal(answer.result.dialogId, 2);
    assert.equal(answer.result.lastId, sent);
    assert.equal(answer.result.counter, 0);
    assert.equal((await dialog("2")).get(sent)?.unread, false);
  });

  it("CLI: -u -c -m -t for both, with a token", async () => {
    const [a] = await postsByMaria(1);
    const read = await runCli(["bitrix24", "MarkMessageAsReaded", "-u", ctx.portal.url, "-c", "chat1", "-m", String(a), "-t", token()]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(JSON.parse(read.stdout).result.lastId, a);
    assert.equal((await dialog("chat1")).get(a)?.unread, false);

    const unread = await runCli(["bitrix24", "ОтметитьСообщениеКакНепрочитанное", "--url", ctx.portal.url, "--chat", "chat1", "--message", String(a), "--token", token()]);
    assert.equal(unread.code, 0, unread.stderr);
    assert.equal(JSON.parse(unread.stdout).result, true);
    assert.equal(lastRequest().path, "/rest/im.dialog.unread");
    assert.equal((await dialog("chat1")).get(a)?.unread, true);
  });

  it("Bitrix24's answers to bad input: DIALOG_ID_EMPTY, MESSAGE_ID_ERROR, false for a dialog the caller is not in", async () => {
    const client = new Bitrix24Client({ url: hook() });
    await expectError(client.call("im.dialog.read", {}), "DIALOG_ID_EMPTY");
    await expectError(client.call("im.dialog.unread", { DIALOG_ID: "chat1" }), "MESSAGE_ID_ERROR");
    await expectError(client.call("im.dialog.unread", { MESSAGE_ID: 1 }), "DIALOG_ID_EMPTY");
    const closed = ctx.portal.state.createChat({ type: "chat", title: "Not yours", ownerId: 2, members: [3] });
    assert.equal((await bitrix24.markMessageAsReaded(hook(), `chat${closed.id}`, 1)).result, false);
  });
});
