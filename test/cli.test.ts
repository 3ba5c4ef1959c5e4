// The `oint` CLI as a user runs it: the built bin, spawned, talking to the local portal over HTTP.
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort, runCli, usePortal, useScratchDir } from "./helpers.js";

const ctx = usePortal();
const tmp = useScratchDir();
const hook = () => ctx.portal.webhookUrl;
const lastBody = () => JSON.parse(ctx.portal.requests.at(-1)!.body);
const PICTURE = { IMAGE: { NAME: "Picture", LINK: "https://example.com/p.jpg" } };

describe("oint bitrix24 SendMessage", () => {
  it("sends text and blocks and prints the answer as JSON", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "Hi", "--blocks", JSON.stringify([PICTURE])]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.equal(typeof answer.result, "number");
    assert.equal(typeof answer.time.start, "number");
    assert.deepEqual(lastBody(), { DIALOG_ID: "chat1", MESSAGE: "Hi", ATTACH: [PICTURE] });
    assert.equal(run.stderr, "");
  });

  it("short options -u -c -t -b -k", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "-u", ctx.portal.url, "-c", "chat1", "-t", "short", "-b", JSON.stringify(PICTURE), "-k", ctx.portal.accessToken]);
    assert.equal(run.code, 0, run.stderr);
    const req = ctx.portal.requests.at(-1)!;
    assert.equal(req.path, "/rest/im.message.add");
    assert.deepEqual(lastBody(), { DIALOG_ID: "chat1", MESSAGE: "short", ATTACH: [PICTURE], auth: ctx.portal.accessToken });
  });

  it("method names are case-insensitive and Russian names work", async () => {
    for (const name of ["sendmessage", "ОтправитьСообщение"]) {
      const run = await runCli(["bitrix24", name, "--url", hook(), "--chat", "chat1", "--text", name]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(lastBody().MESSAGE, name);
    }
  });
});

describe("--blocks value forms", () => {
  const send = (blocks: string) => runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "forms", "--blocks", blocks]);

  it("JSON with single quotes, as in OpenIntegrations' examples", async () => {
    const run = await send("[{'IMAGE':{'NAME':'Picture','LINK':'https://example.com/p.jpg'}}]");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody().ATTACH, [PICTURE]);
  });

  it("one object is wrapped into a one-element array", async () => {
    const run = await send("{'IMAGE':{'NAME':'Picture','LINK':'https://example.com/p.jpg'}}");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody().ATTACH, [PICTURE]);
  });

  it("a path to a .json file", async () => {
    const file = join(tmp.path, "blocks.json");
    writeFileSync(file, JSON.stringify([PICTURE, { FILE: { NAME: "d.docx", LINK: "https://example.com/d.docx" } }]));
    const run = await send(file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().ATTACH.length, 2);
    assert.deepEqual(lastBody().ATTACH[0], PICTURE);
  });

  it("invalid JSON is refused with exit 4, one line naming --blocks, and nothing is sent", async () => {
    const before = ctx.portal.requests.length;
    const run = await send("[{'IMAGE': ");
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --blocks: .*not valid JSON/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    assert.equal(run.stdout, "");
    assert.equal(ctx.portal.requests.length, before);
  });

  it("a missing .json file is refused with exit 4", async () => {
    const run = await send(join(tmp.path, "nope.json"));
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--blocks: the file .*nope\.json does not exist/);
  });

  it("plain text is not a block list", async () => {
    const run = await send("just words");
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--blocks: expected a JSON array/);
  });
});

describe("text values", () => {
  it("a literal \\n becomes a newline; a doubled backslash keeps it literal", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "line1\\nline2 and \\\\n stays"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().MESSAGE, "line1\nline2 and \\n stays");
  });

  it("text that starts with BB-code still gets its newlines", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "[b]Hi[/b]\\nthere"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().MESSAGE, "[b]Hi[/b]\nthere");
  });

  it("a value that starts with a dash is still a value", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "-5 degrees"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().MESSAGE, "-5 degrees");
  });
});

describe("output options", () => {
  it("--out writes the JSON to a file and nothing to stdout", async () => {
    const file = join(tmp.path, "answer.json");
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "to file", "--out", file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(typeof JSON.parse(readFileSync(file, "utf8")).result, "number");
  });

  it("--out into a folder that does not exist is bad input (exit 4), not a crash", async () => {
    const run = await runCli(["bitrix24", "GetPictureBlock", "--title", "x", "--url", "y", "--out", join(tmp.path, "no", "such", "dir.json")]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --out: cannot write .*dir\.json: ENOENT/);
  });

  it("--debug prints the request to stderr with the webhook secret masked", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "debugging", "--debug"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /POST http:\/\/127\.0\.0\.1:\d+\/rest\/1\/\*\*\*\/im\.message\.add/);
    assert.match(run.stderr, /"MESSAGE":"debugging"/);
    assert.ok(!run.stderr.includes(ctx.portal.secret) && !run.stdout.includes(ctx.portal.secret), "secret never printed");
  });

  it("--debug masks an OAuth token", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", ctx.portal.url, "--chat", "chat1", "--text", "t", "--token", ctx.portal.accessToken, "--debug"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /"auth":"\*\*\*"/);
    assert.ok(!run.stderr.includes(ctx.portal.accessToken));
  });

  it("--test prints the request and sends nothing", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "dry", "--test"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ctx.portal.requests.length, before, "nothing reached the portal");
    const shown = JSON.parse(run.stdout);
    assert.equal(shown.method, "im.message.add");
    assert.equal(shown.httpMethod, "POST");
    assert.equal(shown.url, `${ctx.portal.url}/rest/1/***/im.message.add`);
    assert.deepEqual(shown.body, { DIALOG_ID: "chat1", MESSAGE: "dry" });
  });
});

describe("help", () => {
  it("oint, oint bitrix24 and oint bitrix24 SendMessage --help all answer with exit 0", async () => {
    const top = await runCli(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /oint bitrix24 <Method>/);
    const lib = await runCli(["bitrix24"]);
    assert.equal(lib.code, 0);
    assert.match(lib.stdout, /Message management \([^)]*\): [\s\S]*SendMessage/);
    const method = await runCli(["bitrix24", "SendMessage", "--help"]);
    assert.equal(method.code, 0);
    for (const line of [/-u, --url/, /-c, --chat/, /-t, --text/, /-b, --blocks .*default: ""/, /-k, --token/]) assert.match(method.stdout, line);
  });

  it("a method without options prints its help", async () => {
    const run = await runCli(["bitrix24", "DeleteMessage"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /-m, --message/);
  });
});

describe("exit codes", () => {
  it("1 for an unknown library", async () => {
    const run = await runCli(["bitrix25", "SendMessage"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /unknown library "bitrix25"/);
  });

  it("2 for an unknown method", async () => {
    const run = await runCli(["bitrix24", "SendMesage", "--url", hook()]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown method "SendMesage"/);
  });

  it("3 when Bitrix24 answers with an error; the envelope is printed as JSON on stdout", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat999999", "--text", "x"]);
    assert.equal(run.code, 3);
    const envelope = JSON.parse(run.stdout);
    assert.equal(typeof envelope.error, "string");
    assert.equal(typeof envelope.error_description, "string");
    assert.match(run.stderr, /im\.message\.add: /);
  });

  it("3 for a wrong webhook secret, and the secret is not printed", async () => {
    const wrong = hook().replace(ctx.portal.secret, "notthesecret0000");
    const run = await runCli(["bitrix24", "ServerTime", "--url", wrong]);
    assert.equal(run.code, 3);
    assert.equal(JSON.parse(run.stdout).error, "INVALID_CREDENTIALS");
    assert.ok(!`${run.stdout}${run.stderr}`.includes("notthesecret0000"));
  });

  it("4 for a missing required option, naming it", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--text", "no chat"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --chat: is required/);
  });

  it("4 for an unknown option", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "x", "--colour", "red"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /unknown option --colour/);
  });

  it("4 for plain http to a remote host", async () => {
    const run = await runCli(["bitrix24", "ServerTime", "--url", "http://portal.example.com/rest/1/abcdef/"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--url: plain http:\/\/ is refused/);
    assert.ok(!run.stderr.includes("abcdef"));
  });

  it("5 when the portal answers something that is not Bitrix24's envelope: a write is not sent again", async () => {
    ctx.portal.faults.add({ kind: "malformed", method: "im.message.add", body: "[1,2,3]" });
    const run = await runCli(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "x"]);
    assert.equal(run.code, 5);
    assert.match(run.stderr, /^oint: im\.message\.add: .*HTTP 200 with JSON that is not a Bitrix24 answer.*may or may not have been carried out/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "no stack trace without --debug");
    assert.ok(!run.stderr.includes(ctx.portal.secret));
  });

  it("5 when the portal cannot be reached", async () => {
    const port = await freePort();
    const run = await runCli(["bitrix24", "ServerTime", "--url", `http://127.0.0.1:${port}/rest/1/abcdef/`]);
    assert.equal(run.code, 5);
    assert.match(run.stderr, new RegExp(`could not connect to 127\\.0\\.0\\.1:${port} .*nothing was sent`));
    assert.ok(!run.stderr.includes("abcdef"));
  });
});

// `oint sandbox --demo`: test/demo.test.ts.

describe("secret parameters of GetToken/RefreshToken", () => {
  const secret = "client-secret-0123456789";
  const code = "auth-code-0123456789";

  it("--test shows the client secret and the code as ***", async () => {
    const run = await runCli(["bitrix24", "GetToken", "--clientid", "app.1", "--clientsecret", secret, "--code", code, "--test"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).values, { clientId: "app.1", clientSecret: "***", code: "***" });
  });

  it("--debug shows the token request with its secrets masked, and errors never show them", async () => {
    const env = { OINT_OAUTH_URL: `${ctx.portal.url}/oauth/token/` };
    const run = await runCli(["bitrix24", "RefreshToken", "-c", "app.1", "-l", secret, "-r", code, "--debug"], { env });
    assert.equal(run.code, 3, run.stderr); // unknown app: the OAuth server's error envelope
    assert.match(run.stderr, /debug: GET http:\/\/127\.0\.0\.1:\d+\/oauth\/token\/\?grant_type=refresh_token&client_id=app\.1&client_secret=\*\*\*&refresh_token=\*\*\*/);
    assert.match(run.stderr, /debug: answer HTTP \d+/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(secret) && !`${run.stdout}${run.stderr}`.includes(code));
  });
});
