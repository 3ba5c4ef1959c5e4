// Turns a definition plus argument values into a call: checks required values, coerces each value
// by its kind, builds the payload (empty values left out) and sends it through a client.
import { Bitrix24Client, type PreparedRequest } from "../transport/client.js";
import { sharedClient } from "../transport/connections.js";
import { oauthTokenUrl } from "../transport/oauth-token.js";
import { inputError } from "../transport/errors.js";
import { checks, normalizers, summarize } from "./checks.js";
import { isFilled, toArray, toBinary, toBoolean, toJson, toMap, toText } from "./coerce.js";
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
    else if (param.kind === "flag" || param.keepEmpty ? value !== "" : isFilled(value)) payload[param.field!] = value;
  }
  return { ...payload, ...def.fixed };
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
  const target = client ?? sharedClient(url, token || undefined);
  return { client: target, def, request: await target.prepare(def.method, payload, def.http ?? "POST", { replay: def.replay }) };
}

/** Runs a multi-step function; `client` (if given) replaces the shared client for its url/token. */
export function runFlow(def: FlowDefinition, values: ArgValues, client?: Bitrix24Client, debug?: (line: string) => void): Promise<unknown> {
  const full = withDefaults(def, values);
  const ctx: FlowContext = {
    client: () => client ?? sharedClient(toText(full.url ?? ""), toText(full.token ?? "") || undefined),
    oauthTokenUrl,
    debug,
  };
  return def.perform(full, ctx);
}

export async function invoke(def: Definition, values: ArgValues): Promise<unknown> {
  if (def.kind === "local") return runLocal(def, values);
  if (def.kind === "flow") return runFlow(def, values);
  const plan = await planCall(def, values);
  return plan.client.send(plan.request);
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
