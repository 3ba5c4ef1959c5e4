// OAuth that refreshes itself (bitrix24-rest.md §3.2-3.3): a connection holding an access token, a
// refresh token and the application's client id/secret refreshes only after a call fails with
// `expired_token` (Bitrix24 asks not to refresh on a timer), once for all calls that failed together,
// and hands the new pair to `onTokens` so it can be stored: the old refresh token is spent.
// Several processes sharing one token pair (CLI runs on one profile) plug in a TokenStore: the
// refresh then runs under its lock, and a pair another process rotated meanwhile is taken, not spent
// again (which would fail with invalid_grant).
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
  /** Where tokens shared with other processes live; see TokenStore. Default: none (this process only). */
  store?: TokenStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** An access/refresh pair as kept in a store. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * Tokens shared by several processes (a profile file, a database row). A refresh then goes:
 * lock → load: if the stored access token is not the one that was refused, another process has
 * rotated the pair, so it is taken as it is → else refresh, save, unlock. A refresh refused with
 * `invalid_grant` (the refresh token was spent by someone who did not take the lock) loads once more.
 */
export interface TokenStore {
  /** Runs `work` while no other user of these tokens can refresh them. */
  lock<T>(work: () => Promise<T>): Promise<T>;
  /** The pair as stored now; undefined when there is none (then this session's own pair is used). */
  load(): StoredTokens | undefined | Promise<StoredTokens | undefined>;
  /** Keeps a freshly issued pair (under the lock, before `onTokens`). */
  save(tokens: TokenSet): void | Promise<void>;
}

export class OAuthSession {
  private current: { accessToken: string; refreshToken: string };
  private inFlight: Promise<string> | undefined;
  private store: TokenStore | undefined;
  /** Every token this session has held, so that none of them can leak into a message. */
  private readonly seen = new Set<string>();
  /** Refreshes done (for diagnostics and tests). */
  refreshCount = 0;

  constructor(private readonly credentials: OAuthCredentials) {
    this.current = { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken };
    this.store = credentials.store;
    this.remember(credentials.accessToken, credentials.refreshToken, credentials.clientSecret);
  }

  /** What logging shows of a session: how often it refreshed; never its tokens or the client secret. */
  toJSON(): { clientId: string; refreshes: number; sharedStore: boolean } {
    return { clientId: this.credentials.clientId, refreshes: this.refreshCount, sharedStore: !!this.store };
  }

  [Symbol.for("nodejs.util.inspect.custom")](_depth: number, options: unknown, inspect: (value: unknown, options: unknown) => string): string {
    return `OAuthSession ${inspect(this.toJSON(), options)}`;
  }

  /** Shares the tokens through `store` from now on (for a session a client has already built). */
  useStore(store: TokenStore): void {
    this.store = store;
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
    if (!this.inFlight) {
      const store = this.store;
      const refreshing = store ? store.lock(() => this.refreshShared(store, staleToken)) : this.exchange(this.current.refreshToken);
      this.inFlight = refreshing.finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** Under the store's lock: take a pair another process rotated meanwhile, else refresh and save. */
  private async refreshShared(store: TokenStore, staleToken: string): Promise<string> {
    const stored = await store.load();
    if (stored && stored.accessToken !== staleToken) return this.adopt(stored);
    try {
      return await this.exchange(stored?.refreshToken ?? this.current.refreshToken, store);
    } catch (error) {
      if (!(error instanceof Bitrix24Error && error.code === "invalid_grant")) throw error;
      // The refresh token was spent by a process that did not wait for the lock: take its pair.
      const late = await store.load();
      if (late && late.accessToken !== staleToken) return this.adopt(late);
      throw error;
    }
  }

  private adopt(stored: StoredTokens): string {
    this.current = { accessToken: stored.accessToken, refreshToken: stored.refreshToken };
    this.remember(stored.accessToken, stored.refreshToken);
    return stored.accessToken;
  }

  private async exchange(refreshToken: string, store?: TokenStore): Promise<string> {
    const { clientId, clientSecret } = this.credentials;
    const grant = { grant_type: "refresh_token", client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken };
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
    await store?.save(tokens);
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
