// DIALOG_ID as Bitrix24 reads it: "chatN" = group chat N, "sgN" = workgroup N's chat, a bare
// "N" = the private dialog with user N. The chat prefixes are matched case-insensitively.
import { isBlank } from "../http/params.js";

export type DialogRef =
  | { kind: "chat"; chatId: number }
  | { kind: "sg"; groupId: number }
  | { kind: "user"; userId: number }
  /** Not a chat id and not a positive user id: Bitrix24 reports USER_ID_EMPTY for it. */
  | { kind: "invalid" };

/** null when the parameter is missing or empty. */
export function parseDialogId(value: unknown): DialogRef | null {
  if (isBlank(value)) return null;
  if (typeof value !== "string" && typeof value !== "number") return { kind: "invalid" };
  const text = String(value).trim();
  const chat = /^chat(\d+)$/i.exec(text);
  if (chat) return { kind: "chat", chatId: Number(chat[1]) };
  const group = /^sg(\d+)$/i.exec(text);
  if (group) return { kind: "sg", groupId: Number(group[1]) };
  // Stricter than PHP's intval ("5abc" would be user 5 there): a malformed id is a client bug.
  if (/^\d+$/.test(text) && Number(text) > 0) return { kind: "user", userId: Number(text) };
  return { kind: "invalid" };
}
