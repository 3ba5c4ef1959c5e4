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
  /** The parameters as the query string carries them; undefined: the command goes alone (see below). */
  query: Record<string, unknown> | undefined;
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
  const requests = plan(normalise(calls));
  const outcomes: BatchOutcome<T>[] = [];
  let haltedBy: string | undefined;
  for (const request of requests) {
    if (haltedBy !== undefined) {
      const skipped = request.kind === "alone" ? [request.command] : request.commands;
      outcomes.push(...skipped.map((c) => halted<T>(c, haltedBy!)));
      continue;
    }
    if (request.kind === "alone") {
      const outcome = await runAlone<T>(client, request.command, options);
      if (!outcome.ok && options.halt) haltedBy = request.command.key;
      outcomes.push(outcome);
      continue;
    }
    const chunk = request.commands;
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
    const p = params ?? {};
    return { key: name, method, params: p, replay: replay ?? guessReplay(method), query: toQueryParams(method, p) };
  });
}

// What the portal gets must be what the caller gave. Batch commands are PHP query strings
// (`cmd[key]=method?a[b]=c`), and PHP's parse_str can only produce strings and non-empty arrays:
// an empty object or list (`{"DELIMITER":{}}`, `COMMAND_PARAMS: {}`), null, true and false have no
// query-string form that reads back as the same value (qs drops empty ones; "false" is a true
// string in PHP). Keys are at risk too: parse_str turns dots and spaces in a top-level name into
// `_`, reads brackets inside any key as nesting and an empty key as "append"; and it keeps only
// max_input_vars (default 1000) variables. So, per top-level parameter:
//  1. strings and numbers (PHP compares numeric strings as numbers), and non-empty arrays/objects of
//     them under plain keys, go into the query string as they are;
//  2. a parameter the method documents as accepting JSON text (JSON_TEXT_PARAMS) goes as that JSON
//     text when (1) cannot carry it or the command would pass 1000 variables: Bitrix24 and the
//     local portal decode it to exactly the structure given, empty ones included;
//  3. anything else makes the whole command go outside the batch, as its own JSON call in its place
//     in the order (one more request through the same limiter; a JSON body carries every value).

/** Parameters Bitrix24 documents as "object or JSON string" (bitrix24-rest.md §4.1-4.14, §5.4-5.5). */
const JSON_TEXT_PARAMS: Readonly<Record<string, readonly string[]>> = {
  "im.message.add": ["ATTACH", "KEYBOARD", "MENU"],
  "im.message.update": ["ATTACH", "KEYBOARD", "MENU"],
  "im.notify": ["ATTACH"],
  "im.notify.personal.add": ["ATTACH"],
  "im.notify.system.add": ["ATTACH"],
};

/** PHP's default max_input_vars: parse_str keeps no more variables than this. */
const MAX_QUERY_VARIABLES = 1000;

/** How many query variables carry `value` so that PHP reads back the same value; undefined when none can. */
export function queryVariables(value: unknown): number | undefined {
  if (typeof value === "string") return 1;
  if (typeof value === "number") return Number.isFinite(value) ? 1 : undefined;
  if (typeof value !== "object" || value === null) return undefined; // null, booleans, bigint…
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value).filter(([, v]) => v !== undefined); // JSON leaves these out too
  if (entries.length === 0) return undefined;
  let count = 0;
  for (const [key, v] of entries) {
    const n = key !== "" && !/[[\]]/.test(key) ? queryVariables(v) : undefined;
    if (n === undefined) return undefined;
    count += n;
  }
  return count;
}

/** The parameters as they go into a query string, or undefined when the command must go alone. */
function toQueryParams(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
  const asText = new Set(JSON_TEXT_PARAMS[method.toLowerCase()] ?? []);
  const out: Record<string, unknown> = {};
  const textual = new Map<string, number>(); // structures that may go as JSON text, by their variables
  let total = 0;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const n = /^[^\s.[\]]+$/.test(name) ? queryVariables(value) : undefined;
    const canBeText = asText.has(name.toUpperCase()) && typeof value === "object" && value !== null;
    if (n !== undefined) {
      out[name] = value;
      total += n;
      if (canBeText) textual.set(name, n);
    } else if (canBeText) {
      out[name] = JSON.stringify(value);
      total += 1;
    } else return undefined;
  }
  // Too many variables: the largest structures that may go as JSON text do, one by one.
  for (const [name, n] of [...textual].sort((a, b) => b[1] - a[1])) {
    if (total <= MAX_QUERY_VARIABLES) break;
    out[name] = JSON.stringify(out[name]);
    total -= n - 1;
  }
  return total <= MAX_QUERY_VARIABLES ? out : undefined;
}

type Request = { kind: "batch"; commands: Command[] } | { kind: "alone"; command: Command };

/**
 * The requests, in the calls' order: runs of commands a query string can carry, 50 to a batch, and
 * between them each command that must go alone. `$result[key]` references resolve only inside one
 * batch request, so a reference to a call that lands in another request is refused up front.
 */
function plan(commands: readonly Command[]): Request[] {
  const requests: Request[] = [];
  for (const c of commands) {
    const last = requests.at(-1);
    if (!c.query) requests.push({ kind: "alone", command: c });
    else if (last?.kind === "batch" && last.commands.length < BATCH_LIMIT) last.commands.push(c);
    else requests.push({ kind: "batch", commands: [c] });
  }
  const requestOf = new Map<string, number>();
  requests.forEach((r, i) => (r.kind === "alone" ? [r.command] : r.commands).forEach((c) => requestOf.set(c.key, i)));
  for (const c of commands) {
    for (const key of referencedKeys(c.params)) {
      const target = requestOf.get(key);
      if (target === undefined || target === requestOf.get(c.key) && requests[target].kind === "batch") continue;
      throw new InputError(
        `call "${c.key}" refers to $result[${key}], which goes in another request (${BATCH_LIMIT} calls to a batch; a call whose values a query string cannot carry goes alone), so the portal could not resolve it`,
        "calls",
      );
    }
  }
  return requests;
}

const REFERENCE = /\$(?:result|error|total|next|time)\[([^\][]*)\]/g;

/** A value encoded for the query string with its references (`$result[key][field]…`, anywhere in it) left as written. */
function keepReferences(text: string, encode: (part: string) => string): string {
  const whole = /\$(?:result|error|total|next|time)(?:\[[^\][]*\])+/g;
  let out = "";
  let from = 0;
  for (const m of text.matchAll(whole)) {
    out += encode(text.slice(from, m.index)) + m[0];
    from = m.index! + m[0].length;
  }
  return out + encode(text.slice(from));
}

function referencedKeys(value: unknown): string[] {
  if (typeof value === "string") return [...value.matchAll(REFERENCE)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(referencedKeys);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(referencedKeys);
  return [];
}

/** A command outside the batch: its own call, answered like a batch entry. */
async function runAlone<T>(client: Bitrix24Client, c: Command, options: BatchOptions): Promise<BatchOutcome<T>> {
  try {
    const answer = await client.call<T>(c.method, c.params, { replay: options.replay ?? c.replay });
    const outcome: BatchOutcome<T> = { ok: true, key: c.key, method: c.method, result: answer.result as T };
    if (answer.time) outcome.time = answer.time;
    if (answer.total !== undefined && answer.total !== null) outcome.total = Number(answer.total);
    if (answer.next !== undefined && answer.next !== null) outcome.next = Number(answer.next);
    return outcome;
  } catch (error) {
    if (!(error instanceof Bitrix24Error || error instanceof TransportError)) throw error;
    return { ok: false, key: c.key, method: c.method, error };
  }
}

/** `{ key: "method?query" }`: inner parameters query-encoded in PHP bracket syntax. */
async function encodeCommands(chunk: readonly Command[]): Promise<Record<string, string>> {
  const { default: qs } = await import("qs");
  const cmd: Record<string, string> = {};
  for (const c of chunk) {
    const query = qs.stringify(c.query, {
      // `$result[key][...]` (and $error, $total, $next, $time) references must reach the portal as written: it substitutes them in the raw text.
      encoder: (text, encode, charset, type) =>
        type === "value" && typeof text === "string" ? keepReferences(text, (part) => encode(part, encode, charset)) : encode(text, encode, charset),
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
  // The answer has no entry for this command (a cut or mangled answer): it may or may not have run.
  return {
    ok: false,
    key: c.key,
    method: c.method,
    error: new TransportError("OUTCOME_UNKNOWN", `${c.method}: the batch answer says nothing about this call; it may or may not have been carried out`, c.method, true),
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
