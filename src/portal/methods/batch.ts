// `batch` (shared/spec/bitrix24-rest.md §2.3): up to 50 commands `method?query` run one after the
// other through the same registry, auth and operating budgets as direct calls (ctx.dispatch).
// The answer is always HTTP 200 with five maps keyed like `cmd`; failures land in result_error.
// Later commands may use earlier answers: `$result[key][field]…` (also $error, $total, $next,
// $time); a reference that does not resolve stays in the text as it was.
import { parseQuery } from "../http/body.js";
import { PagedResult, timeBlock } from "../http/envelope.js";
import { RestError } from "../http/errors.js";
import { yesNo, type Params } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";

export const MAX_BATCH_COMMANDS = 50;

type PhpMap = Record<string, unknown> | unknown[];

type Maps = Record<"result" | "error" | "total" | "next" | "time", Record<string, unknown>>;
type Dispatch = NonNullable<MethodContext["dispatch"]>;

const batch: MethodHandler = async (ctx) => {
  if (!ctx.dispatch) throw new Error("batch needs the server's dispatch");
  const cmd = ctx.params.cmd ?? ctx.params.CMD;
  const halt = yesNo(ctx.params.halt ?? ctx.params.HALT, false);
  const commands: [string, unknown][] = typeof cmd === "object" && cmd !== null ? Object.entries(cmd) : [];

  const maps: Maps = { result: {}, error: {}, total: {}, next: {}, time: {} };
  for (const [index, [key, command]] of commands.entries()) {
    const failure =
      index >= MAX_BATCH_COMMANDS
        ? new RestError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)
        : await runCommand(ctx.dispatch, key, command, maps);
    if (failure) {
      maps.error[key] = failure.envelope();
      if (halt) break;
    }
  }
  return {
    result: php(maps.result),
    result_error: php(maps.error),
    result_total: php(maps.total),
    result_next: php(maps.next),
    result_time: php(maps.time),
  };
};

/** Runs one `method?query` command, filing its answer under `key`; returns its error, if any. */
async function runCommand(dispatch: Dispatch, key: string, command: unknown, maps: Maps): Promise<RestError | null> {
  const text = typeof command === "string" ? command : String(command ?? "");
  const q = text.indexOf("?");
  const method = (q < 0 ? text : text.slice(0, q)).trim();
  if (method.toLowerCase() === "batch") {
    return new RestError("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405);
  }
  // The outer request's auth applies; an `auth` inside a command is ignored.
  const { auth: _ignored, ...params } = substitute(parseQuery(q < 0 ? "" : text.slice(q + 1)), maps) as Params;
  try {
    const outcome = await dispatch(method, params);
    const value = outcome.value;
    if (value instanceof PagedResult) {
      maps.result[key] = value.result;
      if (value.total !== undefined) maps.total[key] = value.total;
      if (value.next !== undefined) maps.next[key] = value.next;
    } else {
      maps.result[key] = value === undefined ? null : value;
    }
    maps.time[key] = timeBlock(outcome.startedMs, outcome.finishedMs, outcome.operating);
    return null;
  } catch (error) {
    return error instanceof RestError ? error : new RestError("INTERNAL_SERVER_ERROR", "Internal server error", 500);
  }
}

/** PHP prints an empty associative array as `[]`. */
/**
 * PHP's json_encode: an array whose keys are exactly 0, 1, 2, … in order is a JSON list (so an
 * array-style `cmd` gets list-shaped result maps); any other keys, an object; empty, `[]`.
 */
const php = (map: Record<string, unknown>): PhpMap => {
  const keys = Object.keys(map);
  return keys.every((key, i) => key === String(i)) ? Object.values(map) : map;
};

const REFERENCE = /\$(result|error|total|next|time)((?:\[[^\][]*\])+)/g;

/** Replaces `$result[key][field]…` in every string value; a string that is one whole reference takes the value as is. */
function substitute(value: unknown, maps: Record<string, Record<string, unknown>>): unknown {
  if (typeof value === "string") {
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value);
    if (whole) {
      const found = resolve(maps, whole[1], whole[2]);
      return found === undefined ? value : found;
    }
    return value.replace(REFERENCE, (text, map: string, path: string) => {
      const found = resolve(maps, map, path);
      return found === undefined || (typeof found === "object" && found !== null) ? text : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, maps));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, maps)]));
  }
  return value;
}

function resolve(maps: Record<string, Record<string, unknown>>, map: string, path: string): unknown {
  let current: unknown = maps[map];
  for (const [, segment] of path.matchAll(/\[([^\][]*)\]/g)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export const batchMethods: Record<string, MethodHandler> = { batch };
