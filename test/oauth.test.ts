// OAuth 2.0 against the local portal: GetAppAuthLink -> /oauth/authorize/ -> code -> GetToken ->
// REST calls with the token -> expiry (401 expired_token) -> RefreshToken (rotating) -> errors.
// Through the library and the CLI; answers compared with OpenIntegrations' real samples.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { bitrix24, Bitrix24Error, InputError, setOAuthServer, TransportError } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { runSandbox } from "../src/portal/cli.js";
import { runCli } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const APP = { clientId: "local.6667fc928a50a9.70414732", clientSecret: "Kq3mZ8rT1vX6yB0nC4dF7gH2jL5pS9wA1eR3tY6uI8oP0aS2dF", redirectUri: "https://app.example.com/b24/callback" };
const LIFETIME = 2; // seconds an access token lives on this portal, so expiry can be seen in a test

let portal: RunningPortal;
let tokenUrl: string;
before(async () => {
  portal = await startPortal({ oauth: { apps: [APP], accessTokenLifetime: LIFETIME } });
  tokenUrl = `${portal.url}/oauth/token/`;
  setOAuthServer(tokenUrl);
});
after(async () => {
  setOAuthServer(undefined);
  await portal?.close();
});

/** Plays the user who opens the link and approves: returns the redirect's query. */
async function authorize(link: string): Promise<URLSearchParams> {
  const response = await fetch(link, { redirect: "manual" });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get("location")!);
  assert.equal(`${location.origin}${location.pathname}`, APP.redirectUri);
  return location.searchParams;
}

describe("GetAppAuthLink", () => {
  it("builds https://<domain>/oauth/authorize/?client_id=<id> like the sample", () => {
    const link = bitrix24.getAppAuthLink("b24-ar17wx.bitrix24.by", APP.clientId);
    assert.equal(link, opiSample("GetAppAuthLink"));
  });

  it("keeps a scheme that is given (OpenIntegrations fails there) and adds no second slash", () => {
    assert.equal(bitrix24.getAppAuthLink("http://127.0.0.1:3777", "app"), "http://127.0.0.1:3777/oauth/authorize/?client_id=app");
    assert.equal(bitrix24.getAppAuthLink("https://portal.example.com/", "app"), "https://portal.example.com/oauth/authorize/?client_id=app");
  });
});

describe("the authorisation page", () => {
  it("redirects to the app with code, state, domain, member_id, scope and server_domain", async () => {
    const query = await authorize(`${bitrix24.getAppAuthLink(portal.url, APP.clientId)}&state=xyz`);
    assert.deepEqual([...query.keys()].sort(), ["code", "domain", "member_id", "scope", "server_domain", "state"]);
    assert.equal(query.get("state"), "xyz");
    assert.equal(query.get("domain"), new URL(portal.url).host);
    assert.equal(query.get("member_id"), portal.oauth.memberId);
    assert.match(query.get("code")!, /^[0-9a-f]{20,}$/);
  });

  it("an unknown client_id gets an error page, never a redirect", async () => {
    const response = await fetch(`${portal.url}/oauth/authorize/?client_id=local.nope`, { redirect: "manual" });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("location"), null);
  });

  it("an app without a redirect URI is shown the code", async () => {
    const other = portal.oauth.registerApp({});
    const response = await fetch(bitrix24.getAppAuthLink(portal.url, other.clientId));
    assert.equal(response.status, 200);
    const shown = await response.json();
    assert.equal(typeof shown.code, "string");
    assert.equal(shown.member_id, portal.oauth.memberId);
  });
});

describe("the whole OAuth dance (library)", () => {
  it("code -> tokens -> REST call -> expired_token -> RefreshToken -> new token works, old refresh token refused", async () => {
    const code = (await authorize(bitrix24.getAppAuthLink(portal.url, APP.clientId))).get("code")!;
    const tokens = await bitrix24.getToken(APP.clientId, APP.clientSecret, code);

    // GET to the token URL with the grant in the query, as OpenIntegrations does.
    const request = portal.requests.at(-1)!;
    assert.equal(request.httpMethod, "GET");
    assert.equal(request.path, "/oauth/token/");
    assert.deepEqual(request.query, { grant_type: "authorization_code", client_id: APP.clientId, client_secret: APP.clientSecret, code });
    // The full field set of a real answer, no `result` wrapper.
    assertLikeSample(tokens, "RefreshToken");
    assert.equal(tokens.expires_in, LIFETIME);
    assert.equal(tokens.user_id, 1);
    assert.equal(tokens.client_endpoint, `${portal.url}/rest/`);
    assert.equal(tokens.status, "L");

    const me = await bitrix24.getCurrentUser(portal.url, tokens.access_token);
    assert.equal(me.result.ID, "1");

    // Wait out the short lifetime this portal gives tokens.
    await sleep(Math.max(0, tokens.expires * 1000 - Date.now()) + 1100);
    await assert.rejects(bitrix24.serverTime(portal.url, tokens.access_token), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.deepEqual([e.code, e.status], ["expired_token", 401]);
      return true;
    });

    const renewed = await bitrix24.refreshToken(APP.clientId, APP.clientSecret, tokens.refresh_token);
    assert.deepEqual(portal.requests.at(-1)!.query, { grant_type: "refresh_token", client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: tokens.refresh_token });
    assertLikeSample(renewed, "RefreshToken");
    assert.notEqual(renewed.access_token, tokens.access_token);
    assert.notEqual(renewed.refresh_token, tokens.refresh_token);
    assert.equal(typeof (await bitrix24.serverTime(portal.url, renewed.access_token)).result, "string");

    // Rotation: the old refresh token is spent; so is the code.
    await assert.rejects(bitrix24.refreshToken(APP.clientId, APP.clientSecret, tokens.refresh_token), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.deepEqual([e.code, e.status, e.method], ["invalid_grant", 400, "oauth/token"]);
      return true;
    });
    await assert.rejects(bitrix24.getToken(APP.clientId, APP.clientSecret, code), (e: unknown) => e instanceof Bitrix24Error && e.code === "invalid_grant");
  });

  it("an unknown token is invalid_token, not expired", async () => {
    await assert.rejects(bitrix24.serverTime(portal.url, "0".repeat(70)), (e: unknown) => e instanceof Bitrix24Error && e.code === "invalid_token" && e.status === 401);
  });

  it("a wrong client secret is invalid_client (401), and the secret is not in the error", async () => {
    const code = (await authorize(bitrix24.getAppAuthLink(portal.url, APP.clientId))).get("code")!;
    await assert.rejects(bitrix24.getToken(APP.clientId, "wrong-secret-value", code), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.deepEqual([e.code, e.status], ["invalid_client", 401]);
      assert.ok(!e.message.includes("wrong-secret-value"));
      return true;
    });
  });

  it("a request without the code is invalid_request; missing values are refused before sending", async () => {
    const response = await fetch(`${tokenUrl}?grant_type=authorization_code&client_id=${APP.clientId}&client_secret=${APP.clientSecret}`);
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error, "invalid_request");

    const count = portal.requests.length;
    await assert.rejects(bitrix24.getToken(APP.clientId, "", "code"), InputError);
    assert.equal(portal.requests.length, count);
  });

  it("the token endpoint also takes a POST form (as b24jssdk sends it)", async () => {
    const code = (await authorize(bitrix24.getAppAuthLink(portal.url, APP.clientId))).get("code")!;
    const first = await bitrix24.getToken(APP.clientId, APP.clientSecret, code);
    const response = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: first.refresh_token }),
    });
    assert.equal(response.status, 200);
    assert.equal(typeof (await response.json()).access_token, "string");
  });
});

describe("a token answer that is not clean JSON", () => {
  it("is an unusable answer whose text, stack, JSON and inspection mask the new tokens it carries", async () => {
    const fresh = { access_token: "at-7c1f0e9b2a5d4c3e", refresh_token: "rt-4b8a2f6d1e0c9a7b" };
    // A PHP notice printed before the JSON: the tokens were issued (the old refresh token is spent),
    // but the answer cannot be read as one.
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`<b>Notice</b>: Undefined index: x in /oauth/token.php on line 3\n${JSON.stringify({ ...fresh, expires_in: 3600, escaped: JSON.stringify(fresh) })}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    setOAuthServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token/`);
    try {
      await assert.rejects(bitrix24.refreshToken(APP.clientId, APP.clientSecret, "rt-old-0a1b2c3d4e5f"), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.match(e.message, /not clean JSON/);
        assert.match(e.message, /"access_token":"\*\*\*"/);
        for (const shown of [e.message, String(e.stack), JSON.stringify(e), inspect(e)]) {
          for (const secret of [...Object.values(fresh), APP.clientSecret, "rt-old-0a1b2c3d4e5f"]) assert.ok(!shown.includes(secret), `${secret} shown`);
        }
        return true;
      });
    } finally {
      setOAuthServer(tokenUrl);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("an expired code", () => {
  it("answers like oauth.bitrix.info did in the GetToken sample", async () => {
    const quick = await startPortal({ oauth: { apps: [APP], codeLifetime: 0 } });
    try {
      const code = quick.oauth.authorize(APP.clientId)!;
      setOAuthServer(`${quick.url}/oauth/token/`);
      await assert.rejects(bitrix24.getToken(APP.clientId, APP.clientSecret, code), (e: unknown) => {
        assert.ok(e instanceof Bitrix24Error);
        assert.deepEqual(e.envelope, opiSample("GetToken"));
        return true;
      });
    } finally {
      setOAuthServer(tokenUrl);
      await quick.close();
    }
  });
});

describe("the CLI", () => {
  const env = () => ({ OINT_OAUTH_URL: tokenUrl });
  const secrets = (...extra: string[]) => [APP.clientSecret, ...extra];
  const assertNoSecrets = (text: string, list: string[]) => {
    for (const secret of list) assert.ok(!text.includes(secret), `a secret leaked: ${text}`);
  };

  it("GetAppAuthLink -d -c prints the bare link", async () => {
    const run = await runCli(["bitrix24", "GetAppAuthLink", "-d", "b24-ar17wx.bitrix24.by", "-c", APP.clientId]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), opiSample("GetAppAuthLink"));
  });

  it("GetToken and RefreshToken with short options, OINT_OAUTH_URL, --debug without secrets on stderr", async () => {
    const code = (await authorize(bitrix24.getAppAuthLink(portal.url, APP.clientId))).get("code")!;
    const got = await runCli(["bitrix24", "GetToken", "-c", APP.clientId, "-l", APP.clientSecret, "-d", code, "--debug"], { env: env() });
    assert.equal(got.code, 0, got.stderr);
    const tokens = JSON.parse(got.stdout);
    assertLikeSample(tokens, "RefreshToken");
    assertNoSecrets(got.stderr, secrets(code, tokens.access_token, tokens.refresh_token));

    const renewed = await runCli(["bitrix24", "RefreshToken", "-c", APP.clientId, "-l", APP.clientSecret, "-r", tokens.refresh_token, "--debug"], { env: env() });
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.notEqual(JSON.parse(renewed.stdout).access_token, tokens.access_token);
    assertNoSecrets(renewed.stderr, secrets(tokens.refresh_token));

    // The spent refresh token: exit 3, the OAuth error on stdout, a summary on stderr.
    const again = await runCli(["bitrix24", "ОбновитьТокен", "--clientid", APP.clientId, "--clientsecret", APP.clientSecret, "--refresh", tokens.refresh_token], { env: env() });
    assert.equal(again.code, 3);
    assert.equal(JSON.parse(again.stdout).error, "invalid_grant");
    assertNoSecrets(again.stdout + again.stderr, secrets(tokens.refresh_token));
  });

  it("a wrong secret exits 3 with invalid_client and never prints the secret", async () => {
    const run = await runCli(["bitrix24", "GetToken", "--clientid", APP.clientId, "--clientsecret", "not-the-secret-123", "--code", "abc", "--debug"], { env: env() });
    assert.equal(run.code, 3);
    assert.equal(JSON.parse(run.stdout).error, "invalid_client");
    assertNoSecrets(run.stdout + run.stderr, ["not-the-secret-123"]);
  });

  it("--test sends nothing and masks the client secret and the refresh token", async () => {
    const count = portal.requests.length;
    const run = await runCli(["bitrix24", "RefreshToken", "-c", APP.clientId, "-l", APP.clientSecret, "-r", "refresh-token-value-42", "--test"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(portal.requests.length, count);
    assertNoSecrets(run.stdout + run.stderr, secrets("refresh-token-value-42"));
  });

  it("a missing --clientsecret exits 4 naming it; the help names OINT_OAUTH_URL", async () => {
    const run = await runCli(["bitrix24", "GetToken", "--clientid", APP.clientId, "--code", "abc"], { env: env() });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--clientsecret/);
    const help = await runCli(["bitrix24", "GetToken", "--help"]);
    assert.match(help.stdout, /OINT_OAUTH_URL/);
    assert.match(help.stdout, /-l, --clientsecret/);
  });
});

describe("oint sandbox", () => {
  it("prints the OAuth app's client id and secret and the token URL", async () => {
    let printed = "";
    const stop = new AbortController();
    const running = runSandbox(["--port", "0"], { stdout: { write: (t: string) => (printed += t) }, stderr: { write: () => true }, signal: stop.signal });
    for (let i = 0; i < 500 && !printed.includes("Press Ctrl+C"); i++) await sleep(20);
    stop.abort();
    assert.equal(await running, 0);
    assert.match(printed, /client id local\.[0-9a-f]+\.\d+, client secret [A-Za-z0-9]{50}/);
    assert.match(printed, /\/oauth\/token\//);
  });
});
