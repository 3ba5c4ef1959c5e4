// Generic persistence (data/persistence.ts): every kind of row in entities(type, id, json) and
// sequences(type, next). A file of the previous release (schema 1, a table per kind) opens with
// everything in it and is converted; an engine entity persists without code of its own, and rows
// saved under an older version of the entity are migrated when the file is opened; synthetic
// rows a client changed or deleted stay changed or deleted.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { crudMethods } from "../src/portal/engine/crud.js";
import { crmDialect } from "../src/portal/engine/dialect.js";
import type { EntityDef } from "../src/portal/engine/types.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";

const tmp = useScratchDir();
const portals: RunningPortal[] = [];
after(async () => {
  for (const portal of portals) await portal.close();
});

async function open(file: string, options: Parameters<typeof startPortal>[0] = {}): Promise<RunningPortal> {
  const portal = await startPortal({ data: file, ...options });
  portals.push(portal);
  return portal;
}

/**
 * One request on a connection of its own. The converted file is reopened on the same port, and a
 * pooled keep-alive connection to the closed portal (fetch keeps one per origin) would meet a
 * socket the old server had closed.
 */
function send(url: string, body?: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body ? "POST" : "GET", agent: false, headers: body ? { "Content-Type": "application/json" } : {} }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve(text)).on("error", reject);
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function call(portal: RunningPortal, method: string, body: Record<string, unknown> = {}, base = portal.webhookUrl): Promise<any> {
  return JSON.parse(await send(`${base}${method}`, body));
}

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

// test/fixtures/portal-schema1.db was written by the release before (commit 71d60c1): a portal
// started with secret "legacysecret0001", 5 synthetic leads, one OAuth app and one access token,
// then: chat 2 "Legacy chat" (users 1, 2, 3; muted by user 1) with messages 4 (ATTACH, keyboard,
// liked), 5 (edited), 6 (deleted); a private message to user 2; notification 1 (tag
// "legacy-tag"); user 6 Lena Legacy; lead 6 (with a phone), synthetic lead 2 edited, lead 3
// deleted; file 2 "legacy.txt" in chat 2's folder; an OAuth code exchanged for the tokens below.
const LEGACY = {
  secret: "legacysecret0001",
  accessToken: "legacyaccesstoken0000000000000001",
  app: { clientId: "local.legacy000000000.12345678", clientSecret: "L3gacyS3cr3tL3gacyS3cr3tL3gacyS3cr3tL3gacyS3cr3t12" },
  oauthAccess: "9e94e1f024e58cb0d4a720f434a7a025c28b5a5dba27dcbe62d260e4db71bec2ab6b32",
  oauthRefresh: "81bd875f63b74c72af7f11ece8bb9e464d1fd2455dfda703394c1ebafbf614b0316f58",
};

/** What a client reads back of the legacy portal's data. */
async function legacyReadBack(portal: RunningPortal) {
  const messages = (await call(portal, "im.dialog.messages.get", { DIALOG_ID: "chat2" })).result.messages as { id: number; text: string; params?: Record<string, unknown> }[];
  const file = (await call(portal, "disk.file.get", { id: 2 })).result;
  return {
    messages: [...messages].sort((a, b) => a.id - b.id).map((m) => ({ id: m.id, text: m.text, attach: m.params?.ATTACH !== undefined, keyboard: m.params?.KEYBOARD !== undefined, likes: m.params?.LIKE, deleted: m.params?.IS_DELETED })),
    dialog: (await call(portal, "im.dialog.get", { DIALOG_ID: "chat2" })).result,
    notifications: (await call(portal, "im.notify.get")).result,
    user: (await call(portal, "user.get", { ID: 6 })).result,
    leads: (await call(portal, "crm.lead.list", { order: { ID: "ASC" }, select: ["ID", "TITLE", "PHONE"] })).result,
    file: { name: file.NAME, bytes: await send(file.DOWNLOAD_URL) },
  };
}

describe("a file of the previous release (schema 1)", () => {
  it("opens with its chats, messages, users, leads, files, notifications, webhook and tokens, and is converted", async () => {
    const file = join(tmp.path, "legacy.db");
    copyFileSync(join(import.meta.dirname, "fixtures", "portal-schema1.db"), file);
    const first = await open(file, { oauth: { apps: [LEGACY.app] } });
    assert.equal(first.secret, LEGACY.secret, "the saved webhook");
    assert.equal(first.accessToken, LEGACY.accessToken, "the saved access token");
    const before = await legacyReadBack(first);

    assert.deepEqual(
      before.messages.map(({ id, text }) => [id, text]),
      [
        [3, '[USER=1]Alex Morgan[/USER] created the chat "Legacy chat"'],
        [4, "Legacy hello"],
        [5, "edited in schema 1"],
        [6, "This message was deleted"],
      ],
    );
    assert.deepEqual([before.messages[1].attach, before.messages[1].keyboard, before.messages[1].likes], [true, true, [1]]);
    assert.equal(before.messages[3].deleted, "Y");
    assert.equal(before.dialog.name, "Legacy chat");
    assert.deepEqual(before.dialog.mute_list, [1]);
    assert.ok(before.notifications.notifications.some((n: { id: number; tag?: string }) => n.id === 1), "notification 1 listed");
    assert.equal(before.user[0]?.NAME, "Lena");
    assert.deepEqual(
      before.leads.map((l: { ID: string; TITLE: string }) => [l.ID, l.TITLE]),
      [
        ["1", "Lead #1"],
        ["2", "Synthetic lead 2, edited"],
        ["4", "Lead #4"],
        ["5", "Lead #5"],
        ["6", "Legacy lead"],
      ],
      "synthetic leads computed again, the edited one kept, the deleted one gone",
    );
    assert.equal(before.leads[4].PHONE[0].VALUE, "+100200");
    assert.deepEqual(before.file, { name: "legacy.txt", bytes: "bytes from schema 1" });
    // The saved access token is known again: it works, or (an hour after the fixture was made) it has
    // expired, which only a known token can be; an unknown one would be invalid_token.
    const withToken = await call(first, "server.time", { auth: LEGACY.oauthAccess }, `${first.url}/rest/`);
    assert.ok(withToken.result !== undefined || withToken.error === "expired_token", `the OAuth access token is kept: ${JSON.stringify(withToken)}`);
    const refreshed = await fetch(`${first.url}/oauth/token/?grant_type=refresh_token&client_id=${LEGACY.app.clientId}&client_secret=${LEGACY.app.clientSecret}&refresh_token=${LEGACY.oauthRefresh}`);
    assert.equal(refreshed.status, 200, "the saved refresh token works");
    const renewed = ((await refreshed.json()) as { access_token: string }).access_token;
    assert.ok((await call(first, "server.time", { auth: renewed }, `${first.url}/rest/`)).result, "and the access token it gives works");

    // Ids go on after the saved ones.
    assert.ok((await call(first, "im.message.add", { DIALOG_ID: "chat2", MESSAGE: "after the conversion" })).result > 7);
    assert.equal((await call(first, "crm.lead.add", { fields: { TITLE: "Converted" } })).result, 7);
    const last = await legacyReadBack(first);
    await first.close();

    assert.deepEqual(tablesOf(file), ["entities", "meta", "sequences"], "the old tables are gone");
    // The same port, so URLs in the answers (download links, avatars) compare equal too.
    const second = await open(file, { oauth: { apps: [LEGACY.app] }, port: first.port });
    const again = await legacyReadBack(second);
    assert.deepEqual(again, last, "the same answers from the converted file");
    assert.equal(again.messages[4].text, "after the conversion");
    assert.equal(again.leads[5].TITLE, "Converted");
    await second.close();
  });
});

describe("engine entities", () => {
  const noteV1: EntityDef = {
    name: "test.note",
    version: 1,
    fields: { ID: { type: "integer", title: "ID", readOnly: true }, TEXT: { type: "string", title: "Text" } },
  };
  // Version 2 renamed TEXT to BODY and added PINNED; rows of version 1 are migrated when loaded.
  const noteV2: EntityDef = {
    name: "test.note",
    version: 2,
    fields: { ID: { type: "integer", title: "ID", readOnly: true }, BODY: { type: "string", title: "Body" }, PINNED: { type: "char", title: "Pinned" } },
    migrate: (row, from) => {
      assert.equal(from, 1);
      const { TEXT, ...rest } = row;
      return { ...rest, BODY: TEXT, PINNED: "N" };
    },
  };
  const methods = (entity: EntityDef) => crudMethods({ entity, dialect: crmDialect, scope: "crm", methods: { add: "test.note.add", get: "test.note.get", delete: "test.note.delete", update: "test.note.update" } });

  it("persist without code of their own; older rows are migrated on load; ids go on", async () => {
    const file = join(tmp.path, "notes.db");
    const first = await open(file, { methods: methods(noteV1) });
    for (const text of ["first", "second", "third"]) assert.ok((await call(first, "test.note.add", { fields: { TEXT: text } })).result);
    assert.equal((await call(first, "test.note.delete", { id: 2 })).result, true);
    assert.equal((await call(first, "test.note.update", { id: 3, fields: { TEXT: "third, edited" } })).result, true);
    await first.close();

    const second = await open(file, { methods: methods(noteV2) });
    assert.deepEqual((await call(second, "test.note.get", { id: 1 })).result, { ID: "1", BODY: "first", PINNED: "N" });
    assert.deepEqual((await call(second, "test.note.get", { id: 3 })).result, { ID: "3", BODY: "third, edited", PINNED: "N" });
    assert.equal((await call(second, "test.note.get", { id: 2 })).error_description, "Not found");
    assert.equal((await call(second, "test.note.add", { fields: { BODY: "fourth" } })).result, 4, "the id sequence was saved");
    await second.close();

    // The migrated rows were written back under version 2: a third start reads them as they are.
    const third = await open(file, { methods: methods({ ...noteV2, migrate: () => assert.fail("rows of version 2 are not migrated again") }) });
    assert.equal((await call(third, "test.note.get", { id: 1 })).result.BODY, "first");
    assert.equal((await call(third, "test.note.get", { id: 4 })).result.BODY, "fourth");
    await third.close();
  });

  it("synthetic rows stay computed; the ones a client changed or deleted stay changed or deleted", async () => {
    const file = join(tmp.path, "leads.db");
    const first = await open(file, { leads: 1000 });
    assert.equal((await call(first, "crm.lead.update", { id: 7, fields: { TITLE: "Changed" } })).result, true);
    assert.equal((await call(first, "crm.lead.delete", { id: 5 })).result, true);
    await first.close();

    const second = await open(file); // no `leads`: the saved portal keeps its own
    assert.equal((await call(second, "crm.lead.get", { id: 7 })).result.TITLE, "Changed");
    assert.equal((await call(second, "crm.lead.get", { id: 5 })).error_description, "Not found");
    assert.equal((await call(second, "crm.lead.get", { id: 640 })).result.TITLE, "Lead #640");
    assert.equal((await call(second, "crm.lead.list", { select: ["ID"] })).total, 999);
    assert.equal((await call(second, "crm.lead.add", { fields: { TITLE: "New" } })).result, 1001);
    await second.close();
  });
});
