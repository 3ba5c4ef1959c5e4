// A portal kept in an SQLite file (`startPortal({ data })`, `oint sandbox --data FILE`): loaded at
// start, written through after every request. Every kind of row lives in the same two tables
// (persist-schema.ts): `entities(type, id, json)` and `sequences(type, next)`. What a flush writes
// is named by change events: each engine store (every store of `state.stores`, see
// engine/registry.ts) and each hand-written store's adapter (persist-kinds.ts) says which row
// changed, and the flush writes just those rows, the sequences that moved and the kinds' versions,
// in one transaction, before the request's answer is sent: an acknowledged write (and the id
// counters it moved) is on disk, so a killed portal loses only requests it never answered, and a
// request that changed nothing writes nothing. Rows saved under an older version of their kind
// are migrated as they are loaded; a file of the release before (schema 1, a table per kind) is
// read once and written out in this schema. The file is opened in exclusive WAL mode: a second
// portal on the same file is refused instead of the two overwriting each other.
import { closeSync, existsSync, openSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type BetterSqlite3 from "better-sqlite3";
import type { Credentials } from "../http/auth.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";
import { importProfiles } from "../methods/user.js";
import type { OAuthServer } from "../routes/oauth.js";
import { credentialKinds, loadCredentials, loadOAuth, loadState, oauthKinds, stateKinds, type Kind, type SavedRows } from "./persist-kinds.js";
import { CREATE_TABLES, FORMAT, fromRows, LEGACY_SCHEMA_VERSION, LEGACY_TABLES, SCHEMA_VERSION, type PortalSnapshot, type Stored } from "./persist-schema.js";
import type { PortalState } from "./state.js";

export { SCHEMA_VERSION } from "./persist-schema.js";

/** The file cannot be used as a portal database; the message is one line naming the file. */
export class PortalDataError extends Error {
  override name = "PortalDataError";
}

/** What the sandbox prints, kept so it stays the same across restarts. */
export interface Primary {
  webhookSecret: string;
  webhookUserId: number;
  accessToken: string;
}

/** What the portal is made of, beyond its state. */
export interface PortalParts {
  state: PortalState;
  credentials: Credentials;
  oauth: OAuthServer;
  primary: Primary;
}

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** A schema-2 file's rows, as read at open. */
interface Contents {
  /** type -> [id, json] */
  rows: Map<string, [string, string][]>;
  /** type -> sequence name -> next value */
  sequences: Map<string, Record<string, number>>;
  /** type -> the version its rows were saved under */
  versions: Map<string, number>;
}

/** A kind of row being kept, and what the file holds of it. */
interface Tracked {
  kind: Kind;
  /** Ids its change events named since the last flush. */
  dirty: Set<string>;
  /** A coarse kind said something changed: compare its rows. */
  changed: boolean;
  /** Write every row (a new file, a converted one, migrated rows). */
  writeAll: boolean;
  /** Coarse kinds: id -> signature of the row as the file holds it. */
  signatures?: Map<string, string>;
  /** The sequences as the file holds them. */
  counters: Record<string, number>;
  /** The version the file holds its rows under. */
  version: number | undefined;
}

export class PortalData {
  private parts?: PortalParts;
  private closed = false;
  private readonly tracked = new Map<string, Tracked>();
  /** meta values as the file holds them (the primary webhook and token, member_id). */
  private readonly metaWritten = new Map<string, string>();
  private readonly put: Statement;
  private readonly remove: Statement;
  private readonly putSequence: Statement;
  private readonly putMeta: Statement;

  private constructor(
    readonly file: string,
    private readonly db: Database,
    /** What the sandbox printed when the file was last used; undefined for a new database. */
    readonly saved: { primary: Primary } | undefined,
    private readonly contents: Contents | undefined,
    /** A schema-1 file's portal, converted on the first flush. */
    private readonly legacy: PortalSnapshot | undefined,
    /** The file has schema-1 tables to drop (and its schema version to raise) on the first flush. */
    private convert: boolean,
    meta: Map<string, string>,
  ) {
    this.put = db.prepare("INSERT INTO entities (type, id, json) VALUES (?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET json = excluded.json");
    this.remove = db.prepare("DELETE FROM entities WHERE type = ? AND id = ?");
    this.putSequence = db.prepare("INSERT INTO sequences (type, next) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET next = excluded.next");
    this.putMeta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (contents) for (const [key, value] of meta) this.metaWritten.set(key, value);
  }

  /** Opens (or creates) the file; throws PortalDataError when it is not usable. */
  static async open(file: string): Promise<PortalData> {
    let Sqlite: typeof BetterSqlite3;
    try {
      ({ default: Sqlite } = await import("better-sqlite3"));
    } catch {
      throw new PortalDataError("keeping the portal in a file needs the better-sqlite3 package, which oint does not install (it builds a native module): run `npm install better-sqlite3` where oint is installed (`npm install -g better-sqlite3` for a global oint)");
    }
    if (existsSync(file) && statSync(file).isDirectory()) throw new PortalDataError(`${file} is a folder, not a database file`);
    if (!existsSync(file)) {
      // Created owner-only up front: the file holds the webhook secret and tokens.
      try {
        closeSync(openSync(file, "wx", 0o600));
      } catch (error) {
        throw new PortalDataError(`cannot create ${file}: ${oneLine(error)}`);
      }
    }
    let db: Database | undefined;
    try {
      db = new Sqlite(file, { timeout: 1000 });
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      const existing = readTables(db);
      const schema = existing.size === 0 ? SCHEMA_VERSION : checkFormat(file, db, existing);
      db.transaction(() => {
        for (const statement of CREATE_TABLES) db!.exec(statement);
        const mark = db!.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)");
        mark.run("format", FORMAT);
        mark.run("schema_version", String(SCHEMA_VERSION));
      }).immediate(); // takes the write lock now, so a second portal on the file fails at start
      const meta = readMeta(db);
      const convert = schema === LEGACY_SCHEMA_VERSION;
      if (convert) {
        // A file whose first save never happened (counters are always written) starts like a new one.
        const tables: Record<string, Stored[]> = { meta: db.prepare("SELECT * FROM meta").all() as Stored[] };
        for (const name of LEGACY_TABLES) if (existing.has(name)) tables[name] = db.prepare(`SELECT * FROM ${name} ORDER BY rowid`).all() as Stored[];
        if ((tables.counters ?? []).length === 0) return new PortalData(file, db, undefined, undefined, undefined, true, meta);
        const legacy = fromRows(tables);
        return new PortalData(file, db, { primary: legacy.primary }, undefined, legacy, true, meta);
      }
      // A file whose first save never happened (sequences are always written) starts like a new one.
      const sequenceRows = db.prepare("SELECT type, next FROM sequences").all() as { type: string; next: number }[];
      if (sequenceRows.length === 0) return new PortalData(file, db, undefined, undefined, undefined, false, meta);
      const contents: Contents = { rows: new Map(), sequences: new Map(), versions: new Map() };
      for (const { type, id, json } of db.prepare("SELECT type, id, json FROM entities").iterate() as Iterable<{ type: string; id: string; json: string }>) {
        let list = contents.rows.get(type);
        if (!list) contents.rows.set(type, (list = []));
        list.push([id, json]);
      }
      for (const { type, next } of sequenceRows) {
        const cut = type.lastIndexOf("/");
        const kind = type.slice(0, cut);
        contents.sequences.set(kind, { ...contents.sequences.get(kind), [type.slice(cut + 1)]: Number(next) });
      }
      for (const [key, value] of meta) if (key.startsWith("version:")) contents.versions.set(key.slice("version:".length), Number(value));
      const primary = { webhookSecret: meta.get("webhook_secret") ?? "", webhookUserId: Number(meta.get("webhook_user_id") ?? 1), accessToken: meta.get("access_token") ?? "" };
      return new PortalData(file, db, { primary }, contents, undefined, false, meta);
    } catch (error) {
      db?.close();
      if (error instanceof PortalDataError) throw error;
      throw new PortalDataError(describeSqliteError(file, error));
    }
  }

  /** Loads the saved portal into the state and its stores, and starts following their changes. */
  restoreState(state: PortalState): void {
    const kinds = stateKinds(state);
    if (this.legacy) {
      state.restore(this.legacy.state);
      state.disk.restore(this.legacy.disk);
      state.notifications.restore(this.legacy.notifications);
      state.chatExtras.restore(this.legacy.chatExtras);
      state.leads.restore(this.legacy.leads);
      importProfiles(state, this.legacy.profiles);
    } else if (this.contents) {
      loadState(state, this.savedRows(), kinds);
    }
    for (const kind of kinds) this.track(kind);
    // Every engine store, those made already and those made later on first use.
    state.stores.each(({ store, entity }) => this.trackStore(store, entity));
  }

  /** Adds the saved webhooks and tokens, and follows their changes. */
  restoreCredentials(credentials: Credentials): void {
    const kinds = credentialKinds(credentials);
    if (this.legacy) credentials.restore(this.legacy.credentials);
    else if (this.contents) loadCredentials(credentials, this.savedRows(), kinds);
    for (const kind of kinds) this.track(kind);
  }

  /** Loads the saved OAuth apps, refresh tokens and member_id, and follows their changes. */
  restoreOAuth(oauth: OAuthServer): void {
    const kinds = oauthKinds(oauth);
    if (this.legacy) oauth.restore(this.legacy.oauth);
    else if (this.contents) loadOAuth(oauth, this.savedRows(), kinds, this.metaWritten.get("member_id") ?? oauth.memberId);
    for (const kind of kinds) this.track(kind);
  }

  /** The access token saved as the portal's printed one, if it still works. */
  savedAccessToken(credentials: Credentials): string | undefined {
    const token = this.saved?.primary.accessToken;
    return token && credentials.checkToken(token).ok ? token : undefined;
  }

  /** Starts writing: from now on `flush()` saves these parts. Writes the first save at once. */
  attach(parts: PortalParts): void {
    this.parts = parts;
    this.flush(true);
  }

  /**
   * Writes what changed since the last flush, in one transaction: the rows change events named,
   * coarse kinds that said they changed (all of them with `full`), moved sequences and versions.
   */
  flush(full = false): void {
    if (this.closed || !this.parts) return;
    const writes: (() => void)[] = [];
    const commits: (() => void)[] = [];
    const undo: (() => void)[] = [];
    for (const tracked of this.tracked.values()) this.collect(tracked, full, writes, commits, undo);
    const { primary, oauth } = this.parts;
    const meta: [string, string][] = [
      ["webhook_secret", primary.webhookSecret],
      ["webhook_user_id", String(primary.webhookUserId)],
      ["access_token", primary.accessToken],
      ["member_id", oauth.memberId],
    ];
    for (const [key, value] of meta) {
      if (this.metaWritten.get(key) === value) continue;
      writes.push(() => this.putMeta.run(key, value));
      commits.push(() => this.metaWritten.set(key, value));
    }
    const convert = this.convert;
    if (writes.length === 0 && !convert) return;
    try {
      this.db.transaction(() => {
        for (const write of writes) write();
        if (convert) {
          for (const name of LEGACY_TABLES) this.db.exec(`DROP TABLE IF EXISTS ${name}`);
          this.putMeta.run("schema_version", String(SCHEMA_VERSION));
        }
      })();
    } catch (error) {
      for (const step of undo) step(); // retried by the next flush
      throw error;
    }
    // Only after the commit, so a failed write is retried by the next flush.
    for (const commit of commits) commit();
    this.convert = false;
  }

  /** The writes a kind needs, what to note once they are committed, and how to retry them. */
  private collect(t: Tracked, full: boolean, writes: (() => void)[], commits: (() => void)[], undo: (() => void)[]): void {
    const { kind } = t;
    const type = kind.type;
    const encode = (row: unknown) => JSON.stringify(kind.encode ? kind.encode(row) : row);
    const comparedAll = !(kind.row && !t.writeAll) && (kind.row !== undefined || t.changed || full || t.writeAll);
    if (kind.row && !t.writeAll) {
      if (t.dirty.size > 0) {
        const ids = [...t.dirty];
        t.dirty.clear();
        undo.push(() => ids.forEach((id) => t.dirty.add(id)));
        for (const id of ids) {
          const row = kind.row(id);
          if (row === undefined) writes.push(() => this.remove.run(type, id));
          else {
            const json = encode(row);
            writes.push(() => this.put.run(type, id, json));
          }
        }
      }
    } else if (comparedAll) {
      // Every row: the first save of a by-id kind, or a coarse kind compared with what the file holds.
      const before = t.signatures;
      const next = new Map<string, string>();
      for (const [id, row] of kind.rows()) {
        const json = encode(row);
        const signature = kind.signature ? kind.signature(row) : json;
        if (!kind.row) next.set(id, signature);
        if (t.writeAll || before?.get(id) !== signature) writes.push(() => this.put.run(type, id, json));
      }
      if (before) for (const id of before.keys()) if (!next.has(id)) writes.push(() => this.remove.run(type, id));
      const wasChanged = t.changed;
      const wasAll = t.writeAll;
      t.changed = false;
      t.dirty.clear();
      undo.push(() => {
        t.changed = wasChanged;
        t.writeAll = wasAll;
      });
      commits.push(() => {
        t.writeAll = false;
        if (!kind.row) t.signatures = next;
      });
    }
    // Sequences move with rows, or without (an id taken by a failed write): compared every flush,
    // but for coarse kinds (whose counters may cost a snapshot) only when they changed.
    if (kind.counters && (kind.row || comparedAll)) {
      for (const [name, value] of Object.entries(kind.counters())) {
        if (t.counters[name] === value) continue;
        writes.push(() => this.putSequence.run(`${type}/${name}`, value));
        commits.push(() => (t.counters[name] = value));
      }
    }
    if (t.version !== kind.version) {
      writes.push(() => this.putMeta.run(`version:${type}`, String(kind.version)));
      commits.push(() => (t.version = kind.version));
    }
  }

  /** Follows a kind of row from now on. */
  private track(kind: Kind, migrated = false): void {
    if (this.tracked.has(kind.type)) throw new Error(`${kind.type} is kept twice`);
    const saved = this.contents?.rows.get(kind.type) ?? [];
    const version = this.contents?.versions.get(kind.type);
    const writeAll = this.contents === undefined || migrated;
    const t: Tracked = {
      kind,
      dirty: new Set(),
      changed: false,
      writeAll,
      counters: { ...this.contents?.sequences.get(kind.type) },
      version: this.contents && (saved.length > 0 || this.contents.sequences.has(kind.type)) ? version : undefined,
    };
    if (!kind.row) {
      // What the file holds, to compare with (a migrated or re-encoded row differs and is rewritten).
      t.signatures = new Map(saved.map(([id, json]) => [id, kind.signature ? kind.signature(JSON.parse(json)) : json]));
      t.changed = true; // compared once at the first flush
    }
    this.tracked.set(kind.type, t);
    kind.watch((id) => {
      if (id === undefined) t.changed = true;
      else t.dirty.add(id);
    });
  }

  /** An engine store: loaded from the file when it has saved rows (migrated), then followed. */
  private trackStore(store: EntityStore, entity: EntityDef): void {
    const type = entity.name;
    const saved = this.contents?.rows.get(type);
    const counters = this.contents?.sequences.get(type);
    let migrated = false;
    if (saved || counters) {
      const from = this.contents!.versions.get(type) ?? entity.version;
      migrated = from < entity.version;
      const rows = (saved ?? []).map(([, json]) => {
        const row = JSON.parse(json) as Row;
        return migrated && entity.migrate && !row["~removed"] ? entity.migrate(row, from) : row;
      });
      store.load(rows, counters ?? {});
    }
    if (entity.virtualRow) store.setVirtualMaker(entity.virtualRow);
    this.track(
      {
        type,
        version: entity.version,
        rows: () => store.savedIds().map((id) => [String(id), store.savedRow(id)] as const),
        row: (id) => store.savedRow(Number(id)),
        counters: () => store.counters(),
        watch: (changed) => void store.onChange((change) => changed(String(change.id))),
      },
      migrated,
    );
  }

  /** The file's rows for the hand-written kinds, migrated to their versions. */
  private savedRows(): SavedRows {
    const contents = this.contents!;
    return {
      rows: (kind) => {
        const from = contents.versions.get(kind.type) ?? kind.version;
        return (contents.rows.get(kind.type) ?? []).map(([, json]) => {
          const row = JSON.parse(json) as unknown;
          return from < kind.version && kind.migrate ? kind.migrate(row, from) : row;
        });
      },
      counters: (type) => contents.sequences.get(type) ?? {},
    };
  }

  /**
   * Wraps a request listener so a request's changes are committed before its answer goes out: the
   * flush runs when the answer's status line is written (every answer, REST or not, passes through
   * writeHead), so a client that got an answer has its write on disk, ids included. A flush that
   * fails drops the connection instead of answering (the client learns the outcome is unknown; the
   * next flush retries). A request that ends without an answer (a dropped connection) is flushed then.
   */
  flushingAfter(
    listener: (req: IncomingMessage, res: ServerResponse) => void,
    log: (message: string) => void,
  ): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const writeHead = res.writeHead;
      let committed = false;
      res.writeHead = ((...args: Parameters<typeof writeHead>) => {
        committed = this.flushOrLog(log);
        if (committed) return writeHead.apply(res, args);
        res.destroy();
        return res;
      }) as typeof writeHead;
      res.once("close", () => {
        if (!committed) this.flushOrLog(log);
      });
      listener(req, res);
    };
  }

  /** Flushes a last time and closes the file. */
  close(log: (message: string) => void): void {
    if (this.closed) return;
    this.flushOrLog(log, true);
    this.closed = true;
    this.db.close();
  }

  /** Flushes; false (and one line in the log) when the write failed. */
  private flushOrLog(log: (message: string) => void, full = false): boolean {
    try {
      this.flush(full);
      return true;
    } catch (error) {
      log(`portal: could not save to ${this.file}: ${oneLine(error)}`);
      return false;
    }
  }
}

function readMeta(db: Database): Map<string, string> {
  return new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
}

function readTables(db: Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** The file's schema version; refuses a database that is not an oint portal's, or of a version this one cannot read. */
function checkFormat(file: string, db: Database, tables: Set<string>): number {
  const foreign = new PortalDataError(`${file} is not an oint portal database`);
  if (!tables.has("meta")) throw foreign;
  let meta: Map<string, string>;
  try {
    meta = readMeta(db);
  } catch {
    throw foreign;
  }
  if (meta.get("format") !== FORMAT) throw foreign;
  const version = meta.get("schema_version");
  if (version !== String(SCHEMA_VERSION) && version !== String(LEGACY_SCHEMA_VERSION)) {
    throw new PortalDataError(`${file} was written by another version of oint (schema ${version ?? "unknown"}; this version reads schemas ${LEGACY_SCHEMA_VERSION} and ${SCHEMA_VERSION})`);
  }
  return Number(version);
}

function describeSqliteError(file: string, error: unknown): string {
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") return `${file} is not an oint portal database (not a readable SQLite file)`;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return `${file} is in use by another portal`;
  if (code.startsWith("SQLITE_CANTOPEN")) return `cannot open ${file}`;
  if (code.startsWith("SQLITE_READONLY")) return `cannot write to ${file} (read-only)`;
  return `cannot use ${file}: ${oneLine(error)}`;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** The listener, followed by a flush after every request when the portal is kept in a file. */
export function persistAfterEachRequest(
  data: PortalData | undefined,
  log: (message: string) => void,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return data ? data.flushingAfter(listener, log) : listener;
}
