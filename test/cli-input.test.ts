// Bad input through the CLI: exit 4, one line naming the option, and the local portal receives
// nothing. And no secret (webhook secret, token) in any output, --test of multi-step functions included.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli, usePortal, useScratchDir, type CliRun } from "./helpers.js";

const ctx = usePortal();
const tmp = useScratchDir();
const hook = () => ctx.portal.webhookUrl;
const isRoot = process.getuid?.() === 0;

/** Exit 4, one line on stderr matching `message`, nothing on stdout, and no request reached the portal. */
async function refused(args: readonly string[], message: RegExp): Promise<CliRun> {
  const before = ctx.portal.requests.length;
  const run = await runCli(args);
  assert.equal(run.code, 4, `${args.join(" ")}\n${run.stderr}`);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split("\n").length, 1, `one line, no stack trace: ${run.stderr}`);
  assert.equal(run.stdout, "");
  assert.equal(ctx.portal.requests.length, before, "nothing reached the portal");
  return run;
}

const send = (...more: string[]) => ["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "Hi", ...more];

describe("--out is checked before anything is sent", () => {
  it("a folder that does not exist, a directory, a path through a file", async () => {
    writeFileSync(join(tmp.path, "plain.txt"), "x");
    await refused(send("--out", join(tmp.path, "missing", "answer.json")), /^oint: --out: cannot write .*answer\.json: ENOENT \(no such folder\)\./);
    await refused(send("--out", tmp.path), /^oint: --out: .* is a directory; give a file path\./);
    await refused(send("--out", join(tmp.path, "plain.txt", "answer.json")), /^oint: --out: cannot write .*: ENOTDIR/);
  });

  it("a folder without write permission", { skip: isRoot && "root writes anywhere" }, async () => {
    const locked = join(tmp.path, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    await refused(send("--out", join(locked, "answer.json")), /^oint: --out: cannot write .*: EACCES \(permission denied\)/);
  });

  it("the file the command reads (--file, --blocks from a .json file): refused, the file kept as it was", async () => {
    const picture = join(tmp.path, "picture.png");
    writeFileSync(picture, "the only copy");
    await refused(["bitrix24", "SendFileToChat", "--url", hook(), "--chat", "chat1", "--file", picture, "--out", picture], /^oint: --out: .*picture\.png is also the file of --file; the result would replace it/);
    const blocks = join(tmp.path, "reply-blocks.json");
    writeFileSync(blocks, JSON.stringify([{ MESSAGE: "hi" }]));
    await refused(send("--blocks", blocks, "--out", join(tmp.path, ".", "reply-blocks.json")), /is also the file of --blocks/);
    assert.equal(readFileSync(picture, "utf8"), "the only copy");
    assert.equal(readFileSync(blocks, "utf8"), JSON.stringify([{ MESSAGE: "hi" }]));
  });

  it("--out - is standard output: the result printed, no file named -", async () => {
    const run = await runCli(["bitrix24", "GetPictureBlock", "--title", "x", "--url", "https://example.com/x.png", "--out", "-"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).IMAGE.LINK, "https://example.com/x.png");
    assert.equal(existsSync(join(process.cwd(), "-")), false, "no file named - where the CLI ran");
  });

  it("checking leaves no file behind when the command is then refused", async () => {
    const out = join(tmp.path, "never.json");
    await refused(send("--blocks", "[{'IMAGE': ", "--out", out), /^oint: --blocks: .*not valid JSON/);
    assert.equal(existsSync(out), false);
  });
});

describe("--out that fails after the call went through", () => {
  it("exit 6 (not 99): the result on stdout, a line saying the call was carried out", { skip: !existsSync("/dev/full") && "needs /dev/full" }, async () => {
    const run = await runCli(["bitrix24", "ServerTime", "--url", hook(), "--out", "/dev/full"]);
    assert.equal(run.code, 6, run.stderr);
    assert.match(JSON.parse(run.stdout).result, /^\d{4}-/);
    assert.match(run.stderr, /--out: cannot write \/dev\/full \(ENOSPC\).*the call itself was carried out: do not repeat it/);
  });
});

describe("an option given twice is refused, in either form", () => {
  it("--text twice, --chat with -c, --out twice, --test twice", async () => {
    const text = await refused(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "--text", "a", "--text", "b"], /^oint: --text: is given more than once \(--text twice\); give it once\./);
    assert.doesNotMatch(text.stderr, /"a"|"b"/);
    await refused(["bitrix24", "SendMessage", "--url", hook(), "--chat", "chat1", "-c", "chat2", "--text", "a"], /^oint: --chat: is given more than once \(as --chat and as -c\)/);
    await refused(send("--out", join(tmp.path, "a.json"), "--out", join(tmp.path, "b.json")), /^oint: --out: is given more than once/);
    await refused(send("--test", "--test"), /^oint: --test: is given more than once/);
  });
});

describe("values read from files", () => {
  it("a directory for --blocks, --keyboard, --users or --fields is refused", async () => {
    const dir = join(tmp.path, "blocks.json");
    mkdirSync(dir);
    await refused(send("--blocks", dir), /^oint: --blocks: .*blocks\.json is a directory, not a file\./);
    await refused(send("--keyboard", dir), /^oint: --keyboard: .* is a directory, not a file/);
    await refused(["bitrix24", "GetUsers", "--url", hook(), "--users", dir], /^oint: --users: .* is a directory, not a file/);
    await refused(["bitrix24", "CreateUser", "--url", hook(), "--fields", dir], /^oint: --fields: .* is a directory, not a file/);
  });

  it("a directory for --picture or --file is refused, never taken as Base64", async () => {
    const dir = join(tmp.path, "abcd"); // a name that is valid Base64 too
    mkdirSync(dir);
    await refused(["bitrix24", "ChangeChatPicture", "--url", hook(), "--chat", "1", "--picture", dir], /^oint: --picture: .*abcd is a directory, not a file\./);
    await refused(["bitrix24", "SendFileToChat", "--url", hook(), "--chat", "1", "--file", dir], /^oint: --file: .*abcd is a directory, not a file\./);
    await refused(["bitrix24", "UploadFileToFolder", "--url", hook(), "--title", "a.bin", "--folderid", "1", "--file", dir], /^oint: --file: .* is a directory/);
  });

  it("a file that cannot be read", { skip: !existsSync("/proc/self/mem") && "needs Linux's /proc" }, async () => {
    // /proc/self/mem is a file no one can read from its start (EIO); without root, a file with mode 000 too.
    await refused(send("--blocks", "/proc/self/mem"), /^oint: --blocks: cannot read the file \/proc\/self\/mem: EIO/);
    await refused(["bitrix24", "ChangeChatPicture", "--url", hook(), "--chat", "1", "--picture", "/proc/self/mem"], /^oint: --picture: cannot read the file/);
    if (!isRoot) {
      const secret = join(tmp.path, "unreadable.json");
      writeFileSync(secret, "[]");
      chmodSync(secret, 0);
      await refused(send("--blocks", secret), /^oint: --blocks: cannot read the file .*: EACCES \(permission denied\)/);
    }
  });

  it("a mistyped path is not sent as Base64, even when its characters are Base64", async () => {
    // "/tmp/nopictureX" (the folder exists, the file does not) and "Makefile" both pass for Base64 text.
    const picture = ["bitrix24", "ChangeChatPicture", "--url", hook(), "--chat", "1", "--picture"];
    const folder = tmpdir();
    const missing = `${folder}/nopicture`.padEnd(Math.ceil((folder.length + 10) / 4) * 4, "X");
    if (/^[A-Za-z0-9+/]+$/.test(missing)) {
      assert.ok(Buffer.from(missing, "base64").toString("base64") === missing, "the value is valid Base64");
      await refused([...picture, missing], /^oint: --picture: the file .*nopicture\w* does not exist\./);
    }
    await refused([...picture, join(tmp.path, "logo")], /^oint: --picture: the file .*logo does not exist\./);
    await refused([...picture, "Makefile"], /^oint: --picture: the file Makefile does not exist \(and it is too short to be taken for Base64 text\)/);
    await refused(["bitrix24", "GetUsers", "--url", hook(), "--users", join(tmp.path, "ids")], /^oint: --users: the file .*ids does not exist\./);
  });
});

describe("an empty list or object where the function needs at least one element", () => {
  it("GetUsers and AddUsersToChat --users [], CreateUser/UpdateUser/CreateChat --fields {}", async () => {
    await refused(["bitrix24", "GetUsers", "--url", hook(), "--users", "[]"], /^oint: --users: is an empty list: give at least one element\./);
    await refused(["bitrix24", "AddUsersToChat", "--url", hook(), "--chat", "1", "--users", "[]"], /^oint: --users: is an empty list/);
    await refused(["bitrix24", "CreateUser", "--url", hook(), "--fields", "{}"], /^oint: --fields: is an empty object: give at least one field\./);
    await refused(["bitrix24", "UpdateUser", "--url", hook(), "--userid", "1", "--fields", "{}"], /^oint: --fields: is an empty object/);
    await refused(["bitrix24", "CreateChat", "--url", hook(), "--fields", "{}"], /^oint: --fields: is an empty object/);
  });

  it("one ID still works", async () => {
    const run = await runCli(["bitrix24", "GetUsers", "--url", hook(), "--users", "[1]"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(Object.keys(JSON.parse(run.stdout).result), ["1"]);
  });
});

describe("a structure of the wrong shape says what goes there", () => {
  it("--files wants file names and paths; --fields wants fields", async () => {
    await refused(["bitrix24", "CreatePost", "--url", hook(), "--text", "hi", "--files", "[1,2]"], /^oint: --files: expected a JSON object \(e\.g\. \{"photo\.png":"\.\/photo\.png"\}\) or a path to a \.json file\./);
    await refused(["bitrix24", "CreateUser", "--url", hook(), "--fields", "[1,2]"], /^oint: --fields: expected a JSON object \(e\.g\. \{"TITLE":"…"\}\)/);
  });
});

describe("IDs are checked before sending", () => {
  it("user IDs are numbers (GetUsers, AddUsersToChat, GetUserBusy); a chat ID is the bare number (chat5 says 5)", async () => {
    await refused(["bitrix24", "GetUsers", "--url", hook(), "--users", '["1","a"]'], /^oint: --users: "a" is not a user ID: user IDs are numbers\./);
    await refused(["bitrix24", "AddUsersToChat", "--url", hook(), "--chat", "1", "--users", '["x","y"]'], /^oint: --users: "x", "y" are not user IDs/);
    await refused(["bitrix24", "GetUserBusy", "--url", hook(), "--users", "me", "--from", "2026-01-07", "--to", "2026-01-08"], /^oint: --users: "me" is not a user ID/);
    await refused(["bitrix24", "ChangeChatTitle", "--url", hook(), "--chat", "chat5", "--title", "x"], /^oint: --chat: "chat5" is not a chat ID: the bare number \(5, not chat5\)\./);
    await refused(["bitrix24", "GetChatFilesFolder", "--url", hook(), "--chat", "five"], /^oint: --chat: "five" is not a chat ID: the bare number \(5, not chat5\)/);
  });
});

describe("a list offset is a whole number", () => {
  it("GetLeadsList, GetDealsList and GetTasksList refuse --offset abc (Bitrix24 would read the first page again); 50 and -1 are sent", async () => {
    for (const fn of ["GetLeadsList", "GetDealsList", "GetTasksList"]) {
      await refused(["bitrix24", fn, "--url", hook(), "--offset", "abc"], /^oint: --offset: "abc" is not an offset: a whole number, 0 or more/);
      await refused(["bitrix24", fn, "--url", hook(), "--offset", "2.5"], /^oint: --offset: "2\.5" is not an offset/);
    }
    const run = await runCli(["bitrix24", "GetLeadsList", "--url", hook(), "--offset", "50", "--test"]);
    assert.equal(JSON.parse(run.stdout).body.start, "50");
    assert.equal(JSON.parse((await runCli(["bitrix24", "GetLeadsList", "--url", hook(), "--offset", "-1", "--test"])).stdout).body.start, "-1");
  });
});

describe("links accept only http(s) URLs", () => {
  it("IMAGE, FILE, LINK and USER blocks, keyboard buttons and menu items", async () => {
    await refused(send("--blocks", "[{'IMAGE':{'NAME':'p','LINK':'javascript:alert(1)'}}]"), /^oint: --blocks: \[0\]\.IMAGE\.LINK: "javascript:" links are refused; only http\(s\) URLs\./);
    await refused(send("--blocks", "[{'IMAGE':{'LINK':'https://example.com/p.jpg','PREVIEW':'data:image/png;base64,AAAA'}}]"), /^oint: --blocks: \[0\]\.IMAGE\.PREVIEW: "data:" links are refused/);
    await refused(send("--blocks", "[{'FILE':[{'LINK':'vbscript:msgbox(1)'}]}]"), /^oint: --blocks: \[0\]\.FILE\[0\]\.LINK: "vbscript:" links are refused/);
    await refused(send("--blocks", "[{'LINK':{'NAME':'x','LINK':' javascript:alert(1)'}}]"), /^oint: --blocks: \[0\]\.LINK\.LINK: "javascript:" links are refused/);
    await refused(send("--blocks", "[{'USER':{'NAME':'x','LINK':'example.com/u/1'}}]"), /^oint: --blocks: \[0\]\.USER\.LINK: must be an absolute http\(s\) URL/);
    await refused(send("--blocks", "[{'GRID':[{'DISPLAY':'LINE','NAME':'a','VALUE':'b','LINK':'JavaScript:x'}]}]"), /^oint: --blocks: \[0\]\.GRID\[0\]\.LINK: "javascript:" links are refused/);
    await refused(send("--keyboard", "[{'TEXT':'Open','LINK':'javascript:alert(1)'}]"), /^oint: --keyboard: BUTTONS\[0\]\.LINK: "javascript:" links are refused/);
    await refused(send("--menu", "[{'TEXT':'Open','LINK':'data:text/html,<script>x</script>'}]"), /^oint: --menu: ITEMS\[0\]\.LINK: "data:" links are refused/);
    await refused(
      ["bitrix24", "CreatePersonalNotification", "--url", hook(), "--user", "1", "--text", "t", "--blocks", "[{'IMAGE':{'LINK':'javascript:alert(1)'}}]"],
      /^oint: --blocks: \[0\]\.IMAGE\.LINK: "javascript:" links are refused/,
    );
  });
});

describe("no secret in any output", () => {
  const token = () => ctx.portal.accessToken;
  const clean = (run: CliRun, ...secrets: string[]) => {
    for (const secret of secrets) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `"${secret.slice(0, 4)}…" printed:\n${run.stdout}${run.stderr}`);
  };

  it("--test of SendFileToChat and UploadFileToFolder, webhook and token modes: masked, nothing sent", async () => {
    const file = join(tmp.path, "note.txt");
    writeFileSync(file, "hello");
    const before = ctx.portal.requests.length;
    const runs = [
      ["SendFileToChat", "--url", hook(), "--chat", "1", "--file", file],
      ["SendFileToChat", "--url", ctx.portal.url, "--chat", "1", "--file", file, "--token", token()],
      ["UploadFileToFolder", "--url", hook(), "--title", "a.txt", "--folderid", "1", "--file", file],
      ["UploadFileToFolder", "--url", ctx.portal.url, "--title", "a.txt", "--folderid", "1", "--file", file, "--token", token()],
    ];
    for (const args of runs) {
      const run = await runCli(["bitrix24", ...args, "--test"]);
      assert.equal(run.code, 0, run.stderr);
      clean(run, ctx.portal.secret, token());
      const shown = JSON.parse(run.stdout);
      assert.equal(shown.function, args[0]);
      if (args.includes("--token")) assert.equal(shown.values.token, "***");
      else assert.equal(shown.values.url, `${ctx.portal.url}/rest/1/***/`);
    }
    assert.equal(ctx.portal.requests.length, before, "nothing reached the portal");
  });

  it("the same functions with --debug show no secret either", async () => {
    const file = join(tmp.path, "debug.txt");
    writeFileSync(file, "hello");
    const run = await runCli(["bitrix24", "SendFileToChat", "--url", ctx.portal.url, "--chat", "1", "--file", file, "--token", token(), "--debug"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /debug: /);
    clean(run, token());
  });

  it("a stray word (a token without its option) is not echoed", async () => {
    const run = await refused(["bitrix24", "ServerTime", "--url", hook(), token()], /^oint: word 3 after ServerTime is not an option or an option's value \(not shown, in case it is a secret\)/);
    clean(run, token(), ctx.portal.secret);
  });

  it("an unknown option that does not look like one is not echoed", async () => {
    const run = await refused(["bitrix24", "ServerTime", "--url", hook(), `--${token()}`], /^oint: unknown option \(not shown, in case it is a secret\)/);
    clean(run, token());
    await refused(["bitrix24", "ServerTime", "--url", hook(), "--colour", "red"], /^oint: unknown option --colour\./);
  });

  it("GetToken --debug masks the authorisation code, also where the URL carries it encoded", async () => {
    const code = "abc+def/ghi=1234567";
    const run = await runCli(["bitrix24", "GetToken", "--clientid", "app.id", "--clientsecret", "s3cr3t+value", "--code", code, "--debug"], {
      env: { OINT_OAUTH_URL: `${ctx.portal.url}/oauth/token/` },
    });
    assert.equal(run.code, 3, run.stderr); // the portal does not know the code: invalid_grant
    assert.match(run.stderr, /debug: GET .*code=\*\*\*/);
    clean(run, code, encodeURIComponent(code), "s3cr3t+value", encodeURIComponent("s3cr3t+value"));
  });

  it("invalid JSON is described by where it goes wrong, never quoted (it may hold a token)", async () => {
    const run = await refused(["bitrix24", "CreateUser", "--url", hook(), "--fields", `{"NAME": ${token()}}`], /^oint: --fields: the value is not valid JSON \((an unexpected character|something is missing)/); // which depends on the token's first character
    clean(run, token(), token().slice(0, 8));
    await refused(["bitrix24", "CreateUser", "--url", hook(), "--fields", '{"NAME": "x"'], /^oint: --fields: the value is not valid JSON \(something is missing at line 1, column 13\)/);
  });

  it("a token typed as another option's value is not echoed in the complaint", async () => {
    const chat = await refused(["bitrix24", "SendMessage", "--url", hook(), "--chat", token(), "--text", "x"], /^oint: --chat: the value \(\d+ characters, not shown in case it is a secret\) is not a dialog ID/);
    clean(chat, token());
    const flag = await refused(send("--system", token()), /^oint: --system: expected true or false, got the value \(\d+ characters/);
    clean(flag, token());
  });

  it("a file link's query secrets (token=, sig=, auth=) are masked when the download fails and in --test", async () => {
    // A Drive DOWNLOAD_URL carries `token=`; signed links carry `sig=`. The portal has no such path: 404.
    const link = `${ctx.portal.url}/no/such/file.png?auth=a7f3c9e1b5d2&token=disk%7Cb8e2f4a6c1d3&sig=c9d1e3f5a7b2`;
    const failed = await runCli(["bitrix24", "UploadFileToFolder", "--url", hook(), "--title", "a.png", "--folderid", "1", "--file", link]);
    assert.equal(failed.code, 4, failed.stderr);
    assert.match(failed.stderr, /auth=\*\*\*&token=\*\*\*&sig=\*\*\*/);
    const shown = await runCli(["bitrix24", "UploadFileToFolder", "--url", hook(), "--title", "a.png", "--folderid", "1", "--file", link, "--test"]);
    assert.equal(shown.code, 0, shown.stderr);
    for (const run of [failed, shown]) clean(run, "a7f3c9e1b5d2", "b8e2f4a6c1d3", "c9d1e3f5a7b2", ctx.portal.secret);
  });

  it("a flag given a value: the value is not echoed", async () => {
    const run = await refused(["bitrix24", "ServerTime", "--url", hook(), `--debug=${token()}`], /^oint: --debug takes no value\./);
    clean(run, token());
  });
});
