// Secrets never leave oint in clear text: webhook secrets (the path segment after the user id),
// OAuth tokens and client secrets are replaced by *** in everything we print, log or throw.

export const MASK = "***";

const SECRET_KEYS = new Set([
  "auth",
  "access_token",
  "refresh_token",
  "client_secret",
  "password",
  "token",
  "application_token",
  "clientsecret",
  "refresh",
]);
const SECRET_NAMES = [...SECRET_KEYS].join("|");
// The same names wherever a secret is written as text: a query value (links add their own: the OAuth
// grant's `code`, a download link's `token`, a signed link's `sig`) and a JSON pair (also escaped).
const QUERY_SECRET = new RegExp(`([?&](?:${SECRET_NAMES}|code|sig|signature|secret|api_?key)=)[^&#\\s"']*`, "gi");
const JSON_SECRET = new RegExp(`(\\\\?"(?:${SECRET_NAMES})\\\\?"\\s*:\\s*\\\\?")(?:[^"\\\\]|\\\\(?!"))*`, "gi");

/**
 * `/rest/1/abcdef/` -> `/rest/1/***`; secret-bearing query values (`auth=…`, the OAuth grant's `code=…`, a
 * download link's `token=…`, a signed link's `sig=…`) -> `auth=***`;
 * and secret-bearing JSON pairs in a text (`"access_token":"…"`, also inside an escaped JSON string) ->
 * `"access_token":"***"`: a token server's page that is not clean JSON still carries the new tokens.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/(\/rest\/\d+\/)[^/?#\s"']+/g, `$1${MASK}`)
    .replace(QUERY_SECRET, `$1${MASK}`)
    .replace(JSON_SECRET, `$1${MASK}`);
}

/** A deep copy of a request body or envelope with secret-bearing keys masked. */
export function redactValue<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) && v !== "" && v != null ? MASK : walk(v);
    }
    return out;
  }
  return value;
}

/** Masks known secret strings (a token given on the command line, say) wherever they occur, as typed or URL-encoded. */
export function redactKnown(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}
