// The portal's OAuth 2.0 side (bitrix24-rest.md §3): the authorisation page a user opens
// (/oauth/authorize/), which hands out a 30-second single-use code, and the token endpoint that
// oauth.bitrix.info plays for real portals (/oauth/token/): authorization_code and refresh_token
// grants for registered apps, rotating refresh tokens, and access tokens that go into the portal's
// Credentials with an expiry, so REST calls with them expire like on Bitrix24.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { randomToken, type Credentials } from "../http/auth.js";
import { ALL_SCOPES, scopeList } from "../http/registry.js";
import { parseBody, parseQuery } from "../http/body.js";
import type { Params } from "../http/params.js";
import type { ExtraRoute, ExtraRouteContext } from "../http/server.js";
import type { OAuthTokens } from "../../transport/oauth-token.js";

export interface OAuthAppSpec {
  /** Default: a Bitrix24-style local app id, `local.<hex>.<digits>`. */
  clientId?: string;
  /** Default: 50 random letters and digits. */
  clientSecret?: string;
  /** Where /oauth/authorize/ redirects with the code; absent = the code is shown as JSON. */
  redirectUri?: string;
  /**
   * The app's scopes, comma-separated ("im,user"): reported with its tokens, and its tokens may
   * call only methods of these scopes (insufficient_scope otherwise). Default: every scope.
   */
  scope?: string;
}

export type OAuthApp = Required<Omit<OAuthAppSpec, "redirectUri">> & { redirectUri?: string };

export interface OAuthOptions {
  /** Registered applications; default: one app with random credentials and no redirect URI. */
  apps?: OAuthAppSpec[];
  /** The default app's scopes when `apps` is not given (default: every scope); a saved default app takes them too. */
  defaultScope?: string;
  /** Access token lifetime in seconds (default 3600, as on Bitrix24). */
  accessTokenLifetime?: number;
  /** Refresh token lifetime in seconds (default 180 days). */
  refreshTokenLifetime?: number;
  /** Authorization code lifetime in seconds (default 30). */
  codeLifetime?: number;
  /** The user who "logs in" at /oauth/authorize/ (default 1). */
  userId?: number;
}

/** The token endpoint's answer (fixtures/opi-samples/RefreshToken.json): the shape the client reads. */
export type TokenAnswer = OAuthTokens;

interface Grant {
  clientId: string;
  userId: number;
  expiresAt: number;
}

/** What OAuthServer keeps across restarts (persistence.ts). */
export interface OAuthSnapshot {
  memberId: string;
  apps: OAuthApp[];
  refreshTokens: (Grant & { token: string })[];
}

type Outcome = { status: number; body: TokenAnswer | { error: string; error_description: string } };

const DAY = 24 * 60 * 60;
/** How long an expired authorization code is still recognised as one (then it is just unknown). */
const CODE_MEMORY_MS = 10 * 60 * 1000;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomText(length: number): string {
  return [...randomBytes(length)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join("");
}

const oauthError = (status: number, error: string, description: string): Outcome => ({ status, body: { error, error_description: description } });

export class OAuthServer {
  /** The portal's id, stable for its lifetime (Bitrix24's `member_id`); a saved portal keeps its own. */
  get memberId(): string {
    return this.portalId;
  }
  private portalId = randomBytes(16).toString("hex");
  /** Apps came from OAuthOptions.apps (they then win over saved ones on restore). */
  private readonly appsConfigured: boolean;
  private readonly defaultScope?: string;
  private readonly apps = new Map<string, OAuthApp>();
  private readonly codes = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTtl: number;
  private readonly refreshTtl: number;
  private readonly codeTtl: number;
  private readonly userId: number;
  private readonly listeners = new Set<() => void>();

  /** Calls back after apps or refresh tokens change (persistence.ts). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  constructor(
    private readonly credentials: Credentials,
    private readonly portalUrl: () => string,
    options: OAuthOptions = {},
  ) {
    this.accessTtl = options.accessTokenLifetime ?? 3600;
    this.refreshTtl = options.refreshTokenLifetime ?? 180 * DAY;
    this.codeTtl = options.codeLifetime ?? 30;
    this.userId = options.userId ?? 1;
    this.appsConfigured = options.apps !== undefined;
    if (options.defaultScope !== undefined) this.defaultScope = scopeList(options.defaultScope).join(",");
    for (const app of options.apps ?? [{ scope: this.defaultScope }]) this.registerApp(app);
  }

  /** The portal id, apps and refresh tokens, for persistence.ts (codes live 30 s and are not kept). */
  snapshot(): OAuthSnapshot {
    return {
      memberId: this.portalId,
      apps: [...this.apps.values()],
      refreshTokens: [...this.refreshTokens].map(([token, grant]) => ({ token, ...grant })),
    };
  }

  /** Takes saved state: apps configured at start come first and win; a random default app gives way to saved ones. */
  restore(saved: OAuthSnapshot): void {
    this.portalId = saved.memberId;
    const configured = this.appsConfigured ? [...this.apps.values()] : [];
    if (configured.length > 0 || saved.apps.length > 0) {
      this.apps.clear();
      for (const app of [...configured, ...saved.apps]) if (!this.apps.has(app.clientId)) this.apps.set(app.clientId, app);
    }
    // The scopes asked for at this start apply to the saved default app (the one `oint sandbox` prints).
    if (!this.appsConfigured && this.defaultScope !== undefined && this.apps.size > 0) this.defaultApp.scope = this.defaultScope;
    this.refreshTokens.clear();
    for (const { token, ...grant } of saved.refreshTokens) this.refreshTokens.set(token, grant);
  }

  registerApp(spec: OAuthAppSpec = {}): OAuthApp {
    const app: OAuthApp = {
      clientId: spec.clientId ?? `local.${randomBytes(7).toString("hex")}.${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, "0")}`,
      clientSecret: spec.clientSecret ?? randomText(50),
      // Checked here, so a misspelt scope is an error at start and not a token that can call nothing.
      scope: spec.scope === undefined ? ALL_SCOPES.join(",") : scopeList(spec.scope).join(","),
      ...(spec.redirectUri ? { redirectUri: spec.redirectUri } : {}),
    };
    this.apps.set(app.clientId, app);
    this.changed();
    return app;
  }

  /** The first registered app (the one `oint sandbox` prints). */
  get defaultApp(): OAuthApp {
    return this.apps.values().next().value!;
  }

  /** The routes to serve: /oauth/authorize/ and /oauth/token/. */
  routes(): ExtraRoute[] {
    return [
      { prefix: "/oauth/authorize", handle: (ctx) => this.serveAuthorize(ctx) },
      { prefix: "/oauth/token", handle: (ctx) => this.serveToken(ctx) },
    ];
  }

  /** Issues a code for the app, as a logged-in user's visit to /oauth/authorize/ does; null for an unknown app. */
  authorize(clientId: string, now = Date.now()): string | null {
    if (!this.apps.has(clientId)) return null;
    // Expired codes are kept a while, so a late exchange still hears expired_token (not invalid_grant).
    for (const [code, grant] of this.codes) if (grant.expiresAt + CODE_MEMORY_MS <= now) this.codes.delete(code);
    const code = randomToken();
    this.codes.set(code, { clientId, userId: this.userId, expiresAt: now + this.codeTtl * 1000 });
    return code;
  }

  /** The token endpoint's logic: a grant's parameters in, the answer and its HTTP status out. */
  exchange(params: Params, now = Date.now()): Outcome {
    const text = (name: string) => (typeof params[name] === "string" ? (params[name] as string).trim() : "");
    const grantType = text("grant_type");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return oauthError(400, "invalid_request", grantType ? `Unsupported grant_type "${grantType}"` : "grant_type is required");
    }
    for (const name of ["client_id", "client_secret"]) if (!text(name)) return oauthError(400, "invalid_request", `${name} is required`);
    const app = this.apps.get(text("client_id"));
    if (!app || app.clientSecret !== text("client_secret")) return oauthError(401, "invalid_client", "Invalid client_id or client_secret");

    if (grantType === "authorization_code") {
      const code = text("code");
      if (!code) return oauthError(400, "invalid_request", "code is required");
      const grant = this.codes.get(code);
      this.codes.delete(code); // single use, even when the attempt fails
      if (!grant || grant.clientId !== app.clientId) return oauthError(400, "invalid_grant", "Invalid authorization code");
      // What oauth.bitrix.info answers to a code past its 30 seconds (fixtures/opi-samples/GetToken.json).
      if (grant.expiresAt <= now) return oauthError(401, "expired_token", "The authorization token provided has expired.");
      return { status: 200, body: this.issue(app, grant.userId, now) };
    }

    const refresh = text("refresh_token");
    if (!refresh) return oauthError(400, "invalid_request", "refresh_token is required");
    const grant = this.refreshTokens.get(refresh);
    if (!grant || grant.clientId !== app.clientId) return oauthError(400, "invalid_grant", "Invalid refresh token");
    this.refreshTokens.delete(refresh); // rotation: the old refresh token is spent
    this.changed();
    if (grant.expiresAt <= now) return oauthError(400, "invalid_grant", "The refresh token has expired");
    return { status: 200, body: this.issue(app, grant.userId, now) };
  }

  private issue(app: OAuthApp, userId: number, now: number): TokenAnswer {
    // The token carries the app's scopes as they are now (a refresh picks up a changed app).
    const accessToken = this.credentials.issueToken(userId, this.accessTtl, now, grantedScopes(app));
    const refreshToken = randomToken();
    this.refreshTokens.set(refreshToken, { clientId: app.clientId, userId, expiresAt: now + this.refreshTtl * 1000 });
    this.changed();
    const portal = this.portalUrl();
    return {
      access_token: accessToken,
      expires: Math.floor(now / 1000) + this.accessTtl,
      expires_in: this.accessTtl,
      scope: app.scope,
      // The portal is its own OAuth server, so both endpoints point at it.
      domain: new URL(portal).host,
      server_endpoint: `${portal}/rest/`,
      status: "L",
      client_endpoint: `${portal}/rest/`,
      member_id: this.memberId,
      user_id: userId,
      refresh_token: refreshToken,
    };
  }

  private serveAuthorize({ res, url }: ExtraRouteContext): void {
    if (!/^\/oauth\/authorize\/?$/.test(url.pathname)) return notFound(res);
    const clientId = url.searchParams.get("client_id") ?? "";
    const app = this.apps.get(clientId);
    const code = app ? this.authorize(clientId) : null;
    if (!app || !code) {
      // Bitrix24 shows its own error page and never redirects to an unknown app.
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(clientId ? `Application "${clientId}" is not installed on this portal.\n` : "client_id is required.\n");
      return;
    }
    const host = new URL(this.portalUrl()).host;
    const answer: Record<string, string> = { code, state: url.searchParams.get("state") ?? "", domain: host, member_id: this.memberId, scope: app.scope, server_domain: host };
    if (!app.redirectUri) return sendJson(res, 200, answer); // an app without a redirect URI gets the code shown
    const target = new URL(app.redirectUri);
    for (const [key, value] of Object.entries(answer)) target.searchParams.set(key, value);
    res.writeHead(302, { Location: target.toString(), "Content-Length": 0 });
    res.end();
  }

  private async serveToken({ req, res, url, body }: ExtraRouteContext): Promise<void> {
    if (!/^\/oauth\/token\/?$/.test(url.pathname)) return notFound(res);
    // GET with the grant in the query (the docs, OpenIntegrations) or POST form (b24jssdk).
    const form = await parseBody(req.headers["content-type"], body);
    const params: Params = { ...parseQuery(url.search), ...(form instanceof Error ? {} : form) };
    const outcome = this.exchange(params);
    sendJson(res, outcome.status, outcome.body);
  }
}

/** An app's scope text as a list (lenient: an app saved by an older release may name anything). */
function grantedScopes(app: OAuthApp): string[] {
  return app.scope.split(/[\s,]+/).map((name) => name.toLowerCase()).filter(Boolean);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
  res.end("Not Found");
}
