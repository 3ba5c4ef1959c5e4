// Runs one catalogue function for a tool call, on the same path as `oint bitrix24 …` (src/cli/run.ts):
// planCall/runFlow/runLocal, the per-portal limiter and the retry/replay rules of the client. What
// the CLI would print or report comes back as an Outcome; secrets are masked in all of it.
import { maskedValues, planCall, runFlow, runLocal, secretValues, sendPlan, withDefaults } from "../catalogue/invoke.js";
import type { Definition } from "../catalogue/define.js";
import type { Bitrix24Client } from "../transport/client.js";
import { Bitrix24Error, InputError, TransportError, type RequestInfo } from "../transport/errors.js";
import { redactKnown, redactValue } from "../transport/redact.js";

/** The connection used when a call names no URL of its own (a profile, the config's vars, OINT_URL). */
export interface DefaultConnection {
  client: Bitrix24Client;
  url: string;
  token?: string;
}

export interface ExecContext {
  connection?: DefaultConnection;
  /** Values to mask wherever they could show (the config's variables). */
  secrets: readonly string[];
}

export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: "input"; parameter?: string; problem: string }
  | { ok: false; kind: "bitrix24"; envelope: { error: string | number; error_description: string }; message: string }
  | { ok: false; kind: "transport"; outcomeUnknown: boolean; message: string; request?: RequestInfo }
  | { ok: false; kind: "unexpected"; message: string };

/**
 * `values` are by parameter name (url/token included when the caller gave them). `test` shows the
 * request that would be sent (secrets masked) and sends nothing, like `--test`.
 */
export async function execute(def: Definition, values: Record<string, unknown>, ctx: ExecContext, test = false): Promise<Outcome> {
  let client: Bitrix24Client | undefined;
  const given = values.url !== undefined && values.url !== "";
  if (!given && def.kind !== "local" && ctx.connection && def.params.some((p) => p.kind === "url")) {
    client = ctx.connection.client;
    values = { ...values, url: ctx.connection.url, token: values.token ?? ctx.connection.token ?? "" };
  }
  const secrets = () => [...ctx.secrets, ...secretValues(def, values), ...(client?.knownSecrets() ?? [])];
  try {
    if (def.kind === "local") return { ok: true, value: runLocal(def, values) };
    if (def.kind === "flow") {
      if (test) {
        const shown = { function: def.name, calls: def.calls, values: maskedValues(def, withDefaults(def, values)), note: "multi-step function: nothing was sent" };
        return { ok: true, value: mask(shown, secrets()) };
      }
      return { ok: true, value: mask(await runFlow(def, values, client), secrets()) };
    }
    const plan = await planCall(def, values, client);
    client = plan.client;
    if (test) return { ok: true, value: mask(redactValue(plan.client.describe(plan.request)), secrets()) };
    return { ok: true, value: mask(await sendPlan(plan, values), secrets()) };
  } catch (error) {
    const clean = (text: string) => redactKnown(text, secrets());
    if (error instanceof InputError) return { ok: false, kind: "input", parameter: error.parameter, problem: clean(error.problem) };
    if (error instanceof Bitrix24Error) return { ok: false, kind: "bitrix24", envelope: mask(error.envelope, secrets()), message: clean(error.message) };
    if (error instanceof TransportError) {
      return { ok: false, kind: "transport", outcomeUnknown: error.outcomeUnknown, message: clean(error.message), request: error.request && mask(error.request, secrets()) };
    }
    return { ok: false, kind: "unexpected", message: clean(String((error as Error)?.message ?? error)) };
  }
}

/** A deep copy with every known secret masked in its strings. */
export function mask<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactKnown(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value) as T;
}
