// Finding the chat a chat-management or dialog call names, with Bitrix24's errors for each way it
// can go wrong (bitrix24-rest.md §4.10-4.13): CHAT_ID is the bare number ("chat5" is refused with
// CHAT_ID_EMPTY, as Bitrix24 reads it with intval), DIALOG_ID may be "chatN" or a user id.
import { badRequest, forbidden } from "../http/errors.js";
import { isBlank, toInt, type Params } from "../http/params.js";
import type { MethodContext } from "../http/registry.js";
import type { ChatRecord } from "../data/state.js";
import { parseDialogId } from "./dialog-id.js";

export const chatIdEmpty = () => badRequest("CHAT_ID_EMPTY", "Chat ID can't be empty");
export const dialogIdEmpty = () => badRequest("DIALOG_ID_EMPTY", "Dialog ID can't be empty");
export const actionUnavailable = () => forbidden("ACCESS_ERROR", "Action unavailable");
export const noDialogAccess = () => forbidden("ACCESS_ERROR", "You do not have access to the specified dialog");

/**
 * The chat id of CHAT_ID, or (where Bitrix24 allows it) of a DIALOG_ID "chatN". A DIALOG_ID that
 * names a private dialog is DIALOG_ID_EMPTY: these methods work on group chats only.
 */
export function chatIdOf(p: Params, options: { dialogAllowed?: boolean } = {}): number {
  if (!isBlank(p.CHAT_ID)) {
    const id = toInt(p.CHAT_ID);
    if (!id) throw chatIdEmpty();
    return id;
  }
  if (options.dialogAllowed && !isBlank(p.DIALOG_ID)) {
    const dialog = parseDialogId(p.DIALOG_ID);
    if (dialog?.kind === "chat" && dialog.chatId > 0) return dialog.chatId;
    throw dialogIdEmpty();
  }
  throw chatIdEmpty();
}

/** A chat the caller belongs to; an unknown chat looks the same as someone else's (ACCESS_ERROR). */
export function memberChat(ctx: MethodContext, chatId: number, refuse = actionUnavailable): ChatRecord {
  const chat = ctx.state.getChat(chatId);
  if (!chat || !chat.members.includes(ctx.userId)) throw refuse();
  return chat;
}

/** How a method refuses a DIALOG_ID, as its page documents: a malformed one, and one the caller may not use. */
export interface DialogRefusals {
  malformed: () => Error;
  denied: () => Error;
}
const DIALOG_GET_REFUSALS: DialogRefusals = { malformed: noDialogAccess, denied: noDialogAccess };

/** The chat behind a DIALOG_ID the caller may read (a private dialog is created on first use). */
export function dialogChat(ctx: MethodContext, p: Params, refusals: DialogRefusals = DIALOG_GET_REFUSALS): ChatRecord {
  const dialog = parseDialogId(p.DIALOG_ID);
  if (!dialog) throw dialogIdEmpty();
  if (dialog.kind === "invalid") throw refusals.malformed();
  if (dialog.kind !== "chat" && dialog.kind !== "user") throw refusals.denied();
  const resolved = ctx.state.resolveDialog(dialog, ctx.userId);
  if (!resolved.ok || !resolved.chat.members.includes(ctx.userId)) throw refusals.denied();
  return resolved.chat;
}

/** How `chat` is named as a DIALOG_ID by `viewerId`: "chatN", or the other user's id. */
export function dialogIdFor(chat: ChatRecord, viewerId: number): string {
  if (chat.type !== "private") return `chat${chat.id}`;
  return String(chat.members.find((id) => id !== viewerId) ?? viewerId);
}

/** User ids from a list (or JSON list text, or one id): positive integers, duplicates dropped. */
export function userIdList(value: unknown): number[] | null {
  let list = value;
  if (typeof list === "string") {
    const text = list.trim();
    if (text.startsWith("[")) {
      try {
        list = JSON.parse(text);
      } catch {
        return null;
      }
    } else list = [text];
  } else if (typeof list === "number") list = [list];
  else if (list && typeof list === "object" && !Array.isArray(list)) list = Object.values(list); // USERS[0]=2 in a form
  if (!Array.isArray(list)) return null;
  const ids: number[] = [];
  for (const item of list) {
    const id = toInt(item);
    if (!id) return null;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}
