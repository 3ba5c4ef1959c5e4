// The method registry: every REST method is a handler registered under its name. Names are
// matched case-insensitively, as Bitrix24 does. Each portal has its own registry, so tests and
// later features can add handlers without touching global state.
import type { DispatchResult } from "./dispatch.js";
import type { PortalState } from "../data/state.js";

export interface AuthInfo {
  /** "webhook": /rest/<user>/<secret>/…; "oauth": /rest/… with an access token in `auth`. */
  readonly type: "webhook" | "oauth";
  /** The access token (OAuth only). */
  readonly token?: string;
  /**
   * The scopes the caller was granted (an app's `scope`, a webhook's permissions), checked against
   * each method's scope (METHOD_SCOPES); absent = every scope.
   */
  readonly scopes?: readonly string[];
}

export interface MethodContext {
  /** The method name as called, lower-cased (e.g. "im.message.add"). */
  readonly method: string;
  /** Query and body parameters merged (body wins), without `auth`. */
  readonly params: Record<string, unknown>;
  /** The calling user: the webhook's owner or the token's user. */
  readonly userId: number;
  readonly auth: AuthInfo;
  readonly state: PortalState;
  /** "http://127.0.0.1:PORT", for links the portal prints. */
  readonly portalUrl: string;
  /** Runs another method as this caller (same auth, same operating budget): how batch runs its commands. */
  readonly dispatch?: (method: string, params: Record<string, unknown>) => Promise<DispatchResult>;
}

/** Whether the caller is one of the portal's administrators (who may act on what others own). */
export const callerIsAdmin = (ctx: MethodContext): boolean => ctx.state.getUser(ctx.userId)?.isAdmin === true;

/**
 * Returns the `result` (or a PagedResult for list methods); throws RestError for Bitrix24's own
 * errors. Anything else thrown becomes 500 INTERNAL_SERVER_ERROR.
 */
export type MethodHandler = ((ctx: MethodContext) => unknown) & {
  /**
   * The OAuth scope of a method whose name METHOD_SCOPES does not know (a method a test or an
   * embedder registers); for the portal's own families the table decides.
   */
  readonly scope?: string;
};

/**
 * Every scope Bitrix24 grants (api-reference/scopes/permissions.md, with the user_* variants and the
 * deprecated task scopes): what `scope?full=true` answers, what a caller without a list has, and
 * the names an app or webhook may be given.
 */
export const ALL_SCOPES: readonly string[] = [
  "ai_admin", "biconnector", "bizproc", "booking", "calendar", "call", "cashbox", "catalog", "contact_center", "crm",
  "documentgenerator", "delivery", "department", "disk", "entity", "humanresources", "im", "imbot", "imconnector",
  "imopenlines", "intranet", "landing", "lists", "log", "mailservice", "main", "messageservice", "mobile", "pay_system",
  "placement", "pull", "rpa", "sale", "salescenter", "sonet_group", "socialnetwork", "task", "tasks", "tasks_extended",
  "telephony", "timeman", "user", "user_brief", "user_basic", "user.userfield", "userfieldconfig", "userconsent", "vote",
];

const USER_READ = ["user", "user_brief", "user_basic"];

/**
 * Rights as data: the scopes a method family needs, by name prefix (the longest prefix that matches
 * at a dot wins; any one of the listed scopes will do; [] = `basic`, every caller). One table for
 * every method, so a handler never names its scope (Bitrix24's docs, "> Scope:" of each method).
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  // basic: any caller
  batch: [], scope: [], methods: [], "method.get": [], "server.time": [], "app.info": [], profile: [],
  "feature.get": [], "user.access": [], "access.name": [], "user.admin": [],
  im: ["im"], imbot: ["imbot"], imopenlines: ["imopenlines"], imconnector: ["imconnector"],
  user: ["user"], "user.current": USER_READ, "user.get": USER_READ, "user.search": USER_READ, "user.fields": USER_READ,
  "user.userfield": ["user.userfield"],
  department: ["department"],
  task: ["task"], tasks: ["task"],
  disk: ["disk"],
  crm: ["crm"],
  calendar: ["calendar"],
  timeman: ["timeman"],
  log: ["log"],
  sonet_group: ["sonet_group"], socialnetwork: ["socialnetwork", "sonet_group"],
  entity: ["entity"], placement: ["placement"], lists: ["lists"], bizproc: ["bizproc"], telephony: ["telephony"],
  voximplant: ["telephony"], landing: ["landing"], catalog: ["catalog"], sale: ["sale"], pull: ["pull"],
};

/** The scopes a method needs (any one of them), from METHOD_SCOPES; undefined when the table has no family for it. */
export function tableScopes(method: string): readonly string[] | undefined {
  let name = method.toLowerCase();
  for (;;) {
    const scopes = Object.hasOwn(METHOD_SCOPES, name) ? METHOD_SCOPES[name] : undefined;
    if (scopes) return scopes;
    const dot = name.lastIndexOf(".");
    if (dot < 0) return undefined;
    name = name.slice(0, dot);
  }
}

/** True when a caller with `granted` (undefined = all) may call a method that needs `needed`. */
export function allowedBy(needed: readonly string[], granted: readonly string[] | undefined): boolean {
  return needed.length === 0 || granted === undefined || needed.some((scope) => granted.includes(scope));
}

/**
 * A scope list as apps and webhooks are given it ("im,user", "im user", an array): lower-cased,
 * without repeats, in the order given; a one-line message for a name Bitrix24 has no scope for.
 */
export function parseScopes(given: string | readonly string[]): string[] | string {
  const names = (typeof given === "string" ? given.split(/[\s,]+/) : given).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = names.find((name) => !ALL_SCOPES.includes(name));
  if (unknown !== undefined) return `unknown scope "${unknown}" (Bitrix24's scopes: ${ALL_SCOPES.join(", ")})`;
  return [...new Set(names)];
}

/** parseScopes for code: throws the message as an Error. */
export function scopeList(given: string | readonly string[]): string[] {
  const scopes = parseScopes(given);
  if (typeof scopes === "string") throw new Error(scopes);
  return scopes;
}

/** A handler that needs `scope` (outside METHOD_SCOPES' families; inside them the table decides). */
export function scoped(scope: string, handler: (ctx: MethodContext) => unknown): MethodHandler {
  return Object.assign((ctx: MethodContext) => handler(ctx), { scope });
}

export class MethodRegistry {
  private readonly handlers = new Map<string, MethodHandler>();

  /** Registers (or replaces) a handler. */
  register(name: string, handler: MethodHandler): this {
    this.handlers.set(name.toLowerCase(), handler);
    return this;
  }

  registerAll(table: Record<string, MethodHandler>): this {
    for (const [name, handler] of Object.entries(table)) this.register(name, handler);
    return this;
  }

  get(name: string): MethodHandler | undefined {
    return this.handlers.get(name.toLowerCase());
  }

  /** The scopes a method needs, any one of them ([] = none): its family's in METHOD_SCOPES, else its handler's own. */
  scopesOf(name: string): readonly string[] {
    const fromTable = tableScopes(name);
    if (fromTable) return fromTable;
    const own = this.get(name)?.scope;
    return own ? [own] : [];
  }

  /** Whether a caller with `granted` scopes (undefined = all) may call the method. */
  allows(name: string, granted: readonly string[] | undefined): boolean {
    return allowedBy(this.scopesOf(name), granted);
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
