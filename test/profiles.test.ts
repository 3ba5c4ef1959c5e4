// CLI profiles and environment variables: connections saved in an owner-only file and used with
// --profile (or OINT_URL/OINT_TOKEN), secrets masked in listings, rotated OAuth tokens written back.
import assert from "node:assert/strict";
import { chmodSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli, usePortal, useScratchDir } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const env = () => ({ OINT_CONFIG_DIR: join(scratch.path, "config"), OINT_URL: "", OINT_TOKEN: "" });
const file = () => join(scratch.path, "config", "profiles.json");
const saved = () => JSON.parse(readFileSync(file(), "utf8")).profiles as Record<string, Record<string, string>>;
const messagesWith = (text: string) => ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text === text).length;

describe("oint profile", () => {
  it("add saves the webhook in a file only the owner can read; list masks the secret", async () => {
    const added = await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: env() });
    assert.equal(added.code, 0, added.stderr);
    assert.equal(statSync(file()).mode & 0o777, 0o600);
    assert.equal(saved().work.url, ctx.portal.webhookUrl);

    const listed = await runCli(["profile", "list"], { env: env() });
    assert.equal(listed.code, 0);
    assert.doesNotMatch(listed.stdout, new RegExp(ctx.portal.secret));
    const [entry] = JSON.parse(listed.stdout) as { name: string; url: string; auth: string }[];
    assert.equal(entry.name, "work");
    assert.equal(entry.auth, "webhook");
    assert.match(entry.url, /\/rest\/1\/\*\*\*/);
  });

  it("add over an existing name says it replaced the profile", async () => {
    const first = await runCli(["profile", "add", "twice", "--url", ctx.portal.webhookUrl], { env: env() });
    assert.match(first.stderr, /^oint: profile "twice" saved in /);
    const again = await runCli(["profile", "add", "twice", "--url", ctx.portal.webhookUrl], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^oint: profile "twice" replaced \(its earlier connection is gone\) in /);
    assert.doesNotMatch(again.stderr, new RegExp(ctx.portal.secret));
  });

  it("oint bitrix24 … --profile NAME sends with the saved URL", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--profile", "work", "--chat", "chat1", "--text", "via profile"], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result, "number");
    assert.equal(messagesWith("via profile"), 1);
  });

  it("OINT_URL fills --url when neither --url nor --profile is given", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--chat", "chat1", "--text", "via env"], { env: { ...env(), OINT_URL: ctx.portal.webhookUrl } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(messagesWith("via env"), 1);
  });

  it("an unknown profile is bad input (exit 4, the option named) and nothing is sent", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "SendMessage", "--profile", "nosuch", "--chat", "chat1", "--text", "x"], { env: env() });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--profile: there is no profile "nosuch"/);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("a profiles file others can read is refused", async () => {
    chmodSync(file(), 0o644);
    try {
      const run = await runCli(["bitrix24", "SendMessage", "--profile", "work", "--chat", "chat1", "--text", "x"], { env: env() });
      assert.equal(run.code, 4);
      assert.match(run.stderr, /chmod 600/);
    } finally {
      chmodSync(file(), 0o600);
    }
  });

  it("an OAuth profile (secrets given through the environment) refreshes itself and saves the rotated tokens", async () => {
    const app = ctx.portal.oauth.defaultApp;
    const code = ctx.portal.oauth.authorize(app.clientId)!;
    const tokens = ctx.portal.oauth.exchange({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code }).body as {
      access_token: string;
      refresh_token: string;
    };
    const added = await runCli(["profile", "add", "app", "--url", ctx.portal.url], {
      env: { ...env(), OINT_TOKEN: tokens.access_token, OINT_REFRESH_TOKEN: tokens.refresh_token, OINT_CLIENT_ID: app.clientId, OINT_CLIENT_SECRET: app.clientSecret },
    });
    assert.equal(added.code, 0, added.stderr);
    const listed = await runCli(["profile", "list"], { env: env() });
    for (const secret of [tokens.access_token, tokens.refresh_token, app.clientSecret]) assert.ok(!listed.stdout.includes(secret));

    const oauthEnv = { ...env(), OINT_OAUTH_URL: `${ctx.portal.url}/oauth/token/` };
    ctx.portal.faults.expireTokenAfter(tokens.access_token, 0);
    const first = await runCli(["bitrix24", "SendMessage", "--profile", "app", "--chat", "chat1", "--text", "oauth profile 1", "--debug"], { env: oauthEnv });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(messagesWith("oauth profile 1"), 1);
    const rotated = saved().app;
    assert.notEqual(rotated.token, tokens.access_token);
    assert.notEqual(rotated.refreshToken, tokens.refresh_token);
    for (const secret of [tokens.access_token, rotated.token, rotated.refreshToken, app.clientSecret]) {
      assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret), "no token or secret in the output");
    }

    // The saved (rotated) refresh token is the one that works next time.
    ctx.portal.faults.expireTokenAfter(rotated.token, 0);
    const second = await runCli(["bitrix24", "SendMessage", "--profile", "app", "--chat", "chat1", "--text", "oauth profile 2"], { env: oauthEnv });
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(saved().app.refreshToken, rotated.refreshToken);
    assert.equal(statSync(file()).mode & 0o777, 0o600);
  });

  it("remove deletes a profile; removing it again is bad input", async () => {
    assert.equal((await runCli(["profile", "remove", "work"], { env: env() })).code, 0);
    assert.equal(saved().work, undefined);
    const again = await runCli(["profile", "remove", "work"], { env: env() });
    assert.equal(again.code, 4);
  });

  it("add refuses an unusable URL and half the OAuth credentials", async () => {
    assert.equal((await runCli(["profile", "add", "bad", "--url", "http://example.com/rest/1/abc/"], { env: env() })).code, 4);
    const half = await runCli(["profile", "add", "half", "--url", ctx.portal.url, "--token", "t0k3n", "--refresh", "r"], { env: env() });
    assert.equal(half.code, 4);
    assert.match(half.stderr, /--clientid and --clientsecret/);
  });
});
