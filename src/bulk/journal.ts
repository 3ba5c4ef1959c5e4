// The bulk-send journal: JSON Lines, append-only, fsync'd after every state change, so that a run
// killed at any moment can be restarted without losing or repeating a message. Records:
//   {"run":1,"started":"…","digest":"…","lines":300,"timeout":60}   a run began (digest: the messages
//                                                           file; timeout: its request timeout, s)
//   {"line":7,"state":"pending","after":1234,"at":"…"}      about to go out; `after` = the highest
//                                                           message ID known sent so far
//   {"out":"…"}                                             the batch of the pending records just
//                                                           written is leaving now (each HTTP attempt)
//   {"line":7,"state":"sent","id":1240}                     delivered (reconciled: "reconciled":true)
//   {"line":7,"state":"unsent"}                             proven not carried out; send again
//   {"line":7,"state":"failed","code":"…","message":"…"}    Bitrix24 refused it
// It holds no webhook URL, token or secret: only line numbers, message IDs and error codes.
// Every record is checked when the journal is read: a record that is not one of these (hand-edited,
// damaged) stops the run with its line number rather than letting a line go out twice.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { InputError } from "../transport/errors.js";
import { isFsError, notAFile, pathProblem } from "./paths.js";

/** The request timeout assumed for runs that did not record theirs. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export type LineState =
  /**
   * `at`: when its batch went out (its latest `out` record, else when it was made pending; undefined
   * in journals of older versions); `timeoutMs`: the request timeout of the run that sent it.
   */
  | { state: "pending"; after: number; started: string; at: string | undefined; timeoutMs: number }
  | { state: "sent"; id: number }
  | { state: "unsent" }
  | { state: "failed"; code: string; message: string };

type RunRecord = { run: number; started: string; digest: string; lines: number; timeout?: number };
type LineRecord = { line: number } & (
  | { state: "pending"; after: number; at?: string }
  | { state: "sent"; id: number; reconciled?: true }
  | { state: "unsent" }
  | { state: "failed"; code: string; message: string }
);
type OutRecord = { out: string };
type Record_ = RunRecord | LineRecord | OutRecord;

const isCount = (v: unknown, min: number) => typeof v === "number" && Number.isSafeInteger(v) && v >= min;
const isTime = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));
const isText = (v: unknown) => typeof v === "string";

/** What is wrong with a parsed record, or undefined when it is a valid one. */
function problemOf(r: unknown, lines: ReadonlySet<number>): string | undefined {
  if (!r || typeof r !== "object" || Array.isArray(r)) return "not a JSON object";
  const v = r as Record<string, unknown>;
  if ("run" in v) {
    if (!isCount(v.run, 1)) return '"run" must be a positive whole number';
    if (!isTime(v.started)) return '"started" must be a date';
    if (typeof v.digest !== "string" || !/^[0-9a-f]{64}$/.test(v.digest)) return '"digest" must be a sha256 in hex';
    if (!isCount(v.lines, 1)) return '"lines" must be a positive whole number';
    if (v.timeout !== undefined && !(typeof v.timeout === "number" && v.timeout > 0 && Number.isFinite(v.timeout))) return '"timeout" must be a positive number of seconds';
    return undefined;
  }
  if ("out" in v) return isTime(v.out) ? undefined : '"out" must be a date';
  if (!isCount(v.line, 1)) return 'neither a run, an out nor a "line" record';
  if (!lines.has(v.line as number)) return `line ${v.line} of the messages file holds no message`;
  switch (v.state) {
    case "pending":
      if (!isCount(v.after, 0)) return 'a pending record needs "after", a message ID (0 or more)';
      if (v.at !== undefined && !isTime(v.at)) return 'a pending record\'s "at" must be a date';
      return undefined;
    case "sent":
      if (!isCount(v.id, 1)) return 'a sent record needs "id", a message ID';
      if (v.reconciled !== undefined && v.reconciled !== true) return '"reconciled" can only be true';
      return undefined;
    case "unsent":
      return undefined;
    case "failed":
      return isText(v.code) && isText(v.message) ? undefined : 'a failed record needs "code" and "message" texts';
    default:
      return `unknown state ${JSON.stringify(v.state)}`;
  }
}

export class Journal {
  /** Each line's latest state. */
  readonly states = new Map<number, LineState>();
  /** Every message ID the journal attributes to a line (never matched again when reconciling). */
  readonly knownIds = new Set<number>();
  /** The highest message ID known sent. */
  maxId = 0;
  private runs = 0;
  private runStarted = "";
  private runTimeoutMs = DEFAULT_TIMEOUT_MS;
  private digest: string | undefined;
  private fd: number | undefined;
  /** The lines of the latest group of pending records: an `out` record is about their batch. */
  private outgoing: number[] = [];
  private lastWasPending = false;
  /** The file's last record lacks its newline (cut after the record, before the newline). */
  private needsNewline = false;

  private constructor(readonly path: string) {}

  /**
   * Opens (or creates) the journal; refuses one written for a different messages file, and one
   * with a record that is not valid (InputError naming the journal line). `lines`: the line
   * numbers of the messages file that hold a message; `timeoutMs`: this run's request timeout.
   */
  static open(path: string, digest: string, lines: ReadonlySet<number>, timeoutMs = DEFAULT_TIMEOUT_MS): Journal {
    const journal = new Journal(path);
    const problem = notAFile(path);
    if (problem) throw new InputError(`not usable as the journal: ${problem}`, "--journal");
    // A path problem met now (permissions, a read-only disk) is bad input: nothing has been sent yet.
    const attempt = <T>(doing: string, step: () => T): T => {
      try {
        return step();
      } catch (error) {
        if (!isFsError(error)) throw error;
        throw new InputError(`cannot ${doing} the journal: ${pathProblem(error, path)}`, "--journal");
      }
    };
    if (existsSync(path)) {
      const bytes = attempt("read", () => readFileSync(path));
      attempt("repair", () => journal.load(bytes, digest, lines)); // load may cut a torn last record
    }
    journal.fd = attempt("write to", () => openSync(path, "a", 0o600));
    journal.runStarted = new Date().toISOString();
    journal.runTimeoutMs = timeoutMs;
    journal.write([{ run: ++journal.runs, started: journal.runStarted, digest, lines: lines.size, timeout: timeoutMs / 1000 }]);
    return journal;
  }

  private load(bytes: Buffer, digest: string, lines: ReadonlySet<number>): void {
    const text = bytes.toString("utf8");
    const raws = text.split("\n");
    let end = 0; // byte length of the complete records
    let sawRun = false;
    let lastFilled = raws.length - 1;
    while (lastFilled > 0 && !raws[lastFilled].trim()) lastFilled--;
    for (const [i, raw] of raws.entries()) {
      const last = i >= lastFilled;
      const fail = (problem: string) => {
        throw new InputError(`${this.path}, line ${i + 1}: ${problem}; this journal was damaged or edited (check that line, or give another --journal)`, "--journal");
      };
      if (raw.trim()) {
        let record: unknown;
        try {
          record = JSON.parse(raw);
        } catch {
          // Only the very last record can be torn (a crash mid-write, before its fsync): it is dropped.
          if (!last) fail("not valid JSON");
          break;
        }
        const problem = problemOf(record, lines);
        if (problem) fail(problem);
        if (!("run" in (record as object)) && !sawRun) fail("a record before any run record");
        sawRun ||= "run" in (record as object);
        this.apply(record as Record_);
        // Said at its first run record, before any line record names lines this file may not have.
        if (this.digest !== undefined && this.digest !== digest) {
          throw new InputError(`${this.path} belongs to a different messages file (the file changed since that run); give another --journal or restore the file`, "--journal");
        }
      }
      end += Buffer.byteLength(raw) + 1;
      if (last) break;
    }
    // Drop a torn tail, and end the last record with its newline, so that new records start a line.
    if (end > bytes.length) end = bytes.length; // the last line had no newline: keep it, add one on write
    if (end < bytes.length) truncateSync(this.path, end);
    this.needsNewline = end > 0 && bytes[end - 1] !== 0x0a;
  }

  private apply(record: Record_): void {
    const pending = "state" in record && record.state === "pending";
    if (pending && !this.lastWasPending) this.outgoing = [];
    this.lastWasPending = pending;
    if ("out" in record) {
      for (const line of this.outgoing) {
        const state = this.states.get(line);
        if (state?.state === "pending") state.at = record.out;
      }
      return;
    }
    if ("run" in record) {
      this.runs = Math.max(this.runs, record.run);
      this.runStarted = record.started;
      this.runTimeoutMs = record.timeout !== undefined ? record.timeout * 1000 : DEFAULT_TIMEOUT_MS;
      this.digest ??= record.digest;
      return;
    }
    switch (record.state) {
      case "pending":
        this.states.set(record.line, { state: "pending", after: record.after, started: this.runStarted, at: record.at, timeoutMs: this.runTimeoutMs });
        this.outgoing.push(record.line);
        break;
      case "sent":
        this.states.set(record.line, { state: "sent", id: record.id });
        this.knownIds.add(record.id);
        this.maxId = Math.max(this.maxId, record.id);
        break;
      case "unsent":
        this.states.set(record.line, { state: "unsent" });
        break;
      case "failed":
        this.states.set(record.line, { state: "failed", code: record.code, message: record.message });
        break;
    }
  }

  /** The lines' batch is about to go out now. */
  pending(lines: readonly number[]): void {
    const at = new Date().toISOString();
    this.write(lines.map((line) => ({ line, state: "pending", after: this.maxId, at })));
  }

  /**
   * The batch of the lines last made pending is leaving now: called right before each HTTP attempt
   * (after the limiter's wait), so a later run knows how long the portal may still be running it.
   */
  out(): void {
    if (this.fd !== undefined) this.write([{ out: new Date().toISOString() }]);
  }

  sent(entries: readonly { line: number; id: number; reconciled?: boolean }[]): void {
    this.write(entries.map(({ line, id, reconciled }) => ({ line, state: "sent", id, ...(reconciled ? { reconciled: true as const } : {}) })));
  }

  unsent(lines: readonly number[]): void {
    this.write(lines.map((line) => ({ line, state: "unsent" })));
  }

  failed(entries: readonly { line: number; code: string; message: string }[]): void {
    this.write(entries.map(({ line, code, message }) => ({ line, state: "failed", code, message })));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Appends records in one write and waits for the disk: after this returns, they survive a crash. */
  private write(records: Record_[]): void {
    if (records.length === 0) return;
    for (const record of records) this.apply(record);
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
    writeSync(this.fd!, this.needsNewline ? `\n${text}` : text);
    this.needsNewline = false;
    fsyncSync(this.fd!);
  }
}
