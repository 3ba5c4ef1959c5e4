// The Drive kept in a portal file (`startPortal({ data })`): its storages, tree, trash, versions,
// public links and pending upload links are engine stores (persisted row by row as they change),
// and its bytes are kept blob by blob, once per content however many files share it. After a
// restart everything reads back as it was and works on: the trash restores, old versions
// download, an upload link issued before the restart still works once, ids go on.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { Bitrix24Client } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";

const tmp = useScratchDir();
const portals: RunningPortal[] = [];
after(async () => {
  for (const portal of portals) await portal.close();
});

async function open(file: string): Promise<RunningPortal> {
  const portal = await startPortal({ data: file });
  portals.push(portal);
  return portal;
}

const hook = (portal: RunningPortal) => new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
const app = (portal: RunningPortal) => new Bitrix24Client({ url: portal.url, token: portal.accessToken, plan: "off" });
const call = async (client: Bitrix24Client, method: string, params: Record<string, unknown> = {}): Promise<any> => (await client.call<any>(method, params)).result;
const content = (text: string) => Buffer.from(text).toString("base64");
const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer()).toString();

/** How many rows of a kind the file holds (read once the portal has closed it). */
function rowsOf(file: string, type: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM entities WHERE type = ?").get(type) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("the Drive across a restart", () => {
  it("keeps storages, the tree, the trash, versions, links and pending uploads; bytes once per content", async () => {
    const file = join(tmp.path, "drive.db");
    const first = await open(file);
    const c = hook(first);
    const folder = await call(c, "disk.storage.addfolder", { id: 1, data: { NAME: "Kept" } });
    const inner = await call(c, "disk.folder.addsubfolder", { id: folder.ID, data: { NAME: "Inner" } });
    const doc = await call(c, "disk.folder.uploadfile", { id: folder.ID, data: { NAME: "doc.txt" }, fileContent: ["doc.txt", content("version one")] });
    await call(c, "disk.file.uploadversion", { id: doc.ID, fileContent: ["doc.txt", content("version two")] });
    const copy = await call(c, "disk.file.copyto", { id: doc.ID, targetFolderId: inner.ID });
    const trashed = await call(c, "disk.folder.addsubfolder", { id: folder.ID, data: { NAME: "Trashed" } });
    const inTrash = await call(c, "disk.folder.uploadfile", { id: trashed.ID, data: { NAME: "gone.txt" }, fileContent: ["gone.txt", content("in the trash")] });
    await call(c, "disk.folder.markdeleted", { id: trashed.ID });
    const link = await call(c, "disk.folder.getexternallink", { id: folder.ID });
    await call(app(first), "disk.storage.rename", { id: 3, newName: "Renamed app storage" });
    const pending = await call(c, "disk.folder.uploadfile", { id: inner.ID });
    await first.close();

    // "version one", "version two" (the file and its copy share it) and "in the trash": three blobs.
    assert.equal(rowsOf(file, "disk.blobs"), 3, "each content is kept once");
    assert.equal(rowsOf(file, "disk.files") + rowsOf(file, "disk.folders"), 0, "no first-release tables");

    const second = await open(file);
    const d = hook(second);
    assert.equal((await call(d, "disk.folder.get", { id: folder.ID })).NAME, "Kept");
    assert.deepEqual((await call(d, "disk.folder.getchildren", { id: folder.ID })).map((o: any) => o.NAME), ["Inner", "doc.txt"], "the trashed folder is not listed");
    const docAgain = await call(d, "disk.file.get", { id: doc.ID });
    assert.equal(docAgain.GLOBAL_CONTENT_VERSION, "2");
    assert.equal(await download(docAgain.DOWNLOAD_URL), "version two");
    assert.equal(await download((await call(d, "disk.file.get", { id: copy.ID })).DOWNLOAD_URL), "version two");
    const versions = await call(d, "disk.file.getversions", { id: doc.ID });
    assert.equal(versions.length, 2);
    assert.equal(await download(versions[0].DOWNLOAD_URL), "version one", "an earlier version downloads");

    // The trash as it was: the folder put there (3), its file with it (4); restored, both come back.
    assert.equal((await call(d, "disk.folder.get", { id: trashed.ID })).DELETED_TYPE, "3");
    assert.equal((await call(d, "disk.file.get", { id: inTrash.ID })).DELETED_TYPE, "4");
    await call(d, "disk.folder.restore", { id: trashed.ID });
    assert.equal((await call(d, "disk.file.get", { id: inTrash.ID })).DELETED_TYPE, "0");

    const code = (url: string) => url.slice(url.lastIndexOf("/~"));
    assert.equal(code(await call(d, "disk.folder.getexternallink", { id: folder.ID })), code(link), "the same public link (on the new port)");
    assert.equal((await call(app(second), "disk.storage.getforapp")).NAME, "Renamed app storage");

    // The upload link issued before the restart works (on the new port), once.
    const uploadUrl = pending.uploadUrl.replace(/^https?:\/\/[^/]+/, second.url);
    const form = () => {
      const body = new FormData();
      body.append(pending.field, new Blob([Buffer.from("after the restart")]), "late.txt");
      return body;
    };
    const late = await (await fetch(uploadUrl, { method: "POST", body: form() })).json();
    assert.equal(late.result.NAME, "late.txt");
    assert.ok(Number(late.result.ID) > Number(inTrash.ID), "ids go on");
    assert.equal(await download(late.result.DOWNLOAD_URL), "after the restart");
    assert.notEqual((await fetch(uploadUrl, { method: "POST", body: form() })).status, 200, "a spent link stays spent");

    // A content no file or version refers to any more is dropped from the file too.
    await call(d, "disk.file.delete", { id: inTrash.ID });
    await second.close();
    assert.equal(rowsOf(file, "disk.blobs"), 3, "'in the trash' gone, 'after the restart' added");
  });
});
