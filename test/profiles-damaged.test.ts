// A profiles file edited by hand into something oint did not write, and the words `oint profile`
// is given: a damaged entry is listed as damaged (never a crash, exit 99) and refused by name with
// --profile (exit 4, blaming the profile, not a --url never typed), its secrets never shown; extra
// words, a missing name, a name too long and a mistyped --profile each get a message that says
// what is wrong. All through the built CLI, each test with a config directory of its own.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const ctx = usePortal();
const scratch = useScratchDir();
const SECRET = "TOPSECRETTOKEN123";
let configs = 0;

/** A config directory of its own, its profiles.json holding `profiles` as written (0600). */
function config(profiles: Record<string, unknown> | string) {
  const dir = join(scratch.path, `config${++configs}`);
  mkdirSync(dir, { mode: 0o700 });
  const file = join(dir, "profiles.json");
  writeFileSync(file, typeof profiles === "string" ? profiles : JSON.stringify({ profiles }), { mode: 0o600 });
  const env = { OINT_CONFIG_DIR: dir, OINT_URL: "", OINT_TOKEN: "" };
  return { dir, file, env, saved: () => JSON.parse(readFileSync(file, "utf8")).profiles as Record<string, unknown> };
}

const noSecret = (run: CliRun) => assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET), "no secret in the output");

describe("a damaged profile entry", () => {
  const damaged: [string, unknown][] = [
    ["an empty object", {}],
    ["null", null],
    ["a number for its url", { url: 123, token: SECRET }],
  ];

  for (const [what, entry] of damaged) {
    it(`profile list shows the good profiles and marks one that is ${what} (exit 0, not 99)`, async () => {
      const c = config({ good: { url: ctx.portal.webhookUrl }, work: entry });
      const run = await runCli(["profile", "list"], { env: c.env });
      assert.equal(run.code, 0, run.stderr);
      const shown = JSON.parse(run.stdout) as { name: string; url?: string; auth?: string; damaged?: string }[];
      assert.deepEqual(
        shown.map((p) => [p.name, p.auth, typeof p.damaged]),
        [
          ["good", "webhook", "undefined"],
          ["work", undefined, "string"],
        ],
      );
      assert.match(shown[0].url!, /\/rest\/1\/\*\*\*\//);
      assert.match(run.stderr, /profile "work" in .*profiles\.json is damaged .*oint profile add work --url/);
      assert.doesNotMatch(run.stderr, /unexpected error/);
      noSecret(run);
      assert.ok(!run.stdout.includes(ctx.portal.secret));
    });

    it(`--profile with an entry that is ${what} exits 4 naming the profile and the fix, and sends nothing`, async () => {
      const c = config({ work: entry });
      const before = ctx.portal.requests.length;
      const run = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: c.env });
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /--profile: the profile "work" in .*profiles\.json is damaged \(.+\): add it again \(oint profile add work --url …\) or remove it \(oint profile remove work\)/);
      assert.doesNotMatch(run.stderr, /--url: is required/);
      noSecret(run);
      assert.equal(ctx.portal.requests.length, before);
    });
  }

  it("says which field is wrong, without its value", async () => {
    const c = config({ work: { url: ctx.portal.webhookUrl, token: 42, clientSecret: [SECRET] } });
    const run = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /its "token" is a number, not text; its "clientSecret" is a list, not text/);
    assert.ok(!run.stderr.includes(ctx.portal.secret));
    noSecret(run);
  });

  it("is kept when another profile is added, and can be added again or removed", async () => {
    const c = config({ work: { url: 123, token: SECRET } });
    assert.equal((await runCli(["profile", "add", "other", "--url", ctx.portal.webhookUrl], { env: c.env })).code, 0);
    assert.deepEqual(c.saved().work, { url: 123, token: SECRET });
    const removed = await runCli(["profile", "remove", "work"], { env: c.env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(Object.keys(c.saved()), ["other"]);

    const d = config({ work: null });
    assert.equal((await runCli(["profile", "add", "work", "--url", ctx.portal.webhookUrl], { env: d.env })).code, 0);
    const used = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: d.env });
    assert.equal(used.code, 0, used.stderr);
  });

  it("a saved URL that cannot be used is blamed on the profile, not on --url", async () => {
    const c = config({ work: { url: "not a portal" } });
    const run = await runCli(["bitrix24", "ServerTime", "--profile", "work"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--profile: the URL saved in profile "work" cannot be used \(.+\): add it again \(oint profile add work --url …\)/);
    assert.doesNotMatch(run.stderr, /--url:/);
  });

  it("names that are Object's own (constructor, __proto__) are only names", async () => {
    const c = config({ good: { url: ctx.portal.webhookUrl } });
    for (const name of ["constructor", "__proto__", "toString"]) {
      const run = await runCli(["bitrix24", "ServerTime", "--profile", name], { env: c.env });
      assert.equal(run.code, 4);
      assert.match(run.stderr, new RegExp(`--profile: there is no profile "${name}"`));
    }
    const added = await runCli(["profile", "add", "__proto__", "--url", ctx.portal.webhookUrl], { env: c.env });
    assert.equal(added.code, 0, added.stderr);
    assert.ok(Object.hasOwn(c.saved(), "__proto__"));
    const used = await runCli(["bitrix24", "ServerTime", "--profile", "__proto__"], { env: c.env });
    assert.equal(used.code, 0, used.stderr);
    const removed = await runCli(["profile", "remove", "constructor"], { env: c.env });
    assert.equal(removed.code, 4);
    assert.match(removed.stderr, /there is no profile "constructor"/);
  });
});

describe("what `oint profile` is given", () => {
  it("add NAME with an extra word is refused, the word named, nothing saved", async () => {
    const c = config({});
    const run = await runCli(["profile", "add", "work", "extra", "--url", ctx.portal.webhookUrl], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /unexpected word "extra": `profile add` takes one name/);
    assert.deepEqual(c.saved(), {});
  });

  it("an extra word that may be a secret (a value whose option was forgotten) is not repeated", async () => {
    const c = config({});
    const run = await runCli(["profile", "add", "work", "--url", ctx.portal.url, SECRET.toLowerCase() + "a1b2c3d4"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /unexpected word \(word 4 after "add", not shown in case it is a secret\)/);
    assert.ok(!run.stderr.toLowerCase().includes(SECRET.toLowerCase()));
    assert.deepEqual(c.saved(), {});
  });

  it("remove with two names is refused, the second named, nothing removed", async () => {
    const c = config({ a: { url: ctx.portal.webhookUrl }, b: { url: ctx.portal.webhookUrl } });
    const run = await runCli(["profile", "remove", "a", "b"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /unexpected word "b": `profile remove` takes one name/);
    assert.deepEqual(Object.keys(c.saved()), ["a", "b"]);
  });

  it("list with a word is refused, the word named", async () => {
    const c = config({});
    const run = await runCli(["profile", "list", "junk"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /unexpected word "junk": `profile list` takes no words/);
    assert.equal(run.stdout, "");
  });

  it("remove without a name shows the remove form", async () => {
    const run = await runCli(["profile", "remove"], { env: config({}).env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /give the profile's name \(oint profile remove NAME\)/);
    assert.doesNotMatch(run.stderr, /profile add/);
  });

  it("a name longer than 64 characters is refused for its length, without repeating it", async () => {
    const c = config({});
    const long = "a".repeat(70);
    for (const args of [
      ["profile", "add", long, "--url", ctx.portal.webhookUrl],
      ["profile", "remove", long],
      ["bitrix24", "ServerTime", "--profile", long],
    ]) {
      const run = await runCli(args, { env: c.env });
      assert.equal(run.code, 4);
      assert.match(run.stderr, /a profile name may be at most 64 characters long \(this one has 70\)/);
      assert.doesNotMatch(run.stderr, /may only contain/);
      assert.ok(!run.stderr.includes(long));
    }
    const ok = await runCli(["profile", "add", "a".repeat(64), "--url", ctx.portal.webhookUrl], { env: c.env });
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("a mistyped --profile gets a did-you-mean", async () => {
    const c = config({ work: { url: ctx.portal.webhookUrl }, home: { url: ctx.portal.webhookUrl } });
    const run = await runCli(["bitrix24", "ServerTime", "--profile", "wrok"], { env: c.env });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--profile: there is no profile "wrok" \(did you mean work\? see `oint profile list`\)/);
    const far = await runCli(["bitrix24", "ServerTime", "--profile", "zzzzzz"], { env: c.env });
    assert.equal(far.code, 4);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });
});
