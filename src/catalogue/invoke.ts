// Turns a definition plus argument values into a call: checks required values, coerces each value
// by its kind, builds the payload (empty values left out) and sends it through a client.
// The transport loads on the first call that needs it: a function computed locally never loads it.
import type { Bitrix24Client, PreparedRequest } from "../transport/client.js";
import { inputError } from "../transport/errors.js";
import { checks, normalizers, summarize } from "./checks.js";
import { isFilled, toArray, toBinary, toBoolean, toDate, toDateTime, toFiles, toJson, toLabel, toMap, toText } from "./coerce.js";
import { hooks } from "./hooks.js";
import type { Definition, FlowContext, FlowDefinition, LocalDefinition, ParamSpec, RestDefinition } from "./define.js";

export type ArgValues = Record<string, unknown>;

/** Positional library arguments -> values by parameter name. */
export function bindPositional(def: Definition, args: readonly unknown[]): ArgValues {
  const values: ArgValues = {};
  def.params.forEach((param, i) => {
    if (args[i] !== undefined) values[param.name] = args[i];
  });
  return values;
}

export function withDefaults(def: Definition, values: ArgValues): ArgValues {
  const out: ArgValues = {};
  for (const param of def.params) {
    const value = values[param.name] ?? param.default;
    if (param.required && (value === undefined || value === null || value === "")) {
      throw inputError(`is required (${param.description})`, param.name);
    }
    out[param.name] = value;
  }
  return out;
}

async function coerce(param: ParamSpec, value: unknown): Promise<unknown> {
  switch (param.kind) {
    case "array":
      return toArray(value, param);
    case "map":
      return toMap(value, param);
    case "flag":
      return toBoolean(value ?? false, param) !== (param.invert ?? false) ? "Y" : "N";
    case "boolean":
      return toBoolean(value ?? false, param);
    case "binary":
      return isFilled(value) ? (await toBinary(value, param)).toString("base64") : "";
    case "json":
      return toJson(value, param);
    case "date":
      return toDate(value, param);
    case "datetime":
      return toDateTime(value, param);
    case "files":
      return toFiles(value, param);
    case "label":
      return toLabel(value);
    default:
      return toText(value);
  }
}

/** The REST payload: fields in definition order, unfilled values left out, IDs as strings. */
export async function buildPayload(def: RestDefinition, values: ArgValues): Promise<Record<string, unknown>> {
  const full = withDefaults(def, values);
  const payload: Record<string, unknown> = {};
  for (const param of def.params) {
    if (!param.field && !param.spread) continue;
    // A flag nobody set and that has no default is left out, so new options never change old payloads.
    if (param.kind === "flag" && param.default === undefined && (full[param.name] === undefined || full[param.name] === "")) continue;
    let value = await coerce(param, full[param.name]);
    if (param.nonEmpty && !isFilled(value)) {
      throw inputError(Array.isArray(value) ? "is an empty list: give at least one element" : "is an empty object: give at least one field", param.name);
    }
    if (param.check && isFilled(value)) {
      const problems = checks[param.check](value);
      if (problems.length) throw inputError(summarize(problems), param.name);
      value = normalizers[param.check]?.(value) ?? value;
    }
    // Spread keys never replace a named field (UpdateUser: --userid wins over an ID inside --fields).
    if (param.spread) {
      for (const [key, v] of Object.entries(value as object)) if (!(key in payload)) payload[key] = v;
    }
    // 1C's ValueIsFilled looks at the value as given: the number 0 (a default such as the list
    // offset) is left out, while the text "0" is sent (keepEmpty: "0" whatever its form).
    else if (param.kind === "flag" || param.keepEmpty ? value !== "" : isFilled(value) && full[param.name] !== 0) {
      for (const target of typeof param.field === "string" ? [param.field] : (param.field ?? [])) setPath(payload, target, value);
    }
  }
  const sent = { ...payload, ...def.fixed };
  const hook = def.hook ? hooks[def.hook] : undefined;
  return hook?.payload ? hook.payload(sent, values) : sent;
}

/**
 * Puts a value at a dotted path (`FIELDS.TITLE`), making the parents on the way: objects, or lists
 * where the next part is a number (`fileContent.1`). Only filled values get here, so no parent is
 * ever left empty.
 */
function setPath(payload: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = payload as Record<string, unknown>;
  parts.slice(0, -1).forEach((part, i) => {
    const next = node[part];
    if (next === null || typeof next !== "object") node[part] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    node = node[part] as Record<string, unknown>;
  });
  node[parts[parts.length - 1]] = value;
}

export function runLocal(def: LocalDefinition, values: ArgValues): unknown {
  const full = withDefaults(def, values);
  const coerced: ArgValues = {};
  for (const param of def.params) {
    const value = full[param.name];
    coerced[param.name] = param.kind === "flag" || param.kind === "boolean" ? toBoolean(value ?? false, param) : value;
  }
  return def.build(coerced);
}

export interface CallPlan {
  client: Bitrix24Client;
  request: PreparedRequest;
  def: RestDefinition;
}

/** Everything needed to send (or, for `--test`, to show) one call. */
export async function planCall(def: RestDefinition, values: ArgValues, client?: Bitrix24Client): Promise<CallPlan> {
  const payload = await buildPayload(def, values);
  const url = toText(values.url ?? "");
  const token = toText(values.token ?? "");
  const target = client ?? (await import("../transport/connections.js")).sharedClient(url, token || undefined);
  return { client: target, def, request: await target.prepare(def.method, payload, def.http ?? "POST", { replay: def.replay }) };
}

/** Runs a multi-step function; `client` (if given) replaces the shared client for its url/token. */
export async function runFlow(def: FlowDefinition, values: ArgValues, client?: Bitrix24Client, debug?: (line: string) => void): Promise<unknown> {
  const full = withDefaults(def, values);
  const [{ sharedClient }, { oauthTokenUrl }] = await Promise.all([import("../transport/connections.js"), import("../transport/oauth-token.js")]);
  const ctx: FlowContext = {
    client: () => client ?? sharedClient(toText(full.url ?? ""), toText(full.token ?? "") || undefined),
    oauthTokenUrl,
    debug,
  };
  return def.perform(full, ctx);
}

/** What running a function needs besides its values. */
export interface RunOptions {
  /** The connection; default: the shared client for the values' url and token. */
  client?: Bitrix24Client;
  /** --debug output for multi-step functions (secrets already masked by the caller). */
  debug?: (line: string) => void;
}

/**
 * Runs any function: computed locally, one REST call, or several. The one place the three kinds
 * meet, for the library (positional and client-bound), the CLI and the MCP server.
 */
export async function execute(def: Definition, values: ArgValues, options: RunOptions = {}): Promise<unknown> {
  if (def.kind === "local") return runLocal(def, values);
  if (def.kind === "flow") return runFlow(def, values, options.client, options.debug);
  return sendPlan(await planCall(def, values, options.client), values);
}

/** Sends a planned call; the definition's hook may turn the answer into what the function returns. */
export async function sendPlan(plan: CallPlan, values: ArgValues): Promise<unknown> {
  const answer = await plan.client.send(plan.request);
  const hook = plan.def.hook ? hooks[plan.def.hook] : undefined;
  return hook?.result ? hook.result(answer, values) : answer;
}

/** The values of a definition's secret parameters (tokens included), to mask wherever they could show. */
export function secretValues(def: Definition, values: ArgValues): string[] {
  return def.params.filter((p) => p.secret || p.kind === "token").map((p) => toText(values[p.name] ?? "")).filter(Boolean);
}

/** The values with every secret parameter shown as ***, for --test. */
export function maskedValues(def: Definition, values: ArgValues): ArgValues {
  const out: ArgValues = { ...values };
  for (const p of def.params) if ((p.secret || p.kind === "token") && isFilled(out[p.name])) out[p.name] = "***";
  return out;
}
