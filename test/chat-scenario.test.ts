// OpenIntegrations' own chat test (opi-bitrix24.md §6.1), end to end against the local portal, once
// with the webhook URL and once with the portal address plus an OAuth token, as OpenIntegrations
// runs it: create a chat, manage its members, rename, recolour, send, edit, like, read, send a
// file, hand over and leave. Each step also checks what the portal now holds.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bitrix24 } from "../src/index.js";
import { usePortal, useScratchDir } from "./helpers.js";

const ctx = usePortal();
const tmp = useScratchDir();

const variants = [
  { name: "webhook", url: () => ctx.portal.webhookUrl, token: () => "" },
  { name: "OAuth token", url: () => ctx.portal.url, token: () => ctx.portal.accessToken },
];

for (const variant of variants) {
  describe(`chat scenario (${variant.name})`, () => {
    it("runs from creating a chat to leaving it", async () => {
      const url = variant.url();
      const token = variant.token();

      assert.equal(typeof (await bitrix24.getUserStatus(url, token)).result, "string");
      assert.equal((await bitrix24.setUserStatus(url, "dnd", token)).result, true);
      assert.equal((await bitrix24.getUserStatus(url, token)).result, "dnd");
      const users = (await bitrix24.getUsers(url, [1, 2], token)).result as Record<string, unknown>;
      assert.deepEqual(Object.keys(users).sort(), ["1", "2"]);

      const created = await bitrix24.createChat(url, { TYPE: "CHAT", TITLE: "Scenario", USERS: [2, 3], COLOR: "GREEN" }, token);
      const chatId = created.result as number;
      assert.equal(typeof chatId, "number");
      const dialog = `chat${chatId}`;
      const members = async () => ((await bitrix24.getChatUsers(url, chatId, token)).result as number[]).map(Number).sort();
      assert.deepEqual(await members(), [1, 2, 3]);

      assert.equal((await bitrix24.deleteUserFromChat(url, chatId, 3, token)).result, true);
      assert.deepEqual(await members(), [1, 2]);
      assert.equal((await bitrix24.addUsersToChat(url, chatId, [3, 4], false, token)).result, true);
      assert.deepEqual(await members(), [1, 2, 3, 4]);

      assert.equal((await bitrix24.changeChatTitle(url, chatId, "Scenario, renamed", token)).result, true);
      assert.equal((await bitrix24.changeChatColor(url, chatId, "AQUA", token)).result, true);
      const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
      const picture = join(tmp.path, "avatar.png");
      writeFileSync(picture, png);
      assert.equal((await bitrix24.changeChatPicture(url, chatId, picture, token)).result, true);
      const shown = (await bitrix24.getDialog(url, dialog, token)).result as { name: string; color: string };
      assert.equal(shown.name, "Scenario, renamed");
      assert.match(shown.color, /^#[0-9a-f]{6}$/i);

      assert.equal((await bitrix24.disableChatNotifications(url, chatId, token)).result, true);
      assert.equal((await bitrix24.enableChatNotifications(url, chatId, token)).result, true);

      const blocks = [bitrix24.getPictureBlock("Picture1", "https://example.com/p.jpg"), bitrix24.getFileBlock("File1.docx", "https://example.com/d.docx")];
      const sent = (await bitrix24.sendMessage(url, dialog, "Scenario message", blocks, token)).result;
      const list = (await bitrix24.getChatMessagesList(url, dialog, "", 0, token)).result as { messages: { id: number; text: string; params: any }[] };
      const mine = list.messages.find((m) => m.id === sent);
      assert.equal(mine?.text, "Scenario message");

      const read = (await bitrix24.markMessageAsReaded(url, dialog, sent, token)).result as { dialogId: string; chatId: number; lastId: number; counter: number };
      assert.equal(read.lastId, sent);
      assert.equal((await bitrix24.markMessageAsUnreaded(url, dialog, sent, token)).result, true);
      assert.ok(Array.isArray((await bitrix24.getChatMembersList(url, dialog, token)).result));
      assert.equal((await bitrix24.sendWritingNotification(url, dialog, token)).result, true);

      assert.equal((await bitrix24.editMessage(url, sent, "Scenario message, edited", blocks, token)).result, true);
      assert.equal((await bitrix24.setMessageReaction(url, sent, token)).result, true);
      const liked = ((await bitrix24.getChatMessagesList(url, dialog, "", 0, token)).result as typeof list).messages.find((m) => m.id === sent);
      assert.equal(liked?.text, "Scenario message, edited");
      assert.deepEqual(liked?.params.LIKE, [1]);
      assert.equal((await bitrix24.deleteMessage(url, sent, token)).result, true);

      const folder = ((await bitrix24.getChatFilesFolder(url, chatId, token)).result as { ID: number }).ID;
      const bytes = randomBytes(4096);
      const document = join(tmp.path, "document.bin");
      writeFileSync(document, bytes);
      const uploaded = (await bitrix24.uploadFileToFolder(url, "Important document.bin", document, folder, token)) as { result: { ID: number; DOWNLOAD_URL: string } };
      const fileSent = (await bitrix24.sendFile(url, chatId, uploaded.result.ID, "Very important file", token)).result as { MESSAGE_ID: number };
      assert.equal(typeof fileSent.MESSAGE_ID, "number");
      const download = await fetch(uploaded.result.DOWNLOAD_URL);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes, "the file reads back byte for byte");

      assert.equal((await bitrix24.readAll(url, token)).result, true);
      assert.equal((await bitrix24.changeChatOwner(url, chatId, 2, token)).result, true);
      assert.equal(((await bitrix24.getDialog(url, dialog, token)).result as { owner: number }).owner, 2);
      assert.equal((await bitrix24.leaveChat(url, chatId, token)).result, true);
      assert.deepEqual(await members2(url, chatId), [2, 3, 4]);
      assert.ok(bitrix24.getChatStructure());
    });
  });
}

/** Members as seen by user 2 (the caller has left and may no longer read the list). */
async function members2(_url: string, chatId: number): Promise<number[]> {
  const chat = ctx.portal.state.getChat(chatId);
  return [...(chat?.members ?? [])].sort();
}
