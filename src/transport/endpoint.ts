// Where a call goes and how it authenticates. A portal is reached either through an inbound
// webhook URL (https://portal/rest/<user>/<secret>/) or through the portal address plus an OAuth
// access token sent as the `auth` parameter. Users paste URLs in every form, so we accept them
// with or without scheme, `www.`, trailing slash or `rest/`.
import { inputError } from "./errors.js";

export type AuthMode = "webhook" | "token";

export interface Endpoint {
  /** Base URL the method name is appended to, always ending in `/`. */
  readonly base: string;
  readonly mode: AuthMode;
  /** Host (and port) of the portal: the key every per-portal limit is counted by. */
  readonly portal: string;
  /** OAuth access token (token mode only). */
  readonly token?: string;
  /** The webhook secret (webhook mode only), kept so it can be redacted wherever it appears. */
  readonly secret?: string;
}

const WEBHOOK_PATH = /^\/rest\/(\d+)\/([^/]+)\/?$/;

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts plain http is allowed to by default. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveEndpoint(url: string, token?: string): Endpoint {
  const raw = String(url ?? "").trim();
  if (!raw) throw inputError("the portal URL is empty; give a webhook URL (https://portal/rest/1/secret/) or a portal address with a token", "url");

  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : "https";
  if (scheme !== "https" && scheme !== "http") {
    throw inputError(`unsupported scheme "${scheme}://"; use https:// (or http:// for a local portal)`, "url");
  }
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${schemeMatch ? raw.slice(schemeMatch[0].length) : raw}`);
  } catch {
    throw inputError(`"${redactForMessage(raw)}" is not a URL; expected e.g. https://portal.bitrix24.ru/rest/1/secret/`, "url");
  }
  // OpenIntegrations strips `www.` anywhere in the string (which corrupts secrets containing it);
  // we strip it from the front of the host only.
  const hostname = parsed.hostname.replace(/^www\./i, "");
  if (scheme === "http" && !isLoopbackHost(hostname) && process.env.OINT_ALLOW_HTTP !== "1") {
    throw inputError(
      `plain http:// is refused for ${hostname}: Bitrix24 requires https and the webhook secret or token would travel unencrypted. Use https://, or set OINT_ALLOW_HTTP=1 to allow it`,
      "url",
    );
  }
  const portal = parsed.host.replace(/^www\./i, "");
  const origin = `${scheme}://${portal}`;
  const path = parsed.pathname.replace(/\/{2,}/g, "/");
  const hook = WEBHOOK_PATH.exec(path);
  const accessToken = token == null ? "" : String(token).trim();

  if (accessToken) {
    // Token mode: the token travels as `auth`; a webhook path, if given, is kept as the base.
    const base = hook ? `${origin}/rest/${hook[1]}/${hook[2]}/` : `${origin}${withRest(path)}`;
    return { base, mode: "token", portal, token: accessToken, secret: hook?.[2] };
  }
  if (!hook) {
    throw inputError(
      "this is not a webhook URL (expected https://portal/rest/<user id>/<secret>/); to call with an OAuth access token, pass the token too (--token)",
      "url",
    );
  }
  return { base: `${origin}/rest/${hook[1]}/${hook[2]}/`, mode: "webhook", portal, secret: hook[2] };
}

/** `/` -> `/rest/`, `/rest` -> `/rest/`, `/sub/` -> `/sub/rest/` (a portal behind a path prefix). */
function withRest(path: string): string {
  const p = path.endsWith("/") ? path : `${path}/`;
  return p.endsWith("/rest/") ? p : `${p}rest/`;
}

function redactForMessage(raw: string): string {
  return raw.replace(/(\/rest\/\d+\/)[^/]+/, "$1***");
}
