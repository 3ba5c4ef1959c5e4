// Running one REST method once the caller is authenticated: the method's scope against the
// caller's, the operating-budget check, the handler, the charge. Top-level calls and batch
// sub-commands both come through here, so a sub-command meets exactly the registry, scopes, auth
// and budget a direct call would.
import { insufficientScope, methodNotFound } from "./errors.js";
import type { PortalLimits, OperatingStatus } from "../limits/limits.js";
import type { Params } from "./params.js";
import type { AuthInfo, MethodRegistry } from "./registry.js";
import type { PortalState } from "../data/state.js";

export interface DispatchDeps {
  state: PortalState;
  registry: MethodRegistry;
  limits?: PortalLimits;
  portalUrl: () => string;
}

export interface Caller {
  userId: number;
  auth: AuthInfo;
  /** Whose operating budget is charged: the webhook, or the application behind a token. */
  account: string;
}

export interface DispatchResult {
  /** What the handler returned (a value or a PagedResult). */
  value: unknown;
  /** The method's budget after this call; absent when limits are off. */
  operating?: OperatingStatus;
  startedMs: number;
  finishedMs: number;
}

/** Runs `method`; throws RestError (OperatingLimitError for 429) like a handler does. */
export async function dispatch(deps: DispatchDeps, caller: Caller, method: string, params: Params): Promise<DispatchResult> {
  const startedMs = Date.now();
  const handler = deps.registry.get(method);
  if (!handler) throw methodNotFound();
  // Rights as data: the method family's scopes (registry.ts METHOD_SCOPES) against the caller's.
  if (!deps.registry.allows(method, caller.auth.scopes)) throw insufficientScope();
  const name = method.toLowerCase();
  // The outer batch call is not counted; each of its commands is (§2.2).
  const limits = name === "batch" ? undefined : deps.limits;
  limits?.checkOperating(caller.account, name);

  let value: unknown;
  let failure: { error: unknown } | undefined;
  try {
    value = await handler({
      method: name,
      params,
      userId: caller.userId,
      auth: caller.auth,
      state: deps.state,
      portalUrl: deps.portalUrl(),
      dispatch: (subMethod, subParams) => dispatch(deps, caller, subMethod, subParams),
    });
  } catch (error) {
    failure = { error };
  }
  // A failed call has run too: Bitrix24 charges execution time, not success.
  const finishedMs = Date.now();
  const operating = limits?.charge(caller.account, name, (finishedMs - startedMs) / 1000);
  if (failure) throw failure.error;
  return { value, operating, startedMs, finishedMs };
}

/** The budget key: per webhook, or per application for OAuth tokens (§2.2). */
export function accountOf(auth: AuthInfo, webhook?: { userId: string; secret: string }): string {
  // One application per local portal for now, so every token shares its budget (a refreshed
  // token keeps the app's budget, as on Bitrix24).
  return auth.type === "webhook" && webhook ? `webhook:${webhook.userId}:${webhook.secret}` : "app";
}
