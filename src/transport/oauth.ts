// OAuth that refreshes itself (bitrix24-rest.md §3.2-3.3): a connection holding an access token, a
// refresh token and the application's client id/secret refreshes only after a call fails with
// `expired_token` (Bitrix24 asks not to refresh on a timer), once for all calls that failed together,
// and hands the new pair to `onTokens` so it can be stored: the old refresh token is spent.
import { Bitrix24Error } from "./errors.js";
import { oauthTokenUrl, requestTokens } from "./oauth-token.js";

/** What the OAuth server answered to a refresh (field names as Bitrix24 sends them, camelCased). */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds when the access token expires, when the server said. */
  expires?: number;
  expiresIn?: number;
  clientEndpoint?: string;
  serverEndpoint?: string;
  memberId?: string;
  domain?: string;
  scope?: string;
}

export interface OAuthCredentials {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  /** The token endpoint; default: setOAuthServer()/OINT_OAUTH_URL/https://oauth.bitrix.info/oauth/token/. */
  tokenUrl?: string;
  /** Receives every new token pair; store it (the previous refresh token no longer works). */
  onTokens?: (tokens: TokenSet) => void | Promise<void>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class OAuthSession {
  private current: { accessToken: string; refreshToken: string };
  private inFlight: Promise<string> | undefined;
  /** Every token this session has held, so that none of them can leak into a message. */
  private readonly seen = new Set<string>();
  /** Refreshes done (for diagnostics and tests). */
  refreshCount = 0;

  constructor(private readonly credentials: OAuthCredentials) {
    this.current = { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken };
    this.remember(credentials.accessToken, credentials.refreshToken, credentials.clientSecret);
  }

  get accessToken(): string {
    return this.current.accessToken;
  }

  /** Secrets to mask in anything shown: past and present tokens and the client secret. */
  secrets(): string[] {
    return [...this.seen];
  }

  /**
   * A fresh access token after `staleToken` was refused. Calls that fail together share one
   * refresh; a call that failed with a token already replaced just takes the new one.
   */
  refresh(staleToken: string): Promise<string> {
    if (staleToken !== this.current.accessToken) return Promise.resolve(this.current.accessToken);
    this.inFlight ??= this.exchange().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async exchange(): Promise<string> {
    const { clientId, clientSecret } = this.credentials;
    const grant = { grant_type: "refresh_token", client_id: clientId, client_secret: clientSecret, refresh_token: this.current.refreshToken };
    let body: Record<string, unknown>;
    try {
      body = (await requestTokens(this.credentials.tokenUrl ?? oauthTokenUrl(), grant, {
        method: "POST",
        fetch: this.credentials.fetch,
        timeoutMs: this.credentials.timeoutMs,
      })) as unknown as Record<string, unknown>;
    } catch (error) {
      if (error instanceof Bitrix24Error) throw new Bitrix24Error(error.code, `token refresh failed: ${error.description}`, error.status, error.method);
      throw error;
    }
    if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") {
      throw new Bitrix24Error("invalid_response", "token refresh failed: the OAuth server did not return access_token and refresh_token", 200, "oauth/token");
    }
    const tokens = toTokenSet(body);
    this.current = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    this.remember(tokens.accessToken, tokens.refreshToken);
    this.refreshCount++;
    await this.credentials.onTokens?.(tokens);
    return tokens.accessToken;
  }

  private remember(...secrets: string[]): void {
    for (const secret of secrets) if (secret) this.seen.add(secret);
  }
}

function toTokenSet(body: Record<string, unknown>): TokenSet {
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : undefined);
  const number = (key: string) => (body[key] === undefined || body[key] === null || body[key] === "" ? undefined : Number(body[key]));
  return {
    accessToken: body.access_token as string,
    refreshToken: body.refresh_token as string,
    expires: number("expires"),
    expiresIn: number("expires_in"),
    clientEndpoint: text("client_endpoint"),
    serverEndpoint: text("server_endpoint"),
    memberId: text("member_id"),
    domain: text("domain"),
    scope: text("scope"),
  };
}
