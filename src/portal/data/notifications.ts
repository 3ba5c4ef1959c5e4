// Notifications (the notification centre, not a chat): personal ones from a user and system ones
// without an author. A TAG is a uniqueness key: a new notification with the same tag for the same
// recipient replaces the old one, whose id is then gone. Knows nothing about HTTP or errors.
import type { AttachRecord } from "./state.js";

export type NotificationType = "personal" | "system";

export interface NotificationRecord {
  id: number;
  type: NotificationType;
  /** The recipient. */
  userId: number;
  /** The sender (0 for system notifications). */
  authorId: number;
  /** Who created it through the API, for deleting by tag (system notifications have no author). */
  creatorId: number;
  message: string;
  tag: string;
  subTag: string;
  attach: AttachRecord[] | null;
  date: Date;
  read: boolean;
}

export type NewNotification = Omit<NotificationRecord, "id" | "date" | "read">;

export class NotificationStore {
  private readonly byId = new Map<number, NotificationRecord>();
  private nextId = 1;
  private readonly recordListeners = new Set<(id: number) => void>();

  constructor(
    private readonly now: () => Date,
    private readonly changed: (userId: number) => void = () => {},
  ) {}

  /** Adds a notification; one with the same tag for the same recipient is removed first. */
  add(input: NewNotification): NotificationRecord {
    if (input.tag !== "") {
      for (const old of this.byId.values()) {
        if (old.userId === input.userId && old.tag === input.tag) {
          this.byId.delete(old.id);
          this.touched(old.id);
        }
      }
    }
    const record: NotificationRecord = { ...input, id: this.nextId++, date: this.now(), read: false };
    this.byId.set(record.id, record);
    this.touched(record.id);
    this.changed(record.userId);
    return record;
  }

  get(id: number): NotificationRecord | undefined {
    return this.byId.get(id);
  }

  /** A user's notifications, newest first. */
  listFor(userId: number): NotificationRecord[] {
    return [...this.byId.values()].filter((n) => n.userId === userId).sort((a, b) => b.id - a.id);
  }

  delete(id: number): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    this.byId.delete(id);
    this.touched(id);
    this.changed(record.userId);
    return true;
  }

  /** Calls back with the id of each notification added or removed (persistence writes just those). */
  onRecordChange(listener: (id: number) => void): () => void {
    this.recordListeners.add(listener);
    return () => void this.recordListeners.delete(listener);
  }

  get counter(): number {
    return this.nextId;
  }

  private touched(id: number): void {
    for (const listener of this.recordListeners) listener(id);
  }

  /** The live records and the id counter, for persistence.ts (read them, do not change them). */
  snapshot(): { notifications: NotificationRecord[]; nextId: number } {
    return { notifications: [...this.byId.values()], nextId: this.nextId };
  }

  /** Replaces every notification with saved ones. */
  restore(saved: { notifications: NotificationRecord[]; nextId: number }): void {
    this.byId.clear();
    for (const record of [...saved.notifications].sort((a, b) => a.id - b.id)) this.byId.set(record.id, record);
    this.nextId = saved.nextId;
  }

  /** Deletes what `creatorId` created with this tag / sub-tag; returns how many went. */
  deleteTagged(creatorId: number, tag: string, subTag: string): number {
    let count = 0;
    for (const n of [...this.byId.values()]) {
      if (n.creatorId !== creatorId) continue;
      if ((tag !== "" && n.tag === tag) || (subTag !== "" && n.subTag === subTag)) count += Number(this.delete(n.id));
    }
    return count;
  }
}
