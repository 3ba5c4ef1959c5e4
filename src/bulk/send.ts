// Sends many messages through `batch`, 50 to a request at the limiter's pace, so that each message
// reaches the portal exactly once even when answers go missing:
//  - every line is journaled `pending` (fsync'd, with the time its batch went out) before its batch
//    goes out, `sent`/`failed` after;
//  - a batch refused before it ran (503 after the client's own retries) is sent again after a pause
//    (announced through onRetry); a portal that cannot be reached at all (connection refused after
//    the client's retries: nothing was sent) stops the run at once, its lines journaled unsent for
//    the next run; a batch whose outcome is unknown (dropped connection, 5xx page, timeout, an
//    answer that is not clean JSON, an answer that leaves calls out) is never re-sent as such: its
//    lines are reconciled by reading the dialogs back (reconcile.ts), and only lines proven absent
//    go out again;
//  - before that read-back, a batch that went out less than a request timeout ago is waited out:
//    the portal may still be running it, and messages it has not written yet cannot be found;
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
  /** Waits between such rounds and before reading back a recent batch (ms; default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Told before waiting out a batch that may still be running, with the wait and the lines concerned. */
  onWait?: (ms: number, lines: readonly number[]) => void;
  /** Told before waiting to send again a batch the portal refused before running it (rate or load limits). */
  onRetry?: (ms: number, round: number, maxRounds: number, reason: string) => void;
}

export interface BulkFailure {
  line: number;
  code: string;
  message: string;
}

/** Lines whose outcome was unknown (their batch got no usable answer), and how each was settled. */
export interface UnknownOutcomes {
  /** Lines whose outcome was unknown: left pending by an earlier run, or met in this run (each time). */
  lines: number;
  /** Found delivered when the dialog was read back: journaled sent, never sent again. */
  foundDelivered: number;
  /** Not found on read-back: proven not delivered and sent again (first in the queue; if the run stops before, `notSent`). */
  notFoundResent: number;
  /** Could not be settled (the dialog could not be read back): left pending for the next run, never re-sent blindly. */
  stillUnknown: number;
}

export interface BulkSummary {
  lines: number;
  /** Sent by this run (reconciled ones included). */
  sent: number;
  /** Already sent by an earlier run. */
  skipped: number;
  /** Pending lines of an earlier or this run found delivered when the dialog was read back. */
  reconciled: number;
  /** Every outcome that was unknown, and how it was settled. */
  unknown: UnknownOutcomes;
  /** Lines Bitrix24 refused, and lines whose outcome is still unknown (code OUTCOME_UNKNOWN, still pending). */
  failed: BulkFailure[];
  /** Lines not sent because the run stopped. */
  notSent: number;
  /** Why the run stopped before the end: no answers, an interruption, or a refusal of every call. */
  stopped?: { code: string; message: string; noAnswer: boolean };
}

/** The batch itself was refused before it ran: retrying it cannot duplicate anything. */
function notRun(error: Bitrix24Error | TransportError): boolean {
  if (error instanceof TransportError) return !error.outcomeUnknown && !httpRefusal(error);
  return error.code === "QUERY_LIMIT_EXCEEDED" || error.code === "OVERLOAD_LIMIT" || error.code === "OPERATION_TIME_LIMIT" || error.status === 429;
}

/**
 * An HTTP refusal of the batch request that is not Bitrix24's (a proxy's 413, 431 or 400 page): nothing
 * ran, and the same request would meet the same refusal (408 and 429 pages are worth a new round).
 */
function httpRefusal(error: Bitrix24Error | TransportError): boolean {
  const status = error instanceof TransportError && !error.outcomeUnknown ? error.status : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * The portal could not be reached at all (connection refused, no such host), after the client's own
 * retries: nothing was sent, and waiting longer in this run is unlikely to help, so the run stops at
 * once and a later run sends these lines.
 */
function unreachable(error: Bitrix24Error | TransportError): boolean {
  return error instanceof TransportError && !error.outcomeUnknown && error.status === undefined && error.code === "CONNECTION_FAILED";
}

/** An error on the batch request as a whole (bad credentials, no scope, a proxy's refusal): every line would meet it. */
function refusedForAll(error: Bitrix24Error | TransportError): boolean {
  return (error instanceof Bitrix24Error && error.status < 500 && !notRun(error)) || httpRefusal(error);
}

/** No usable answer for this call: it may or may not have run. */
function outcomeUnknown(error: Bitrix24Error | TransportError): boolean {
  return error instanceof TransportError ? error.outcomeUnknown : error.code === "BATCH_HALTED" || error.status >= 500;
}

/**
 * The fetch for a bulk run's client: right before each batch request leaves (after the limiter's
 * wait), the journal records the time, so that a later run knows until when the portal may still
 * be running it. Without it, the time a batch was made pending stands in (earlier, so less safe).
 */
export function journalingFetch(journal: () => Journal | undefined, base: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (/\/(batch|im\.message\.add)(\.json)?$/i.test(new URL(url).pathname)) journal()?.out();
    return base(input, init);
  };
}

export async function bulkSend(client: Bitrix24Client, lines: readonly BulkLine[], journal: Journal, options: BulkOptions = {}): Promise<BulkSummary> {
  const byLine = new Map(lines.map((l) => [l.line, l]));
  const summary: BulkSummary = {
    lines: lines.length,
    sent: 0,
    skipped: 0,
    reconciled: 0,
    unknown: { lines: 0, foundDelivered: 0, notFoundResent: 0, stillUnknown: 0 },
    failed: [],
    notSent: 0,
  };
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

  /** A line whose outcome is unknown, as the journal's pending record describes it. */
  const pendingLine = (l: BulkLine): PendingLine & { until: number } => {
    const state = journal.states.get(l.line);
    if (state?.state !== "pending") throw new Error(`line ${l.line} is not pending`);
    // Until when the portal may still be running its batch; with no send time recorded, a whole timeout from now.
    const until = state.at !== undefined ? Date.parse(state.at) + state.timeoutMs : Date.now() + state.timeoutMs;
    return { line: l.line, payload: l.payload, after: state.after, started: state.started, until };
  };

  // 1. What earlier runs left: sent lines are skipped, pending ones reconciled, failed ones kept or retried.
  const queue: BulkLine[] = [];
  const leftPending: (PendingLine & { until: number })[] = [];
  for (const l of lines) {
    const state = journal.states.get(l.line);
    if (state?.state === "sent") summary.skipped++;
    else if (state?.state === "failed" && !options.retryFailed) summary.failed.push({ line: l.line, code: state.code, message: state.message });
    else if (state?.state === "pending") leftPending.push(pendingLine(l));
    else queue.push(l);
  }
  progress(summary.skipped + summary.failed.length);

  /** Lines being settled right now: if the read-back gets no answer, they stay unknown. */
  let settling = 0;
  const settle = async (pending: (PendingLine & { until: number })[]): Promise<BulkLine[]> => {
    summary.unknown.lines += pending.length;
    settling = pending.length;
    const until = Math.max(...pending.map((p) => p.until));
    const wait = until - Date.now();
    if (wait > 0) {
      options.onWait?.(wait, pending.map((p) => p.line));
      await sleep(wait);
    }
    const verdicts = await reconcile(client, pending, journal.knownIds);
    settling = 0;
    const found = verdicts.filter((v) => v.verdict === "sent");
    journal.sent(found.map((v) => ({ line: v.line, id: v.id, reconciled: true })));
    summary.sent += found.length;
    summary.reconciled += found.length;
    summary.unknown.foundDelivered += found.length;
    progress(found.length);
    // Not settled: the line stays pending in the journal (the next run looks again), reported here.
    const unknown = verdicts.filter((v) => v.verdict === "unknown");
    summary.unknown.stillUnknown += unknown.length;
    summary.failed.push(...unknown.map((v) => ({ line: v.line, code: v.code, message: v.message })));
    progress(unknown.length);
    const unsent = verdicts.filter((v) => v.verdict === "unsent").map((v) => v.line);
    journal.unsent(unsent);
    summary.unknown.notFoundResent += unsent.length;
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
        stop("INTERRUPTED", "interrupted", true); // the CLI's report says how to send the rest
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
      if (whole && unreachable(whole)) {
        // Nothing was sent (no connection was made): the lines are journaled unsent, the run stops now.
        journal.unsent(chunk.map((l) => l.line));
        stop(whole.code, `the portal cannot be reached (${whole.message})`, true);
        break;
      }
      if (whole && notRun(whole)) {
        // Refused before it ran: nothing happened, the same lines go again after a pause.
        journal.unsent(chunk.map((l) => l.line));
        if (++rounds > maxRounds) {
          stop(whole.code, `the portal kept refusing (${whole.message})`, true);
          break;
        }
        const pause = Math.min(30_000, 1000 * 2 ** (rounds - 1));
        options.onRetry?.(pause, rounds, maxRounds, redact(`${whole.code}: ${whole.message}`));
        // Waited in short steps, so that an interruption is not held up by the pause.
        for (let left = pause; left > 0 && !options.shouldStop?.(); left -= 250) await sleep(Math.min(250, left));
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
      const unknown: (PendingLine & { until: number })[] = [];
      chunk.forEach((l, i) => {
        const o = outcomes[i];
        if (o.ok) sent.push({ line: l.line, id: Number(o.result) });
        else if (outcomeUnknown(o.error)) unknown.push(pendingLine(l));
        else failed.push({ line: l.line, code: o.error.code, message: redact((o.error instanceof Bitrix24Error && o.error.description) || o.error.message) });
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
    summary.unknown.stillUnknown += settling;
    stop(error.code, error.message, error instanceof TransportError || error.status >= 500);
  } finally {
    journal.close();
  }
  const settled = new Set(summary.failed.map((f) => f.line));
  summary.notSent = lines.filter((l) => journal.states.get(l.line)?.state !== "sent" && !settled.has(l.line)).length;
  summary.failed.sort((a, b) => a.line - b.line);
  return summary;
}
