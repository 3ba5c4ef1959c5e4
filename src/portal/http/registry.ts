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
   * The scopes the caller was granted (an app's `scope`), checked against each method's scope;
   * absent = every scope (webhooks of the local portal are made with all of them).
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

/**
 * Returns the `result` (or a PagedResult for list methods); throws RestError for Bitrix24's own
 * errors. Anything else thrown becomes 500 INTERNAL_SERVER_ERROR.
 */
export type MethodHandler = ((ctx: MethodContext) => unknown) & {
  /** The OAuth scope the method needs ("crm", "user", "im", …): refused with insufficient_scope without it. */
  readonly scope?: string;
};

/** A handler that needs `scope`. */
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

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
