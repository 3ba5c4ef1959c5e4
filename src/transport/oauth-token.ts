// The OAuth token endpoint (oauth.bitrix.info/oauth/token/, or a local portal's): one request per
// grant. GetToken/RefreshToken send a GET with the grant in the query, as OpenIntegrations and the
// Bitrix24 docs do; the client's automatic refresh POSTs a form so secrets stay out of URLs. The
// answers have no `result` wrapper and are returned unchanged; `{error, error_description}` becomes
// a Bitrix24Error.
import { isLoopbackHost } from "./endpoint.js";
import { readAnswer } from "./answer.js";
import { inputError, TransportError } from "./errors.js";
import { httpSend, type HttpAnswer, type HttpSend } from "./http.js";
import { redactKnown } from "./redact.js";

/** What Bitrix24's OAuth server answers to a successful grant (bitrix24-rest.md §3.1-3.2). */
export interface OAuthTokens {
  access_token: string;
  expires: number;
  expires_in: number;
  scope: string;
  domain: string;
  server_endpoint: string;
  status: string;
  client_endpoint: string;
  member_id: string;
  user_id: number;
  refresh_token: string;
}

/** The name errors carry in `method`, so messages read "oauth/token: invalid_grant - …". */
export const OAUTH_METHOD = "oauth/token";

const DEFAULT_TOKEN_URL = "https://oauth.bitrix.info/oauth/token/";
let configuredTokenUrl: string | undefined;

/** Where token requests go: a local portal's /oauth/token/ in tests, oauth.bitrix.info otherwise. */
export function setOAuthServer(url: string | undefined): void {
  configuredTokenUrl = url;
}

/** setOAuthServer(), else OINT_OAUTH_URL, else oauth.bitrix.info. */
export function oauthTokenUrl(): string {
  return configuredTokenUrl ?? process.env.OINT_OAUTH_URL ?? DEFAULT_TOKEN_URL;
}

export interface TokenRequestOptions {
  /** GET with the grant in the query (OpenIntegrations) or POST as a form (default GET). */
  method?: "GET" | "POST";
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** One line per request and answer, secrets masked (the CLI's --debug). */
  debug?: (line: string) => void;
}

export async function requestTokens(tokenUrl: string, grant: Record<string, string>, options: TokenRequestOptions = {}): Promise<OAuthTokens> {
  const { method = "GET", timeoutMs = 60_000 } = options;
  const url = tokenEndpoint(tokenUrl);
  // Like OpenIntegrations' AddField: empty values are left out (the server then names what is missing).
  const fields = new URLSearchParams();
  for (const [key, value] of Object.entries(grant)) if (value) fields.set(key, value);
  if (method === "GET") url.search = fields.toString();
  const secrets = [grant.client_secret, grant.code, grant.refresh_token];
  const clean = (text: string) => redactKnown(text, secrets);

  options.debug?.(`${method} ${clean(url.toString())}${method === "POST" ? ` ${clean(fields.toString())}` : ""}`);
  const started = Date.now();
  let response: HttpAnswer;
  let text: string;
  try {
    response = await ((options.fetch as HttpSend | undefined) ?? httpSend)(url.toString(), {
      method,
      headers: method === "POST" ? { accept: "application/json", "content-type": "application/x-www-form-urlencoded" } : { accept: "application/json" },
      body: method === "POST" ? fields.toString() : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err?.name === "TimeoutError") {
      throw new TransportError("TIMEOUT", `${OAUTH_METHOD}: no answer from ${url.host} within ${timeoutMs / 1000} s`, OAUTH_METHOD, true);
    }
    const reason = clean(err?.cause?.message ?? err?.message ?? String(error));
    throw new TransportError("CONNECTION_FAILED", `${OAUTH_METHOD}: could not reach ${url.host} (${reason})`, OAUTH_METHOD, err?.cause?.code !== "ECONNREFUSED");
  }
  options.debug?.(`answer HTTP ${response.status} in ${Date.now() - started} ms`);
  // The token server's answer has no `result` wrapper: a token set, or the error envelope.
  return readAnswer<OAuthTokens>(response.status, text, { method: OAUTH_METHOD, redact: clean, expected: (body) => typeof body.access_token === "string", expectedName: "a token answer (no access_token or error)" });
}

/** The token URL, refused when it would send the client secret in clear text to another machine. */
function tokenEndpoint(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw inputError(`the OAuth server address "${text}" is not a URL (set OINT_OAUTH_URL or setOAuthServer() to e.g. https://oauth.bitrix.info/oauth/token/)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw inputError(`the OAuth server address must be https:// (got ${url.protocol}//)`);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && process.env.OINT_ALLOW_HTTP !== "1") {
    throw inputError(`plain http:// is refused for the OAuth server ${url.hostname}: the client secret would travel unencrypted. Use https://, or set OINT_ALLOW_HTTP=1`);
  }
  return url;
}
