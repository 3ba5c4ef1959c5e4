// Reading a dialog by pages and counting unread, over HTTP against a chat of many messages by two
// authors: every page (newest first, before LAST_ID, after FIRST_ID) is exactly the slice a full
// read gives, and the unread counters (im.dialog.read's `counter`, im.dialog.get's `counter` and
// `unread_id`) count the others' messages after each member's read mark. The portal answers these
// from per-chat and per-author id indexes (bench/dialog-reads.ts), so the answers must equal the
// plain computation over the whole chat.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();
const MARIA = "maria-dialog-reads-token";
let chatId = 0;
let all: { id: number; author: number }[] = [];

const user1 = () => new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
const user2 = () => new Bitrix24Client({ url: ctx.portal.url, token: MARIA, plan: "off" });
const page = async (client: Bitrix24Client, params: Record<string, unknown>) =>
  (await client.call<{ messages: { id: number }[] }>("im.dialog.messages.get", { DIALOG_ID: `chat${chatId}`, ...params })).result.messages.map((m) => m.id);

// Made once, on the first test's demand: root-level before() hooks do not wait for usePortal's on Node 20.
let made: Promise<void> | undefined;
const prepare = () => (made ??= makeChat());
async function makeChat(): Promise<void> {
  ctx.portal.credentials.addToken(MARIA, { userId: 2 });
  chatId = (await user1().call<number>("im.chat.add", { TITLE: "long chat", USERS: [2] })).result;
  // What the chat holds already (its first, system message), read before the long run is added.
  const first = await user1().call<{ messages: { id: number; author_id: number }[] }>("im.dialog.messages.get", { DIALOG_ID: `chat${chatId}`, LIMIT: 50 });
  all = first.result.messages.map((m) => ({ id: m.id, author: m.author_id }));
  // 240 messages: runs of each author, so "the others' messages" is not every other one.
  for (let i = 0; i < 240; i++) {
    const author = Math.floor(i / 7) % 3 === 0 ? 2 : 1;
    const message = ctx.portal.state.createMessage({ chatId, authorId: author, text: `m${i}` });
    all.push({ id: message.id, author });
  }
  all = all.sort((a, b) => a.id - b.id);
}

describe("pages of a long dialog", () => {
  it("the newest page, pages before LAST_ID and after FIRST_ID are the slices of the whole chat", async () => {
    await prepare();
    const ids = all.map((m) => m.id);
    assert.deepEqual(await page(user1(), { LIMIT: 20 }), ids.slice(-20).reverse());
    const pivot = ids[100];
    assert.deepEqual(await page(user1(), { LIMIT: 15, LAST_ID: pivot }), ids.slice(85, 100).reverse());
    assert.deepEqual(await page(user1(), { LIMIT: 15, FIRST_ID: pivot }), ids.slice(101, 116));
    assert.deepEqual(await page(user1(), { LIMIT: 50, FIRST_ID: ids.at(-3) }), ids.slice(-2));
    assert.deepEqual(await page(user1(), { LIMIT: 20, LAST_ID: ids[0] }), []);
  });
});

describe("unread counters", () => {
  const othersAfter = (userId: number, mark: number) => all.filter((m) => m.id > mark && m.author !== userId);

  it("im.dialog.read answers the others' messages left after the new read mark, for each member", async () => {
    await prepare();
    for (const [client, userId, index] of [[user1(), 1, 37], [user2(), 2, 180], [user1(), 1, 240]] as const) {
      const mark = all[index].id;
      const answer = await client.call<{ counter: number; lastId: number }>("im.dialog.read", { DIALOG_ID: `chat${chatId}`, MESSAGE_ID: mark });
      assert.equal(answer.result.counter, othersAfter(userId, mark).length, `user ${userId} at message ${index}`);
    }
  });

  it("im.dialog.get's counter and unread_id follow the caller's read mark", async () => {
    await prepare();
    const mark = all[200].id; // read marks only move forward: past the 180 of the test before
    await user2().call("im.dialog.read", { DIALOG_ID: `chat${chatId}`, MESSAGE_ID: mark });
    const dialog = await user2().call<{ counter: number; unread_id: number; message_count: number }>("im.dialog.get", { DIALOG_ID: `chat${chatId}` });
    const unread = othersAfter(2, mark);
    assert.equal(dialog.result.counter, unread.length);
    assert.equal(dialog.result.unread_id, unread[0].id);
  });
});
