// How the hand-written stores persist through the generic tables (persist-schema.ts): each is one
// or more kinds of row, with how to read a row by id, which changes name which rows, its id
// counters, and how saved rows are loaded back. Engine stores need none of this (persistence.ts
// takes every store of `state.stores` as it is); these adapters cover what is not on the engine yet:
//   by id:   users, chats (with their members), messages, notifications, chat avatars and member
//            marks: their stores say which record changed, so a flush writes just those rows;
//   coarse:  profiles, webhooks and tokens, OAuth apps and refresh tokens: their stores say only
//            that something changed, and the kind is then compared row by row with what the file
//            holds (they are small, and compared only on a request that changed them).
// The Drive's rows are engine stores; its bytes are one by-id kind here, `disk.blobs`: a blob is
// written once when it is stored and removed when it is dropped (content-addressed, never changed).
import type { Credentials, CredentialsSnapshot } from "../http/auth.js";
import { exportProfiles, importProfiles, type UserProfile } from "../methods/user.js";
import type { OAuthServer, OAuthSnapshot } from "../routes/oauth.js";
import type { MemberMarks, StoredAvatar } from "./chat-extras.js";
import type { BlobRow } from "./disk.js";
import type { NotificationRecord } from "./notifications.js";
import type { ChatRecord, MessageRecord, PortalState, UserRecord } from "./state.js";

/** One kind of row in `entities`. Rows are anything JSON keeps (Dates are written as ISO text). */
export interface Kind {
  /** The rows' `type`. */
  readonly type: string;
  /** Its row format; rows saved under an older one go through `migrate` when loaded. */
  readonly version: number;
  migrate?(row: unknown, fromVersion: number): unknown;
  /** Every row now, as [id, row]. */
  rows(): Iterable<readonly [string, unknown]>;
  /** The row with this id now (undefined: gone). Kinds without it are compared in full when changed. */
  row?(id: string): unknown;
  /** What a coarse comparison compares (default: the JSON written). */
  signature?(row: unknown): string;
  /** What is written for a row (default: the row). */
  encode?(row: unknown): unknown;
  /** The next values of its id counters. */
  counters?(): Record<string, number>;
  /** Subscribes: `changed(id)` names a row that changed; `changed()` says only that something did. */
  watch(changed: (id?: string) => void): void;
}

/** What a saved file holds, kind by kind. */
export interface SavedRows {
  /** The kind's saved rows (parsed, migrated to its version). */
  rows(kind: Kind): unknown[];
  counters(type: string): Record<string, number>;
}

const byNumber = <T>(items: Iterable<T>, id: (item: T) => number) => [...items].map((item) => [String(id(item)), item] as const);
const date = (value: unknown): Date => new Date(String(value));
const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(String(value)));
/** A counter that never goes back: past the saved value and past every id in use. */
const nextId = (saved: number | undefined, ids: number[]) => ids.reduce((next, id) => Math.max(next, id + 1), saved ?? 1);

/** One snapshot per flush for kinds that share it (a flush runs in one synchronous go). */
function perFlush<T>(take: () => T): () => T {
  let memo: { value: T } | undefined;
  return () => {
    if (!memo) {
      memo = { value: take() };
      queueMicrotask(() => (memo = undefined));
    }
    return memo.value;
  };
}

// ---- the portal's own records ----

export function stateKinds(state: PortalState): Kind[] {
  const records = (kind: "users" | "chats" | "messages") => (changed: (id?: string) => void) =>
    void state.onRecordChange((k, id) => {
      if (k === kind) changed(String(id));
    });
  const extras = perFlush(() => state.chatExtras.snapshot());
  return [
    {
      type: "users",
      version: 1,
      rows: () => byNumber(state.listUsers(), (u) => u.id),
      row: (id) => state.getUser(Number(id)),
      watch: records("users"),
    },
    {
      type: "chats",
      version: 1,
      rows: () => state.listChats().map((chat) => [String(chat.id), chatRow(state, chat)] as const),
      row: (id) => {
        const chat = state.getChat(Number(id));
        return chat && chatRow(state, chat);
      },
      counters: () => ({ ID: state.counters().nextChatId }),
      watch: records("chats"),
    },
    {
      type: "messages",
      version: 1,
      rows: () => byNumber(state.snapshot().messages, (m) => m.id),
      row: (id) => state.getMessage(Number(id)),
      counters: () => ({ ID: state.counters().nextMessageId, ATTACH: state.counters().nextAttachId }),
      watch: records("messages"),
    },
    {
      type: "notifications",
      version: 1,
      rows: () => byNumber(state.notifications.snapshot().notifications, (n) => n.id),
      row: (id) => state.notifications.get(Number(id)),
      counters: () => ({ ID: state.notifications.counter }),
      watch: (changed) => void state.notifications.onRecordChange((id) => changed(String(id))),
    },
    {
      type: "chat.avatars",
      version: 1,
      rows: () => byNumber(extras().avatars, (a) => a.chatId),
      row: (id) => state.chatExtras.avatarRow(Number(id)),
      watch: (changed) => void state.chatExtras.onChange((kind, id) => kind === "avatar" && changed(id)),
    },
    {
      type: "chat.marks",
      version: 1,
      rows: () => extras().marks.map((m) => [`${m.chatId}:${m.userId}`, m] as const),
      row: (id) => state.chatExtras.marksRow(id),
      watch: (changed) => void state.chatExtras.onChange((kind, id) => kind === "marks" && changed(id)),
    },
    {
      // Profiles change with their user (user.update), so a user's change has them compared.
      type: "user.profiles",
      version: 1,
      rows: () => byNumber(exportProfiles(state), (p) => p.userId),
      watch: (changed) => void state.onRecordChange((kind) => kind === "users" && changed()),
    },
    {
      // The Drive's file contents, a row per blob (SHA-256) with its bytes as Base64.
      type: "disk.blobs",
      version: 1,
      rows: () => state.disk.blobHashes().map((hash) => [hash, state.disk.blobRow(hash)] as const),
      row: (hash) => state.disk.blobRow(hash),
      watch: (changed) => state.disk.onBlobChange(changed),
    },
  ];
}

function chatRow(state: PortalState, chat: ChatRecord) {
  return { ...chat, members: [...chat.members], pair: state.pairOf(chat) };
}

/** Loads the portal's own records from a saved file. */
export function loadState(state: PortalState, saved: SavedRows, kinds: Kind[]): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows as the file holds them, typed where they are revived
  const of = (type: string) => saved.rows(kinds.find((k) => k.type === type)!) as Record<string, any>[];
  const users = of("users").map((u) => ({ ...u, lastActivity: date(u.lastActivity) }) as UserRecord);
  const chats = of("chats").map(({ pair, ...c }) => ({ chat: { ...c, dateCreate: date(c.dateCreate) } as ChatRecord, pair: (pair ?? null) as string | null }));
  const messages = of("messages").map((m) => ({ ...m, date: date(m.date) }) as MessageRecord);
  const chatCounters = saved.counters("chats");
  const messageCounters = saved.counters("messages");
  state.restore({
    users,
    chats,
    messages,
    counters: {
      nextChatId: nextId(chatCounters.ID, chats.map((c) => c.chat.id)),
      nextMessageId: nextId(messageCounters.ID, messages.map((m) => m.id)),
      nextAttachId: messageCounters.ATTACH ?? 1,
    },
  });
  const notifications = of("notifications").map((n) => ({ ...n, date: date(n.date) }) as NotificationRecord);
  state.notifications.restore({ notifications, nextId: nextId(saved.counters("notifications").ID, notifications.map((n) => n.id)) });
  state.chatExtras.restore({
    avatars: of("chat.avatars") as (StoredAvatar & { chatId: number })[],
    marks: of("chat.marks").map((m) => ({ ...m, writingAt: dateOrNull(m.writingAt) }) as MemberMarks),
  });
  importProfiles(
    state,
    of("user.profiles").map((p) => ({ ...p, dateRegister: date(p.dateRegister), lastLogin: dateOrNull(p.lastLogin), updatedAt: date(p.updatedAt) }) as UserProfile),
  );
  // The Drive's rows are engine stores, loaded with the others; its bytes are loaded here.
  state.disk.loadBlobs(of("disk.blobs") as BlobRow[]);
}

// ---- who may call: webhooks, tokens, OAuth ----

export function credentialKinds(credentials: Credentials): Kind[] {
  const snapshot = perFlush(() => credentials.snapshot());
  const watch = (changed: (id?: string) => void) => credentials.onChange(() => changed());
  return [
    { type: "webhooks", version: 1, rows: () => snapshot().webhooks.map((w) => [w.secret, w] as const), watch },
    { type: "access_tokens", version: 1, rows: () => snapshot().tokens.map((t) => [t.token, t] as const), watch },
  ];
}

export function loadCredentials(credentials: Credentials, saved: SavedRows, kinds: Kind[]): void {
  const of = (type: string) => saved.rows(kinds.find((k) => k.type === type)!);
  credentials.restore({ webhooks: of("webhooks"), tokens: of("access_tokens") } as CredentialsSnapshot);
}

export function oauthKinds(oauth: OAuthServer): Kind[] {
  const snapshot = perFlush(() => oauth.snapshot());
  const watch = (changed: (id?: string) => void) => oauth.onChange(() => changed());
  return [
    { type: "oauth.apps", version: 1, rows: () => snapshot().apps.map((a, position) => [a.clientId, { ...a, position }] as const), watch },
    { type: "oauth.refresh_tokens", version: 1, rows: () => snapshot().refreshTokens.map((t) => [t.token, t] as const), watch },
  ];
}

export function loadOAuth(oauth: OAuthServer, saved: SavedRows, kinds: Kind[], memberId: string): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows as the file holds them, typed where they are revived
  const of = (type: string) => saved.rows(kinds.find((k) => k.type === type)!) as Record<string, any>[];
  const apps = of("oauth.apps")
    .sort((a, b) => Number(a.position) - Number(b.position))
    .map(({ position: _, ...app }) => app);
  oauth.restore({ memberId, apps, refreshTokens: of("oauth.refresh_tokens") } as OAuthSnapshot);
}
