// The "Chats and dialogs" functions (opi-bitrix24.md §2.12, §3.4, §3.5): for each, what goes on
// the wire and what comes back, in both auth modes, through the library and the CLI; the answers'
// keys and value types against the real samples; Bitrix24's errors; the CLI value forms.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bitrix24, Bitrix24Client, Bitrix24Error, InputError } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { runCli } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const OLGA = "olga-token-4"; // user 4, a member of the General chat only
const MARIA = "maria-token-2"; // user 2

// One portal for the file, with tokens for two more users, and a scratch directory with a picture.
const ctx = {} as { portal: RunningPortal };
const tmp = { path: "" };
before(async () => {
  ctx.portal = await startPortal({ port: 0 });
  ctx.portal.credentials.addToken(OLGA, { userId: 4 });
  ctx.portal.credentials.addToken(MARIA, { userId: 2 });
  tmp.path = mkdtempSync(join(tmpdir(), "oint-chats-"));
  writeFileSync(join(tmp.path, "avatar.png"), PNG);
});
after(async () => {
  await ctx.portal?.close();
  if (tmp.path) rmSync(tmp.path, { recursive: true, force: true });
});

// ---- per-function wire cases ----------------------------------------------------------------------

interface Prepared {
  chatId: number;
}

interface Case {
  fn: string;
  method: string;
  /** Runs before each call: a fresh chat (user 1 owns it, users 2 and 3 are in it) unless said otherwise. */
  prepare?: () => Prepared;
  lib: (url: string, token: string, p: Prepared) => Promise<unknown>;
  /** CLI options other than --url/--token. */
  cli: (p: Prepared) => string[];
  /** The payload expected on the wire (auth added in token mode). */
  body: (p: Prepared) => Record<string, unknown>;
  /** What the call must have changed or returned. */
  effect?: (result: any, p: Prepared) => void;
}

const state = () => ctx.portal.state;
let titles = 0;
function freshChat(members = [2, 3]): Prepared {
  const chat = state().createChat({ type: "chat", title: `Fixture ${++titles}`, ownerId: 1, members });
  return { chatId: chat.id };
}
function chatWithMessages(): Prepared {
  const p = freshChat();
  for (const text of ["one", "two", "three"]) state().createMessage({ chatId: p.chatId, authorId: 2, text });
  return p;
}
const chat = (p: Prepared) => state().getChat(p.chatId)!;

const cases: Case[] = [
  {
    fn: "CreateChat",
    method: "im.chat.add",
    prepare: () => ({ chatId: 0 }),
    lib: (url, token) => bitrix24.createChat(url, { TYPE: "OPEN", TITLE: "Made here", USERS: [2, 3], COLOR: "RED" }, token),
    cli: () => ["--fields", "{'TYPE':'OPEN','TITLE':'Made here','USERS':[2,3],'COLOR':'RED'}"],
    body: () => ({ TYPE: "OPEN", TITLE: "Made here", USERS: [2, 3], COLOR: "RED" }),
    effect: (result) => {
      const made = state().getChat(result)!;
      assert.deepEqual([made.type, made.title, made.members, made.ownerId, made.color], ["open", "Made here", [1, 2, 3], 1, "#df532d"]);
    },
  },
  {
    fn: "GetChatUsers",
    method: "im.chat.user.list",
    lib: (url, token, p) => bitrix24.getChatUsers(url, p.chatId, token),
    cli: (p) => ["--chat", String(p.chatId)],
    body: (p) => ({ CHAT_ID: String(p.chatId) }),
    effect: (result) => assert.deepEqual(result, [1, 2, 3]),
  },
  {
    fn: "LeaveChat",
    method: "im.chat.leave",
    lib: (url, token, p) => bitrix24.leaveChat(url, p.chatId, token),
    cli: (p) => ["--chat", String(p.chatId)],
    body: (p) => ({ CHAT_ID: String(p.chatId) }),
    effect: (_r, p) => {
      assert.deepEqual(chat(p).members, [2, 3]);
      assert.equal(chat(p).ownerId, 2, "the owner who leaves hands the chat to the next member");
    },
  },
  {
    fn: "GetUsers",
    method: "im.user.list.get",
    prepare: () => ({ chatId: 0 }),
    lib: (url, token) => bitrix24.getUsers(url, [1, 2], token),
    cli: () => ["--users", "[1,2]"],
    body: () => ({ ID: [1, 2] }),
    effect: (result) => {
      assert.deepEqual(Object.keys(result), ["1", "2"]);
      assert.equal(result["2"].name, "Maria Ivanova");
    },
  },
  {
    fn: "AddUsersToChat",
    method: "im.chat.user.add",
    prepare: () => freshChat([]),
    lib: (url, token, p) => bitrix24.addUsersToChat(url, p.chatId, [2, 4], true, token),
    cli: (p) => ["--chat", String(p.chatId), "--users", "[2,4]", "--hide", "true"],
    body: (p) => ({ CHAT_ID: String(p.chatId), USERS: [2, 4], HIDE_HISTORY: "Y" }),
    effect: (_r, p) => assert.deepEqual(chat(p).members, [1, 2, 4]),
  },
  {
    fn: "DeleteUserFromChat",
    method: "im.chat.user.delete",
    lib: (url, token, p) => bitrix24.deleteUserFromChat(url, p.chatId, 3, token),
    cli: (p) => ["--chat", String(p.chatId), "--user", "3"],
    body: (p) => ({ CHAT_ID: String(p.chatId), USER_ID: "3" }),
    effect: (_r, p) => assert.deepEqual(chat(p).members, [1, 2]),
  },
  {
    fn: "ChangeChatTitle",
    method: "im.chat.updateTitle",
    lib: (url, token, p) => bitrix24.changeChatTitle(url, p.chatId, "Renamed", token),
    cli: (p) => ["--chat", String(p.chatId), "--title", "Renamed"],
    body: (p) => ({ CHAT_ID: String(p.chatId), TITLE: "Renamed" }),
    effect: (_r, p) => assert.equal(chat(p).title, "Renamed"),
  },
  {
    fn: "ChangeChatColor",
    method: "im.chat.updateColor",
    lib: (url, token, p) => bitrix24.changeChatColor(url, p.chatId, "AZURE", token),
    cli: (p) => ["--chat", String(p.chatId), "--color", "AZURE"],
    body: (p) => ({ CHAT_ID: String(p.chatId), COLOR: "AZURE" }),
    effect: (_r, p) => assert.equal(chat(p).color, "#29619b"),
  },
  {
    fn: "ChangeChatPicture",
    method: "im.chat.updateAvatar",
    lib: (url, token, p) => bitrix24.changeChatPicture(url, p.chatId, join(tmp.path, "avatar.png"), token),
    cli: (p) => ["--chat", String(p.chatId), "--picture", join(tmp.path, "avatar.png")],
    body: (p) => ({ CHAT_ID: String(p.chatId), AVATAR: PNG.toString("base64") }),
    effect: (_r, p) => assert.deepEqual(state().chatExtras.avatar(p.chatId), { base64: PNG.toString("base64"), extension: "png", width: 1, height: 1 }),
  },
  {
    fn: "ChangeChatOwner",
    method: "im.chat.setOwner",
    lib: (url, token, p) => bitrix24.changeChatOwner(url, p.chatId, 2, token),
    cli: (p) => ["--chat", String(p.chatId), "--user", "2"],
    body: (p) => ({ CHAT_ID: String(p.chatId), USER_ID: "2" }),
    effect: (_r, p) => assert.equal(chat(p).ownerId, 2),
  },
  {
    fn: "DisableChatNotifications",
    method: "im.chat.mute",
    lib: (url, token, p) => bitrix24.disableChatNotifications(url, p.chatId, token),
    cli: (p) => ["--chat", String(p.chatId)],
    body: (p) => ({ CHAT_ID: String(p.chatId), MUTE: "Y" }),
    effect: (_r, p) => assert.deepEqual(state().chatExtras.mutedBy(p.chatId), [1]),
  },
  {
    fn: "EnableChatNotifications",
    method: "im.chat.mute",
    prepare: () => {
      const p = freshChat();
      state().chatExtras.setMuted(p.chatId, 1, true);
      return p;
    },
    lib: (url, token, p) => bitrix24.enableChatNotifications(url, p.chatId, token),
    cli: (p) => ["--chat", String(p.chatId)],
    body: (p) => ({ CHAT_ID: String(p.chatId), MUTE: "N" }),
    effect: (_r, p) => assert.deepEqual(state().chatExtras.mutedBy(p.chatId), []),
  },
  {
    fn: "GetChatMessagesList",
    method: "im.dialog.messages.get",
    prepare: chatWithMessages,
    lib: (url, token, p) => bitrix24.getChatMessagesList(url, `chat${p.chatId}`, "", 0, token),
    cli: (p) => ["--chat", `chat${p.chatId}`, "--first", "0"],
    body: (p) => ({ DIALOG_ID: `chat${p.chatId}`, FIRST_ID: "0" }),
    effect: (result) => assert.deepEqual(result.messages.map((m: any) => m.text), ["one", "two", "three"]),
  },
  {
    fn: "GetDialog",
    method: "im.dialog.get",
    lib: (url, token, p) => bitrix24.getDialog(url, `chat${p.chatId}`, token),
    cli: (p) => ["--chat", `chat${p.chatId}`],
    body: (p) => ({ DIALOG_ID: `chat${p.chatId}` }),
    effect: (result, p) => {
      assert.deepEqual([result.id, result.name, result.owner, result.type, result.role, result.dialog_id, result.user_counter], [p.chatId, chat(p).title, 1, "chat", "owner", `chat${p.chatId}`, 3]);
    },
  },
  {
    fn: "GetChatMembersList",
    method: "im.dialog.users.list",
    lib: (url, token, p) => bitrix24.getChatMembersList(url, `chat${p.chatId}`, token),
    cli: (p) => ["--chat", `chat${p.chatId}`],
    body: (p) => ({ DIALOG_ID: `chat${p.chatId}` }),
    effect: (result) => assert.deepEqual(result.map((u: any) => u.id), [1, 2, 3]),
  },
  {
    fn: "SendWritingNotification",
    method: "im.dialog.writing",
    lib: (url, token, p) => bitrix24.sendWritingNotification(url, `chat${p.chatId}`, token),
    cli: (p) => ["--chat", `chat${p.chatId}`],
    body: (p) => ({ DIALOG_ID: `chat${p.chatId}` }),
    effect: (_r, p) => assert.ok(state().chatExtras.lastWriting(p.chatId, 1) instanceof Date),
  },
  {
    fn: "GetUserStatus",
    method: "im.user.status.get",
    prepare: () => {
      state().getUser(1)!.status = "away";
      return { chatId: 0 };
    },
    lib: (url, token) => bitrix24.getUserStatus(url, token),
    cli: () => [],
    body: () => ({}),
    effect: (result) => assert.equal(result, "away"),
  },
  {
    fn: "SetUserStatus",
    method: "im.user.status.set",
    prepare: () => {
      state().getUser(1)!.status = "online";
      return { chatId: 0 };
    },
    lib: (url, token) => bitrix24.setUserStatus(url, "dnd", token),
    cli: () => ["--status", "dnd"],
    body: () => ({ STATUS: "dnd" }),
    effect: () => assert.equal(state().getUser(1)!.status, "dnd"),
  },
  {
    fn: "ReadAll",
    method: "im.dialog.read.all",
    prepare: chatWithMessages,
    lib: (url, token) => bitrix24.readAll(url, token),
    cli: () => [],
    body: () => ({}),
    effect: (_r, p) => assert.equal(state().chatExtras.lastRead(p.chatId, 1), chat(p).lastMessageId),
  },
];

const modes = [
  { name: "webhook", url: () => ctx.portal.webhookUrl, token: () => "", path: (m: string) => `/rest/1/${ctx.portal.secret}/${m}` },
  { name: "token", url: () => ctx.portal.url, token: () => ctx.portal.accessToken, path: (m: string) => `/rest/${m}` },
];

for (const c of cases) {
  describe(c.fn, () => {
    for (const mode of modes) {
      const expectRequest = (p: Prepared) => {
        const req = ctx.portal.requests.at(-1)!;
        assert.equal(req.httpMethod, "POST");
        assert.equal(req.path, mode.path(c.method));
        const body = c.body(p);
        assert.deepEqual(JSON.parse(req.body), mode.token() ? { ...body, auth: mode.token() } : body);
        assert.equal(req.query.auth, undefined, "no token in the URL");
      };

      it(`library, ${mode.name}: sends ${c.method} and answers like the sample`, async () => {
        const p = (c.prepare ?? freshChat)();
        const answer: any = await c.lib(mode.url(), mode.token(), p);
        expectRequest(p);
        assertLikeSample(answer, c.fn);
        c.effect?.(answer.result, p);
      });

      it(`CLI, ${mode.name}: the same request, the answer printed as JSON`, async () => {
        const p = (c.prepare ?? freshChat)();
        const auth = mode.token() ? ["--token", mode.token()] : [];
        const run = await runCli(["bitrix24", c.fn, "--url", mode.url(), ...c.cli(p), ...auth]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, "");
        expectRequest(p);
        const answer = JSON.parse(run.stdout);
        assertLikeSample(answer, c.fn);
        c.effect?.(answer.result, p);
        if (mode.token()) assert.doesNotMatch(run.stdout + run.stderr, new RegExp(mode.token()), "the token is never printed");
      });
    }
  });
}

describe("GetChatStructure", () => {
  it("prints OpenIntegrations' template, as the sample shows it", async () => {
    const run = await runCli(["bitrix24", "GetChatStructure"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), opiSample("GetChatStructure"));
    assert.deepEqual(bitrix24.getChatStructure(), opiSample("GetChatStructure"));
  });

  it("--empty / -e leaves every value empty, same keys", async () => {
    const keys = Object.keys(opiSample("GetChatStructure"));
    const emptied = Object.fromEntries(keys.map((k) => [k, ""]));
    for (const args of [["--empty"], ["-e", "true"], ["--empty", "true"]]) {
      const run = await runCli(["bitrix24", "GetChatStructure", ...args]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), emptied);
    }
    assert.deepEqual(bitrix24.getChatStructure(true), emptied);
    assert.deepEqual(bitrix24.ПолучитьСтруктуруЧата(false), opiSample("GetChatStructure"));
  });

  it("the template, filled in, is what CreateChat takes from a .json file", async () => {
    const file = join(tmp.path, "chat.json");
    const fields = { ...bitrix24.getChatStructure(true), TYPE: "CHAT", TITLE: "From a file", USERS: [2], COLOR: "LIME" };
    writeFileSync(file, JSON.stringify(fields));
    const run = await runCli(["bitrix24", "CreateChat", "--url", ctx.portal.webhookUrl, "--fields", file]);
    assert.equal(run.code, 0, run.stderr);
    // Empty keys go on the wire as they are: CreateChat passes the structure through untouched.
    assert.deepEqual(JSON.parse(ctx.portal.requests.at(-1)!.body), fields);
    const made = state().getChat(JSON.parse(run.stdout).result)!;
    assert.deepEqual([made.title, made.members, made.color, made.description], ["From a file", [1, 2], "#58cc47", ""]);
  });
});

// ---- CLI value forms and short options --------------------------------------------------------------

describe("CLI value forms", () => {
  const hook = () => ctx.portal.webhookUrl;
  const lastBody = () => JSON.parse(ctx.portal.requests.at(-1)!.body);

  it("short options: AddUsersToChat -u -c -s -h -t, ChangeChatTitle -t -k, ChangeChatColor -l, ChangeChatPicture -p", async () => {
    const p = freshChat([]);
    let run = await runCli(["bitrix24", "AddUsersToChat", "-u", ctx.portal.url, "-c", String(p.chatId), "-s", "[2]", "-h", "false", "-t", ctx.portal.accessToken]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { CHAT_ID: String(p.chatId), USERS: [2], HIDE_HISTORY: "N", auth: ctx.portal.accessToken });
    run = await runCli(["bitrix24", "ChangeChatTitle", "-u", ctx.portal.url, "-c", String(p.chatId), "-t", "Short", "-k", ctx.portal.accessToken]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { CHAT_ID: String(p.chatId), TITLE: "Short", auth: ctx.portal.accessToken });
    run = await runCli(["bitrix24", "ChangeChatColor", "-u", hook(), "-c", String(p.chatId), "-l", "PINK"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().COLOR, "PINK");
    run = await runCli(["bitrix24", "ChangeChatPicture", "-u", hook(), "-c", String(p.chatId), "-p", PNG.toString("base64")]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastBody().AVATAR, PNG.toString("base64"), "Base64 text is sent as it is");
  });

  it("one user ID for --users is wrapped into a list; --hide absent is sent as N", async () => {
    const p = freshChat([]);
    const run = await runCli(["bitrix24", "AddUsersToChat", "--url", hook(), "--chat", String(p.chatId), "--users", "5"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { CHAT_ID: String(p.chatId), USERS: ["5"], HIDE_HISTORY: "N" });
    assert.deepEqual(chat(p).members, [1, 5]);
    const users = await runCli(["bitrix24", "GetUsers", "--url", hook(), "--users", "3"]);
    assert.equal(users.code, 0, users.stderr);
    assert.deepEqual(lastBody(), { ID: ["3"] });
    assert.deepEqual(Object.keys(JSON.parse(users.stdout).result), ["3"]);
  });

  it("--hide takes true/false only; anything else is refused before sending", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "AddUsersToChat", "--url", hook(), "--chat", "1", "--users", "2", "--hide", "maybe"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --hide: /);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("invalid JSON in --fields: exit 4, one line naming --fields, nothing sent", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "CreateChat", "--url", hook(), "--fields", "{'TITLE': "]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --fields: .*not valid JSON/);
    assert.equal(run.stderr.trim().split("\n").length, 1);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("GetChatMessagesList: --last and --first are left out unless given; 0 is sent", async () => {
    const p = chatWithMessages();
    let run = await runCli(["bitrix24", "GetChatMessagesList", "--url", hook(), "--chat", `chat${p.chatId}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { DIALOG_ID: `chat${p.chatId}` });
    const newestFirst = JSON.parse(run.stdout).result.messages.map((m: any) => m.text);
    assert.deepEqual(newestFirst.slice(0, 3), ["three", "two", "one"]);
    const two = chat(p).lastMessageId - 1;
    run = await runCli(["bitrix24", "GetChatMessagesList", "-u", hook(), "-c", `chat${p.chatId}`, "-l", String(two), "-f", "0"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { DIALOG_ID: `chat${p.chatId}`, LAST_ID: String(two), FIRST_ID: "0" });
  });

  it("Russian names work (ПолучитьДиалог, ДобавитьПользователейВЧат)", async () => {
    const p = freshChat([]);
    let run = await runCli(["bitrix24", "ПолучитьДиалог", "--url", hook(), "--chat", `chat${p.chatId}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).result.id, p.chatId);
    run = await runCli(["bitrix24", "ДобавитьПользователейВЧат", "--url", hook(), "--chat", String(p.chatId), "--users", "[3]"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(chat(p).members, [1, 3]);
  });

  it("a DIALOG_ID that is neither chatN nor a user ID is refused before sending", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "GetDialog", "--url", hook(), "--chat", "general"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --chat: /);
    assert.equal(ctx.portal.requests.length, before);
  });
});

// ---- Bitrix24's errors ----------------------------------------------------------------------------

/** Calls as user 1 (webhook) or as the token's user; returns the rejection. */
async function failure(method: string, params: Record<string, unknown>, token?: string): Promise<Bitrix24Error> {
  const client = new Bitrix24Client(token ? { url: ctx.portal.url, token } : { url: ctx.portal.webhookUrl });
  try {
    await client.call(method, params);
  } catch (error) {
    assert.ok(error instanceof Bitrix24Error, String(error));
    return error;
  }
  assert.fail(`${method} succeeded`);
}

async function expectError(method: string, params: Record<string, unknown>, status: number, code: string, token?: string): Promise<void> {
  const error = await failure(method, params, token);
  assert.deepEqual([error.status, error.code], [status, code], `${method}: ${error.description}`);
  assert.ok(error.description.length > 0);
}

describe("Bitrix24 errors", () => {
  it("CHAT_ID with the chat prefix, or none: 400 CHAT_ID_EMPTY; the CLI refuses the prefix before sending, saying the number", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "GetChatUsers", "--url", ctx.portal.webhookUrl, "--chat", "chat1"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --chat: "chat1" is not a chat ID: the bare number \(1, not chat1\)/);
    assert.equal(ctx.portal.requests.length, before, "nothing sent");
    for (const method of ["im.chat.leave", "im.chat.user.add", "im.chat.user.delete", "im.chat.updateTitle", "im.chat.updateColor", "im.chat.updateAvatar", "im.chat.setOwner", "im.chat.mute"]) {
      await expectError(method, { CHAT_ID: "chat1", USERS: [2], USER_ID: 2, TITLE: "x", COLOR: "RED" }, 400, "CHAT_ID_EMPTY");
    }
    await expectError("im.chat.updateTitle", { TITLE: "x" }, 400, "CHAT_ID_EMPTY");
  });

  it("a DIALOG_ID that names a private dialog where a group chat is needed: 400 DIALOG_ID_EMPTY", async () => {
    await expectError("im.chat.updateTitle", { DIALOG_ID: "2", TITLE: "x" }, 400, "DIALOG_ID_EMPTY");
    await expectError("im.dialog.get", {}, 400, "DIALOG_ID_EMPTY");
    await expectError("im.dialog.users.list", { DIALOG_ID: "" }, 400, "DIALOG_ID_EMPTY");
    await expectError("im.dialog.writing", {}, 400, "DIALOG_ID_EMPTY");
  });

  it("an unknown chat: 403 ACCESS_ERROR (as someone else's chat); im.chat.user.list answers []", async () => {
    for (const method of ["im.chat.leave", "im.chat.user.add", "im.chat.user.delete", "im.chat.updateTitle", "im.chat.updateColor", "im.chat.setOwner", "im.chat.mute"]) {
      await expectError(method, { CHAT_ID: 99999, USERS: [2], USER_ID: 2, TITLE: "x", COLOR: "RED" }, 403, "ACCESS_ERROR");
    }
    await expectError("im.dialog.get", { DIALOG_ID: "chat99999" }, 403, "ACCESS_ERROR");
    await expectError("im.dialog.get", { DIALOG_ID: "99999" }, 403, "ACCESS_ERROR");
    assert.deepEqual((await bitrix24.getChatUsers(ctx.portal.webhookUrl, 99999)).result, []);
  });

  it("the caller is not a member: 403 ACCESS_ERROR; leaving: 403 ACCESS_DENIED_KICK; the member list is []", async () => {
    const p = freshChat(); // users 1, 2, 3 — not Olga (4)
    await expectError("im.chat.updateTitle", { CHAT_ID: p.chatId, TITLE: "Hijacked" }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.chat.user.add", { CHAT_ID: p.chatId, USERS: [4] }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.dialog.get", { DIALOG_ID: `chat${p.chatId}` }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.dialog.users.list", { DIALOG_ID: `chat${p.chatId}` }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.dialog.writing", { DIALOG_ID: `chat${p.chatId}` }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.chat.mute", { CHAT_ID: p.chatId }, 403, "ACCESS_ERROR", OLGA);
    await expectError("im.chat.leave", { CHAT_ID: p.chatId }, 403, "ACCESS_DENIED_KICK", OLGA);
    assert.deepEqual((await bitrix24.getChatUsers(ctx.portal.url, p.chatId, OLGA)).result, []);
    assert.equal(chat(p).title.startsWith("Fixture"), true, "nothing changed");
  });

  it("not the owner: removing someone else is 403 ACCESS_DENIED_KICK, handing over is 400 WRONG_REQUEST", async () => {
    const p = freshChat();
    await expectError("im.chat.user.delete", { CHAT_ID: p.chatId, USER_ID: 3 }, 403, "ACCESS_DENIED_KICK", MARIA);
    await expectError("im.chat.setOwner", { CHAT_ID: p.chatId, USER_ID: 2 }, 400, "WRONG_REQUEST", MARIA);
    // The owner may hand over only to a member.
    await expectError("im.chat.setOwner", { CHAT_ID: p.chatId, USER_ID: 4 }, 400, "WRONG_REQUEST");
    assert.deepEqual([chat(p).ownerId, chat(p).members], [1, [1, 2, 3]]);
    // A member may always remove themselves.
    assert.equal((await bitrix24.deleteUserFromChat(ctx.portal.url, p.chatId, 2, MARIA)).result, true);
    assert.deepEqual(chat(p).members, [1, 3]);
  });

  it("unknown or missing users: 400 USER_NOT_FOUND / USER_ID_EMPTY / INVALID_FORMAT; im.user.list.get gives null", async () => {
    const p = freshChat();
    await expectError("im.chat.user.delete", { CHAT_ID: p.chatId, USER_ID: 77 }, 400, "USER_NOT_FOUND");
    await expectError("im.chat.user.delete", { CHAT_ID: p.chatId }, 400, "USER_ID_EMPTY");
    await expectError("im.chat.setOwner", { CHAT_ID: p.chatId, USER_ID: "abc" }, 400, "USER_ID_EMPTY");
    await expectError("im.chat.user.add", { CHAT_ID: p.chatId }, 400, "INVALID_FORMAT");
    await expectError("im.user.list.get", { ID: "[1, \"x\"]" }, 400, "INVALID_FORMAT");
    const users = await bitrix24.getUsers(ctx.portal.webhookUrl, [1, 999]);
    assert.equal(users.result["999"], null);
    assert.equal(users.result["1"]?.id, 1);
  });

  it("colours: an unknown one is 400 WRONG_COLOR, the one already set 400 WRONG_REQUEST", async () => {
    const p = freshChat();
    await assert.rejects(bitrix24.changeChatColor(ctx.portal.webhookUrl, p.chatId, "ORANGE"), (e: unknown) => e instanceof Bitrix24Error && e.code === "WRONG_COLOR" && e.status === 400);
    assert.equal((await bitrix24.changeChatColor(ctx.portal.webhookUrl, p.chatId, "SAND")).result, true);
    await assert.rejects(bitrix24.changeChatColor(ctx.portal.webhookUrl, p.chatId, "SAND"), (e: unknown) => e instanceof Bitrix24Error && e.code === "WRONG_REQUEST");
  });

  it("statuses: online, dnd and away only (400 STATUS_ERROR); GetUserStatus reads back what was set", async () => {
    await expectError("im.user.status.set", { STATUS: "busy" }, 400, "STATUS_ERROR", MARIA);
    for (const status of ["away", "online", "dnd"]) {
      assert.equal((await bitrix24.setUserStatus(ctx.portal.url, status, MARIA)).result, true);
      assert.equal((await bitrix24.getUserStatus(ctx.portal.url, MARIA)).result, status);
    }
    const seen = await bitrix24.getUsers(ctx.portal.webhookUrl, 2);
    assert.equal(seen.result["2"]?.status, "dnd", "others see the status too");
  });

  it("titles: blank is 400 TITLE_EMPTY (the library refuses an empty one before sending); a private dialog cannot be renamed", async () => {
    const p = freshChat();
    await expectError("im.chat.updateTitle", { CHAT_ID: p.chatId, TITLE: "  \n " }, 400, "TITLE_EMPTY");
    const before = ctx.portal.requests.length;
    await assert.rejects(bitrix24.changeChatTitle(ctx.portal.webhookUrl, p.chatId, ""), InputError);
    assert.equal(ctx.portal.requests.length, before);
    const dialog = await bitrix24.getDialog(ctx.portal.webhookUrl, "2"); // creates the private chat with user 2
    assert.equal(dialog.result.type, "private");
    assert.equal(dialog.result.dialog_id, "2");
    await expectError("im.chat.updateTitle", { CHAT_ID: dialog.result.id, TITLE: "Us" }, 403, "ACCESS_ERROR");
  });

  it("pictures: bytes that are no image are 400 AVATAR_ERROR; a picture over 5000x5000 too", async () => {
    const p = freshChat();
    await expectError("im.chat.updateAvatar", { CHAT_ID: p.chatId, AVATAR: Buffer.from("hello, not a picture").toString("base64") }, 400, "AVATAR_ERROR");
    const huge = Buffer.from(PNG);
    huge.writeUInt32BE(6000, 16); // the width in the PNG header
    const error = await failure("im.chat.updateAvatar", { CHAT_ID: p.chatId, AVATAR: huge.toString("base64") });
    assert.deepEqual([error.code, error.description], ["AVATAR_ERROR", "Avatar incorrect size (max 5000x5000)"]);
    assert.equal(state().chatExtras.avatar(p.chatId), undefined);
    // Accepted pictures show in the dialog as a URL.
    await bitrix24.changeChatPicture(ctx.portal.webhookUrl, p.chatId, PNG);
    assert.match((await bitrix24.getDialog(ctx.portal.webhookUrl, `chat${p.chatId}`)).result.avatar, /^http:\/\/127\.0\.0\.1:\d+\/.*\.png$/);
  });
});

// ---- what members see ---------------------------------------------------------------------------

describe("what the chat shows afterwards", () => {
  const hook = () => ctx.portal.webhookUrl;
  const texts = async (dialog: string, token: string) =>
    (await bitrix24.getChatMessagesList(ctx.portal.url, dialog, "", 0, token)).result.messages.map((m) => m.text);

  it("HIDE_HISTORY: a user added with --hide true sees only later messages, with false the whole history", async () => {
    const p = chatWithMessages();
    await bitrix24.addUsersToChat(hook(), p.chatId, [4], true);
    await bitrix24.sendMessage(hook(), `chat${p.chatId}`, "after Olga joined");
    const seen = await texts(`chat${p.chatId}`, OLGA);
    assert.ok(!seen.includes("one"), "earlier messages are hidden");
    assert.ok(seen.includes("after Olga joined"));

    const q = chatWithMessages();
    await bitrix24.addUsersToChat(hook(), q.chatId, 4, false);
    assert.deepEqual((await texts(`chat${q.chatId}`, OLGA)).slice(0, 3), ["one", "two", "three"]);
  });

  it("joining, leaving, renaming and handing over leave system messages (author 0)", async () => {
    const p = freshChat([2]);
    await bitrix24.addUsersToChat(hook(), p.chatId, [3]);
    await bitrix24.changeChatTitle(hook(), p.chatId, "Announcements");
    await bitrix24.changeChatOwner(hook(), p.chatId, 2);
    await bitrix24.leaveChat(hook(), p.chatId);
    const list = await bitrix24.getChatMessagesList(ctx.portal.url, `chat${p.chatId}`, "", 0, MARIA);
    const system = list.result.messages.filter((m) => m.author_id === 0).map((m) => m.text);
    assert.deepEqual(system, [
      "[USER=1]Alex Morgan[/USER] invited [USER=3]Daniel Kim[/USER] to the chat",
      '[USER=1]Alex Morgan[/USER] changed the chat name to "Announcements"',
      "[USER=1]Alex Morgan[/USER] made [USER=2]Maria Ivanova[/USER] the chat owner",
      "[USER=1]Alex Morgan[/USER] left the chat",
    ]);
  });

  it("GetDialog counts unread messages for the caller until ReadAll; other members' read marks show in readed_list", async () => {
    const p = chatWithMessages(); // three messages by Maria
    let dialog = (await bitrix24.getDialog(hook(), `chat${p.chatId}`)).result;
    assert.deepEqual([dialog.counter, dialog.message_count, dialog.last_id], [3, 3, 0]);
    assert.equal(dialog.unread_id, chat(p).lastMessageId - 2);
    await bitrix24.readAll(hook());
    dialog = (await bitrix24.getDialog(hook(), `chat${p.chatId}`)).result;
    assert.deepEqual([dialog.counter, dialog.unread_id, dialog.last_id], [0, 0, chat(p).lastMessageId]);
    const seenByMaria = (await bitrix24.getDialog(ctx.portal.url, `chat${p.chatId}`, MARIA)).result;
    assert.deepEqual(seenByMaria.readed_list.map((r) => [r.user_id, r.message_id]), [[1, chat(p).lastMessageId]]);
    assert.equal(seenByMaria.role, "member");
  });

  it("muting is per user: GetDialog's mute_list names who muted the chat", async () => {
    const p = freshChat();
    await bitrix24.disableChatNotifications(ctx.portal.url, p.chatId, MARIA);
    assert.deepEqual((await bitrix24.getDialog(hook(), `chat${p.chatId}`)).result.mute_list, [2]);
    await bitrix24.enableChatNotifications(ctx.portal.url, p.chatId, MARIA);
    assert.deepEqual((await bitrix24.getDialog(hook(), `chat${p.chatId}`)).result.mute_list, []);
  });
});
