// What the chat-management methods remember beyond the chat record itself: avatars, who muted a
// chat, who is typing, how far each member has read, and which history a member may see. Held by
// PortalState (`state.chatExtras`); knows nothing about HTTP or Bitrix24 error codes.

export interface StoredAvatar {
  /** The image bytes as Bitrix24 received them (Base64). */
  base64: string;
  /** File extension for the avatar's URL: png, jpg, gif, webp, bmp. */
  extension: string;
  width: number;
  height: number;
}

const key = (chatId: number, userId: number) => `${chatId}:${userId}`;

/** One member's marks in one chat (null = not set), as persistence.ts stores them. */
export interface MemberMarks {
  chatId: number;
  userId: number;
  muted: boolean;
  writingAt: Date | null;
  readUpTo: number | null;
  historyFrom: number | null;
}

export interface ChatExtrasSnapshot {
  avatars: (StoredAvatar & { chatId: number })[];
  marks: MemberMarks[];
}

/** What changed: a chat's avatar (id: the chat) or one member's marks (id: "chat:user"). */
export type ExtrasListener = (kind: "avatar" | "marks", id: string) => void;

export class ChatExtras {
  private readonly listeners = new Set<ExtrasListener>();
  private readonly avatars = new Map<number, StoredAvatar>();
  private readonly muted = new Map<number, Set<number>>();
  /** "chat:user" -> when the user last said they were typing. */
  private readonly writing = new Map<string, Date>();
  /** "chat:user" -> the newest message id the user has read. */
  private readonly readUpTo = new Map<string, number>();
  /** "chat:user" -> the first message id the user may see (added with HIDE_HISTORY=Y). */
  private readonly historyFrom = new Map<string, number>();

  setAvatar(chatId: number, avatar: StoredAvatar): void {
    this.avatars.set(chatId, avatar);
    this.touched("avatar", String(chatId));
  }

  avatar(chatId: number): StoredAvatar | undefined {
    return this.avatars.get(chatId);
  }

  setMuted(chatId: number, userId: number, mute: boolean): void {
    let users = this.muted.get(chatId);
    if (!users) this.muted.set(chatId, (users = new Set()));
    if (mute) users.add(userId);
    else users.delete(userId);
    this.touched("marks", key(chatId, userId));
  }

  /** User ids who muted the chat, ascending. */
  mutedBy(chatId: number): number[] {
    return [...(this.muted.get(chatId) ?? [])].sort((a, b) => a - b);
  }

  noteWriting(chatId: number, userId: number, at: Date): void {
    this.writing.set(key(chatId, userId), at);
    this.touched("marks", key(chatId, userId));
  }

  lastWriting(chatId: number, userId: number): Date | undefined {
    return this.writing.get(key(chatId, userId));
  }

  /** Moves the read mark forward (never back). */
  markRead(chatId: number, userId: number, messageId: number): void {
    if (messageId > this.lastRead(chatId, userId)) {
      this.readUpTo.set(key(chatId, userId), messageId);
      this.touched("marks", key(chatId, userId));
    }
  }

  lastRead(chatId: number, userId: number): number {
    return this.readUpTo.get(key(chatId, userId)) ?? 0;
  }

  /** im.dialog.unread: `messageId` and everything after it become unread (moves the mark back). */
  markUnreadFrom(chatId: number, userId: number, messageId: number): void {
    const mark = Math.min(this.lastRead(chatId, userId), Math.max(0, messageId - 1));
    this.readUpTo.set(key(chatId, userId), mark);
    this.touched("marks", key(chatId, userId));
  }

  hideHistoryBefore(chatId: number, userId: number, firstVisibleId: number): void {
    this.historyFrom.set(key(chatId, userId), firstVisibleId);
    this.touched("marks", key(chatId, userId));
  }

  showHistory(chatId: number, userId: number): void {
    this.historyFrom.delete(key(chatId, userId));
    this.touched("marks", key(chatId, userId));
  }

  /** The first message id the user may see in the chat (0 = the whole history). */
  firstVisible(chatId: number, userId: number): number {
    return this.historyFrom.get(key(chatId, userId)) ?? 0;
  }

  /** Calls back after each change to an avatar or a member's marks (persistence writes just those). */
  onChange(listener: ExtrasListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** A chat's avatar as persistence.ts stores it. */
  avatarRow(chatId: number): (StoredAvatar & { chatId: number }) | undefined {
    const avatar = this.avatars.get(chatId);
    return avatar && { chatId, ...avatar };
  }

  /** One member's marks ("chat:user") as persistence.ts stores them; undefined when none is set. */
  marksRow(id: string): MemberMarks | undefined {
    const [chatId, userId] = id.split(":").map(Number);
    const muted = this.muted.get(chatId)?.has(userId) ?? false;
    const writingAt = this.writing.get(id) ?? null;
    const readUpTo = this.readUpTo.get(id) ?? null;
    const historyFrom = this.historyFrom.get(id) ?? null;
    if (!muted && writingAt === null && readUpTo === null && historyFrom === null) return undefined;
    return { chatId, userId, muted, writingAt, readUpTo, historyFrom };
  }

  private touched(kind: "avatar" | "marks", id: string): void {
    for (const listener of this.listeners) listener(kind, id);
  }

  /** Avatars and per-member marks, for persistence.ts (read them, do not change them). */
  snapshot(): ChatExtrasSnapshot {
    const marks = new Map<string, MemberMarks>();
    const mark = (k: string): MemberMarks => {
      let m = marks.get(k);
      if (!m) {
        const [chatId, userId] = k.split(":").map(Number);
        marks.set(k, (m = { chatId, userId, muted: false, writingAt: null, readUpTo: null, historyFrom: null }));
      }
      return m;
    };
    for (const [chatId, users] of this.muted) for (const userId of users) mark(key(chatId, userId)).muted = true;
    for (const [k, at] of this.writing) mark(k).writingAt = at;
    for (const [k, id] of this.readUpTo) mark(k).readUpTo = id;
    for (const [k, id] of this.historyFrom) mark(k).historyFrom = id;
    return { avatars: [...this.avatars].map(([chatId, avatar]) => ({ chatId, ...avatar })), marks: [...marks.values()] };
  }

  /** Replaces everything with saved avatars and marks. */
  restore(saved: ChatExtrasSnapshot): void {
    for (const map of [this.avatars, this.muted, this.writing, this.readUpTo, this.historyFrom]) map.clear();
    for (const { chatId, ...avatar } of saved.avatars) this.avatars.set(chatId, avatar);
    for (const m of saved.marks) {
      const k = key(m.chatId, m.userId);
      if (m.muted) this.setMuted(m.chatId, m.userId, true);
      if (m.writingAt !== null) this.writing.set(k, m.writingAt);
      if (m.readUpTo !== null) this.readUpTo.set(k, m.readUpTo);
      if (m.historyFrom !== null) this.historyFrom.set(k, m.historyFrom);
    }
  }

  /** A member left or was removed: what was personal to them in that chat goes. */
  forgetMember(chatId: number, userId: number): void {
    this.setMuted(chatId, userId, false);
    this.writing.delete(key(chatId, userId));
    this.readUpTo.delete(key(chatId, userId));
    this.historyFrom.delete(key(chatId, userId));
  }
}
