// The SQLite schema a saved portal lives in, and the reader of the previous release's files.
//
// Schema 2 (this release) is the same three tables for every kind of row:
//   entities(type, id, json)  one row per record, as JSON (REST-named rows for engine entities)
//   sequences(type, next)     id counters, "crm.lead/ID", "messages/ID"…
//   meta(key, value)          format, schema version, "version:<type>" per kind of row, the
//                             webhook and access token the sandbox prints, member_id
// persistence.ts does the I/O; persist-kinds.ts says how each hand-written store maps to rows.
//
// Schema 1 (the release before) had a table per kind with typed columns; `fromRows` reads such a
// file once into the stores, then persistence.ts writes it out as schema 2 and drops the old tables.
import type { CredentialsSnapshot } from "../http/auth.js";
import type { ChatExtrasSnapshot } from "./chat-extras.js";
import type { DiskSnapshot } from "./disk.js";
import type { LeadRecord } from "./leads.js";
import type { UserProfile } from "../methods/user.js";
import type { NotificationRecord } from "./notifications.js";
import type { OAuthSnapshot } from "../routes/oauth.js";
import type { ChatRecord, PortalStateSnapshot } from "./state.js";

/** Bump when the tables change; a file of a later version is refused, never guessed at. */
export const SCHEMA_VERSION = 2;
/** The table-per-kind schema of the release before; read once and converted. */
export const LEGACY_SCHEMA_VERSION = 1;
/** Marks a file as an oint portal database (meta "format"). */
export const FORMAT = "oint-portal";

export const CREATE_TABLES = [
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
  "CREATE TABLE IF NOT EXISTS entities (type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (type, id))",
  "CREATE TABLE IF NOT EXISTS sequences (type TEXT PRIMARY KEY, next INTEGER NOT NULL)",
];

/** The tables of schema 1 (meta is shared). */
export const LEGACY_TABLES = [
  "counters",
  "users",
  "user_profiles",
  "chats",
  "chat_members",
  "messages",
  "notifications",
  "disk_folders",
  "disk_files",
  "disk_upload_tickets",
  "chat_avatars",
  "chat_member_marks",
  "leads_added",
  "crm_leads",
  "webhooks",
  "access_tokens",
  "oauth_apps",
  "oauth_refresh_tokens",
];

/** Everything a schema-1 file holds, in one piece. */
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

export type SqlValue = string | number | Buffer | null;

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

const COUNTERS = ["next_chat_id", "next_message_id", "next_attach_id", "next_disk_object_id", "next_disk_file_id", "next_notification_id", "next_lead_id", "synthetic_leads"] as const;

/** The portal a schema-1 file describes (rows by table name, each table in its stored order; a missing table is empty). */
export function fromRows(given: Record<string, Stored[] | undefined>): PortalSnapshot {
  const tables = Object.fromEntries(["meta", ...LEGACY_TABLES].map((name) => [name, given[name] ?? []])) as Record<string, Stored[]>;
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
