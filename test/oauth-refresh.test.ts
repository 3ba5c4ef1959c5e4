// OAuth that refreshes itself: on expired_token the client refreshes once (shared by every call that
// failed together), repeats the calls and hands the new pair to onTokens; the rotated refresh token
// is the one used next time. Against the local portal's OAuth server (/oauth/token/).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error, type TokenSet } from "../src/index.js";
import type { StoredTokens, TokenStore } from "../src/transport/oauth.js";
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

  it("clients sharing a TokenStore (as processes sharing a profile do) refresh once: the others take the stored pair", async () => {
    const g = grant();
    let stored: StoredTokens = { accessToken: g.accessToken, refreshToken: g.refreshToken };
    let queue = Promise.resolve();
    const store: TokenStore = {
      lock(work) {
        const turn = queue.then(work);
        queue = turn.then(
          () => undefined,
          () => undefined,
        );
        return turn;
      },
      load: () => stored,
      save: (tokens) => void (stored = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
    };
    const clients = [1, 2, 3].map(() => oauthClient(g, []));
    for (const client of clients) client.oauth!.useStore(store);
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    const before = tokenRequests();

    await Promise.all(clients.map((client) => client.call("server.time")));
    assert.equal(tokenRequests() - before, 1, "one refresh for the three clients");
    assert.notEqual(stored.accessToken, g.accessToken);
    for (const client of clients) assert.equal(client.oauth!.accessToken, stored.accessToken);
  });

  it("a refresh refused with invalid_grant because another holder spent the refresh token takes the pair it stored", async () => {
    const g = grant();
    const shared: StoredTokens = { accessToken: g.accessToken, refreshToken: g.refreshToken };
    // Another holder of the same pair that refreshes without the lock and stores what it gets.
    const other = oauthClient(g, [], g.app.clientSecret);
    other.oauth!.useStore({ lock: (work) => work(), load: () => undefined, save: (t) => void Object.assign(shared, { accessToken: t.accessToken, refreshToken: t.refreshToken }) });
    let reads = 0;
    const store: TokenStore = {
      lock: (work) => work(),
      async load() {
        const seen = { ...shared };
        if (reads++ === 0) await other.call("server.time"); // it refreshes right after this read
        return seen;
      },
      save: () => assert.fail("nothing new to save"),
    };
    const client = oauthClient(g, []);
    client.oauth!.useStore(store);
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    const before = tokenRequests();

    await client.call("server.time");
    assert.equal(tokenRequests() - before, 2, "the other's refresh, then ours refused");
    assert.equal(client.oauth!.accessToken, shared.accessToken);
    assert.notEqual(shared.accessToken, g.accessToken);
  });
});

describe("a client's secrets stay out of logs", () => {
  it("console.log, util.inspect and JSON.stringify of an OAuth client and a webhook client show no token or secret, even after a refresh", async () => {
    const { inspect } = await import("node:util");
    const g = grant();
    const received: TokenSet[] = [];
    const client = oauthClient(g, received);
    ctx.portal.faults.expireTokenAfter(g.accessToken, 0);
    await client.call("server.time");
    assert.equal(received.length, 1, "refreshed");
    const webhook = new Bitrix24Client({ url: ctx.portal.webhookUrl });
    const secrets = [g.accessToken, g.refreshToken, g.app.clientSecret, received[0]!.accessToken, received[0]!.refreshToken, ctx.portal.secret];
    for (const shown of [inspect(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client), inspect(client.oauth), inspect(webhook), JSON.stringify(webhook), inspect({ nested: { client } })]) {
      for (const secret of secrets) assert.ok(!shown.includes(secret), `${secret.slice(0, 4)}… in ${shown}`);
    }
    assert.match(inspect(client, { breakLength: Infinity }), /^Bitrix24Client \{ portal: '127\.0\.0\.1:\d+', url: 'http:\/\/127\.0\.0\.1:\d+\/rest\/', auth: 'token', refreshesTokens: true \}$/);
    assert.deepEqual(JSON.parse(JSON.stringify(webhook)), { portal: new URL(ctx.portal.url).host, url: `${ctx.portal.url}/rest/1/***/`, auth: "webhook", refreshesTokens: false });
  });

  it("a refresh token the client could never use is refused when the client is made", () => {
    const g = grant();
    assert.throws(() => new Bitrix24Client({ url: ctx.portal.url, token: g.accessToken, refreshToken: g.refreshToken }), {
      name: "InputError",
      message: /refreshToken needs the application's clientId and clientSecret to refresh with/,
    });
    assert.throws(() => new Bitrix24Client({ url: ctx.portal.url, token: g.accessToken, refreshToken: g.refreshToken, clientId: g.app.clientId }), /needs the application's clientSecret/);
    assert.throws(() => new Bitrix24Client({ url: ctx.portal.webhookUrl, refreshToken: g.refreshToken, clientId: "a", clientSecret: "b" }), /refreshToken is for an OAuth connection/);
  });
});
