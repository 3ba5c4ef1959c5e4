// Response bodies. Success: `{result, next?, total?, time}` in exactly that key order (list methods
// add next/total). Errors: `{error, error_description}` with no result and no time.
import { atom } from "./dates.js";
import type { ErrorEnvelope, RestError } from "./errors.js";
import type { Time } from "../../transport/envelope.js";

/** The `time` block, with the cloud-only operating fields always filled in. */
export type TimeBlock = Required<Time>;

export interface SuccessEnvelope {
  result: unknown;
  next?: number;
  total?: number;
  time: TimeBlock;
}

/** What a list handler returns when the answer needs `next` / `total` next to `result`. */
export class PagedResult {
  constructor(
    readonly result: unknown,
    readonly total?: number,
    readonly next?: number,
  ) {}
}

export const paged = (result: unknown, total?: number, next?: number): PagedResult => new PagedResult(result, total, next);

/**
 * The `time` block. Real answers carry `start` in whole seconds and `finish = start + duration`
 * (see fixtures/opi-samples), so we do the same. `operating` stays 0 and `operating_reset_at` is
 * start + 600 (the 10-minute operating window) unless the portal's limits give the method's
 * budget (`operating`: seconds used, `resetAt`: unix seconds; see limits.ts).
 */
export function timeBlock(
  startedMs: number,
  finishedMs: number = Date.now(),
  budget?: { operating: number; resetAt: number },
): TimeBlock {
  const start = Math.floor(startedMs / 1000);
  const duration = Math.max(0, finishedMs - startedMs) / 1000;
  const finish = start + duration;
  return {
    start,
    finish,
    duration,
    processing: 0,
    date_start: atom(start * 1000),
    date_finish: atom(finish * 1000),
    operating_reset_at: budget?.resetAt ?? start + 600,
    operating: budget?.operating ?? 0,
  };
}

export function successEnvelope(value: unknown, time: TimeBlock): SuccessEnvelope {
  if (value instanceof PagedResult) {
    const body: SuccessEnvelope = { result: value.result } as SuccessEnvelope;
    if (value.next !== undefined) body.next = value.next;
    if (value.total !== undefined) body.total = value.total;
    body.time = time;
    return body;
  }
  // A handler that returns nothing answers like a PHP method returning null.
  return { result: value === undefined ? null : value, time };
}

export function errorEnvelope(error: RestError): ErrorEnvelope {
  return error.envelope();
}
