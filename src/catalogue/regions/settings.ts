// Settings and administration (OpenIntegrations region `НастройкиИАдминистрирование`), opi-bitrix24.md §2.1.
import { flow, local, rest, tokenParam, urlParam } from "../define.js";
import { toText } from "../coerce.js";
import { requestTokens } from "../../transport/oauth-token.js";

const region = "Settings and administration";

export const serverTime = rest<string>()({
  name: "ServerTime",
  ru: "СерверноеВремя",
  region,
  summary: "Returns the portal's current time (ISO 8601)",
  method: "server.time",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

// ---- OAuth 2.0 (bitrix24-rest.md §3, opi-bitrix24.md §4.8) ----------------------------------------

const clientIdParam = { name: "clientId", option: "clientid", short: "c", kind: "string", required: true, description: "Client ID (client_id) from the application's settings" } as const;
const clientSecretParam = { name: "clientSecret", option: "clientsecret", short: "l", kind: "string", secret: true, required: true, description: "Client secret (client_secret) from the application's settings" } as const;
const oauthServerNote = "at the OAuth server (oauth.bitrix.info; another one via OINT_OAUTH_URL or setOAuthServer(), e.g. the local portal's http://127.0.0.1:PORT/oauth/token/)";

export const getAppAuthLink = local()({
  name: "GetAppAuthLink",
  ru: "ПолучитьСсылкуАвторизацииПриложения",
  region,
  summary: "Builds the link a user opens to authorise the application: https://<domain>/oauth/authorize/?client_id=<id>",
  params: [
    { name: "domain", option: "domain", short: "d", kind: "string", required: true, description: "Portal address, e.g. portal.bitrix24.com (https:// is added unless a scheme is given)" },
    clientIdParam,
  ],
  build: (values): string => {
    // OpenIntegrations adds https:// only when the domain has no scheme (and fails when it has one).
    const domain = toText(values.domain).trim();
    const base = /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
    return `${base.endsWith("/") ? base : `${base}/`}oauth/authorize/?client_id=${encodeURIComponent(toText(values.clientId).trim())}`;
  },
});

export const getToken = flow()({
  name: "GetToken",
  ru: "ПолучитьТокен",
  region,
  summary: `Exchanges an authorization code (valid 30 s) for access and refresh tokens ${oauthServerNote}`,
  replay: "unsafe", // a code is single-use
  calls: ["oauth/token (GET, grant_type=authorization_code)"],
  params: [
    clientIdParam,
    clientSecretParam,
    { name: "code", option: "code", short: "d", kind: "string", secret: true, required: true, description: "The code from the authorisation redirect (GetAppAuthLink)" },
  ],
  perform: (values, ctx) =>
    requestTokens(ctx.oauthTokenUrl(), {
      grant_type: "authorization_code",
      client_id: toText(values.clientId),
      client_secret: toText(values.clientSecret),
      code: toText(values.code),
    }, { debug: ctx.debug }),
});

export const refreshToken = flow()({
  name: "RefreshToken",
  ru: "ОбновитьТокен",
  region,
  summary: `Gets a new access token (and a new refresh token; the old one is spent) ${oauthServerNote}`,
  replay: "unsafe", // the refresh token rotates
  calls: ["oauth/token (GET, grant_type=refresh_token)"],
  params: [
    clientIdParam,
    clientSecretParam,
    { name: "refresh", option: "refresh", short: "r", kind: "string", secret: true, required: true, description: "The refresh token from GetToken or the previous RefreshToken" },
  ],
  perform: (values, ctx) =>
    requestTokens(ctx.oauthTokenUrl(), {
      grant_type: "refresh_token",
      client_id: toText(values.clientId),
      client_secret: toText(values.clientSecret),
      refresh_token: toText(values.refresh),
    }, { debug: ctx.debug }),
});

export const settingsFunctions = [getAppAuthLink, getToken, refreshToken, serverTime] as const;
