// The SQLite tables a saved portal lives in, and the mapping both ways between them and the stores'
// snapshots: `rows` turns a snapshot into rows (one array per row, columns in declared order),
// `fromRows` builds the snapshot back. Dates are stored as ms timestamps, booleans as 0/1, nested
// values (ATTACH, keyboards, likes, phones…) as JSON text. persistence.ts does the I/O.
import type { CredentialsSnapshot } from "../http/auth.js";
import type { ChatExtrasSnapshot } from "./chat-extras.js";
import type { DiskSnapshot } from "./disk.js";
import type { LeadRecord } from "./leads.js";
import type { UserProfile } from "../methods/user.js";
import type { NotificationRecord } from "./notifications.js";
import type { OAuthSnapshot } from "../routes/oauth.js";
import type { ChatRecord, MessageRecord, PortalState, PortalStateSnapshot } from "./state.js";

/** Bump when a table changes; a file of another version is refused, never guessed at. */
export const SCHEMA_VERSION = 1;
/** Marks a file as an oint portal database (meta "format"). */
export const FORMAT = "oint-portal";

export type SqlValue = string | number | Buffer | null;
export type Row = SqlValue[];

/** Everything a portal keeps, in one piece. */
export interface PortalSnapshot {
  /** What the sandbox prints: the webhook and the access token, kept so they stay the same. */
  primary: { webhookSecret: string; webhookUserId: number; accessToken: string };
  state: PortalStateSnapshot;
  disk: DiskSnapshot;
  notifications: { notifications: NotificationRecord[]; nextId: number };
  chatExtras: ChatExtrasSnapshot;
  leads: { synthetic: number; added: LeadRecord[]; nextId: number };
  profiles: UserProfile[];
  credentials: CredentialsSnapshot;
  oauth: OAuthSnapshot;
}

export interface TableSpec {
  name: string;
  /** "name TYPE" declarations; the first `keyColumns` form the primary key. */
  columns: string[];
  keyColumns: number;
  /** Index of a column written once with its row and never rewritten (a file's bytes). */
  writeOnce?: number;
  rows(snapshot: PortalSnapshot): Row[];
  /**
   * For big tables: the change-feed event kind that names each changed record (`messageId`), and
   * that record's row (undefined = gone). A flush then looks at the named rows only; close() still
   * compares every row.
   */
  byEvent?: { kind: string; row(state: PortalState, id: number): Row | undefined };
}

// ---- conversions ----

const bool = (value: boolean): number => (value ? 1 : 0);
const ms = (date: Date): number => date.getTime();
const msOrNull = (date: Date | null | undefined): number | null => (date ? date.getTime() : null);
const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** A stored row by column name, as better-sqlite3 returns it. */
export type Stored = Record<string, SqlValue>;

const num = (row: Stored, column: string): number => Number(row[column]);
const numOrNull = (row: Stored, column: string): number | null => (row[column] === null ? null : Number(row[column]));
const text = (row: Stored, column: string): string => String(row[column] ?? "");
const textOrNull = (row: Stored, column: string): string | null => (row[column] === null ? null : String(row[column]));
const flag = (row: Stored, column: string): boolean => Number(row[column]) === 1;
const date = (row: Stored, column: string): Date => new Date(Number(row[column]));
const dateOrNull = (row: Stored, column: string): Date | null => (row[column] === null ? null : new Date(Number(row[column])));
const parsed = <T>(row: Stored, column: string): T | null => (row[column] === null ? null : (JSON.parse(String(row[column])) as T));

// ---- the tables ----

function messageRow(m: MessageRecord): Row {
  return [m.id, m.chatId, m.authorId, ms(m.date), m.text, json(m.attach), json(m.keyboard), json(m.menu), bool(m.system), bool(m.urlPreview), m.replyId, bool(m.isEdited), bool(m.isDeleted), json(m.likes), json(m.files)];
}

const COUNTERS = ["next_chat_id", "next_message_id", "next_attach_id", "next_disk_object_id", "next_disk_file_id", "next_notification_id", "next_lead_id", "synthetic_leads"] as const;

export const TABLES: TableSpec[] = [
  {
    name: "meta",
    columns: ["key TEXT", "value TEXT"],
    keyColumns: 1,
    rows: (s) => [
      ["format", FORMAT],
      ["schema_version", String(SCHEMA_VERSION)],
      ["member_id", s.oauth.memberId],
      ["webhook_secret", s.primary.webhookSecret],
      ["webhook_user_id", String(s.primary.webhookUserId)],
      ["access_token", s.primary.accessToken],
    ],
  },
  {
    name: "counters",
    columns: ["name TEXT", "value INTEGER"],
    keyColumns: 1,
    rows: (s) => {
      const values = [
        s.state.counters.nextChatId,
        s.state.counters.nextMessageId,
        s.state.counters.nextAttachId,
        s.disk.counters.nextObjectId,
        s.disk.counters.nextFileId,
        s.notifications.nextId,
        s.leads.nextId,
        s.leads.synthetic,
      ];
      return COUNTERS.map((name, i) => [name, values[i]]);
    },
  },
  {
    name: "users",
    columns: ["id INTEGER", "active INTEGER", "first_name TEXT", "last_name TEXT", "email TEXT", "work_position TEXT", "gender TEXT", "birthday TEXT", "color TEXT", "departments TEXT", "phones TEXT", "website TEXT", "is_admin INTEGER", "status TEXT", "last_activity INTEGER"],
    keyColumns: 1,
    rows: (s) =>
      s.state.users.map((u) => [u.id, bool(u.active), u.firstName, u.lastName, u.email, u.workPosition, u.gender, u.birthday, u.color, json(u.departments), json(u.phones), u.website, bool(u.isAdmin), u.status, ms(u.lastActivity)]),
  },
  {
    name: "user_profiles",
    columns: ["user_id INTEGER", "xml_id TEXT", "date_register INTEGER", "last_login INTEGER", "updated_at INTEGER", "time_zone TEXT", "user_type TEXT", "birth_date TEXT", "fields TEXT"],
    keyColumns: 1,
    rows: (s) => s.profiles.map((p) => [p.userId, p.xmlId, ms(p.dateRegister), msOrNull(p.lastLogin), ms(p.updatedAt), p.timeZone, p.userType, p.birthDate, json(p.fields)]),
  },
  {
    name: "chats",
    columns: ["id INTEGER", "type TEXT", "title TEXT", "description TEXT", "color TEXT", "owner_id INTEGER", "date_create INTEGER", "last_message_id INTEGER", "pair TEXT"],
    keyColumns: 1,
    rows: (s) => s.state.chats.map(({ chat: c, pair }) => [c.id, c.type, c.title, c.description, c.color, c.ownerId, ms(c.dateCreate), c.lastMessageId, pair]),
  },
  {
    name: "chat_members",
    columns: ["chat_id INTEGER", "user_id INTEGER", "position INTEGER"],
    keyColumns: 2,
    rows: (s) => s.state.chats.flatMap(({ chat }) => chat.members.map((userId, position) => [chat.id, userId, position])),
  },
  {
    name: "messages",
    columns: ["id INTEGER", "chat_id INTEGER", "author_id INTEGER", "date INTEGER", "text TEXT", "attach TEXT", "keyboard TEXT", "menu TEXT", "system INTEGER", "url_preview INTEGER", "reply_id INTEGER", "is_edited INTEGER", "is_deleted INTEGER", "likes TEXT", "files TEXT"],
    keyColumns: 1,
    rows: (s) => s.state.messages.map(messageRow),
    byEvent: {
      kind: "message",
      row: (state, id) => {
        const message = state.getMessage(id);
        return message && messageRow(message);
      },
    },
  },
  {
    name: "notifications",
    columns: ["id INTEGER", "type TEXT", "user_id INTEGER", "author_id INTEGER", "creator_id INTEGER", "message TEXT", "tag TEXT", "sub_tag TEXT", "attach TEXT", "date INTEGER", "read INTEGER"],
    keyColumns: 1,
    rows: (s) => s.notifications.notifications.map((n) => [n.id, n.type, n.userId, n.authorId, n.creatorId, n.message, n.tag, n.subTag, json(n.attach), ms(n.date), bool(n.read)]),
  },
  {
    name: "disk_folders",
    columns: ["id INTEGER", "name TEXT", "storage_id INTEGER", "parent_id INTEGER", "chat_id INTEGER", "created_by INTEGER", "create_time INTEGER"],
    keyColumns: 1,
    rows: (s) => s.disk.folders.map((f) => [f.id, f.name, f.storageId, f.parentId, f.chatId, f.createdBy, ms(f.createTime)]),
  },
  {
    name: "disk_files",
    columns: ["id INTEGER", "name TEXT", "storage_id INTEGER", "parent_id INTEGER", "file_id INTEGER", "bytes BLOB", "created_by INTEGER", "updated_by INTEGER", "create_time INTEGER", "update_time INTEGER", "unique_code TEXT", "download_token TEXT"],
    keyColumns: 1,
    writeOnce: 5, // a file's bytes never change (a new upload is a new file), so they are written once
    rows: (s) => s.disk.files.map((f) => [f.id, f.name, f.storageId, f.parentId, f.fileId, f.bytes, f.createdBy, f.updatedBy, ms(f.createTime), ms(f.updateTime), f.uniqueCode, f.downloadToken]),
  },
  {
    name: "disk_upload_tickets",
    columns: ["token TEXT", "folder_id INTEGER", "user_id INTEGER", "unique_name INTEGER"],
    keyColumns: 1,
    rows: (s) => s.disk.tickets.map((t) => [t.token, t.folderId, t.userId, bool(t.uniqueName)]),
  },
  {
    name: "chat_avatars",
    columns: ["chat_id INTEGER", "base64 TEXT", "extension TEXT", "width INTEGER", "height INTEGER"],
    keyColumns: 1,
    rows: (s) => s.chatExtras.avatars.map((a) => [a.chatId, a.base64, a.extension, a.width, a.height]),
  },
  {
    name: "chat_member_marks",
    columns: ["chat_id INTEGER", "user_id INTEGER", "muted INTEGER", "writing_at INTEGER", "read_up_to INTEGER", "history_from INTEGER"],
    keyColumns: 2,
    rows: (s) => s.chatExtras.marks.map((m) => [m.chatId, m.userId, bool(m.muted), msOrNull(m.writingAt), m.readUpTo, m.historyFrom]),
  },
  {
    name: "leads_added",
    columns: ["id INTEGER", "title TEXT", "name TEXT", "last_name TEXT", "status_id TEXT", "source_id TEXT", "opened INTEGER", "assigned_by_id INTEGER", "created_by_id INTEGER", "date_create INTEGER", "comments TEXT"],
    keyColumns: 1,
    rows: () => [], // the first release's layout: read once, then moved to crm_leads
  },
  {
    name: "crm_leads", // REST-named rows as JSON (data/leads.ts, engine/store.ts)
    columns: ["id INTEGER", "row TEXT"],
    keyColumns: 1,
    rows: (s) => s.leads.added.map((l) => [Number(l.ID), JSON.stringify(l)]),
  },
  {
    name: "webhooks",
    columns: ["secret TEXT", "user_id INTEGER"],
    keyColumns: 1,
    rows: (s) => s.credentials.webhooks.map((w) => [w.secret, w.userId]),
  },
  {
    name: "access_tokens",
    columns: ["token TEXT", "user_id INTEGER", "expires_at INTEGER"],
    keyColumns: 1,
    rows: (s) => s.credentials.tokens.map((t) => [t.token, t.userId, t.expiresAt ?? null]),
  },
  {
    name: "oauth_apps",
    columns: ["client_id TEXT", "client_secret TEXT", "scope TEXT", "redirect_uri TEXT", "position INTEGER"],
    keyColumns: 1,
    rows: (s) => s.oauth.apps.map((a, position) => [a.clientId, a.clientSecret, a.scope, a.redirectUri ?? null, position]),
  },
  {
    name: "oauth_refresh_tokens",
    columns: ["token TEXT", "client_id TEXT", "user_id INTEGER", "expires_at INTEGER"],
    keyColumns: 1,
    rows: (s) => s.oauth.refreshTokens.map((t) => [t.token, t.clientId, t.userId, t.expiresAt]),
  },
];

/** The snapshot stored rows describe (rows by table name, each table in its stored order). */
export function fromRows(tables: Record<string, Stored[]>): PortalSnapshot {
  const meta = new Map(tables.meta.map((r) => [text(r, "key"), text(r, "value")]));
  const counter = new Map(tables.counters.map((r) => [text(r, "name"), num(r, "value")]));
  // A sequence never goes back: past the saved counter and past every id the rows hold, so an id
  // is not given out twice even if a counter row were behind its table.
  const count = (name: (typeof COUNTERS)[number], ...tablesOfIds: Stored[][]) =>
    tablesOfIds.flat().reduce((next, row) => Math.max(next, num(row, "id") + 1), counter.get(name) ?? 1);

  const members = new Map<number, { userId: number; position: number }[]>();
  for (const r of tables.chat_members) {
    let list = members.get(num(r, "chat_id"));
    if (!list) members.set(num(r, "chat_id"), (list = []));
    list.push({ userId: num(r, "user_id"), position: num(r, "position") });
  }
  const chats = tables.chats.map((r) => {
    const chat: ChatRecord = {
      id: num(r, "id"),
      type: text(r, "type") as ChatRecord["type"],
      title: text(r, "title"),
      description: text(r, "description"),
      color: text(r, "color"),
      ownerId: num(r, "owner_id"),
      members: (members.get(num(r, "id")) ?? []).sort((a, b) => a.position - b.position).map((m) => m.userId),
      dateCreate: date(r, "date_create"),
      lastMessageId: num(r, "last_message_id"),
    };
    return { chat, pair: textOrNull(r, "pair") };
  });

  return {
    primary: { webhookSecret: meta.get("webhook_secret") ?? "", webhookUserId: Number(meta.get("webhook_user_id") ?? 1), accessToken: meta.get("access_token") ?? "" },
    state: {
      users: tables.users.map((r) => ({
        id: num(r, "id"),
        active: flag(r, "active"),
        firstName: text(r, "first_name"),
        lastName: text(r, "last_name"),
        email: text(r, "email"),
        workPosition: textOrNull(r, "work_position"),
        gender: text(r, "gender") as "M" | "F" | "",
        birthday: text(r, "birthday"),
        color: text(r, "color"),
        departments: parsed<number[]>(r, "departments") ?? [],
        phones: parsed(r, "phones"),
        website: text(r, "website"),
        isAdmin: flag(r, "is_admin"),
        status: text(r, "status"),
        lastActivity: date(r, "last_activity"),
      })),
      chats,
      messages: tables.messages.map((r) => ({
        id: num(r, "id"),
        chatId: num(r, "chat_id"),
        authorId: num(r, "author_id"),
        date: date(r, "date"),
        text: text(r, "text"),
        attach: parsed(r, "attach"),
        keyboard: parsed(r, "keyboard"),
        menu: parsed(r, "menu"),
        system: flag(r, "system"),
        urlPreview: flag(r, "url_preview"),
        replyId: numOrNull(r, "reply_id"),
        isEdited: flag(r, "is_edited"),
        isDeleted: flag(r, "is_deleted"),
        likes: parsed<number[]>(r, "likes") ?? [],
        files: parsed<number[]>(r, "files") ?? [],
      })),
      counters: { nextChatId: count("next_chat_id", tables.chats), nextMessageId: count("next_message_id", tables.messages), nextAttachId: count("next_attach_id") },
    },
    disk: {
      folders: tables.disk_folders.map((r) => ({
        id: num(r, "id"),
        name: text(r, "name"),
        storageId: num(r, "storage_id"),
        parentId: numOrNull(r, "parent_id"),
        chatId: numOrNull(r, "chat_id"),
        createdBy: num(r, "created_by"),
        createTime: date(r, "create_time"),
      })),
      files: tables.disk_files.map((r) => ({
        id: num(r, "id"),
        name: text(r, "name"),
        storageId: num(r, "storage_id"),
        parentId: num(r, "parent_id"),
        fileId: num(r, "file_id"),
        bytes: Buffer.isBuffer(r.bytes) ? r.bytes : Buffer.alloc(0),
        createdBy: num(r, "created_by"),
        updatedBy: num(r, "updated_by"),
        createTime: date(r, "create_time"),
        updateTime: date(r, "update_time"),
        uniqueCode: text(r, "unique_code"),
        downloadToken: text(r, "download_token"),
      })),
      tickets: tables.disk_upload_tickets.map((r) => ({ token: text(r, "token"), folderId: num(r, "folder_id"), userId: num(r, "user_id"), uniqueName: flag(r, "unique_name") })),
      counters: { nextObjectId: count("next_disk_object_id", tables.disk_folders, tables.disk_files), nextFileId: count("next_disk_file_id") },
    },
    notifications: {
      notifications: tables.notifications.map((r) => ({
        id: num(r, "id"),
        type: text(r, "type") as NotificationRecord["type"],
        userId: num(r, "user_id"),
        authorId: num(r, "author_id"),
        creatorId: num(r, "creator_id"),
        message: text(r, "message"),
        tag: text(r, "tag"),
        subTag: text(r, "sub_tag"),
        attach: parsed(r, "attach"),
        date: date(r, "date"),
        read: flag(r, "read"),
      })),
      nextId: count("next_notification_id", tables.notifications),
    },
    chatExtras: {
      avatars: tables.chat_avatars.map((r) => ({ chatId: num(r, "chat_id"), base64: text(r, "base64"), extension: text(r, "extension"), width: num(r, "width"), height: num(r, "height") })),
      marks: tables.chat_member_marks.map((r) => ({
        chatId: num(r, "chat_id"),
        userId: num(r, "user_id"),
        muted: flag(r, "muted"),
        writingAt: dateOrNull(r, "writing_at"),
        readUpTo: numOrNull(r, "read_up_to"),
        historyFrom: numOrNull(r, "history_from"),
      })),
    },
    leads: {
      synthetic: counter.get("synthetic_leads") ?? 0,
      nextId: count("next_lead_id", tables.leads_added, tables.crm_leads),
      added: [...tables.crm_leads.map((r) => JSON.parse(text(r, "row")) as LeadRecord), ...tables.leads_added.map((r) => ({
        id: num(r, "id"),
        title: text(r, "title"),
        name: text(r, "name"),
        lastName: text(r, "last_name"),
        statusId: text(r, "status_id"),
        sourceId: text(r, "source_id"),
        opened: flag(r, "opened"),
        assignedById: num(r, "assigned_by_id"),
        createdById: num(r, "created_by_id"),
        dateCreate: date(r, "date_create"),
        comments: text(r, "comments"),
      }))],
    },
    profiles: tables.user_profiles.map((r) => ({
      userId: num(r, "user_id"),
      xmlId: text(r, "xml_id"),
      dateRegister: date(r, "date_register"),
      lastLogin: dateOrNull(r, "last_login"),
      updatedAt: date(r, "updated_at"),
      timeZone: text(r, "time_zone"),
      userType: text(r, "user_type") as UserProfile["userType"],
      birthDate: text(r, "birth_date"),
      fields: parsed<Record<string, unknown>>(r, "fields") ?? {},
    })),
    credentials: {
      webhooks: tables.webhooks.map((r) => ({ secret: text(r, "secret"), userId: num(r, "user_id") })),
      tokens: tables.access_tokens.map((r) => {
        const expiresAt = numOrNull(r, "expires_at");
        return { token: text(r, "token"), userId: num(r, "user_id"), ...(expiresAt === null ? {} : { expiresAt }) };
      }),
    },
    oauth: {
      memberId: meta.get("member_id") ?? "",
      apps: [...tables.oauth_apps]
        .sort((a, b) => num(a, "position") - num(b, "position"))
        .map((r) => {
          const redirectUri = textOrNull(r, "redirect_uri");
          return { clientId: text(r, "client_id"), clientSecret: text(r, "client_secret"), scope: text(r, "scope"), ...(redirectUri === null ? {} : { redirectUri }) };
        }),
      refreshTokens: tables.oauth_refresh_tokens.map((r) => ({ token: text(r, "token"), clientId: text(r, "client_id"), userId: num(r, "user_id"), expiresAt: num(r, "expires_at") })),
    },
  };
}
