// A portal kept in an SQLite file (`startPortal({ data })`, `oint sandbox --data FILE`): loaded at
// start, written through after every request. Each flush captures the stores' snapshots, compares
// rows with what the file holds (a signature per row, kept in memory) and writes only the rows that
// changed, in one transaction, before the request's answer is sent: an acknowledged write (and the
// id counters it moved) is on disk, so a killed portal loses only requests it never answered, and a
// file's bytes are written once. Messages, the one table that grows large, are compared only where the change
// feed named them (a few thousand messages must not slow every call); close() compares everything.
// The file is opened in exclusive WAL mode: a second portal on the same file is refused instead of
// the two overwriting each other.
import { closeSync, existsSync, openSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type BetterSqlite3 from "better-sqlite3";
import type { Credentials } from "../http/auth.js";
import { exportProfiles, importProfiles } from "../methods/user.js";
import type { OAuthServer } from "../routes/oauth.js";
import { fromRows, FORMAT, SCHEMA_VERSION, TABLES, type PortalSnapshot, type Row, type Stored, type TableSpec } from "./persist-schema.js";
import type { PortalState } from "./state.js";

export { SCHEMA_VERSION } from "./persist-schema.js";

/** The file cannot be used as a portal database; the message is one line naming the file. */
export class PortalDataError extends Error {
  override name = "PortalDataError";
}

/** What the portal is made of, for capturing snapshots. */
export interface PortalParts {
  state: PortalState;
  credentials: Credentials;
  oauth: OAuthServer;
  primary: PortalSnapshot["primary"];
}

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

interface PreparedTable {
  spec: TableSpec;
  upsert: Statement;
  remove: Statement;
  /** Row key -> signature of the row as the file holds it. */
  stored: Map<string, string>;
  /** Ids the change feed named since the last flush (tables with `byEvent`). */
  dirty: Set<number>;
}

export class PortalData {
  private parts?: PortalParts;
  private closed = false;
  private readonly tables: PreparedTable[];

  private constructor(
    readonly file: string,
    private readonly db: Database,
    /** What the file held when opened; undefined for a new database. */
    readonly saved: PortalSnapshot | undefined,
    stored: Map<string, Map<string, string>>,
  ) {
    this.tables = TABLES.map((spec) => ({ spec, ...statements(db, spec), stored: stored.get(spec.name) ?? new Map(), dirty: new Set() }));
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
      const isNew = existing.size === 0;
      if (!isNew) checkFormat(file, db, existing);
      db.transaction(() => {
        for (const spec of TABLES) db!.exec(createTable(spec));
        const mark = db!.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)");
        mark.run("format", FORMAT);
        mark.run("schema_version", String(SCHEMA_VERSION));
      }).immediate(); // takes the write lock now, so a second portal on the file fails at start
      // A file whose first save never happened (counters are always written) starts like a new one.
      const neverSaved = (db.prepare("SELECT COUNT(*) AS n FROM counters").get() as { n: number }).n === 0;
      if (isNew || neverSaved) return new PortalData(file, db, undefined, new Map());
      const rows: Record<string, Stored[]> = {};
      const stored = new Map<string, Map<string, string>>();
      for (const spec of TABLES) {
        rows[spec.name] = db.prepare(`SELECT * FROM ${spec.name} ORDER BY rowid`).all() as Stored[];
        stored.set(spec.name, new Map(rows[spec.name].map((r) => rowEntry(spec, spec.columns.map((c) => r[columnName(c)] ?? null)))));
      }
      return new PortalData(file, db, fromRows(rows), stored);
    } catch (error) {
      db?.close();
      if (error instanceof PortalDataError) throw error;
      throw new PortalDataError(describeSqliteError(file, error));
    }
  }

  /** Loads the saved portal into the state and its stores (nothing for a new database). */
  restoreState(state: PortalState): void {
    if (!this.saved) return;
    state.restore(this.saved.state);
    state.disk.restore(this.saved.disk);
    state.notifications.restore(this.saved.notifications);
    state.chatExtras.restore(this.saved.chatExtras);
    state.leads.restore(this.saved.leads);
    importProfiles(state, this.saved.profiles);
  }

  /** The access token saved as the portal's printed one, if it still works. */
  savedAccessToken(credentials: Credentials): string | undefined {
    const token = this.saved?.primary.accessToken;
    return token && credentials.checkToken(token).ok ? token : undefined;
  }

  /** Starts writing: from now on `flush()` saves these parts. Writes the first snapshot at once. */
  attach(parts: PortalParts): void {
    this.parts = parts;
    for (const table of this.tables) {
      const byEvent = table.spec.byEvent;
      if (!byEvent) continue;
      parts.state.changes.subscribe((change) => {
        const id = change.messageId;
        if (change.kind === byEvent.kind && id !== undefined) table.dirty.add(id);
      });
    }
    this.flush(true);
  }

  /**
   * Writes what changed since the last flush, in one transaction. `full` compares every row of
   * every table; otherwise tables with `byEvent` look only at the records the change feed named.
   */
  flush(full = false): void {
    if (this.closed || !this.parts) return;
    const snapshot = capture(this.parts);
    const state = this.parts.state;
    const work = this.tables.map((table) => {
      const dirty = [...table.dirty];
      table.dirty.clear();
      const changes = table.spec.byEvent && !full ? diffNamed(table, dirty, state) : diff(table, snapshot);
      return { table, dirty, ...changes };
    });
    if (work.every((w) => w.upserts.length === 0 && w.removed.length === 0)) return;
    try {
      this.db.transaction(() => {
        for (const { table, upserts, removed } of work) {
          for (const row of upserts) table.upsert.run(row);
          for (const key of removed) table.remove.run(JSON.parse(key) as Row);
        }
      })();
    } catch (error) {
      for (const w of work) for (const id of w.dirty) w.table.dirty.add(id); // retried by the next flush
      throw error;
    }
    // Only after the commit, so a failed write is retried by the next flush.
    for (const w of work) w.commit();
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

function capture({ state, credentials, oauth, primary }: PortalParts): PortalSnapshot {
  return {
    primary,
    state: state.snapshot(),
    disk: state.disk.snapshot(),
    notifications: state.notifications.snapshot(),
    chatExtras: state.chatExtras.snapshot(),
    leads: state.leads.snapshot(),
    profiles: exportProfiles(state),
    credentials: credentials.snapshot(),
    oauth: oauth.snapshot(),
  };
}

interface TableChanges {
  upserts: Row[];
  /** Keys (JSON of the key columns) of rows to delete. */
  removed: string[];
  /** Records the new signatures once the transaction has committed. */
  commit(): void;
}

/** Rows to write and keys to delete so the file matches the whole snapshot. */
function diff(table: PreparedTable, snapshot: PortalSnapshot): TableChanges {
  const next = new Map<string, string>();
  const upserts: Row[] = [];
  for (const row of table.spec.rows(snapshot)) {
    const [key, signature] = rowEntry(table.spec, row);
    next.set(key, signature);
    if (table.stored.get(key) !== signature) upserts.push(row);
  }
  const removed = [...table.stored.keys()].filter((key) => !next.has(key));
  return { upserts, removed, commit: () => void (table.stored = next) };
}

/** The same for just the records the change feed named. */
function diffNamed(table: PreparedTable, ids: number[], state: PortalState): TableChanges {
  const written = new Map<string, string>();
  const upserts: Row[] = [];
  const removed: string[] = [];
  for (const id of ids) {
    const row = table.spec.byEvent!.row(state, id);
    if (row === undefined) {
      const key = JSON.stringify([id]);
      if (table.stored.has(key)) removed.push(key);
      continue;
    }
    const [key, signature] = rowEntry(table.spec, row);
    if (table.stored.get(key) === signature) continue;
    upserts.push(row);
    written.set(key, signature);
  }
  return {
    upserts,
    removed,
    commit: () => {
      for (const [key, signature] of written) table.stored.set(key, signature);
      for (const key of removed) table.stored.delete(key);
    },
  };
}

/** [key, signature] of a row: the key columns, and every column but a write-once one. */
function rowEntry(spec: TableSpec, row: Row): [string, string] {
  const key = JSON.stringify(row.slice(0, spec.keyColumns));
  const signature = JSON.stringify(spec.writeOnce === undefined ? row : row.map((v, i) => (i === spec.writeOnce ? null : v)));
  return [key, signature];
}

const columnName = (declaration: string) => declaration.split(" ")[0];

function createTable(spec: TableSpec): string {
  const keys = spec.columns.slice(0, spec.keyColumns).map(columnName);
  return `CREATE TABLE IF NOT EXISTS ${spec.name} (${spec.columns.join(", ")}, PRIMARY KEY (${keys.join(", ")}))`;
}

function statements(db: Database, spec: TableSpec): { upsert: Statement; remove: Statement } {
  const names = spec.columns.map(columnName);
  const keys = names.slice(0, spec.keyColumns);
  const updated = names.filter((_, i) => i >= spec.keyColumns && i !== spec.writeOnce);
  const onConflict = updated.length === 0 ? "DO NOTHING" : `DO UPDATE SET ${updated.map((n) => `${n} = excluded.${n}`).join(", ")}`;
  return {
    upsert: db.prepare(`INSERT INTO ${spec.name} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")}) ON CONFLICT (${keys.join(", ")}) ${onConflict}`),
    remove: db.prepare(`DELETE FROM ${spec.name} WHERE ${keys.map((k) => `${k} = ?`).join(" AND ")}`),
  };
}

function readTables(db: Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** Refuses a database that is not an oint portal's, or of another schema version. */
function checkFormat(file: string, db: Database, tables: Set<string>): void {
  const foreign = new PortalDataError(`${file} is not an oint portal database`);
  if (!tables.has("meta")) throw foreign;
  let meta: Map<string, string>;
  try {
    meta = new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  } catch {
    throw foreign;
  }
  if (meta.get("format") !== FORMAT) throw foreign;
  const version = meta.get("schema_version");
  if (version !== String(SCHEMA_VERSION)) {
    throw new PortalDataError(`${file} was written by another version of oint (schema ${version ?? "unknown"}; this version reads schema ${SCHEMA_VERSION})`);
  }
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
