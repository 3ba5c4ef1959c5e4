// A chat's picture, set with ChangeChatPicture, opens from the avatar link GetDialog gives.
import assert from "node:assert/strict";
import { it } from "node:test";
import { bitrix24 } from "../src/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();
// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

it("the avatar link serves the exact image", async () => {
  const chatId = (await bitrix24.createChat(ctx.portal.webhookUrl, { TITLE: "With a picture", USERS: [2] })).result as number;
  await bitrix24.changeChatPicture(ctx.portal.webhookUrl, chatId, PNG.toString("base64"));
  const dialog = (await bitrix24.getDialog(ctx.portal.webhookUrl, `chat${chatId}`)).result as { avatar: string };
  assert.match(dialog.avatar, new RegExp(`^${ctx.portal.url}/upload/im/avatar/chat${chatId}\\.png$`));
  const answer = await fetch(dialog.avatar);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get("content-type"), "image/png");
  assert.deepEqual(Buffer.from(await answer.arrayBuffer()), PNG);
});

it("a chat without a picture has no avatar to serve", async () => {
  const answer = await fetch(`${ctx.portal.url}/upload/im/avatar/chat1.png`);
  assert.equal(answer.status, 404);
});
