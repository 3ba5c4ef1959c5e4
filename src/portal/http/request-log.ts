// The portal's request log (`portal.requests`): the last N requests as they arrived, for tests that
// assert the wire format. A ring buffer (a fixed array and a head index: recording is O(1), nothing
// shifts), and each entry bounded: the body is kept up to BODY_KEPT_BYTES, the parameters of a
// larger body only as a summary, so a client posting 100 MB bodies costs the log a few KB each.
import type { Params } from "./params.js";

/** One request as it arrived, kept so tests can assert the wire format. */
export interface RecordedRequest {
  httpMethod: string;
  /** The raw path, secret included, without the query string. */
  path: string;
  /** The query string parsed with PHP bracket syntax. */
  query: Params;
  /** Header names lower-case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /**
   * The body as text, its first BODY_KEPT_BYTES only ("" when none, or when the request was
   * refused before its body was read: a wrong webhook secret, a path nothing serves, too large).
   */
  body: string;
  /** The body's full size in bytes (as declared by Content-Length when it was not read). */
  bodyBytes: number;
  /** Query and body parameters merged (body wins), `auth` included; a summary when the body was cut. */
  params: Params;
  /** The REST method named by the path (".json" and "/" stripped), or null outside /rest. */
  restMethod: string | null;
  /** The HTTP status answered; undefined until the answer is sent (or when the connection was dropped). */
  status?: number;
}

/** Bodies up to this size are kept whole (and their parameters as parsed); larger ones are cut. */
export const BODY_KEPT_BYTES = 8 * 1024;
/** Default size of the log: the last 1,000 requests. */
export const DEFAULT_REQUEST_LOG = 1000;

/**
 * The last `capacity` requests, oldest first, read like an array whose indices count every request
 * since the start: `length` is the number of requests received (also those no longer kept),
 * `at(-1)` the newest, `slice(mark)` the kept requests received since `length` was `mark`.
 */
export class RequestLog implements Iterable<RecordedRequest> {
  private readonly ring: (RecordedRequest | undefined)[];
  /** Requests received since the start; the next one goes to ring[received % capacity]. */
  private received = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`request log size must be a whole number >= 0, not ${capacity}`);
    this.ring = new Array<RecordedRequest | undefined>(capacity);
  }

  /** Requests received since the start, kept or not. */
  get length(): number {
    return this.received;
  }

  /** How many requests the log holds now (at most `capacity`). */
  get kept(): number {
    return Math.min(this.received, this.capacity);
  }

  /** Records requests (the oldest kept one makes room once full). Returns `length`. */
  push(...entries: RecordedRequest[]): number {
    for (const entry of entries) {
      if (this.capacity > 0) this.ring[this.received % this.capacity] = entry;
      this.received++;
    }
    return this.received;
  }

  /** Counts a request without keeping it (the log is off). */
  count(): void {
    this.received++;
  }

  /** The request with this index (negative: from the newest), undefined when not kept. */
  at(index: number): RecordedRequest | undefined {
    const absolute = index < 0 ? this.received + index : index;
    if (!Number.isInteger(absolute) || absolute < this.received - this.kept || absolute >= this.received) return undefined;
    return this.ring[absolute % this.capacity];
  }

  /** The kept requests with indices in [start, end), oldest first (negative: from the newest). */
  slice(start = 0, end = this.received): RecordedRequest[] {
    const from = Math.max(start < 0 ? this.received + start : start, this.received - this.kept);
    const to = Math.min(end < 0 ? this.received + end : end, this.received);
    const out: RecordedRequest[] = [];
    for (let i = from; i < to; i++) out.push(this.ring[i % this.capacity]!);
    return out;
  }

  filter(predicate: (request: RecordedRequest) => unknown): RecordedRequest[] {
    return this.slice().filter((r) => predicate(r));
  }

  find(predicate: (request: RecordedRequest) => unknown): RecordedRequest | undefined {
    return this.slice().find((r) => predicate(r));
  }

  map<T>(fn: (request: RecordedRequest) => T): T[] {
    return this.slice().map((r) => fn(r));
  }

  [Symbol.iterator](): Iterator<RecordedRequest> {
    return this.slice()[Symbol.iterator]();
  }

  /** Forgets every kept request (`length` goes on counting). */
  clear(): void {
    this.ring.fill(undefined);
  }
}

/** The body as the log keeps it: whole up to BODY_KEPT_BYTES, else its start. */
export function keptBody(raw: Buffer): string {
  return raw.length <= BODY_KEPT_BYTES ? raw.toString("utf8") : raw.subarray(0, BODY_KEPT_BYTES).toString("utf8");
}

const STRING_KEPT = 256;
const DEPTH_KEPT = 16;

/**
 * Parameters cut to about `budget` characters: long strings shortened (their length noted), and
 * once the budget is spent the remaining keys and items replaced by "…".
 */
export function summarizeParams(params: Params, budget = BODY_KEPT_BYTES): Params {
  const left = { chars: budget };
  return summarize(params, left, 0) as Params;
}

function summarize(value: unknown, left: { chars: number }, depth: number): unknown {
  if (typeof value === "string") {
    if (value.length <= STRING_KEPT) {
      left.chars -= value.length;
      return value;
    }
    left.chars -= STRING_KEPT;
    return `${value.slice(0, STRING_KEPT)}… (${value.length} characters)`;
  }
  if (value === null || typeof value !== "object") {
    left.chars -= 8;
    return value;
  }
  if (depth >= DEPTH_KEPT) return "…";
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (left.chars <= 0) {
        out.push("…");
        break;
      }
      out.push(summarize(item, left, depth + 1));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (left.chars <= 0) {
      out["…"] = "…";
      break;
    }
    left.chars -= Math.min(key.length, STRING_KEPT);
    out[key.length <= STRING_KEPT ? key : `${key.slice(0, STRING_KEPT)}…`] = summarize(item, left, depth + 1);
  }
  return out;
}
