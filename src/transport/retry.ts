// What to do after a failed attempt. The rule that matters: a call that is not safe to replay
// (im.message.add and the like) is never re-sent after a failure that may have happened after the
// portal carried it out; only failures that prove nothing was done are retried for such calls.
// Which calls are safe is part of each catalogue definition (`replay`).
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

export function classify(error: unknown, s: Situation): Decision {
  const exhausted = s.attempt >= s.policy.maxRetries;
  if (error instanceof Bitrix24Error) {
    const code = error.code.toUpperCase();
    if (AUTH_EXPIRED.has(error.code.toLowerCase())) return s.canRefresh ? { kind: "refresh" } : { kind: "fail" };
    if (exhausted) return { kind: "fail" };
    if (code === "QUERY_LIMIT_EXCEEDED") return { kind: "rate-limit", delayMs: backoff(s.attempt, s.policy, s.random) };
    if (code === "OPERATION_TIME_LIMIT" || error.status === 429) return { kind: "operating" };
    if (error.status === 503 || NOT_RUN_503.has(code)) return { kind: "retry", delayMs: backoff(s.attempt, s.policy, s.random) };
    // Other 5xx: the method ran and failed, perhaps half-way. A read may try again; a write keeps its error.
    if (error.status >= 500 && !FATAL_5XX.has(code) && s.replay === "safe") {
      return { kind: "retry", delayMs: backoff(s.attempt, s.policy, s.random) };
    }
    return { kind: "fail" };
  }
  if (error instanceof TransportError) {
    // Not sent at all (connection refused, DNS): retrying cannot duplicate anything.
    if (!error.outcomeUnknown) return exhausted ? { kind: "fail" } : { kind: "retry", delayMs: backoff(s.attempt, s.policy, s.random) };
    if (s.replay === "unsafe") return { kind: "outcome-unknown" };
    return exhausted ? { kind: "fail" } : { kind: "retry", delayMs: backoff(s.attempt, s.policy, s.random) };
  }
  return { kind: "fail" };
}

// Read-only method names (the last part of the method): safe to replay when no definition says otherwise.
const READ_VERBS = /^(get|list|fields|search|info|time|count|tail)$/i;

/** For calls made by REST method name without a definition: reads are safe, anything else is not. */
export function guessReplay(method: string): Replay {
  const last = method.split(".").pop() ?? "";
  return READ_VERBS.test(last) || /^get[A-Z_]/.test(last) ? "safe" : "unsafe";
}
