// Dialog-level reads and signals: im.dialog.get, im.dialog.users.list, im.dialog.writing,
// im.dialog.read.all (bitrix24-rest.md §4.10, §4.12, §4.7 siblings). DIALOG_ID is "chatN" or a
// user id (the private dialog with that user).
import { paged } from "../http/envelope.js";
import { toInt, upperKeys } from "../http/params.js";
import type { MethodHandler } from "../http/registry.js";
import { renderDialog } from "../render/render-chat.js";
import { renderImUser } from "../render/render.js";
import { actionUnavailable, dialogChat, dialogIdEmpty, noDialogAccess, type DialogRefusals } from "./chat-target.js";

// A malformed DIALOG_ID: chats/chat-users/im-dialog-users-list.md ("not provided or is invalid") and
// chats/messages/im-dialog-writing.md ("Invalid DIALOG_ID") answer DIALOG_ID_EMPTY; im.dialog.get's page
// covers only a missing one. writing's ACCESS_ERROR reads "Action unavailable".
const USERS_LIST_REFUSALS: DialogRefusals = { malformed: dialogIdEmpty, denied: noDialogAccess };
const WRITING_REFUSALS: DialogRefusals = { malformed: dialogIdEmpty, denied: actionUnavailable };

const DEFAULT_USERS_LIMIT = 50;
const MAX_USERS_LIMIT = 200;

/** im.dialog.get -> the chat object as the caller sees it. */
const dialogGet: MethodHandler = (ctx) => {
  const chat = dialogChat(ctx, upperKeys(ctx.params));
  return renderDialog(ctx.state, chat, ctx.userId, ctx.portalUrl);
};

/** im.dialog.users.list -> members as user objects, with `total` (and `next` while more remain). */
const dialogUsersList: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chat = dialogChat(ctx, p, USERS_LIST_REFUSALS);
  const requested = toInt(p.LIMIT);
  const limit = requested && requested > 0 ? Math.min(requested, MAX_USERS_LIMIT) : DEFAULT_USERS_LIMIT;
  const offset = toInt(p.OFFSET) ?? 0;
  const lastId = toInt(p.LAST_ID);
  let users = chat.members.map((id) => ctx.state.getUser(id)).filter((u) => u !== undefined);
  // SKIP_EXTERNAL would drop bots and connector users; the portal has none, so it changes nothing.
  if (lastId) users = users.filter((u) => u.id > lastId).sort((a, b) => a.id - b.id);
  const page = users.slice(offset, offset + limit);
  const next = offset + limit < users.length ? offset + limit : undefined;
  return paged(
    page.map((u) => renderImUser(u, ctx.portalUrl)),
    users.length,
    next,
  );
};

/** im.dialog.writing -> true: the caller is typing in the dialog. */
const dialogWriting: MethodHandler = (ctx) => {
  const chat = dialogChat(ctx, upperKeys(ctx.params), WRITING_REFUSALS);
  ctx.state.chatExtras.noteWriting(chat.id, ctx.userId, ctx.state.now());
  ctx.state.changes.emit({ kind: "chat", action: "writing", chatId: chat.id });
  return true;
};

/** im.dialog.read.all -> true: every chat of the caller is read up to its newest message. */
const dialogReadAll: MethodHandler = (ctx) => {
  for (const chat of ctx.state.listChats()) {
    if (chat.members.includes(ctx.userId) && chat.lastMessageId > 0) {
      ctx.state.chatExtras.markRead(chat.id, ctx.userId, chat.lastMessageId);
    }
  }
  return true;
};

export const imChatDialogMethods: Record<string, MethodHandler> = {
  "im.dialog.get": dialogGet,
  "im.dialog.users.list": dialogUsersList,
  "im.dialog.writing": dialogWriting,
  "im.dialog.read.all": dialogReadAll,
};
