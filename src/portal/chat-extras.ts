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

export class ChatExtras {
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
  }

  avatar(chatId: number): StoredAvatar | undefined {
    return this.avatars.get(chatId);
  }

  setMuted(chatId: number, userId: number, mute: boolean): void {
    let users = this.muted.get(chatId);
    if (!users) this.muted.set(chatId, (users = new Set()));
    if (mute) users.add(userId);
    else users.delete(userId);
  }

  /** User ids who muted the chat, ascending. */
  mutedBy(chatId: number): number[] {
    return [...(this.muted.get(chatId) ?? [])].sort((a, b) => a - b);
  }

  noteWriting(chatId: number, userId: number, at: Date): void {
    this.writing.set(key(chatId, userId), at);
  }

  lastWriting(chatId: number, userId: number): Date | undefined {
    return this.writing.get(key(chatId, userId));
  }

  /** Moves the read mark forward (never back). */
  markRead(chatId: number, userId: number, messageId: number): void {
    if (messageId > this.lastRead(chatId, userId)) this.readUpTo.set(key(chatId, userId), messageId);
  }

  lastRead(chatId: number, userId: number): number {
    return this.readUpTo.get(key(chatId, userId)) ?? 0;
  }

  /** im.dialog.unread: `messageId` and everything after it become unread (moves the mark back). */
  markUnreadFrom(chatId: number, userId: number, messageId: number): void {
    const mark = Math.min(this.lastRead(chatId, userId), Math.max(0, messageId - 1));
    this.readUpTo.set(key(chatId, userId), mark);
  }

  hideHistoryBefore(chatId: number, userId: number, firstVisibleId: number): void {
    this.historyFrom.set(key(chatId, userId), firstVisibleId);
  }

  showHistory(chatId: number, userId: number): void {
    this.historyFrom.delete(key(chatId, userId));
  }

  /** The first message id the user may see in the chat (0 = the whole history). */
  firstVisible(chatId: number, userId: number): number {
    return this.historyFrom.get(key(chatId, userId)) ?? 0;
  }

  /** A member left or was removed: what was personal to them in that chat goes. */
  forgetMember(chatId: number, userId: number): void {
    this.setMuted(chatId, userId, false);
    this.writing.delete(key(chatId, userId));
    this.readUpTo.delete(key(chatId, userId));
    this.historyFrom.delete(key(chatId, userId));
  }
}
