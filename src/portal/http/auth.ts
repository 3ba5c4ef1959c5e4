// Who may call the portal: inbound webhooks (user id + secret in the path) and OAuth access tokens
// (the `auth` parameter). Kept apart from PortalState so the coming OAuth server can issue and
// rotate tokens here without touching portal data.
import { randomBytes, randomInt } from "node:crypto";

export interface TokenGrant {
  userId: number;
  /** Expiry as a Date.now() timestamp in ms; absent = never expires. */
  expiresAt?: number;
  /** The scopes the token carries (its app's); absent = every scope. */
  scopes?: string[];
}

export type TokenCheck = { ok: true; userId: number; scopes?: readonly string[] } | { ok: false; reason: "invalid" | "expired" };

/** An inbound webhook: its owner and the scopes it was created with (absent = every scope). */
export interface WebhookGrant {
  userId: number;
  scopes?: string[];
}

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A webhook secret like Bitrix24's own: 16 lowercase alphanumerics by default. */
export function randomSecret(length = 16): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** An access token shaped like Bitrix24's (70 hex characters). */
export function randomToken(): string {
  return randomBytes(35).toString("hex");
}

export interface CredentialsSnapshot {
  webhooks: (WebhookGrant & { secret: string })[];
  tokens: (TokenGrant & { token: string })[];
}

export class Credentials {
  /** secret -> the webhook's owner and scopes. */
  private readonly webhooks = new Map<string, WebhookGrant>();
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly listeners = new Set<() => void>();

  /** Calls back after webhooks or tokens change (persistence.ts). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Adds (or replaces) a webhook of `userId`; `scopes` as Bitrix24's webhook permissions, omitted = every scope. */
  addWebhook(userId: number, secret: string, scopes?: readonly string[]): void {
    this.webhooks.set(secret, scopes === undefined ? { userId } : { userId, scopes: [...scopes] });
    this.changed();
  }

  /** The webhook's user id when the path's user id and secret match one webhook, else null. */
  checkWebhook(userIdSegment: string, secret: string): number | null {
    const webhook = this.webhooks.get(secret);
    return webhook !== undefined && String(webhook.userId) === userIdSegment ? webhook.userId : null;
  }

  /** The scopes of the webhook with this secret (undefined = every scope, or no such webhook). */
  webhookScopes(secret: string): readonly string[] | undefined {
    return this.webhooks.get(secret)?.scopes;
  }

  addToken(token: string, grant: TokenGrant): void {
    this.tokens.set(token, { ...grant });
    this.changed();
  }

  /** Creates a fresh token for the user; `ttlSeconds` omitted = never expires, `scopes` omitted = every scope. */
  issueToken(userId: number, ttlSeconds?: number, now: number = Date.now(), scopes?: readonly string[]): string {
    const token = randomToken();
    this.addToken(token, {
      userId,
      ...(ttlSeconds === undefined ? {} : { expiresAt: now + ttlSeconds * 1000 }),
      ...(scopes === undefined ? {} : { scopes: [...scopes] }),
    });
    return token;
  }

  revokeToken(token: string): boolean {
    this.changed();
    return this.tokens.delete(token);
  }

  /** Makes a known token expired from `now` on (fault injection: "the token expired mid-run"). */
  expireToken(token: string, now: number = Date.now()): boolean {
    const grant = this.tokens.get(token);
    if (!grant) return false;
    grant.expiresAt = Math.min(grant.expiresAt ?? now, now);
    this.changed();
    return true;
  }

  /** Expires every token known now; tokens issued later (a refresh) are not affected. */
  expireAllTokens(now: number = Date.now()): void {
    for (const token of this.tokens.keys()) this.expireToken(token, now);
  }

  /** Webhooks and tokens, for persistence.ts (read them, do not change them). */
  snapshot(): CredentialsSnapshot {
    return {
      webhooks: [...this.webhooks].map(([secret, webhook]) => ({ secret, ...webhook })),
      tokens: [...this.tokens].map(([token, grant]) => ({ token, ...grant })),
    };
  }

  /** Adds saved webhooks and tokens to those configured at start. */
  restore(saved: CredentialsSnapshot): void {
    for (const { secret, userId, scopes } of saved.webhooks) this.addWebhook(userId, secret, scopes);
    for (const { token, ...grant } of saved.tokens) this.addToken(token, grant);
  }

  checkToken(token: unknown, now: number = Date.now()): TokenCheck {
    const grant = typeof token === "string" ? this.tokens.get(token) : undefined;
    if (!grant) return { ok: false, reason: "invalid" };
    if (grant.expiresAt !== undefined && grant.expiresAt <= now) return { ok: false, reason: "expired" };
    return grant.scopes === undefined ? { ok: true, userId: grant.userId } : { ok: true, userId: grant.userId, scopes: grant.scopes };
  }
}

/**
 * The access token of a request, wherever Bitrix24 takes it from: the `auth` parameter, the
 * `access_token` parameter (as @2bad/bitrix sends it) or an `Authorization: Bearer …` header.
 * Returns the parameters with the token as `auth` (and without `access_token`), so the rest of
 * the pipeline reads one place.
 */
export function withRequestToken(params: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> {
  const { access_token: accessToken, ...rest } = params;
  const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  const given = (value: unknown) => value !== undefined && value !== null && value !== "";
  const token = given(params.auth) ? params.auth : given(accessToken) ? accessToken : bearer;
  return token === undefined ? rest : { ...rest, auth: token };
}
