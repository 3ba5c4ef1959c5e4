// OAuth that refreshes itself: on expired_token the client refreshes once (shared by every call that
// failed together), repeats the calls and hands the new pair to onTokens; the rotated refresh token
// is the one used next time. Against the local portal's OAuth server (/oauth/token/).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error, type TokenSet } from "../src/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();

/** A fresh access/refresh pair for the portal's default app, as after the authorization-code flow. */
function grant() {
  const app = ctx.portal.oauth.defaultApp;
  const code = ctx.portal.oauth.authorize(app.clientId)!;
  const answer = ctx.portal.oauth.exchange({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code });
  assert.equal(answer.status, 200);
  const body = answer.body as { access_token: string; refresh_token: string };
  return { app, accessToken: body.access_token, refreshToken: body.refresh_token };
}

const tokenRequests = () => ctx.portal.requests.filter((r) => r.path.startsWith("/oauth/token")).length;

function oauthClient(g: ReturnType<typeof grant>, received: TokenSet[], clientSecret = g.app.clientSecret) {
  return new Bitrix24Client({
    url: ctx.portal.url,
    token: g.accessToken,
    refreshToken: g.refreshToken,
    clientId: g.app.clientId,
    clientSecret,
    oauthTokenUrl: `${ctx.portal.url}/oauth/token/`,
    onTokens: (tokens) => void received.push(tokens),
  });
}

describe("OAuth refresh", () => {
  it("10 concurrent calls with an expired token: one refresh, all 10 succeed, onTokens gets the new pair", async () => {
    const g = grant();
    const received: TokenSet[] = [];
    const client = oauthClient(g, received);
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    const before = tokenRequests();

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => client.call<number>("im.message.add", { DIALOG_ID: "chat1", MESSAGE: `oauth ${i}` })));
    assert.equal(answers.length, 10);
    assert.equal(tokenRequests() - before, 1, "one refresh request for all ten calls");
    assert.equal(received.length, 1);
    assert.notEqual(received[0].accessToken, g.accessToken);
    assert.notEqual(received[0].refreshToken, g.refreshToken);
    assert.equal(ctx.portal.credentials.checkToken(received[0].accessToken).ok, true, "the new access token works");
    const stored = ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => /^oauth \d$/.test(m.text));
    assert.equal(stored.length, 10, "each message exactly once");
  });

  it("the rotated refresh token is used for the next refresh (the first one is spent)", async () => {
    const g = grant();
    const received: TokenSet[] = [];
    const client = oauthClient(g, received);
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    await client.call("server.time");
    ctx.portal.faults.expireTokenAfter(received[0].accessToken, 0);
    await client.call("server.time");
    assert.equal(received.length, 2);
    assert.notEqual(received[1].refreshToken, received[0].refreshToken);
  });

  it("a refresh the OAuth server refuses reaches the caller, without the client secret or tokens in the message", async () => {
    const g = grant();
    const client = oauthClient(g, [], "wrong-secret-value");
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    await assert.rejects(client.call("server.time"), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.equal(e.code, "invalid_client");
      assert.doesNotMatch(e.message, /wrong-secret-value/);
      assert.ok(!e.message.includes(g.refreshToken));
      return true;
    });
  });

  it("without refresh credentials expired_token goes to the caller and nothing is refreshed", async () => {
    const g = grant();
    const before = tokenRequests();
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    const client = new Bitrix24Client({ url: ctx.portal.url, token: g.accessToken });
    await assert.rejects(client.call("server.time"), (e: unknown) => e instanceof Bitrix24Error && e.code === "expired_token");
    assert.equal(tokenRequests() - before, 0);
  });
});
