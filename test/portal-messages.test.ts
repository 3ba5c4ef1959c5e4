// The im.* methods of the local portal: answers shaped like the real samples
// (fixtures/opi-samples), Bitrix24's validation errors, and what a user reads back after sending,
// editing and deleting messages.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ port: 0 });
  portal.credentials.addToken("daniel", { userId: 3 });
  portal.credentials.addToken("olga", { userId: 4 });
});
after(async () => {
  await portal?.close();
});

const ATOM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

/** Calls a method through the webhook (user 1), or with a token as another user. */
async function call(method: string, params: Record<string, unknown> = {}, token?: string): Promise<{ status: number; body: any }> {
  const url = token ? `${portal.url}/rest/${method}` : `${portal.webhookUrl}${method}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(token ? { ...params, auth: token } : params),
  });
  return { status: res.status, body: await res.json() };
}

async function ok(method: string, params: Record<string, unknown> = {}, token?: string): Promise<any> {
  const res = await call(method, params, token);
  assert.equal(res.status, 200, `${method}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body), ["result", "time"]);
  return res.body.result;
}

async function fails(method: string, params: Record<string, unknown>, status: number, code: string, description?: string, token?: string): Promise<void> {
  const res = await call(method, params, token);
  assert.equal(res.status, status, `${method} ${JSON.stringify(params).slice(0, 80)}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error, code);
  if (description !== undefined) assert.equal(res.body.error_description, description);
  assert.deepEqual(Object.keys(res.body), ["error", "error_description"]);
}

const read = (dialogId: string, extra: Record<string, unknown> = {}, token?: string) => ok("im.dialog.messages.get", { DIALOG_ID: dialogId, ...extra }, token);

async function readMessage(dialogId: string, id: number): Promise<any> {
  const result = await read(dialogId, { FIRST_ID: id - 1, LIMIT: 1 });
  assert.equal(result.messages[0]?.id, id, `message ${id} not found in ${dialogId}`);
  return result.messages[0];
}

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

// Key order and value types of fixtures/opi-samples/GetChatMessagesList.json (chat_id is redacted
// there; the docs give it as an integer).
const MESSAGE_SHAPE: [string, string[]][] = [
  ["id", ["number"]],
  ["chat_id", ["number"]],
  ["author_id", ["number"]],
  ["date", ["string"]],
  ["text", ["string"]],
  ["unread", ["boolean"]],
  ["uuid", ["null"]],
  ["replaces", ["array"]],
  ["params", ["array", "object"]],
  ["disappearing_date", ["null"]],
];

// Key order and value types of the user objects in fixtures/opi-samples/GetChatMembersList.json
// (phones is redacted there; the docs give an object or false).
const USER_SHAPE: [string, string[]][] = [
  ["id", ["number"]],
  ["active", ["boolean"]],
  ["name", ["string"]],
  ["first_name", ["string"]],
  ["last_name", ["string"]],
  ["work_position", ["null", "string"]],
  ["color", ["string"]],
  ["avatar", ["string"]],
  ["avatar_hr", ["string"]],
  ["gender", ["string"]],
  ["birthday", ["string"]],
  ["extranet", ["boolean"]],
  ["network", ["boolean"]],
  ["bot", ["boolean"]],
  ["connector", ["boolean"]],
  ["external_auth_id", ["string"]],
  ["status", ["string"]],
  ["idle", ["boolean"]],
  ["last_activity_date", ["string"]],
  ["mobile_last_date", ["boolean"]],
  ["desktop_last_date", ["boolean"]],
  ["absent", ["boolean"]],
  ["departments", ["array"]],
  ["phones", ["object", "boolean"]],
  ["bot_data", ["null"]],
  ["type", ["string"]],
  ["website", ["string"]],
  ["email", ["string"]],
];

function assertShape(value: Record<string, unknown>, shape: [string, string[]][], what: string): void {
  assert.deepEqual(Object.keys(value), shape.map(([k]) => k), `${what} keys`);
  for (const [key, types] of shape) assert.ok(types.includes(typeOf(value[key])), `${what}.${key} is ${typeOf(value[key])}`);
}

const PICTURE = { IMAGE: { NAME: "Picture1", LINK: "https://example.com/picture.jpg" } };
const FILE = { FILE: { NAME: "File1.docx", LINK: "https://example.com/document.docx" } };

describe("im.message.add", () => {
  it("returns the new message id as an integer, ids growing", async () => {
    const first = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "one" });
    const second = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "two" });
    assert.ok(Number.isInteger(first) && first > 0);
    assert.ok(second > first);
  });

  it("stores text and the OPI block list; reading the chat back shows both", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "Message text", ATTACH: [PICTURE, FILE] });
    const msg = await readMessage("chat1", id);
    assertShape(msg, MESSAGE_SHAPE, "message");
    assert.equal(msg.text, "Message text");
    assert.equal(msg.chat_id, 1);
    assert.equal(msg.author_id, 1);
    assert.match(msg.date, ATOM);
    // Stored the way Bitrix24 keeps it in params: a list of attachments, item blocks as lists.
    assert.equal(msg.params.ATTACH.length, 1);
    assert.deepEqual(msg.params.ATTACH[0].BLOCKS, [{ IMAGE: [PICTURE.IMAGE] }, { FILE: [FILE.FILE] }]);
  });

  it("accepts the full ATTACH form and keeps its ID and COLOR_TOKEN", async () => {
    const attach = { ID: 77, COLOR_TOKEN: "alert", BLOCKS: [{ MESSAGE: "Request #142" }, { DELIMITER: { SIZE: 200, COLOR: "#c6c6c6" } }, { GRID: [{ DISPLAY: "ROW", NAME: "Status", VALUE: "In progress" }] }] };
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", ATTACH: attach });
    const stored = (await readMessage("chat1", id)).params.ATTACH[0];
    assert.equal(stored.ID, 77);
    assert.equal(stored.COLOR_TOKEN, "alert");
    assert.deepEqual(stored.BLOCKS, attach.BLOCKS);
  });

  it("accepts ATTACH as JSON text, and as loose JSON with single quotes", async () => {
    const strict = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "json", ATTACH: JSON.stringify([PICTURE]) });
    assert.deepEqual((await readMessage("chat1", strict)).params.ATTACH[0].BLOCKS, [{ IMAGE: [PICTURE.IMAGE] }]);
    const loose = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "json5", ATTACH: "[{'LINK': {'NAME': 'Site', 'LINK': 'https://example.com'}}]" });
    assert.deepEqual((await readMessage("chat1", loose)).params.ATTACH[0].BLOCKS, [{ LINK: [{ NAME: "Site", LINK: "https://example.com" }] }]);
  });

  it("sends to a private dialog by user id; both sides read the same dialog", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "3", MESSAGE: "Hi Daniel" });
    const mine = await read("3");
    const theirs = await read("1", {}, "daniel");
    assert.equal(mine.chat_id, theirs.chat_id);
    assert.notEqual(mine.chat_id, 1);
    assert.equal(theirs.messages[0].id, id);
    assert.equal(theirs.messages[0].text, "Hi Daniel");
    assert.equal(theirs.messages[0].author_id, 1);
  });

  it("accepts ids as numbers and lower-case parameter names", async () => {
    const id = await ok("im.message.add", { dialog_id: 3, message: "numeric dialog id" });
    assert.equal((await readMessage("3", id)).text, "numeric dialog id");
  });

  it("stores KEYBOARD (a bare button list is wrapped into BUTTONS) and REPLY_ID in params", async () => {
    const first = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "question" });
    const buttons = [{ TEXT: "Yes", COMMAND: "yes" }];
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "answer", KEYBOARD: buttons, REPLY_ID: String(first) });
    const params = (await readMessage("chat1", id)).params;
    assert.deepEqual(params.KEYBOARD, { BUTTONS: buttons });
    assert.equal(params.REPLY_ID, first);
  });

  it("cuts text over 20,000 characters and marks the cut with ' (...)'", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x".repeat(20_500) });
    const text = (await readMessage("chat1", id)).text;
    assert.equal(text, `${"x".repeat(20_000)} (...)`);
  });

  it("answers with Bitrix24's validation errors", async () => {
    await fails("im.message.add", { MESSAGE: "no dialog" }, 400, "USER_ID_EMPTY", "User ID can't be empty"); // im-message-add.md: no DIALOG_ID_EMPTY
    await fails("im.message.add", { DIALOG_ID: "chat1" }, 400, "MESSAGE_EMPTY", "Message can't be empty");
    await fails("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "   " }, 400, "MESSAGE_EMPTY", "Message can't be empty");
    await fails("im.message.add", { DIALOG_ID: "chat999", MESSAGE: "x" }, 400, "CHAT_ID", "Error creating message");
    await fails("im.message.add", { DIALOG_ID: "sg5", MESSAGE: "x" }, 400, "CHAT_ID", "Error creating message");
    await fails("im.message.add", { DIALOG_ID: "999", MESSAGE: "x" }, 400, "USER_NOT_FOUND");
    await fails("im.message.add", { DIALOG_ID: "general", MESSAGE: "x" }, 400, "USER_ID_EMPTY");
    await fails("im.message.add", { DIALOG_ID: "0", MESSAGE: "x" }, 400, "USER_ID_EMPTY");
  });

  it("rejects malformed ATTACH with ATTACH_ERROR and oversized ATTACH with ATTACH_OVERSIZE", async () => {
    const bad: unknown[] = [
      "not json at all",
      5,
      { IMAGE: PICTURE.IMAGE }, // a single block without the BLOCKS wrapper
      [{ UNKNOWN: { A: 1 } }],
      [{ MESSAGE: "two keys", LINK: { LINK: "https://example.com" } }],
      ["a string block"],
      [{ IMAGE: "not an object" }],
      { BLOCKS: "not a list" },
    ];
    for (const attach of bad) await fails("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x", ATTACH: attach }, 400, "ATTACH_ERROR", "Incorrect attach params");
    const huge = [{ MESSAGE: "y".repeat(60_001) }];
    await fails("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x", ATTACH: huge }, 400, "ATTACH_OVERSIZE");
  });

  it("refuses a chat the caller is not a member of with 403 ACCESS_ERROR", async () => {
    const team = portal.state.createChat({ type: "chat", title: "Accounting", ownerId: 4, members: [2] });
    await fails("im.message.add", { DIALOG_ID: `chat${team.id}`, MESSAGE: "let me in" }, 403, "ACCESS_ERROR", "Action unavailable");
    await ok("im.message.add", { DIALOG_ID: `chat${team.id}`, MESSAGE: "member" }, "olga");
  });
});

describe("im.message.update", () => {
  it("changes the text, marks the message edited and keeps the attachment", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "before", ATTACH: [PICTURE] });
    assert.equal(await ok("im.message.update", { MESSAGE_ID: String(id), MESSAGE: "after" }), true);
    const msg = await readMessage("chat1", id);
    assert.equal(msg.text, "after");
    assert.equal(msg.params.IS_EDITED, "Y");
    assert.deepEqual(msg.params.ATTACH[0].BLOCKS, [{ IMAGE: [PICTURE.IMAGE] }]);
  });

  it("replaces the attachment, and removes it with ATTACH=N", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "text", ATTACH: [PICTURE] });
    await ok("im.message.update", { MESSAGE_ID: id, ATTACH: [FILE] });
    let msg = await readMessage("chat1", id);
    assert.equal(msg.text, "text");
    assert.deepEqual(msg.params.ATTACH[0].BLOCKS, [{ FILE: [FILE.FILE] }]);
    await ok("im.message.update", { MESSAGE_ID: id, ATTACH: "N", IS_EDITED: "N" });
    msg = await readMessage("chat1", id);
    assert.equal(msg.params.ATTACH, undefined);
  });

  it("does not mark an untouched message edited", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "plain" });
    assert.deepEqual((await readMessage("chat1", id)).params, []); // PHP's empty map
  });

  it("deletes the message when MESSAGE is sent empty", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "soon gone" });
    assert.equal(await ok("im.message.update", { MESSAGE_ID: id, MESSAGE: "" }), true);
    assert.deepEqual((await readMessage("chat1", id)).params, { IS_DELETED: "Y" });
  });

  it("answers with MESSAGE_ID_ERROR and CANT_EDIT_MESSAGE", async () => {
    const cant = "Time has expired for modification or you don't have access";
    await fails("im.message.update", { MESSAGE: "x" }, 400, "MESSAGE_ID_ERROR", "Message ID can't be empty");
    await fails("im.message.update", { MESSAGE_ID: "abc", MESSAGE: "x" }, 400, "MESSAGE_ID_ERROR");
    await fails("im.message.update", { MESSAGE_ID: 99_999_999, MESSAGE: "x" }, 400, "CANT_EDIT_MESSAGE", cant);
    const theirs = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "Daniel's" }, "daniel");
    await fails("im.message.update", { MESSAGE_ID: theirs, MESSAGE: "hijacked" }, 400, "CANT_EDIT_MESSAGE", cant);
    assert.equal((await readMessage("chat1", theirs)).text, "Daniel's");
  });
});

describe("im.message.delete", () => {
  it("leaves the message in the history as deleted, with only IS_DELETED in params", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "oops", ATTACH: [PICTURE] });
    assert.equal(await ok("im.message.delete", { MESSAGE_ID: id }), true);
    const msg = await readMessage("chat1", id);
    assertShape(msg, MESSAGE_SHAPE, "deleted message");
    assert.equal(msg.text, "This message was deleted");
    assert.deepEqual(msg.params, { IS_DELETED: "Y" });
  });

  it("refuses to edit or delete a deleted message", async () => {
    const id = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "once" });
    await ok("im.message.delete", { MESSAGE_ID: id });
    await fails("im.message.update", { MESSAGE_ID: id, MESSAGE: "again" }, 400, "CANT_EDIT_MESSAGE");
    await fails("im.message.delete", { MESSAGE_ID: id }, 400, "CANT_EDIT_MESSAGE");
  });

  it("lets only the author, or the group chat's owner, delete", async () => {
    const byOne = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "Alex's" });
    await fails("im.message.delete", { MESSAGE_ID: byOne }, 400, "CANT_EDIT_MESSAGE", undefined, "daniel");
    const byDaniel = await ok("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "Daniel's" }, "daniel");
    assert.equal(await ok("im.message.delete", { MESSAGE_ID: byDaniel }), true); // user 1 owns chat1
    await fails("im.message.delete", {}, 400, "MESSAGE_ID_ERROR", "Message ID can't be empty");
  });
});

describe("im.dialog.messages.get", () => {
  it("answers {chat_id, messages, users, files} with message and user objects shaped like the samples", async () => {
    const result = await read("chat1");
    assert.deepEqual(Object.keys(result), ["chat_id", "messages", "users", "files"]);
    assert.equal(result.chat_id, 1);
    assert.deepEqual(result.files, []);
    assert.ok(result.messages.length > 0);
    for (const m of result.messages) assertShape(m, MESSAGE_SHAPE, `message ${m.id}`);
    for (const u of result.users) assertShape(u, USER_SHAPE, `user ${u.id}`);
    // users lists exactly the authors of the returned messages
    const authors = [...new Set(result.messages.map((m: any) => m.author_id))].sort();
    assert.deepEqual(result.users.map((u: any) => u.id).sort(), authors);
  });

  describe("paging", () => {
    let ids: number[];
    before(async () => {
      ids = [];
      for (let i = 1; i <= 5; i++) ids.push(await ok("im.message.add", { DIALOG_ID: "5", MESSAGE: `page ${i}` }));
    });
    const idsOf = (r: any) => r.messages.map((m: any) => m.id);

    it("returns the newest first by default, LIMIT taken", async () => {
      assert.deepEqual(idsOf(await read("5")), [...ids].reverse());
      assert.deepEqual(idsOf(await read("5", { LIMIT: 2 })), [ids[4], ids[3]]);
    });

    it("LAST_ID walks back: ids below it, newest first", async () => {
      assert.deepEqual(idsOf(await read("5", { LAST_ID: ids[2] })), [ids[1], ids[0]]);
      assert.deepEqual(idsOf(await read("5", { LAST_ID: String(ids[4]), LIMIT: "1" })), [ids[3]]);
    });

    it("FIRST_ID walks forward: ids above it, oldest first (FIRST_ID=0 = from the start)", async () => {
      assert.deepEqual(idsOf(await read("5", { FIRST_ID: 0 })), ids);
      assert.deepEqual(idsOf(await read("5", { FIRST_ID: ids[2], LIMIT: 1 })), [ids[3]]);
    });

    it("caps LIMIT at 50 and defaults to 20", async () => {
      const chat = (await read("5")).chat_id;
      for (let i = 0; i < 60; i++) portal.state.createMessage({ chatId: chat, authorId: 5, text: `bulk ${i}` });
      assert.equal((await read("5", { LIMIT: 500 })).messages.length, 50);
      assert.equal((await read("5")).messages.length, 20);
    });
  });

  it("answers with DIALOG_ID_EMPTY, LAST_ID_STRING, FIRST_ID_STRING", async () => {
    await fails("im.dialog.messages.get", {}, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    await fails("im.dialog.messages.get", { DIALOG_ID: "chat1", LAST_ID: "abc" }, 400, "LAST_ID_STRING");
    await fails("im.dialog.messages.get", { DIALOG_ID: "chat1", FIRST_ID: "1x" }, 400, "FIRST_ID_STRING");
  });

  it("refuses dialogs the caller cannot see with 403 ACCESS_ERROR", async () => {
    const denied = "You do not have access to the specified dialog";
    const team = portal.state.createChat({ type: "chat", title: "Board", ownerId: 2, members: [4] });
    await fails("im.dialog.messages.get", { DIALOG_ID: `chat${team.id}` }, 403, "ACCESS_ERROR", denied);
    await fails("im.dialog.messages.get", { DIALOG_ID: "chat9999" }, 403, "ACCESS_ERROR", denied);
    await fails("im.dialog.messages.get", { DIALOG_ID: "9999" }, 403, "ACCESS_ERROR", denied);
    assert.equal((await read(`chat${team.id}`, {}, "olga")).chat_id, team.id);
  });
});

describe("server.time", () => {
  it("returns the portal's current time as an ATOM string", async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await ok("server.time");
    assert.match(result, ATOM);
    const seconds = Date.parse(result) / 1000;
    assert.ok(seconds >= before && seconds <= Date.now() / 1000 + 1);
  });
});
