// Workgroup membership on the local portal, over real HTTP with webhooks of several users: group 1's
// Drive storage (ENTITY_TYPE "group") and its calendars (type "group", ownerId 1) are its members'
// (users 1, 2, 3 in the seed) and administrators' (user 1); a non-member (user 4) does not see the
// storage in disk.storage.getlist and is refused the storage, what is in it and the calendars.
// startPortal({ workgroups }) sets the members, and --data keeps them.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { expectError, usePortal, useScratchDir } from "./helpers.js";

const GROUP_STORAGE = 2;
const ctx = usePortal();
const tmp = useScratchDir();

const clients = new Map<string, Bitrix24Client>();
/** A webhook client of `userId` on `portal` (user 1: the portal's own webhook). */
function as(portal: RunningPortal, userId: number): Bitrix24Client {
  const key = `${portal.url} ${userId}`;
  let client = clients.get(key);
  if (!client) {
    const url = userId === 1 ? portal.webhookUrl : portal.addWebhook({ userId, secret: `workgroup-user-${userId}` });
    clients.set(key, (client = new Bitrix24Client({ url, plan: "off" })));
  }
  return client;
}
const call = async (userId: number, method: string, params: Record<string, unknown> = {}, portal = ctx.portal): Promise<any> =>
  ((await as(portal, userId).call<any>(method, params)) as { result: any }).result;

const denied = (promise: Promise<unknown>) => expectError(promise, "ACCESS_DENIED", 403);

async function calendarDenied(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof Bitrix24Error, String(e));
    assert.equal(e.code, "");
    assert.equal(e.description, "Access denied");
    assert.equal(e.status, 400);
    return true;
  });
}

const kinds = (storages: any[]) => storages.map((s) => `${s.ENTITY_TYPE}:${s.ENTITY_ID}`);
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("a workgroup's Drive storage", () => {
  it("members and administrators see it in getlist and use it as before; a non-member does not see it", async () => {
    for (const user of [1, 2, 3]) assert.ok(kinds(await call(user, "disk.storage.getlist")).includes("group:1"), `user ${user}`);
    const outsider = kinds(await call(4, "disk.storage.getlist"));
    assert.ok(!outsider.includes("group:1"), outsider.join(", "));
    assert.ok(outsider.includes("common:shared_files_s1") && outsider.includes("user:4"), outsider.join(", "));
    // A filter naming the group's storage finds nothing for the outsider.
    assert.deepEqual(await call(4, "disk.storage.getlist", { filter: { ENTITY_TYPE: "group" } }), []);
    assert.equal((await call(2, "disk.storage.get", { id: GROUP_STORAGE })).ENTITY_TYPE, "group");
  });

  it("a member works in it (folders, files, children); a non-member is refused ACCESS_DENIED for the storage and everything in it", async () => {
    const folder = await call(2, "disk.storage.addfolder", { id: GROUP_STORAGE, data: { NAME: "Team plans" } });
    const file = await call(3, "disk.folder.uploadfile", { id: folder.ID, data: { NAME: "plan.txt" }, fileContent: ["plan.txt", b64("Q3 plan")] });
    assert.equal(String(file.STORAGE_ID), String(GROUP_STORAGE));
    const children = await call(2, "disk.folder.getchildren", { id: folder.ID });
    assert.deepEqual(children.map((c: any) => c.NAME), ["plan.txt"]);
    assert.ok((await call(3, "disk.storage.getchildren", { id: GROUP_STORAGE })).some((c: any) => String(c.ID) === String(folder.ID)));
    assert.equal((await call(1, "disk.file.get", { id: file.ID })).NAME, "plan.txt", "an administrator");

    await denied(call(4, "disk.storage.get", { id: GROUP_STORAGE }));
    await denied(call(4, "disk.storage.getchildren", { id: GROUP_STORAGE }));
    await denied(call(4, "disk.storage.addfolder", { id: GROUP_STORAGE, data: { NAME: "Intruder" } }));
    await denied(call(4, "disk.storage.uploadfile", { id: GROUP_STORAGE, data: { NAME: "x.txt" }, fileContent: ["x.txt", b64("x")] }));
    await denied(call(4, "disk.folder.get", { id: folder.ID }));
    await denied(call(4, "disk.folder.getchildren", { id: folder.ID }));
    await denied(call(4, "disk.folder.uploadfile", { id: folder.ID, data: { NAME: "x.txt" }, fileContent: ["x.txt", b64("x")] }));
    await denied(call(4, "disk.folder.rename", { id: folder.ID, newName: "Mine now" }));
    await denied(call(4, "disk.file.get", { id: file.ID }));
    await denied(call(4, "disk.file.rename", { id: file.ID, newName: "renamed.txt" }));
    await denied(call(4, "disk.file.markdeleted", { id: file.ID }));
    await denied(call(4, "disk.file.getversions", { id: file.ID }));
    // Nor can the outsider copy their own file into the group's folder.
    const own = (await call(4, "disk.storage.getlist")).find((s: any) => s.ENTITY_TYPE === "user" && s.ENTITY_ID === "4");
    const mine = await call(4, "disk.storage.uploadfile", { id: own.ID, data: { NAME: "mine.txt" }, fileContent: ["mine.txt", b64("mine")] });
    await denied(call(4, "disk.file.copyto", { id: mine.ID, targetFolderId: folder.ID }));
    // Nothing changed for the members.
    assert.equal((await call(2, "disk.folder.get", { id: folder.ID })).NAME, "Team plans");
    assert.deepEqual((await call(3, "disk.folder.getchildren", { id: folder.ID })).map((c: any) => c.NAME), ["plan.txt"]);
  });
});

describe("a workgroup's calendars", () => {
  const range = { from: "2026-03-01", to: "2026-03-31" };
  let sectionId: number;
  let eventId: number;

  before(async () => {
    sectionId = await call(2, "calendar.section.add", { type: "group", ownerId: 1, name: "Team calendar" });
    eventId = await call(2, "calendar.event.add", { type: "group", ownerId: 1, section: sectionId, name: "Team sync", from: "2026-03-10 10:00:00", to: "2026-03-10 11:00:00" });
  });

  it("members and administrators read its calendars and events", async () => {
    for (const user of [1, 2, 3]) {
      const sections = await call(user, "calendar.section.get", { type: "group", ownerId: 1 });
      assert.deepEqual(sections.map((s: any) => s.NAME), ["Team calendar"], `user ${user}`);
      const events = await call(user, "calendar.event.get", { type: "group", ownerId: 1, ...range });
      assert.deepEqual(events.map((e: any) => e.NAME), ["Team sync"], `user ${user}`);
      assert.equal((await call(user, "calendar.event.getbyid", { id: eventId })).NAME, "Team sync");
    }
    // Another member adds a calendar of their own to the group; the creator still edits theirs.
    const own = await call(3, "calendar.section.add", { type: "group", ownerId: 1, name: "Releases" });
    const release = await call(3, "calendar.event.add", { type: "group", ownerId: 1, section: own, name: "Release", from: "2026-03-12 15:00:00", to: "2026-03-12 16:00:00" });
    assert.equal((await call(2, "calendar.event.getbyid", { id: release })).NAME, "Release");
    assert.ok(await call(3, "calendar.section.delete", { type: "group", ownerId: 1, id: own }));
    assert.equal(await call(2, "calendar.section.update", { type: "group", ownerId: 1, id: sectionId, name: "Team calendar" }), sectionId);
  });

  it("a non-member is answered \"Access denied\" for its calendars and events, and cannot add to them", async () => {
    await calendarDenied(call(4, "calendar.section.get", { type: "group", ownerId: 1 }));
    await calendarDenied(call(4, "calendar.event.get", { type: "group", ownerId: 1, ...range }));
    await calendarDenied(call(4, "calendar.event.getbyid", { id: eventId }));
    await calendarDenied(call(4, "calendar.section.add", { type: "group", ownerId: 1, name: "Intruder" }));
    await calendarDenied(call(4, "calendar.event.add", { type: "group", ownerId: 1, name: "Intruder", from: "2026-03-11 10:00:00", to: "2026-03-11 11:00:00" }));
    await calendarDenied(call(4, "calendar.event.update", { id: eventId, type: "group", ownerId: 1, name: "Hijacked" }));
    assert.equal((await call(2, "calendar.event.getbyid", { id: eventId })).NAME, "Team sync");
    // Their own calendar is theirs as before.
    assert.equal((await call(4, "calendar.section.get", { type: "user", ownerId: 4 })).length, 1);
  });
});

describe("startPortal({ workgroups })", () => {
  let portal: RunningPortal;
  const file = () => join(tmp.path, "workgroups.db");

  before(async () => {
    portal = await startPortal({ port: 0, data: file(), workgroups: [{ id: 1, name: "Design", members: [4] }, { id: 3, name: "Support", members: [5, 2] }] });
  });
  after(async () => {
    await portal?.close();
  });

  it("sets who is in a group: the given members (the first is the owner) and administrators, nobody else", async () => {
    assert.ok(kinds(await call(4, "disk.storage.getlist", {}, portal)).includes("group:1"));
    assert.ok(!kinds(await call(2, "disk.storage.getlist", {}, portal)).includes("group:1"));
    await denied(call(2, "disk.storage.get", { id: GROUP_STORAGE }, portal));
    assert.ok(kinds(await call(1, "disk.storage.getlist", {}, portal)).includes("group:1"), "an administrator");
    // Group 3 has calendars (no storage): its members use them, others do not.
    const section = await call(5, "calendar.section.add", { type: "group", ownerId: 3, name: "Support rota" }, portal);
    assert.deepEqual((await call(2, "calendar.section.get", { type: "group", ownerId: 3 }, portal)).map((s: any) => s.ID), [String(section)]);
    await calendarDenied(call(4, "calendar.section.get", { type: "group", ownerId: 3 }, portal));
    await calendarDenied(call(3, "calendar.section.get", { type: "group", ownerId: 1 }, portal));
    // A group nobody declared is nobody's but the administrators'.
    await calendarDenied(call(2, "calendar.section.get", { type: "group", ownerId: 9 }, portal));
    assert.deepEqual(await call(1, "calendar.section.get", { type: "group", ownerId: 9 }, portal), []);
  });

  it("keeps the members in the portal file across a restart", async () => {
    await portal.close();
    clients.clear();
    portal = await startPortal({ port: 0, data: file() });
    assert.ok(kinds(await call(4, "disk.storage.getlist", {}, portal)).includes("group:1"));
    await denied(call(2, "disk.storage.get", { id: GROUP_STORAGE }, portal));
    assert.equal((await call(5, "calendar.section.get", { type: "group", ownerId: 3 }, portal)).length, 1);
  });
});
