// What to do after a failed attempt. The rule that matters: a call that is not safe to replay
// (im.message.add and the like) is re-sent only after a failure that proves the method did not run:
// a connection that was refused (nothing sent), 503 QUERY_LIMIT_EXCEEDED / OVERLOAD_LIMIT, 429.
// After anything else (a dropped connection, a timeout, a 5xx page, a 200 whose body is not clean
// JSON) the outcome is unknown, and such a call is reported, never re-sent. An HTTP refusal that is
// not Bitrix24's (a 431 or a proxy's 400 page) proves the method did not run, but is not retried.
// Which calls are safe is part of each catalogue definition (`replay`; the rule is in define.ts).
import { Bitrix24Error, TransportError } from "./errors.js";

export type Replay = "safe" | "unsafe";

export interface RetryPolicy {
  /** Re-sends after the first attempt (a refresh after `expired_token` does not count). */
  maxRetries: number;
  /** Backoff base: attempt n waits a random time up to min(maxDelayMs, baseDelayMs * 2^n). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a method waits after 429 OPERATION_TIME_LIMIT when no reset time is known. */
  operatingFallbackMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  operatingFallbackMs: 10_000,
};

export type Decision =
  /** Transient (5xx, network): wait `delayMs` and send again. */
  | { kind: "retry"; delayMs: number }
  /** QUERY_LIMIT_EXCEEDED (503): the bucket is full after all; wait, then take a new slot. */
  | { kind: "rate-limit"; delayMs: number }
  /** OPERATION_TIME_LIMIT (429): the method waits for its operating reset. */
  | { kind: "operating" }
  /** expired_token / invalid_token with refresh credentials: refresh once and send again. */
  | { kind: "refresh" }
  /** The request may have been carried out and must not be replayed: report the unknown outcome. */
  | { kind: "outcome-unknown" }
  /** Give the error to the caller. */
  | { kind: "fail" };

export interface Situation {
  replay: Replay;
  /** Re-sends done so far. */
  attempt: number;
  policy: RetryPolicy;
  /** OAuth credentials are there and this call has not refreshed yet. */
  canRefresh: boolean;
  random: () => number;
}

/** Full jitter (AWS's "exponential backoff and jitter"): spreads many retrying clients apart. */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

// Codes that say the portal refused before running the method: nothing happened, any call may retry.
const NOT_RUN_503 = new Set(["QUERY_LIMIT_EXCEEDED", "OVERLOAD_LIMIT"]);
// 5xx codes no retry will fix.
const FATAL_5XX = new Set(["PORTAL_DELETED"]);
const AUTH_EXPIRED = new Set(["expired_token", "invalid_token"]);
// HTTP refusals (not Bitrix24's) that are worth waiting out: the server or a proxy timed out
// reading the request, or limits its rate. Other 4xx pages (400, 413, 431) would come back again.
const RETRYABLE_REFUSALS = new Set([408, 429]);

export function classify(error: unknown, s: Situation): Decision {
  const exhausted = s.attempt >= s.policy.maxRetries;
  const retry = (): Decision => (exhausted ? { kind: "fail" } : { kind: "retry", delayMs: backoff(s.attempt, s.policy, s.random) });
  if (error instanceof Bitrix24Error) {
    const code = error.code.toUpperCase();
    if (AUTH_EXPIRED.has(error.code.toLowerCase())) return s.canRefresh ? { kind: "refresh" } : { kind: "fail" };
    if (exhausted) return { kind: "fail" };
    if (code === "QUERY_LIMIT_EXCEEDED") return { kind: "rate-limit", delayMs: backoff(s.attempt, s.policy, s.random) };
    if (code === "OPERATION_TIME_LIMIT" || error.status === 429) return { kind: "operating" };
    if (NOT_RUN_503.has(code)) return retry();
    // Other 5xx: the method ran and failed, perhaps half-way. A read may try again; a write keeps its error.
    if (error.status >= 500 && !FATAL_5XX.has(code) && s.replay === "safe") return retry();
    return { kind: "fail" };
  }
  if (error instanceof TransportError) {
    // An HTTP refusal that is not Bitrix24's: the method did not run, but the same request would
    // meet the same refusal, so only a timeout or rate limit of the server or a proxy is retried.
    if (error.status !== undefined && !error.outcomeUnknown) return RETRYABLE_REFUSALS.has(error.status) ? retry() : { kind: "fail" };
    // A failed TLS handshake: nothing was sent, and the certificate or protocol will not change on a retry.
    if (error.code === "TLS_FAILED") return { kind: "fail" };
    // Not sent at all (connection refused, DNS): retrying cannot duplicate anything.
    if (!error.outcomeUnknown) return retry();
    // It may have run (no answer, a 5xx page, a 200 that is not clean JSON): only safe calls go again.
    if (s.replay === "unsafe") return { kind: "outcome-unknown" };
    return retry();
  }
  return { kind: "fail" };
}

// Read-only method names (the last part of the method): safe to replay when no definition says
// otherwise. Only reads: a write, even one that looks idempotent (im.dialog.read, *.update), is
// unsafe here, because a guess cannot know whether a second run fails (a *.delete of what is gone)
// or adds something; catalogue definitions mark the writes that are really safe.
const READ_VERBS = /^(get|list|fields|search|info|time|count|tail)$/i;

/** For calls made by REST method name without a definition: reads are safe, anything else is not. */
export function guessReplay(method: string): Replay {
  const last = method.split(".").pop() ?? "";
  return READ_VERBS.test(last) || /^get[A-Z_]/.test(last) ? "safe" : "unsafe";
}
