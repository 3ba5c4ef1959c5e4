// The profile file cannot be redirected, and processes sharing one OAuth profile share its refresh:
// a symbolic link at profiles.json (or at the temporary names the file used to be written through)
// is not written through, a config directory others can write to is refused, and several `oint`
// processes whose access token expired together all succeed with one refresh, taking the rotated
// tokens from the profile. Real CLI processes against the local portal and its OAuth server; a small
// gate in front of /oauth/token/ holds token requests so the processes meet at the refresh every time.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { CLI, runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
let configs = 0;
/** A config directory of its own for each test (created by oint, or beforehand when `make`). */
function newConfig(make = false) {
  const dir = join(scratch.path, `config${++configs}`);
  if (make) mkdirSync(dir, { mode: 0o700 });
  return { dir, file: join(dir, "profiles.json"), env: { OINT_CONFIG_DIR: dir, OINT_URL: "", OINT_TOKEN: "" } };
}
const messagesWith = (text: string) => ctx.portal.state.listMessages(1, { limit: 100_000 }).filter((m) => m.text === text).length;

/** A file of someone else's that a planted link points at. */
function victim(): { path: string; content: string } {
  const path = join(scratch.path, `victim-${++configs}.txt`);
  const content = "someone else's file\n";
  writeFileSync(path, content, { mode: 0o644 });
  return { path, content };
}

/** `oint …` as a child process the test can kill. */
function startCli(args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<CliRun> } {
  const cli = process.env.OINT_CLI_SOURCE === "1" ? ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts")] : [CLI];
  const child = spawn(process.execPath, [...cli, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr }));
  });
  return { child, done };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

/**
 * A pass-through in front of the portal's /oauth/token/ that asks `decide` what to do with each
 * token request (its 0-based number): forward it once the returned promise settles, or drop it.
 */
async function startTokenGate(decide: (index: number) => Promise<"forward" | "drop">) {
  let count = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if ((await decide(count++)) === "drop" || res.destroyed) return void res.destroy();
    const answer = await fetch(`${ctx.portal.url}${req.url}`, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "application/x-www-form-urlencoded" },
      body: req.method === "POST" ? body : undefined,
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token/`,
    get requests() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.setEncoding("utf8").on("data", (d: string) => (text += d));
    req.on("end", () => resolve(text));
  });
}

/** An OAuth profile `name` saved through `oint profile add`, its access token expired on the portal. */
async function expiredOAuthProfile(config: ReturnType<typeof newConfig>, name: string) {
  const app = ctx.portal.oauth.defaultApp;
  const code = ctx.portal.oauth.authorize(app.clientId)!;
  const answer = ctx.portal.oauth.exchange({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code });
  const tokens = answer.body as { access_token: string; refresh_token: string };
  const added = await runCli(["profile", "add", name, "--url", ctx.portal.url], {
    env: { ...config.env, OINT_TOKEN: tokens.access_token, OINT_REFRESH_TOKEN: tokens.refresh_token, OINT_CLIENT_ID: app.clientId, OINT_CLIENT_SECRET: app.clientSecret },
  });
  assert.equal(added.code, 0, added.stderr);
  ctx.portal.faults.expireTokenAfter(tokens.access_token, 0);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, clientSecret: app.clientSecret };
}

const saved = (file: string) => JSON.parse(readFileSync(file, "utf8")).profiles as Record<string, Record<string, string>>;

describe("the profile file cannot be redirected", () => {
  it("a symbolic link at profiles.json is neither written through nor followed: one line, exit 4", async () => {
    const config = newConfig(true);
    const target = victim();
    symlinkSync(target.path, config.file);
    const added = await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: config.env });
    assert.equal(added.code, 4);
    assert.match(added.stderr, /profiles\.json is a symbolic link/);
    assert.equal(added.stderr.trim().split("\n").length, 1);
    assert.equal(readFileSync(target.path, "utf8"), target.content, "the link's target is untouched");
    assert.ok(lstatSync(config.file).isSymbolicLink(), "the link is left for the user to look at");

    const before = ctx.portal.requests.length;
    const used = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: config.env });
    assert.equal(used.code, 4);
    assert.match(used.stderr, /--profile: .*symbolic link/);
    assert.equal(ctx.portal.requests.length, before, "nothing sent");
  });

  it("a dangling link at profiles.json does not make oint create its target", async () => {
    const config = newConfig(true);
    const target = join(scratch.path, "created-through-a-link.json");
    symlinkSync(target, config.file);
    const added = await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: config.env });
    assert.equal(added.code, 4);
    assert.equal(existsSync(target), false);
  });

  it("links planted at the temporary names profiles.json used to be written through are not written through", async (t) => {
    // The old temporary name was profiles.json.<pid>.tmp: plant one for each of the next pids.
    let lastPid: number;
    try {
      lastPid = Number(readFileSync("/proc/sys/kernel/ns_last_pid", "utf8"));
    } catch {
      return t.skip("needs Linux's /proc/sys/kernel/ns_last_pid to know the next pids");
    }
    const config = newConfig(true);
    const target = victim();
    for (let pid = lastPid + 1; pid <= lastPid + 400; pid++) symlinkSync(target.path, `${config.file}.${pid}.tmp`);

    const added = await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: config.env });
    assert.equal(added.code, 0, added.stderr);
    assert.equal(readFileSync(target.path, "utf8"), target.content, "the links' target is untouched");
    assert.ok(lstatSync(config.file).isFile());
    assert.equal(statSync(config.file).mode & 0o777, 0o600);
    assert.equal(saved(config.file).work.url, ctx.portal.webhookUrl);
    const leftovers = readdirSync(config.dir).filter((name) => name !== "profiles.json" && !lstatSync(join(config.dir, name)).isSymbolicLink());
    assert.deepEqual(leftovers, [], "no temporary or lock file left behind");
  });

  it("a config directory is created owner-only, and one others can write to is refused with how to fix it", async () => {
    const config = newConfig();
    assert.equal((await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: config.env })).code, 0);
    assert.equal(statSync(config.dir).mode & 0o777, 0o700);

    chmodSync(config.dir, 0o770); // group-writable
    try {
      const added = await runCli(["profile", "add", "other", "--url", ctx.portal.webhookUrl], { env: config.env });
      assert.equal(added.code, 4);
      assert.match(added.stderr, new RegExp(`can be written by other users.*Run: chmod 700 ${config.dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      chmodSync(config.dir, 0o777); // world-writable
      const before = ctx.portal.requests.length;
      const used = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: config.env });
      assert.equal(used.code, 4);
      assert.match(used.stderr, /--profile: .*chmod 700/);
      assert.equal(ctx.portal.requests.length, before, "nothing sent");
    } finally {
      chmodSync(config.dir, 0o700);
    }
    assert.equal(Object.keys(saved(config.file)).join(), "work", "nothing was added while refused");
  });

  it("a config directory that belongs to another user is refused", { skip: process.getuid?.() !== 0 && "needs root to give a directory away" }, async () => {
    const config = newConfig(true);
    chownSync(config.dir, 65534, 65534);
    const added = await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: config.env });
    assert.equal(added.code, 4);
    assert.match(added.stderr, /belongs to another user/);
    assert.equal(existsSync(config.file), false);
  });

  it("a damaged profiles.json is reported without quoting it (it holds secrets)", async () => {
    const config = newConfig(true);
    // A token pasted by hand without its quotes: JSON.parse's own message would quote part of it.
    writeFileSync(config.file, '{"profiles": {"x": {"url": "http://127.0.0.1/", "token": TOPSECRETTOKEN123}}}', { mode: 0o600 });
    const used = await runCli(["bitrix24", "ServerTime", "--profile", "x"], { env: config.env });
    assert.equal(used.code, 4);
    assert.match(used.stderr, /is not valid JSON/);
    assert.doesNotMatch(used.stderr + used.stdout, /TOPSECRET/);
  });
});

describe("processes sharing one OAuth profile", () => {
  it("three processes whose access token expired together all succeed: one refresh, the others take the rotated tokens", async () => {
    const config = newConfig();
    const first = await expiredOAuthProfile(config, "app");
    const staleCalls = () => ctx.portal.requests.filter((r) => r.restMethod !== null && r.params.auth === first.accessToken).length;
    let exited = 0;
    // Token requests wait until all three have been refused with the expired token (or one has given up).
    const gate = await startTokenGate(async () => {
      await until(() => staleCalls() >= 3 || exited > 0);
      return "forward";
    });
    try {
      const env = { ...config.env, OINT_OAUTH_URL: gate.url };
      const runs = [1, 2, 3].map((i) => startCli(["bitrix24", "SendMessage", "--profile", "app", "--chat", "chat1", "--text", `shared profile ${i}`], env));
      const results = await Promise.all(runs.map((r) => r.done.finally(() => exited++)));
      results.forEach((run, i) => assert.equal(run.code, 0, `process ${i + 1}: ${run.stderr}`));
      assert.equal(staleCalls(), 3, "each process met the expired token");
      assert.equal(gate.requests, 1, "one refresh for the three");
      for (const i of [1, 2, 3]) assert.equal(messagesWith(`shared profile ${i}`), 1);

      const rotated = saved(config.file).app;
      assert.notEqual(rotated.token, first.accessToken);
      assert.equal(ctx.portal.credentials.checkToken(rotated.token).ok, true, "the saved access token works");
      const secrets = [first.accessToken, first.refreshToken, first.clientSecret, rotated.token, rotated.refreshToken];
      for (const run of results) for (const secret of secrets) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "no token or secret in the output");

      // The saved refresh token is the live one: the next expiry refreshes with it.
      ctx.portal.faults.expireTokenAfter(rotated.token, 0);
      const next = await runCli(["bitrix24", "ServerTime", "--profile", "app"], { env });
      assert.equal(next.code, 0, next.stderr);
      assert.equal(gate.requests, 2);
      assert.equal(statSync(config.file).mode & 0o777, 0o600);
    } finally {
      await gate.close();
    }
  });

  it("a process killed while refreshing does not block the profile: the next one takes over and refreshes", async () => {
    const config = newConfig();
    await expiredOAuthProfile(config, "app");
    let arrived!: () => void;
    const refreshing = new Promise<void>((resolve) => (arrived = resolve));
    let killed!: () => void;
    const gone = new Promise<void>((resolve) => (killed = resolve));
    // The first token request (sent under the profile's lock) is held until its process is killed, then dropped.
    const gate = await startTokenGate(async (index) => {
      if (index > 0) return "forward";
      arrived();
      await gone;
      return "drop";
    });
    try {
      const env = { ...config.env, OINT_OAUTH_URL: gate.url };
      const victimRun = startCli(["bitrix24", "SendMessage", "--profile", "app", "--chat", "chat1", "--text", "killed while refreshing"], env);
      await refreshing;
      victimRun.child.kill("SIGKILL");
      await victimRun.done;
      killed();

      const next = await runCli(["bitrix24", "SendMessage", "--profile", "app", "--chat", "chat1", "--text", "after the kill"], { env });
      assert.equal(next.code, 0, next.stderr);
      assert.equal(messagesWith("after the kill"), 1);
      assert.equal(messagesWith("killed while refreshing"), 0);
      assert.equal(ctx.portal.credentials.checkToken(saved(config.file).app.token).ok, true);
    } finally {
      await gate.close();
    }
  });
});
