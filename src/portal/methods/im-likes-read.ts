// Likes and read marks: im.message.like, im.dialog.read, im.dialog.unread.
// Validation order and codes follow Bitrix24 (bitrix24-rest.md §4.4, §4.7).
import { badRequest } from "../http/errors.js";
import { toInt, upperKeys } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { ChatRecord, MessageRecord, PortalState } from "../data/state.js";
import { parseDialogId, type DialogRef } from "./dialog-id.js";

const withoutChanges = () => badRequest("WITHOUT_CHANGES", "Action completed without changes");
const dialogIdEmpty = () => badRequest("DIALOG_ID_EMPTY", "Dialog ID can't be empty");

/** Whether `userId` has not read the message yet (own messages are always read). */
export function isUnreadFor(state: PortalState, message: MessageRecord, userId: number): boolean {
  return message.authorId !== userId && message.id > state.chatExtras.lastRead(message.chatId, userId);
}

/** How many messages of the chat `userId` has not read. */
export function unreadCount(state: PortalState, chatId: number, userId: number): number {
  const after = state.chatExtras.lastRead(chatId, userId);
  return state.unread(chatId, userId, after).count;
}

/**
 * im.message.like -> true. ACTION: auto (toggle, the default), plus, minus. A like that changes
 * nothing, and a message the caller cannot see, are WITHOUT_CHANGES, as in Bitrix24.
 */
const messageLike: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const id = toInt(p.MESSAGE_ID);
  if (!id) throw badRequest("MESSAGE_ID_ERROR", "Message ID can't be empty");
  const action = typeof p.ACTION === "string" && ["plus", "minus"].includes(p.ACTION.toLowerCase()) ? p.ACTION.toLowerCase() : "auto";

  const message = ctx.state.getMessage(id);
  if (!message || message.isDeleted || !ctx.state.isMember(message.chatId, ctx.userId)) throw withoutChanges();
  const liked = action === "auto" ? !message.likes.includes(ctx.userId) : action === "plus";
  if (!ctx.state.setLike(id, ctx.userId, liked)) throw withoutChanges();
  return true;
};

/** The chat a DIALOG_ID names for the caller, if it exists and the caller is in it. */
function memberChat(ctx: MethodContext, dialog: DialogRef): ChatRecord | null {
  if (dialog.kind !== "chat" && dialog.kind !== "user") return null;
  const resolved = ctx.state.resolveDialog(dialog, ctx.userId, false);
  return resolved.ok && resolved.chat.members.includes(ctx.userId) ? resolved.chat : null;
}

/**
 * im.dialog.read -> {dialogId, chatId, lastId, counter}: MESSAGE_ID and every earlier message are
 * read (no MESSAGE_ID: the whole chat); counter = unread messages left. `false` without access.
 */
const dialogRead: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const dialog = parseDialogId(p.DIALOG_ID);
  if (!dialog || dialog.kind === "invalid") throw dialogIdEmpty();
  const chat = memberChat(ctx, dialog);
  if (!chat) return false;

  const requested = toInt(p.MESSAGE_ID);
  const upTo = requested ? Math.min(requested, chat.lastMessageId) : chat.lastMessageId;
  ctx.state.chatExtras.markRead(chat.id, ctx.userId, upTo);
  ctx.state.changes.emit({ kind: "message", action: "read", chatId: chat.id });
  return {
    // A private dialog is named by the user id (a number), a group chat by "chatN".
    dialogId: dialog.kind === "user" ? dialog.userId : `chat${chat.id}`,
    chatId: chat.id,
    lastId: ctx.state.chatExtras.lastRead(chat.id, ctx.userId),
    counter: unreadCount(ctx.state, chat.id, ctx.userId),
  };
};

/** im.dialog.unread -> true: MESSAGE_ID and every later message become unread for the caller. */
const dialogUnread: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const id = toInt(p.MESSAGE_ID);
  if (!id) throw badRequest("MESSAGE_ID_ERROR", "Message ID can't be empty");
  const dialog = parseDialogId(p.DIALOG_ID);
  if (!dialog || dialog.kind === "invalid") throw dialogIdEmpty();
  // Bitrix24 answers true even for a dialog the caller is not in; it just changes nothing.
  const chat = memberChat(ctx, dialog);
  if (chat) {
    ctx.state.chatExtras.markUnreadFrom(chat.id, ctx.userId, id);
    ctx.state.changes.emit({ kind: "message", action: "read", chatId: chat.id });
  }
  return true;
};

export const imLikeReadMethods: Record<string, MethodHandler> = {
  "im.message.like": messageLike,
  "im.dialog.read": dialogRead,
  "im.dialog.unread": dialogUnread,
};
