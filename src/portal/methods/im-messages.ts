// Sending, editing and deleting chat messages: im.message.add / .update / .delete.
// Validation order and error codes follow the Bitrix24 docs (bitrix24-rest.md §4.1-4.3).
import { isRemoval, parseAttach, parseKeyboard, parseMenu } from "../render/attach.js";
import { badRequest, forbidden } from "../http/errors.js";
import { isBlank, limitMessageText, textParam, toInt, upperKeys, yesNo } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { MessagePatch, MessageRecord } from "../data/state.js";
import { parseDialogId } from "./dialog-id.js";

const cantEdit = () => badRequest("CANT_EDIT_MESSAGE", "Time has expired for modification or you don't have access");

/** im.message.add -> the new message id. */
const messageAdd: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  // Missing or malformed DIALOG_ID alike: the page lists USER_ID_EMPTY for both and no
  // DIALOG_ID_EMPTY (api-reference/chats/messages/im-message-add.md, "Possible Error Codes").
  const dialog = parseDialogId(p.DIALOG_ID);
  if (!dialog || dialog.kind === "invalid") throw badRequest("USER_ID_EMPTY", "User ID can't be empty");

  const text = limitMessageText(textParam(p.MESSAGE));
  const attach = parseAttach(p.ATTACH, () => ctx.state.newAttachId());
  if (text === "" && !attach) throw badRequest("MESSAGE_EMPTY", "Message can't be empty");
  const keyboard = parseKeyboard(p.KEYBOARD);
  const menu = parseMenu(p.MENU);

  // Workgroups are not emulated yet, so every sgN names a chat that does not exist.
  const resolved =
    dialog.kind === "sg"
      ? ({ ok: false, reason: "chat-not-found" } as const)
      : ctx.state.resolveDialog(dialog.kind === "chat" ? { kind: "chat", chatId: dialog.chatId } : { kind: "user", userId: dialog.userId }, ctx.userId);
  if (!resolved.ok) {
    throw resolved.reason === "user-not-found"
      ? badRequest("USER_NOT_FOUND", "User not found")
      : badRequest("CHAT_ID", "Error creating message");
  }
  const chat = resolved.chat;
  if (!chat.members.includes(ctx.userId)) throw forbidden("ACCESS_ERROR", "Action unavailable");

  const replyId = toInt(p.REPLY_ID);
  if (replyId) {
    const original = ctx.state.getMessage(replyId);
    if (original && original.chatId !== chat.id) {
      throw badRequest("REPLY_FROM_OTHER_CHAT_ERROR", "You can only reply to a message within the same chat");
    }
  }

  return ctx.state.createMessage({
    chatId: chat.id,
    authorId: ctx.userId,
    text,
    attach,
    keyboard,
    menu,
    system: yesNo(p.SYSTEM, false),
    urlPreview: yesNo(p.URL_PREVIEW, true),
    replyId: replyId || null,
  }).id;
};

/** im.message.update -> true. An empty MESSAGE deletes the message; `N`/empty ATTACH etc. remove them. */
const messageUpdate: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const message = editableMessage(ctx, p.MESSAGE_ID, "update");

  const patch: MessagePatch = {};
  if ("MESSAGE" in p) {
    const text = limitMessageText(textParam(p.MESSAGE));
    if (text === "") {
      ctx.state.deleteMessage(message.id);
      return true;
    }
    patch.text = text;
  }
  if ("ATTACH" in p) patch.attach = isRemoval(p.ATTACH) ? null : parseAttach(p.ATTACH, () => ctx.state.newAttachId());
  if ("KEYBOARD" in p) patch.keyboard = isRemoval(p.KEYBOARD) ? null : parseKeyboard(p.KEYBOARD);
  if ("MENU" in p) patch.menu = isRemoval(p.MENU) ? null : parseMenu(p.MENU);
  if (!isBlank(p.URL_PREVIEW)) patch.urlPreview = yesNo(p.URL_PREVIEW, true);

  // A text change always shows as edited; IS_EDITED=N only hides attachment changes (docs §4.2).
  const textChanged = patch.text !== undefined && patch.text !== message.text;
  patch.markEdited = textChanged || (patch.attach !== undefined && yesNo(p.IS_EDITED, true));
  ctx.state.updateMessage(message.id, patch);
  return true;
};

/** im.message.delete -> true. The message stays in the history, marked deleted. */
const messageDelete: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const message = editableMessage(ctx, p.MESSAGE_ID, "delete");
  ctx.state.deleteMessage(message.id);
  return true;
};

/**
 * The message the caller may change: their own, not yet deleted. A group chat's owner may also
 * delete other people's messages. Everything else is CANT_EDIT_MESSAGE, unknown ids included.
 */
function editableMessage(ctx: MethodContext, rawId: unknown, action: "update" | "delete"): MessageRecord {
  const id = toInt(rawId);
  if (!id) throw badRequest("MESSAGE_ID_ERROR", "Message ID can't be empty");
  const message = ctx.state.getMessage(id);
  if (!message || message.isDeleted) throw cantEdit();
  const chat = ctx.state.getChat(message.chatId);
  if (!chat || !chat.members.includes(ctx.userId)) throw cantEdit();
  const isAuthor = message.authorId === ctx.userId;
  const isGroupOwner = action === "delete" && chat.type !== "private" && chat.ownerId === ctx.userId;
  if (!isAuthor && !isGroupOwner) throw cantEdit();
  return message;
}

export const imMessageMethods: Record<string, MethodHandler> = {
  "im.message.add": messageAdd,
  "im.message.update": messageUpdate,
  "im.message.delete": messageDelete,
};
