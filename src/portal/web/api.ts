// The JSON the web page reads (/ui/api/...): what the portal holds, in Bitrix24's own shapes where
// Bitrix24 has one (users as im.user.get, a dialog as im.dialog.messages.get answers it), so the
// page renders exactly what a REST client would get. Nothing here knows credentials: the page can
// never show the webhook secret or a token.
import type { MethodRegistry } from "../http/registry.js";
import { renderImUser, renderMessage } from "../render/render.js";
import { atom } from "../http/dates.js";
import type { ChatRecord, PortalState } from "../data/state.js";
import { buttonsOf } from "./actions.js";
import type { CommandPresses } from "./presses.js";

export interface WebDeps {
  state: PortalState;
  registry: MethodRegistry;
  /** "http://127.0.0.1:PORT" */
  portalUrl: () => string;
  /** COMMAND presses made on the page, and the buttons they blocked. */
  presses: CommandPresses;
}

/** How many of a dialog's newest messages the page shows (im.dialog.messages.get's maximum page). */
export const DIALOG_PAGE = 50;

export interface ChatSummary {
  id: number;
  /** "chatN" for a group chat; "A:B" (the two user ids) for a private dialog. */
  dialogId: string;
  type: ChatRecord["type"];
  title: string;
  description: string;
  color: string;
  ownerId: number;
  members: number[];
  lastMessage: { id: number; authorId: number; text: string; date: string; deleted: boolean } | null;
}

export function chatSummary(state: PortalState, chat: ChatRecord): ChatSummary {
  const last = chat.lastMessageId ? state.getMessage(chat.lastMessageId) : undefined;
  return {
    id: chat.id,
    dialogId: chat.type === "private" ? chat.members.join(":") : `chat${chat.id}`,
    type: chat.type,
    title: chat.type === "private" ? privateTitle(state, chat) : chat.title,
    description: chat.description,
    color: chat.color,
    ownerId: chat.ownerId,
    members: [...chat.members],
    lastMessage: last ? { id: last.id, authorId: last.authorId, text: last.text, date: atom(last.date), deleted: last.isDeleted } : null,
  };
}

function privateTitle(state: PortalState, chat: ChatRecord): string {
  return chat.members.map((id) => userName(state, id)).join(" ↔ ");
}

function userName(state: PortalState, id: number): string {
  const user = state.getUser(id);
  return user ? `${user.firstName} ${user.lastName}`.trim() : `User ${id}`;
}

/** Sidebar and panels: users, chats (with their last message), notifications of every user. */
export function overview(deps: WebDeps) {
  const { state } = deps;
  return {
    users: state.listUsers().map((u) => renderImUser(u, deps.portalUrl())),
    chats: state.listChats().map((c) => chatSummary(state, c)),
    notifications: notifications(state),
  };
}

/** Every user's notifications, newest first, with the recipient and author named. */
function notifications(state: PortalState) {
  return state
    .listUsers()
    .flatMap((user) => state.notifications.listFor(user.id))
    .sort((a, b) => b.id - a.id)
    .map((n) => ({
      id: n.id,
      type: n.type,
      userId: n.userId,
      userName: userName(state, n.userId),
      authorId: n.authorId,
      authorName: n.authorId ? userName(state, n.authorId) : "",
      text: n.message,
      attach: n.attach,
      tag: n.tag,
      date: atom(n.date),
      read: n.read,
    }));
}

/**
 * One dialog: its newest messages oldest first, with users and files as im.dialog.messages.get
 * returns them (asked as a member, so whatever the method adds shows here too), plus each
 * member's read mark, which messages are system messages (SYSTEM=Y, or the portal's own notes on
 * joins, leaves, renames: REST answers do not say so) and which keyboard buttons are blocked
 * (message id -> indexes in BUTTONS).
 */
export async function dialog(deps: WebDeps, chatId: number) {
  const { state } = deps;
  const chat = state.getChat(chatId);
  if (!chat) return null;
  const answer = (await readAsMember(deps, chat)) ?? readDirectly(deps, chat);
  return {
    chat: chatSummary(state, chat),
    messages: [...answer.messages].reverse(),
    users: answer.users,
    files: answer.files,
    reads: chat.members.map((userId) => ({ userId, messageId: state.chatExtras.lastRead(chat.id, userId) })),
    ...pageMarks(deps, answer.messages),
  };
}

function pageMarks(deps: WebDeps, messages: unknown[]) {
  const system: number[] = [];
  const blocked: Record<string, number[]> = {};
  for (const shown of messages) {
    const message = deps.state.getMessage(Number((shown as { id?: unknown }).id));
    if (!message) continue;
    if (message.system || message.authorId === 0) system.push(message.id);
    const indexes = buttonsOf(message, "KEYBOARD")
      .buttons.map((button, index) => (deps.presses.isBlocked(message.id, index, button) ? index : -1))
      .filter((index) => index >= 0);
    if (indexes.length > 0) blocked[message.id] = indexes;
  }
  return { system, blocked };
}

interface DialogAnswer {
  messages: unknown[];
  users: unknown[];
  files: unknown[];
}

async function readAsMember(deps: WebDeps, chat: ChatRecord): Promise<DialogAnswer | null> {
  const handler = deps.registry.get("im.dialog.messages.get");
  const caller = chat.type === "private" ? chat.members[0] : chat.members.includes(chat.ownerId) ? chat.ownerId : chat.members[0];
  if (!handler || caller === undefined) return null;
  const other = chat.members.find((id) => id !== caller) ?? caller;
  try {
    const result = (await handler({
      method: "im.dialog.messages.get",
      params: { DIALOG_ID: chat.type === "private" ? String(other) : `chat${chat.id}`, LIMIT: DIALOG_PAGE },
      userId: caller,
      auth: { type: "webhook" },
      state: deps.state,
      portalUrl: deps.portalUrl(),
    })) as Partial<DialogAnswer> | null;
    if (!result || !Array.isArray(result.messages)) return null;
    return { messages: result.messages, users: result.users ?? [], files: result.files ?? [] };
  } catch {
    return null; // e.g. the caller's history is hidden: fall back to the state itself
  }
}

/** Without a member to ask as (everyone left), straight from the state, newest first. */
function readDirectly(deps: WebDeps, chat: ChatRecord): DialogAnswer {
  const messages = deps.state.listMessages(chat.id, { limit: DIALOG_PAGE });
  const authors = [...new Set(messages.map((m) => m.authorId))].map((id) => deps.state.getUser(id)).filter((u) => u !== undefined);
  return { messages: messages.map(renderMessage), users: authors.map((u) => renderImUser(u, deps.portalUrl())), files: [] };
}
