// Bitrix24's `batch` (bitrix24-rest.md §2.3) for any number of calls: 50 commands to a request, each
// request one slot of the rate limit. Every call gets its own outcome in input order: a command that
// failed comes back with its error (never lost in `result_error`), one that a halt skipped says so.
import type { Bitrix24Client } from "./client.js";
import type { Time } from "./envelope.js";
import { Bitrix24Error, InputError, TransportError } from "./errors.js";
import { guessReplay, type Replay } from "./retry.js";

/** `["crm.lead.get", { id: 1 }]` or `{ method, params, key }`; `key` names it for `$result[key]`. */
export type BatchCall =
  | readonly [method: string, params?: Record<string, unknown>]
  | { readonly method: string; readonly params?: Record<string, unknown>; readonly key?: string; readonly replay?: Replay };

export interface BatchOptions {
  /** Stop at the first failing command (Bitrix24's `halt=1`); later calls are not run. */
  halt?: boolean;
  /** Whether the batch may be re-sent after an ambiguous failure; default: only if every call is a read (or says it is safe). */
  replay?: Replay;
}

export type BatchOutcome<T = unknown> =
  | { ok: true; key: string; method: string; result: T; time?: Time; total?: number; next?: number }
  | { ok: false; key: string; method: string; error: Bitrix24Error | TransportError };

/** Bitrix24 runs at most 50 commands per batch. */
export const BATCH_LIMIT = 50;

interface Command {
  key: string;
  method: string;
  params: Record<string, unknown>;
  replay: Replay;
}

/** The maps of a batch answer; PHP sends an empty map as `[]`. */
interface BatchResult {
  result?: Record<string, unknown> | unknown[];
  result_error?: Record<string, unknown> | unknown[];
  result_total?: Record<string, unknown> | unknown[];
  result_next?: Record<string, unknown> | unknown[];
  result_time?: Record<string, unknown> | unknown[];
}

export async function runBatch<T>(client: Bitrix24Client, calls: readonly BatchCall[], options: BatchOptions = {}): Promise<BatchOutcome<T>[]> {
  const commands = normalise(calls);
  const outcomes: BatchOutcome<T>[] = [];
  let haltedBy: string | undefined;
  for (let from = 0; from < commands.length; from += BATCH_LIMIT) {
    const chunk = commands.slice(from, from + BATCH_LIMIT);
    if (haltedBy !== undefined) {
      outcomes.push(...chunk.map((c) => halted<T>(c, haltedBy!)));
      continue;
    }
    const replay = options.replay ?? (chunk.every((c) => c.replay === "safe") ? "safe" : "unsafe");
    let answer: BatchResult;
    try {
      const envelope = await client.call<BatchResult>("batch", { halt: options.halt ? 1 : 0, cmd: await encodeCommands(chunk) }, { replay });
      answer = envelope.result ?? {};
    } catch (error) {
      if (!(error instanceof Bitrix24Error || error instanceof TransportError)) throw error;
      // The whole request failed: each of its calls carries that error, nothing is silently dropped.
      outcomes.push(...chunk.map((c): BatchOutcome<T> => ({ ok: false, key: c.key, method: c.method, error })));
      if (options.halt) haltedBy = chunk[0].key;
      continue;
    }
    for (const command of chunk) {
      const outcome = readOutcome<T>(client, answer, command, haltedBy);
      if (!outcome.ok && haltedBy === undefined && options.halt) haltedBy = command.key;
      outcomes.push(outcome);
    }
  }
  return outcomes;
}

function normalise(calls: readonly BatchCall[]): Command[] {
  const seen = new Set<string>();
  return calls.map((call, index) => {
    const [method, params, key, replay] = Array.isArray(call)
      ? [call[0], call[1], undefined, undefined]
      : [(call as Exclude<BatchCall, readonly unknown[]>).method, (call as { params?: Record<string, unknown> }).params, (call as { key?: string }).key, (call as { replay?: Replay }).replay];
    if (typeof method !== "string" || !method) throw new InputError(`call ${index} has no method name`, "calls");
    if (method.toLowerCase() === "batch") throw new InputError(`call ${index}: a batch cannot contain a batch`, "calls");
    const name = key ?? `c${index}`;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new InputError(`call ${index}: key "${name}" must be letters, digits or _`, "calls");
    if (seen.has(name)) throw new InputError(`call ${index}: key "${name}" is used twice`, "calls");
    seen.add(name);
    return { key: name, method, params: params ?? {}, replay: replay ?? guessReplay(method) };
  });
}

/** `{ key: "method?query" }`: inner parameters query-encoded in PHP bracket syntax. */
async function encodeCommands(chunk: readonly Command[]): Promise<Record<string, string>> {
  const { default: qs } = await import("qs");
  const cmd: Record<string, string> = {};
  for (const c of chunk) {
    const query = qs.stringify(c.params, {
      // `$result[key][...]` references must reach the portal as written: it substitutes them in the raw text.
      encoder: (text, encode, charset, type) => (type === "value" && typeof text === "string" && text.startsWith("$result[") ? text : encode(text, encode, charset)),
    });
    cmd[c.key] = query ? `${c.method}?${query}` : c.method;
  }
  return cmd;
}

/** A command's entry in one of the result maps: an object keyed like `cmd`, or (PHP's json_encode of keys 0..n-1) a list. */
function entry(map: BatchResult[keyof BatchResult], key: string): unknown {
  if (!map) return undefined;
  if (Array.isArray(map)) return /^\d+$/.test(key) ? map[Number(key)] : undefined;
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function readOutcome<T>(client: Bitrix24Client, answer: BatchResult, c: Command, haltedBy: string | undefined): BatchOutcome<T> {
  const failure = entry(answer.result_error, c.key);
  if (failure !== undefined && failure !== null) {
    const { code, description } =
      typeof failure === "object"
        ? { code: String((failure as { error?: unknown }).error ?? "ERROR"), description: String((failure as { error_description?: unknown }).error_description ?? "") }
        : { code: "ERROR", description: String(failure) };
    // The batch itself answered 200; the command's own status is not reported.
    return { ok: false, key: c.key, method: c.method, error: new Bitrix24Error(code, client.redact(description), 200, c.method) };
  }
  const result = entry(answer.result, c.key);
  if (result !== undefined) {
    const outcome: BatchOutcome<T> = { ok: true, key: c.key, method: c.method, result: result as T };
    const time = entry(answer.result_time, c.key);
    const total = entry(answer.result_total, c.key);
    const next = entry(answer.result_next, c.key);
    if (time && typeof time === "object") outcome.time = time as Time;
    if (total !== undefined && total !== null) outcome.total = Number(total);
    if (next !== undefined && next !== null) outcome.next = Number(next);
    return outcome;
  }
  if (haltedBy !== undefined) return halted<T>(c, haltedBy);
  return {
    ok: false,
    key: c.key,
    method: c.method,
    error: new Bitrix24Error("BATCH_HALTED", "the portal did not run this command (the batch stopped before it)", 200, c.method),
  };
}

function halted<T>(c: Command, by: string): BatchOutcome<T> {
  return {
    ok: false,
    key: c.key,
    method: c.method,
    error: new Bitrix24Error("BATCH_HALTED", `not run: halt stopped the batch after command ${by} failed`, 200, c.method),
  };
}
