// In-memory portal data: users, chats (group chats and private dialogs share one id space, as in
// Bitrix24) and messages. This class knows nothing about HTTP or Bitrix24 error codes: handlers
// validate and map outcomes to RestErrors, so a persistent store can later replace this one
// behind the same methods.
import { seedPortal } from "./seed.js";
import { ChangeFeed } from "../web/changes.js";
import { ChatExtras } from "./chat-extras.js";
import { DiskStore } from "./disk.js";
import { NotificationStore } from "./notifications.js";
import { LeadStore, leadEntity } from "./leads.js";
import { observed } from "./observed.js";
import { StoreRegistry } from "../engine/registry.js";

export interface UserPhones {
  work_phone: string;
  personal_mobile: string;
  inner_phone: string;
}

export interface UserRecord {
  id: number;
  active: boolean;
  firstName: string;
  lastName: string;
  email: string;
  workPosition: string | null;
  gender: "M" | "F" | "";
  /** "DD-MM" as the im.* methods print it, or "". */
  birthday: string;
  /** Bitrix24 avatar colour, "#rrggbb". */
  color: string;
  departments: number[];
  phones: UserPhones | null;
  website: string;
  isAdmin: boolean;
  status: string;
  lastActivity: Date;
}

/** "chat" = closed group chat, "open" = open group chat, "private" = 1:1 dialog. */
export type ChatType = "chat" | "open" | "private";

export interface ChatRecord {
  id: number;
  type: ChatType;
  title: string;
  description: string;
  color: string;
  ownerId: number;
  /** Member user ids in joining order. */
  members: number[];
  dateCreate: Date;
  lastMessageId: number;
}

/** One ATTACH as Bitrix24 stores it in message params (see attach.ts). */
export interface AttachRecord {
  ID: number | string;
  BLOCKS: Record<string, unknown>[];
  COLOR: string;
  COLOR_TOKEN: string;
}

export interface MessageRecord {
  id: number;
  chatId: number;
  /** 0 = system message. */
  authorId: number;
  date: Date;
  text: string;
  attach: AttachRecord[] | null;
  keyboard: unknown;
  menu: unknown;
  system: boolean;
  urlPreview: boolean;
  replyId: number | null;
  isEdited: boolean;
  isDeleted: boolean;
  /** User ids who liked the message, in order. */
  likes: number[];
  /** Drive file ids the message carries (im.disk.file.commit); see disk.ts. */
  files: number[];
}

export interface NewMessage {
  chatId: number;
  authorId: number;
  text: string;
  attach?: AttachRecord[] | null;
  keyboard?: unknown;
  menu?: unknown;
  system?: boolean;
  urlPreview?: boolean;
  replyId?: number | null;
  files?: number[];
}

/** Changes to a message: undefined = leave as is, null = remove. */
export interface MessagePatch {
  text?: string;
  attach?: AttachRecord[] | null;
  keyboard?: unknown;
  menu?: unknown;
  urlPreview?: boolean;
  markEdited?: boolean;
}

export interface MessageQuery {
  /** Only ids < lastId (older messages), newest first. */
  lastId?: number;
  /** Only ids > firstId (newer messages), oldest first. Takes precedence for the order. */
  firstId?: number;
  limit: number;
}

/** A DIALOG_ID after parsing: a group chat id or a user id (private dialog). */
export type DialogTarget = { kind: "chat"; chatId: number } | { kind: "user"; userId: number };

export type DialogResolution =
  | { ok: true; chat: ChatRecord }
  | { ok: false; reason: "chat-not-found" | "user-not-found" };

export interface PortalStateOptions {
  /** Clock for message and chat dates; tests may pin it. */
  now?: () => Date;
  /** Seed the demo users, the "General" chat and a few messages (default true). */
  seed?: boolean;
}

/** What PortalState holds itself, for saving and loading (persistence.ts). */
export interface PortalStateSnapshot {
  users: UserRecord[];
  /** `pair` = "minUserId:maxUserId" for a private dialog, else null. */
  chats: { chat: ChatRecord; pair: string | null }[];
  messages: MessageRecord[];
  counters: { nextChatId: number; nextMessageId: number; nextAttachId: number };
}

/** A record of a hand-written store changed (added, written to, deleted): its kind and key. */
export type RecordListener = (kind: RecordKind, id: number) => void;
export type RecordKind = "users" | "chats" | "messages";

export class PortalState {
  readonly now: () => Date;
  /** The engine's entity stores, made on first use (engine/registry.ts; each is persisted with --data). */
  readonly stores = new StoreRegistry();
  private readonly recordListeners = new Set<RecordListener>();
  private readonly users = new Map<number, UserRecord>();
  private readonly chats = new Map<number, ChatRecord>();
  private readonly messages = new Map<number, MessageRecord>();
  /** chat id -> message ids in ascending order (ids only grow, so pushing keeps it sorted). */
  private readonly chatMessages = new Map<number, number[]>();
  /** "chatId:authorId" -> that author's message ids in the chat, ascending (unread counts in O(log n)). */
  private readonly authorMessages = new Map<string, number[]>();
  /** "minUserId:maxUserId" -> private chat id. */
  private readonly privateChats = new Map<string, number>();
  private nextChatId = 1;
  private nextMessageId = 1;
  private nextAttachId = 1;
  /** Every mutation announces itself here (the web page's live updates listen). */
  readonly changes = new ChangeFeed();
  /** Drive folders and files (chat files, uploads); its stores are engine stores of `stores`. */
  readonly disk = new DiskStore(() => this.now(), this.stores);
  /** The notification centre. */
  readonly notifications = new NotificationStore(() => this.now(), () => this.changes.emit({ kind: "notification", action: "update" }));
  /** Chat avatars, mutes, read marks, typing and hidden history (the chat-management methods). */
  readonly chatExtras = new ChatExtras();
  /** CRM leads (crm.lead.*; synthetic ones computed on demand, see leads.ts). */
  readonly leads = new LeadStore();

  constructor(options: PortalStateOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.stores.add(this.leads.rows, leadEntity);
    if (options.seed !== false) seedPortal(this);
  }

  // --- users ---

  addUser(user: UserRecord): UserRecord {
    const kept = this.observedUser(user);
    this.users.set(user.id, kept);
    this.touched("users", user.id);
    return kept;
  }

  getUser(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  listUsers(): UserRecord[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id);
  }

  // --- chats ---

  createChat(input: { type: Exclude<ChatType, "private">; title: string; ownerId: number; members: number[]; description?: string; color?: string }): ChatRecord {
    const members = unique([input.ownerId, ...input.members]);
    const chat: ChatRecord = {
      id: this.nextChatId++,
      type: input.type,
      title: input.title,
      description: input.description ?? "",
      color: input.color ?? "#4ba984",
      ownerId: input.ownerId,
      members,
      dateCreate: this.now(),
      lastMessageId: 0,
    };
    return this.keepChat(chat);
  }

  getChat(id: number): ChatRecord | undefined {
    return this.chats.get(id);
  }

  /** Every chat, group chats and private dialogs, by id. */
  listChats(): ChatRecord[] {
    return [...this.chats.values()].sort((a, b) => a.id - b.id);
  }

  isMember(chatId: number, userId: number): boolean {
    return this.chats.get(chatId)?.members.includes(userId) ?? false;
  }

  /** The private chat between two users, created on first use as Bitrix24 does. */
  privateChat(userA: number, userB: number, create = true): ChatRecord | undefined {
    const key = userA < userB ? `${userA}:${userB}` : `${userB}:${userA}`;
    const existing = this.privateChats.get(key);
    if (existing !== undefined) return this.chats.get(existing);
    if (!create) return undefined;
    const chat: ChatRecord = {
      id: this.nextChatId++,
      type: "private",
      title: "",
      description: "",
      color: this.users.get(userB)?.color ?? "#ab7761",
      ownerId: userA,
      members: unique([userA, userB]),
      dateCreate: this.now(),
      lastMessageId: 0,
    };
    this.privateChats.set(key, chat.id);
    return this.keepChat(chat);
  }

  /** Finds the chat a DIALOG_ID points to, as seen by `callerId` (private dialogs are per pair). */
  resolveDialog(target: DialogTarget, callerId: number, create = true): DialogResolution {
    if (target.kind === "chat") {
      const chat = this.chats.get(target.chatId);
      return chat && chat.type !== "private" ? { ok: true, chat } : { ok: false, reason: "chat-not-found" };
    }
    if (!this.users.has(target.userId)) return { ok: false, reason: "user-not-found" };
    const chat = this.privateChat(callerId, target.userId, create);
    return chat ? { ok: true, chat } : { ok: false, reason: "chat-not-found" };
  }

  // --- messages ---

  /** A fresh id for an ATTACH that came without one. */
  newAttachId(): number {
    return this.nextAttachId++;
  }

  createMessage(input: NewMessage): MessageRecord {
    const chat = this.chats.get(input.chatId);
    if (!chat) throw new Error(`createMessage: no chat ${input.chatId}`);
    const message: MessageRecord = {
      id: this.nextMessageId++,
      chatId: chat.id,
      authorId: input.authorId,
      date: this.now(),
      text: input.text,
      attach: input.attach ?? null,
      keyboard: input.keyboard ?? null,
      menu: input.menu ?? null,
      system: input.system ?? false,
      urlPreview: input.urlPreview ?? true,
      replyId: input.replyId ?? null,
      isEdited: false,
      isDeleted: false,
      likes: [],
      files: input.files ?? [],
    };
    this.messages.set(message.id, message);
    this.index(message);
    chat.lastMessageId = message.id;
    this.touched("messages", message.id);
    this.changes.emit({ kind: "message", action: "add", chatId: chat.id, messageId: message.id });
    return message;
  }

  /** Adds or removes `userId`'s like (im.message.like); false when nothing changed. */
  setLike(messageId: number, userId: number, liked: boolean): boolean {
    const message = this.requireMessage(messageId);
    if (message.likes.includes(userId) === liked) return false;
    message.likes = liked ? [...message.likes, userId] : message.likes.filter((id) => id !== userId);
    this.touched("messages", messageId);
    this.changes.emit({ kind: "message", action: "update", chatId: message.chatId, messageId });
    return true;
  }

  getMessage(id: number): MessageRecord | undefined {
    return this.messages.get(id);
  }

  updateMessage(id: number, patch: MessagePatch): MessageRecord {
    const message = this.requireMessage(id);
    if (patch.text !== undefined) message.text = patch.text;
    if (patch.attach !== undefined) message.attach = patch.attach;
    if (patch.keyboard !== undefined) message.keyboard = patch.keyboard;
    if (patch.menu !== undefined) message.menu = patch.menu;
    if (patch.urlPreview !== undefined) message.urlPreview = patch.urlPreview;
    if (patch.markEdited) message.isEdited = true;
    this.touched("messages", id);
    this.changes.emit({ kind: "message", action: "update", chatId: message.chatId, messageId: id });
    return message;
  }

  /**
   * Soft delete, like Bitrix24: the message stays in the history with a placeholder text and
   * only the IS_DELETED flag in its params.
   */
  deleteMessage(id: number): MessageRecord {
    const message = this.requireMessage(id);
    message.isDeleted = true;
    message.text = DELETED_MESSAGE_TEXT;
    message.attach = null;
    message.keyboard = null;
    message.menu = null;
    message.replyId = null;
    message.isEdited = false;
    message.likes = [];
    message.files = [];
    this.touched("messages", id);
    this.changes.emit({ kind: "message", action: "delete", chatId: message.chatId, messageId: id });
    return message;
  }

  /** Messages of a chat: newest first by default or with lastId, oldest first with firstId. */
  listMessages(chatId: number, query: MessageQuery): MessageRecord[] {
    // Ids are kept ascending per chat: a page costs a binary search and its own length, whatever the chat holds.
    const ids = this.chatMessages.get(chatId) ?? [];
    const limit = Math.max(0, Math.min(query.limit, ids.length));
    const end = query.lastId === undefined ? ids.length : firstAtLeast(ids, query.lastId);
    const page =
      query.firstId !== undefined
        ? ids.slice(firstAtLeast(ids, query.firstId + 1), end).slice(0, limit)
        : ids.slice(Math.max(0, end - limit), end).reverse();
    return page.map((id) => this.messages.get(id)!);
  }

  /** How many messages a chat holds. */
  messageCount(chatId: number): number {
    return this.chatMessages.get(chatId)?.length ?? 0;
  }

  /**
   * A member's unread messages: the others' messages after `afterId` (their read mark), counted
   * without reading them, and the first of them (0 if none).
   */
  unread(chatId: number, userId: number, afterId: number): { count: number; first: number } {
    const ids = this.chatMessages.get(chatId) ?? [];
    const own = this.authorMessages.get(`${chatId}:${userId}`) ?? [];
    const from = firstAtLeast(ids, afterId + 1);
    const count = ids.length - from - (own.length - firstAtLeast(own, afterId + 1));
    let first = 0;
    for (let i = from; count > 0 && i < ids.length; i++) {
      if (this.messages.get(ids[i])?.authorId !== userId) {
        first = ids[i];
        break;
      }
    }
    return { count, first };
  }

  /** Files a message under its chat and its author, keeping both id lists ascending. */
  private index(message: MessageRecord): void {
    for (const [map, key] of [
      [this.chatMessages, message.chatId],
      [this.authorMessages, `${message.chatId}:${message.authorId}`],
    ] as const) {
      let ids = (map as Map<unknown, number[]>).get(key);
      if (!ids) (map as Map<unknown, number[]>).set(key, (ids = []));
      if (ids.length && ids[ids.length - 1] > message.id) ids.splice(firstAtLeast(ids, message.id), 0, message.id);
      else ids.push(message.id);
    }
  }

  // --- persistence (persistence.ts): the records this class holds itself; its stores have their own ---

  /** Calls back after each change to a user, chat or message (persistence writes just those rows). */
  onRecordChange(listener: RecordListener): () => void {
    this.recordListeners.add(listener);
    return () => void this.recordListeners.delete(listener);
  }

  /** The pair key of a private chat ("minUserId:maxUserId"), else null. */
  pairOf(chat: ChatRecord): string | null {
    if (chat.type !== "private") return null;
    const [a, b] = chat.members.length === 1 ? [chat.members[0], chat.members[0]] : chat.members;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    return this.privateChats.get(key) === chat.id ? key : null;
  }

  /** The id counters. */
  counters(): PortalStateSnapshot["counters"] {
    return { nextChatId: this.nextChatId, nextMessageId: this.nextMessageId, nextAttachId: this.nextAttachId };
  }

  /** The live records and counters (read them, do not change them). */
  snapshot(): PortalStateSnapshot {
    const pairs = new Map([...this.privateChats].map(([pair, chatId]) => [chatId, pair]));
    return {
      users: [...this.users.values()],
      chats: [...this.chats.values()].map((chat) => ({ chat, pair: pairs.get(chat.id) ?? null })),
      messages: [...this.messages.values()],
      counters: { nextChatId: this.nextChatId, nextMessageId: this.nextMessageId, nextAttachId: this.nextAttachId },
    };
  }

  /** Replaces users, chats and messages with saved ones (the stores are restored separately). */
  restore(saved: PortalStateSnapshot): void {
    this.users.clear();
    this.chats.clear();
    this.messages.clear();
    this.chatMessages.clear();
    this.privateChats.clear();
    for (const user of saved.users) this.users.set(user.id, this.observedUser(user));
    for (const { chat, pair } of saved.chats) {
      this.chats.set(chat.id, this.observedChat(chat));
      if (pair !== null) this.privateChats.set(pair, chat.id);
    }
    this.authorMessages.clear();
    for (const message of [...saved.messages].sort((a, b) => a.id - b.id)) {
      this.messages.set(message.id, message);
      this.index(message);
    }
    ({ nextChatId: this.nextChatId, nextMessageId: this.nextMessageId, nextAttachId: this.nextAttachId } = saved.counters);
  }

  private keepChat(chat: ChatRecord): ChatRecord {
    const kept = this.observedChat(chat);
    this.chats.set(chat.id, kept);
    this.touched("chats", chat.id);
    return kept;
  }

  private observedUser(user: UserRecord): UserRecord {
    return observed(user, () => this.touched("users", user.id));
  }

  private observedChat(chat: ChatRecord): ChatRecord {
    return observed(chat, () => this.touched("chats", chat.id));
  }

  private touched(kind: RecordKind, id: number): void {
    for (const listener of this.recordListeners) {
      try {
        listener(kind, id);
      } catch {
        // a listener must not fail a write
      }
    }
  }

  private requireMessage(id: number): MessageRecord {
    const message = this.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    return message;
  }
}

/**
 * Text Bitrix24 shows for a deleted message. Real English portals print this; Russian ones print
 * "Это сообщение было удалено" (as in fixtures/opi-samples/GetChatMessagesList.json).
 */
export const DELETED_MESSAGE_TEXT = "This message was deleted";

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

/** The index of the first element >= value in an ascending list (its length if none). */
function firstAtLeast(ids: readonly number[], value: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
