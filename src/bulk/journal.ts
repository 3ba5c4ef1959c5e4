// The bulk-send journal: JSON Lines, append-only, fsync'd after every state change, so that a run
// killed at any moment can be restarted without losing or repeating a message. Records:
//   {"run":1,"started":"…","digest":"…","lines":300}        a run began (digest: the messages file)
//   {"line":7,"state":"pending","after":1234}               about to go out; `after` = the highest
//                                                           message ID known sent so far
//   {"line":7,"state":"sent","id":1240}                     delivered (reconciled: "reconciled":true)
//   {"line":7,"state":"unsent"}                             proven not carried out; send again
//   {"line":7,"state":"failed","code":"…","message":"…"}    Bitrix24 refused it
// It holds no webhook URL, token or secret: only line numbers, message IDs and error codes.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { InputError } from "../transport/errors.js";

export type LineState =
  | { state: "pending"; after: number; started: string }
  | { state: "sent"; id: number }
  | { state: "unsent" }
  | { state: "failed"; code: string; message: string };

type Record_ =
  | { run: number; started: string; digest: string; lines: number }
  | ({ line: number } & ({ state: "pending"; after: number } | { state: "sent"; id: number; reconciled?: true } | { state: "unsent" } | { state: "failed"; code: string; message: string }));

export class Journal {
  /** Each line's latest state. */
  readonly states = new Map<number, LineState>();
  /** Every message ID the journal attributes to a line (never matched again when reconciling). */
  readonly knownIds = new Set<number>();
  /** The highest message ID known sent. */
  maxId = 0;
  private runs = 0;
  private runStarted = "";
  private digest: string | undefined;
  private fd: number | undefined;

  private constructor(readonly path: string) {}

  /** Opens (or creates) the journal; refuses one written for a different messages file. */
  static open(path: string, digest: string, lines: number): Journal {
    const journal = new Journal(path);
    if (existsSync(path)) journal.load(readFileSync(path, "utf8"));
    if (journal.digest !== undefined && journal.digest !== digest) {
      throw new InputError(`${path} belongs to a different messages file (the file changed since that run); give another --journal or restore the file`, "--journal");
    }
    journal.fd = openSync(path, "a", 0o600);
    journal.runStarted = new Date().toISOString();
    journal.write([{ run: ++journal.runs, started: journal.runStarted, digest, lines }]);
    return journal;
  }

  private load(text: string): void {
    for (const [i, raw] of text.split("\n").entries()) {
      if (!raw.trim()) continue;
      let record: Record_;
      try {
        record = JSON.parse(raw) as Record_;
      } catch {
        // Only the very last record can be torn (a crash mid-write, before its fsync): ignore it.
        if (text.split("\n").slice(i + 1).some((rest) => rest.trim())) throw new InputError(`${this.path}: line ${i + 1} is not valid JSON; this is not a journal`, "--journal");
        continue;
      }
      this.apply(record);
    }
  }

  private apply(record: Record_): void {
    if ("run" in record) {
      this.runs = Math.max(this.runs, record.run);
      this.runStarted = record.started;
      this.digest ??= record.digest;
      return;
    }
    switch (record.state) {
      case "pending":
        this.states.set(record.line, { state: "pending", after: record.after, started: this.runStarted });
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

  pending(lines: readonly number[]): void {
    this.write(lines.map((line) => ({ line, state: "pending", after: this.maxId })));
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
    writeSync(this.fd!, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    fsyncSync(this.fd!);
  }
}

/**
 * One run per journal at a time: two runs sending the same lines would duplicate messages. The lock
 * names its process; a lock left by a process that is gone (killed) is taken over.
 */
export function lockJournal(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lock, "utf8"));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new InputError(`another run (process ${owner}) is using ${path}; wait for it or stop it`, "--journal");
      }
      unlinkSync(lock);
    }
  }
  throw new InputError(`cannot lock ${path}`, "--journal");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
