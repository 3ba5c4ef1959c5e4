// Reading dialogs: im.dialog.messages.get.
import { badRequest, forbidden } from "../http/errors.js";
import { isBlank, toInt, upperKeys } from "../http/params.js";
import type { MethodHandler } from "../http/registry.js";
import { renderImUser, renderMessageFor } from "../render/render.js";
import type { UserRecord } from "../data/state.js";
import { parseDialogId } from "./dialog-id.js";
import { messageFiles } from "../render/disk-render.js";
import { isUnreadFor } from "./im-likes-read.js";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 50;

/**
 * im.dialog.messages.get -> {chat_id, messages, users, files}.
 *
 * Order, as Bitrix24 does it: without FIRST_ID the newest messages come first (LAST_ID pages
 * backwards, ids < LAST_ID); with FIRST_ID the oldest come first (ids > FIRST_ID; FIRST_ID=0 reads
 * from the start of the chat, which is how fixtures/opi-samples/GetChatMessagesList.json came
 * out in ascending order).
 */
const dialogMessagesGet: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  // Missing, empty or malformed ("abc", "0"): 400 DIALOG_ID_EMPTY, as
  // api-reference/chats/messages/im-dialog-messages-get.md's error table says.
  const dialog = parseDialogId(p.DIALOG_ID);
  if (!dialog || dialog.kind === "invalid") throw badRequest("DIALOG_ID_EMPTY", "Dialog ID can't be empty");

  const lastId = idParam(p.LAST_ID, "LAST_ID_STRING", "Last ID can't be string");
  const firstId = idParam(p.FIRST_ID, "FIRST_ID_STRING", "First ID can't be string");
  const requested = toInt(p.LIMIT);
  const limit = requested && requested > 0 ? Math.min(requested, MAX_LIMIT) : DEFAULT_LIMIT;

  const noAccess = () => forbidden("ACCESS_ERROR", "You do not have access to the specified dialog");
  if (dialog.kind !== "chat" && dialog.kind !== "user") throw noAccess();
  const resolved = ctx.state.resolveDialog(dialog.kind === "chat" ? dialog : { kind: "user", userId: dialog.userId }, ctx.userId);
  if (!resolved.ok || !resolved.chat.members.includes(ctx.userId)) throw noAccess();

  // A member added with HIDE_HISTORY=Y sees only what came after joining (state.chatExtras).
  const hiddenBelow = ctx.state.chatExtras.firstVisible(resolved.chat.id, ctx.userId);
  const messages = ctx.state.listMessages(resolved.chat.id, {
    lastId: lastId || undefined, // LAST_ID=0 means "no upper bound"
    firstId: firstId === null ? undefined : Math.max(firstId, hiddenBelow - 1),
    limit,
  }).filter((m) => m.id >= hiddenBelow);
  const authors = new Map<number, UserRecord>();
  for (const m of messages) {
    const user = ctx.state.getUser(m.authorId);
    if (user && !authors.has(user.id)) authors.set(user.id, user);
  }
  return {
    chat_id: resolved.chat.id,
    messages: messages.map((m) => renderMessageFor(m, isUnreadFor(ctx.state, m, ctx.userId))),
    users: [...authors.values()].map((u) => renderImUser(u, ctx.portalUrl)),
    files: messageFiles(ctx.state, messages, ctx.portalUrl),
  };
};

/** An optional id: absent/empty -> null; digits -> number; anything else -> the given error. */
function idParam(value: unknown, code: string, description: string): number | null {
  if (isBlank(value)) return null;
  const id = toInt(value);
  if (id === null) throw badRequest(code, description);
  return id;
}

export const imDialogMethods: Record<string, MethodHandler> = {
  "im.dialog.messages.get": dialogMessagesGet,
};
