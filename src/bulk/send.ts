// Sends many messages through `batch`, 50 to a request at the limiter's pace, so that each message
// reaches the portal exactly once even when answers go missing:
//  - every line is journaled `pending` (fsync'd) before its batch goes out, `sent`/`failed` after;
//  - a batch refused before it ran (503 after the client's own retries, a connection never made)
//    is sent again; a batch that may have run without an answer (dropped connection, 5xx page,
//    timeout) is reconciled by reading the dialogs back (reconcile.ts) before anything is re-sent;
//  - a restarted run skips `sent` lines, reconciles `pending` ones first, and re-sends `failed`
//    ones only when asked to.
import type { Bitrix24Client } from "../transport/client.js";
import { Bitrix24Error, TransportError } from "../transport/errors.js";
import { BATCH_LIMIT } from "../transport/batch.js";
import type { Journal } from "./journal.js";
import type { BulkLine } from "./lines.js";
import { reconcile, type PendingLine } from "./reconcile.js";

export interface BulkOptions {
  /** Send again the lines a previous run recorded as failed. */
  retryFailed?: boolean;
  /** Called after every state change: lines done (sent, skipped or failed) out of all. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches: true stops the run cleanly (the journal allows a restart). */
  shouldStop?: () => boolean;
  /** Rounds a batch refused before it ran is tried again (after the client's own retries). */
  maxRounds?: number;
  /** Waits between such rounds (ms; default: 1 s doubling, up to 30 s). */
  sleep?: (ms: number) => Promise<void>;
}

export interface BulkFailure {
  line: number;
  code: string;
  message: string;
}

export interface BulkSummary {
  lines: number;
  /** Sent by this run (reconciled ones included). */
  sent: number;
  /** Already sent by an earlier run. */
  skipped: number;
  /** Pending lines of an earlier or this run found delivered when the dialog was read back. */
  reconciled: number;
  failed: BulkFailure[];
  /** Lines not sent because the run stopped. */
  notSent: number;
  /** Why the run stopped before the end: no answers, an interruption, or a refusal of every call. */
  stopped?: { code: string; message: string; noAnswer: boolean };
}

/** The batch itself was refused before it ran: retrying it cannot duplicate anything. */
function notRun(error: Bitrix24Error | TransportError): boolean {
  if (error instanceof TransportError) return !error.outcomeUnknown;
  return error.code === "QUERY_LIMIT_EXCEEDED" || error.code === "OVERLOAD_LIMIT" || error.code === "OPERATION_TIME_LIMIT" || error.status === 429;
}

/** A Bitrix24 error on the batch request as a whole (bad credentials, no scope): every line would meet it. */
function refusedForAll(error: Bitrix24Error | TransportError): error is Bitrix24Error {
  return error instanceof Bitrix24Error && error.status < 500 && !notRun(error);
}

export async function bulkSend(client: Bitrix24Client, lines: readonly BulkLine[], journal: Journal, options: BulkOptions = {}): Promise<BulkSummary> {
  const byLine = new Map(lines.map((l) => [l.line, l]));
  const summary: BulkSummary = { lines: lines.length, sent: 0, skipped: 0, reconciled: 0, failed: [], notSent: 0 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRounds = options.maxRounds ?? 8;
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, lines.length);
  };
  const redact = (text: string) => client.redact(text);
  const fail = (entries: BulkFailure[]) => {
    journal.failed(entries);
    summary.failed.push(...entries);
    progress(entries.length);
  };

  // 1. What earlier runs left: sent lines are skipped, pending ones reconciled, failed ones kept or retried.
  const queue: BulkLine[] = [];
  const leftPending: PendingLine[] = [];
  for (const l of lines) {
    const state = journal.states.get(l.line);
    if (state?.state === "sent") summary.skipped++;
    else if (state?.state === "failed" && !options.retryFailed) summary.failed.push({ line: l.line, code: state.code, message: state.message });
    else if (state?.state === "pending") leftPending.push({ line: l.line, payload: l.payload, after: state.after, started: state.started });
    else queue.push(l);
  }
  progress(summary.skipped + summary.failed.length);

  const settle = async (pending: PendingLine[]): Promise<BulkLine[]> => {
    const verdicts = await reconcile(client, pending, journal.knownIds);
    const found = verdicts.filter((v) => v.verdict === "sent");
    journal.sent(found.map((v) => ({ line: v.line, id: v.id, reconciled: true })));
    summary.sent += found.length;
    summary.reconciled += found.length;
    progress(found.length);
    const unknown = verdicts.filter((v) => v.verdict === "unknown");
    fail(unknown.map((v) => ({ line: v.line, code: v.code, message: v.message })));
    const unsent = verdicts.filter((v) => v.verdict === "unsent").map((v) => v.line);
    journal.unsent(unsent);
    return unsent.map((line) => byLine.get(line)!);
  };

  const stop = (code: string, message: string, noAnswer: boolean) => {
    summary.stopped = { code, message: redact(message), noAnswer };
  };

  try {
    if (leftPending.length) queue.unshift(...(await settle(leftPending)));
    queue.sort((a, b) => a.line - b.line);

    // 2. The rest, 50 to a batch, in file order.
    let rounds = 0;
    while (queue.length) {
      if (options.shouldStop?.()) {
        stop("INTERRUPTED", "interrupted; run the same command again to send the rest", true);
        break;
      }
      const chunk = queue.slice(0, BATCH_LIMIT);
      journal.pending(chunk.map((l) => l.line));
      const outcomes = await client.batch<number>(
        chunk.map((l) => ({ method: "im.message.add", params: l.payload, key: `l${l.line}` })),
        { halt: false, replay: "unsafe" },
      );
      // An error about the `batch` request itself (not one of its commands): the whole chunk shares it.
      const first = outcomes[0];
      const whole = !first.ok && first.error.method === "batch" ? first.error : undefined;
      if (whole && notRun(whole)) {
        // Refused before it ran: nothing happened, the same lines go again after a pause.
        journal.unsent(chunk.map((l) => l.line));
        if (++rounds > maxRounds) {
          stop(whole.code, `the portal kept refusing (${whole.message})`, true);
          break;
        }
        await sleep(Math.min(30_000, 1000 * 2 ** (rounds - 1)));
        continue;
      }
      if (whole && refusedForAll(whole)) {
        journal.unsent(chunk.map((l) => l.line));
        stop(whole.code, whole.message, false);
        break;
      }
      rounds = 0;
      queue.splice(0, chunk.length);
      const sent: { line: number; id: number }[] = [];
      const failed: BulkFailure[] = [];
      const unknown: PendingLine[] = [];
      chunk.forEach((l, i) => {
        const o = outcomes[i];
        if (o.ok) sent.push({ line: l.line, id: Number(o.result) });
        else if (o.error instanceof TransportError || o.error.code === "BATCH_HALTED" || o.error.status >= 500) {
          // No answer for this call (or only a 5xx page): it may or may not have run.
          const state = journal.states.get(l.line);
          unknown.push({ line: l.line, payload: l.payload, after: state?.state === "pending" ? state.after : journal.maxId, started: state?.state === "pending" ? state.started : new Date().toISOString() });
        } else failed.push({ line: l.line, code: o.error.code, message: redact(o.error.description || o.error.message) });
      });
      journal.sent(sent);
      summary.sent += sent.length;
      progress(sent.length);
      fail(failed);
      if (unknown.length) queue.unshift(...(await settle(unknown)));
    }
  } catch (error) {
    // No answer even to the read-back (or to a batch, after every retry): stop, keep the journal.
    if (!(error instanceof TransportError || error instanceof Bitrix24Error)) throw error;
    stop(error.code, error.message, error instanceof TransportError || error.status >= 500);
  } finally {
    journal.close();
  }
  const settled = new Set(summary.failed.map((f) => f.line));
  summary.notSent = lines.filter((l) => journal.states.get(l.line)?.state !== "sent" && !settled.has(l.line)).length;
  summary.failed.sort((a, b) => a.line - b.line);
  return summary;
}
