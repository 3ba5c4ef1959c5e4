// The Drive on the local portal (disk.storage.*, disk.folder.*, disk.file.*, disk.version.*): what
// OpenIntegrations' 27 Drive functions send, answered in the shapes of their samples, and the
// scenarios only a portal that keeps a real tree and real bytes passes: a tree built, copied,
// moved, trashed and restored with every child where it belongs; a file uploaded in one call and
// in two steps downloads back byte-identical; a 50 MB upload streamed, never held whole twice.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { expectError, usePortal, useScratchDir } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const tmp = useScratchDir();
const hook = () => new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
const oauth = () => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken, plan: "off" });
type Answer = { result: any; total?: number; next?: number; time?: unknown };
const call = async (method: string, params: Record<string, unknown> = {}, client = hook()): Promise<Answer> => (await client.call<any>(method, params)) as Answer;
/** The list samples were cut before `total`/`time` (GetStoragesList) or show a page without `next`. */
const LIST = { extra: ["total", "next", "time"] };

async function download(url: string): Promise<{ bytes: Buffer; type: string; disposition: string }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "", disposition: res.headers.get("content-disposition") ?? "" };
}

/** A folder in the common storage (id 1), under a fresh name. */
async function freshFolder(name = `Folder ${randomBytes(3).toString("hex")}`): Promise<any> {
  return (await call("disk.storage.addfolder", { id: 1, data: { NAME: name } })).result;
}

const upload = async (folderId: unknown, name: string, bytes: Buffer, client = hook()) =>
  (await call("disk.folder.uploadfile", { id: folderId, data: { NAME: name }, fileContent: [name, bytes.toString("base64")] }, client)).result;

describe("storages", () => {
  it("getlist shows the caller's storages (own, other users' for an administrator, common, workgroup) like GetStoragesList", async () => {
    const answer = await call("disk.storage.getlist");
    assertLikeSample(answer, "GetStoragesList", LIST);
    const kinds = answer.result.map((s: any) => `${s.ENTITY_TYPE}:${s.ENTITY_ID}`);
    for (const kind of ["common:shared_files_s1", "group:1", "user:1", "user:2"]) assert.ok(kinds.includes(kind), kind);
    assert.ok(!kinds.some((k: string) => k.startsWith("restapp") || k.startsWith("im")), "no application or chat storage for a webhook");
    const filtered = await call("disk.storage.getlist", { filter: { ENTITY_TYPE: "user" }, order: { ID: "DESC" } });
    assert.ok(filtered.result.every((s: any) => s.ENTITY_TYPE === "user"));
    assert.deepEqual(filtered.result.map((s: any) => Number(s.ID)), [...filtered.result.map((s: any) => Number(s.ID))].sort((a, b) => b - a));

    // Another (non-admin) user sees their own storage, not user 1's.
    const token2 = ctx.portal.credentials.issueToken(2);
    const theirs = (await call("disk.storage.getlist", {}, new Bitrix24Client({ url: ctx.portal.url, token: token2, plan: "off" }))).result.map((s: any) => `${s.ENTITY_TYPE}:${s.ENTITY_ID}`);
    assert.ok(theirs.includes("user:2") && !theirs.includes("user:1"));
    const ownOf1 = answer.result.find((s: any) => s.ENTITY_TYPE === "user" && s.ENTITY_ID === "1");
    await expectError(call("disk.storage.get", { id: ownOf1.ID }, new Bitrix24Client({ url: ctx.portal.url, token: token2, plan: "off" })), "ACCESS_DENIED", 403);
  });

  it("get, getfields, gettypes; the application's storage needs an application and is the one rename works on", async () => {
    assertLikeSample(await call("disk.storage.get", { id: 1 }), "GetStorage");
    const fields = (await call("disk.storage.getfields")).result;
    assert.deepEqual(fields.ENTITY_TYPE, { TYPE: "string", USE_IN_FILTER: true, USE_IN_SHOW: true });
    assert.deepEqual((await call("disk.storage.gettypes")).result, ["user", "common", "group"]);

    await expectError(call("disk.storage.getforapp"), "ACCESS_DENIED", 403);
    const app = await call("disk.storage.getforapp", {}, oauth());
    assertLikeSample(app, "GetAppStorage");
    assert.equal(app.result.ENTITY_TYPE, "restapp");
    const renamed = await call("disk.storage.rename", { id: app.result.ID, newName: "New storage name" }, oauth());
    assertLikeSample(renamed, "RenameStorage");
    assert.equal((await call("disk.storage.get", { id: app.result.ID }, oauth())).result.NAME, "New storage name");
    await expectError(call("disk.storage.rename", { id: 1, newName: "Mine" }), "ACCESS_DENIED", 403);
    await expectError(call("disk.storage.get", { id: 99_999 }), "ERROR_NOT_FOUND", 404);
    await expectError(call("disk.storage.get", {}), "ERROR_ARGUMENT", 400);
  });
});

describe("a tree built, copied, moved, trashed and restored", () => {
  it("every child goes where its folder goes and comes back with it", async () => {
    // Build: A/{B/{deep.txt}, a.txt}
    const created = await call("disk.storage.addfolder", { id: 1, data: { NAME: `Tree ${randomBytes(3).toString("hex")}` } });
    assertLikeSample(created, "CreateStorageFolder");
    const a = created.result;
    const subfolder = await call("disk.folder.addsubfolder", { id: a.ID, data: { NAME: "B" } });
    assertLikeSample(subfolder, "CreateSubfolder");
    const b = subfolder.result;
    assert.equal(b.DETAIL_URL, `${ctx.portal.url}/docs/path/${a.NAME}/B`);
    const deep = await upload(b.ID, "deep.txt", Buffer.from("deep bytes"));
    const top = await upload(a.ID, "a.txt", Buffer.from("top bytes"));
    await expectError(call("disk.folder.addsubfolder", { id: a.ID, data: { NAME: "b" } }), "DISK_OBJ_22000", 400);

    const read = await call("disk.folder.get", { id: a.ID });
    assertLikeSample(read, "GetFolderInformation");
    assert.equal(read.result.ID, String(a.ID));
    const items = await call("disk.folder.getchildren", { id: a.ID });
    assertLikeSample(items, "GetFolderItems");
    assert.deepEqual(items.result.map((r: any) => r.NAME), ["B", "a.txt"]);
    assert.equal(items.total, 2);

    // Copy (deep) into another folder: the copy holds copies of B and deep.txt, with the same bytes.
    const dest = await freshFolder();
    const copied = await call("disk.folder.copyto", { id: a.ID, targetFolderId: dest.ID });
    assertLikeSample(copied, "MakeFolderCopy");
    const copyItems = (await call("disk.folder.getchildren", { id: copied.result.ID })).result;
    assert.deepEqual(copyItems.map((r: any) => r.NAME), ["B", "a.txt"]);
    const copyB = copyItems.find((r: any) => r.NAME === "B");
    const copyDeep = (await call("disk.folder.getchildren", { id: copyB.ID })).result[0];
    assert.equal(copyDeep.NAME, "deep.txt");
    assert.notEqual(copyDeep.ID, String(deep.ID));
    assert.deepEqual((await download(copyDeep.DOWNLOAD_URL)).bytes, Buffer.from("deep bytes"));
    await expectError(call("disk.folder.copyto", { id: a.ID, targetFolderId: dest.ID }), "DISK_OBJ_22000", 400);
    await expectError(call("disk.folder.copyto", { id: a.ID, targetFolderId: b.ID }), "ERROR_ARGUMENT", 400);

    // Move A under another folder: B and its file move along (PARENT_ID of A as a number, like MoveFolder).
    const home = await freshFolder();
    const moved = await call("disk.folder.moveto", { id: a.ID, targetFolderId: home.ID });
    assertLikeSample(moved, "MoveFolder");
    assert.equal(moved.result.PARENT_ID, home.ID);
    const deepNow = (await call("disk.file.get", { id: deep.ID })).result;
    assert.equal(deepNow.PARENT_ID, String(b.ID));
    assert.equal(deepNow.DETAIL_URL, `${ctx.portal.url}/docs/file/${home.NAME}/${a.NAME}/B/deep.txt`);

    // Rename: a taken name is refused, a free one taken.
    await upload(home.ID, "taken", Buffer.from("x"));
    await expectError(call("disk.folder.rename", { id: a.ID, newName: "TAKEN" }), "DISK_OBJ_22000", 400);
    const renamed = await call("disk.folder.rename", { id: b.ID, newName: "B2" });
    assertLikeSample(renamed, "RenameFolder");

    // Trash: a.txt first on its own, then A. A gets DELETED_TYPE 3, what was in it 4, a.txt stays 3.
    await call("disk.file.markdeleted", { id: top.ID });
    const trashed = await call("disk.folder.markdeleted", { id: a.ID });
    assertLikeSample(trashed, "MarkFolderAsDeleted");
    assert.equal(trashed.result.DELETED_TYPE, "3");
    assert.equal((await call("disk.folder.get", { id: b.ID })).result.DELETED_TYPE, "4");
    assert.equal((await call("disk.file.get", { id: deep.ID })).result.DELETED_TYPE, "4");
    assert.equal((await call("disk.file.get", { id: top.ID })).result.DELETED_TYPE, "3");
    assert.deepEqual((await call("disk.folder.getchildren", { id: home.ID })).result.map((r: any) => r.NAME), ["taken"], "trashed objects are not listed");

    // Restore A: B and deep.txt come back with it; a.txt, trashed on its own before, stays in the trash.
    const restored = await call("disk.folder.restore", { id: a.ID });
    assertLikeSample(restored, "RestoreFolder");
    assert.equal(restored.result.DELETED_TYPE, "0");
    assert.equal((await call("disk.folder.get", { id: b.ID })).result.DELETED_TYPE, "0");
    assert.equal((await call("disk.file.get", { id: deep.ID })).result.DELETED_TYPE, "0");
    assert.equal((await call("disk.file.get", { id: top.ID })).result.DELETED_TYPE, "3");
    assert.deepEqual((await call("disk.folder.getchildren", { id: a.ID })).result.map((r: any) => r.NAME), ["B2"]);
    const back = await call("disk.file.restore", { id: top.ID });
    assertLikeSample(back, "RestoreFile");
    assert.deepEqual((await call("disk.folder.getchildren", { id: a.ID })).result.map((r: any) => r.NAME), ["B2", "a.txt"]);

    // Delete for good: the folder and everything in it are gone, their links too; the copy is untouched.
    const deepLink = deepNow.DOWNLOAD_URL;
    assert.deepEqual((await call("disk.folder.deletetree", { id: a.ID })).result, true);
    await expectError(call("disk.folder.get", { id: b.ID }), "ERROR_NOT_FOUND", 404);
    await expectError(call("disk.file.get", { id: deep.ID }), "ERROR_NOT_FOUND", 404);
    assert.equal((await fetch(deepLink)).status, 404);
    assert.deepEqual((await download(copyDeep.DOWNLOAD_URL)).bytes, Buffer.from("deep bytes"), "the copy shares the bytes and keeps them");

    // A storage's root folder is not deleted or trashed.
    const root = Number((await call("disk.storage.get", { id: 1 })).result.ROOT_OBJECT_ID);
    await expectError(call("disk.folder.deletetree", { id: root }), "DISK_OBJ_22000", 400);
    await expectError(call("disk.folder.markdeleted", { id: root }), "DISK_OBJ_22000", 400);
  });

  it("getchildren filters with prefixes, orders and pages by 50", async () => {
    const folder = await freshFolder();
    for (let i = 0; i < 53; i++) await upload(folder.ID, `f${String(i).padStart(2, "0")}.txt`, Buffer.from(String(i)));
    await call("disk.folder.addsubfolder", { id: folder.ID, data: { NAME: "sub" } });
    const first = await call("disk.folder.getchildren", { id: folder.ID });
    assert.equal(first.result.length, 50);
    assert.equal(first.total, 54);
    assert.equal(first.next, 50);
    assert.equal((await call("disk.folder.getchildren", { id: folder.ID, start: 50 })).result.length, 4);
    const folders = await call("disk.folder.getchildren", { id: folder.ID, filter: { TYPE: "folder" } });
    assert.deepEqual(folders.result.map((r: any) => r.NAME), ["sub"]);
    const like = await call("disk.folder.getchildren", { id: folder.ID, filter: { "%NAME": "f5" }, order: { NAME: "DESC" } });
    assert.deepEqual(like.result.map((r: any) => r.NAME), ["f52.txt", "f51.txt", "f50.txt"]);
    const since = await call("disk.folder.getchildren", { id: folder.ID, filter: { ">=CREATE_TIME": "2000-01-01", "@NAME": ["f01.txt", "f02.txt"] } });
    assert.deepEqual(since.result.map((r: any) => r.NAME), ["f01.txt", "f02.txt"]);
    const root = await call("disk.storage.getchildren", { id: 1, filter: { ID: folder.ID } });
    assert.deepEqual(root.result.map((r: any) => r.NAME), [folder.NAME]);
    const rootFile = (await call("disk.storage.uploadfile", { id: 1, data: { NAME: `root ${folder.NAME}.txt` }, fileContent: ["", "AAAA"] })).result;
    const rootFiles = await call("disk.storage.getchildren", { id: 1, filter: { TYPE: "file", NAME: rootFile.NAME } });
    assertLikeSample(rootFiles, "GetStorageObjects");
    assert.deepEqual(rootFiles.result.map((r: any) => r.ID), [String(rootFile.ID)]);
    const structure = (await call("disk.folder.getfields")).result;
    assert.deepEqual(Object.keys(structure).filter((k) => structure[k].USE_IN_FILTER), Object.keys(opiSample("GetFolderFilterStructure")));
    await expectError(call("disk.folder.getchildren", { id: 99_999 }), "ERROR_NOT_FOUND", 404);
  });
});

describe("files", () => {
  it("uploaded in one call and in two steps, downloads back byte-identical with its name and type", async () => {
    const folder = await freshFolder();
    const bytes = randomBytes(200_000);
    const one = await call("disk.storage.uploadfile", { id: 1, data: { NAME: `Picture ${randomBytes(2).toString("hex")}.png` }, fileContent: ["x.png", bytes.toString("base64")], rights: [] });
    assertLikeSample(one, "UploadFileToStorage");
    const got = await download(one.result.DOWNLOAD_URL);
    assert.deepEqual(got.bytes, bytes);
    assert.equal(got.type, "image/png");
    assert.match(got.disposition, new RegExp(encodeURIComponent(one.result.NAME).replace(/[()]/g, "\\$&")));

    const path = join(tmp.path, "two-step.pdf");
    writeFileSync(path, bytes);
    const two = await bitrix24.uploadFileToFolder(ctx.portal.url, "Two step.pdf", path, folder.ID, ctx.portal.accessToken);
    assertLikeSample(two, "UploadFileToFolder");
    const back = await download(two.result.DOWNLOAD_URL);
    assert.deepEqual(back.bytes, bytes);
    assert.equal(back.type, "application/pdf");
    assert.match(back.disposition, /Two%20step\.pdf/);
    // Without generateUniqueName a taken name is refused; with it the file is "name (1).ext".
    await expectError(call("disk.folder.uploadfile", { id: folder.ID, data: { NAME: "Two step.pdf" }, fileContent: ["", "AAAA"] }), "DISK_OBJ_22000", 400);
    const unique = await call("disk.folder.uploadfile", { id: folder.ID, data: { NAME: "Two step.pdf" }, fileContent: ["", "AAAA"], generateUniqueName: true });
    assert.equal(unique.result.NAME, "Two step (1).pdf");
    await expectError(call("disk.folder.uploadfile", { id: folder.ID, fileContent: ["", "AAAA"] }), "DISK_BASE_SERVICE_22001", 400);
  });

  it("get, copy, move, rename, trash, restore, delete like the samples; getExternalLink is gone as in the cloud", async () => {
    const folder = await freshFolder();
    const other = await freshFolder();
    const file = await upload(folder.ID, "Picture1.jpg", Buffer.from("jpeg bytes"));
    assertLikeSample(await call("disk.file.get", { id: file.ID }), "GetFileInformation");
    assert.deepEqual((await call("disk.file.getfields")).result.SIZE, { TYPE: "integer", USE_IN_FILTER: false, USE_IN_SHOW: true });

    const copy = await call("disk.file.copyto", { id: file.ID, targetFolderId: other.ID });
    assertLikeSample(copy, "MakeFileCopy");
    assert.deepEqual((await download(copy.result.DOWNLOAD_URL)).bytes, Buffer.from("jpeg bytes"));
    await expectError(call("disk.file.moveto", { id: file.ID, targetFolderId: other.ID }), "DISK_OBJ_22000", 400);
    const renamed = await call("disk.file.rename", { id: file.ID, newName: "New file name.jpg" });
    assertLikeSample(renamed, "RenameFile");
    // Trashed and restored (it keeps DELETE_TIME and DELETED_BY, as RestoreFile.json), then moved (as MoveFileToFolder.json's file was).
    const trashed = await call("disk.file.markdeleted", { id: file.ID });
    assertLikeSample(trashed, "MarkFileAsDeleted");
    assert.equal(trashed.result.DELETED_BY, "1");
    assertLikeSample(await call("disk.file.restore", { id: file.ID }), "RestoreFile");
    const moved = await call("disk.file.moveto", { id: file.ID, targetFolderId: other.ID });
    assertLikeSample(moved, "MoveFileToFolder");
    assert.equal(moved.result.PARENT_ID, other.ID);
    await expectError(call("disk.file.rename", { id: file.ID, newName: "picture1.JPG" }), "DISK_OBJ_22000", 400);
    assertLikeSample(await call("disk.file.delete", { id: file.ID }), "DeleteFile");
    await expectError(call("disk.file.get", { id: file.ID }), "ERROR_NOT_FOUND", 404);
    await expectError(call("disk.file.get", { id: folder.ID }), "ERROR_NOT_FOUND", 404);
    await expectError(call("disk.folder.get", { id: copy.result.ID }), "ERROR_NOT_FOUND", 404);
    await expectError(call("disk.file.get", { id: "abc" }), "ERROR_ARGUMENT", 400);

    const gone = opiSample("GetFileExternalLink");
    await assert.rejects(call("disk.file.getExternalLink", { id: copy.result.ID }), (e: any) => e.code === gone.error && e.description === gone.error_description && e.status === 404);
    const link = await call("disk.folder.getExternalLink", { id: other.ID });
    assertLikeSample(link, "GetFolderExternalLink");
    const page = await fetch(link.result);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Picture1\.jpg/);
  });

  it("versions: a new upload is a new version; an old one downloads and can be restored", async () => {
    const folder = await freshFolder();
    const file = await upload(folder.ID, "doc.txt", Buffer.from("first"), oauth());
    const second = await call("disk.file.uploadversion", { id: file.ID, fileContent: ["doc.txt", Buffer.from("second!").toString("base64")] }, oauth());
    assert.equal(second.result.GLOBAL_CONTENT_VERSION, 2);
    assert.equal(second.result.SIZE, "7");
    assert.deepEqual((await download(second.result.DOWNLOAD_URL)).bytes, Buffer.from("second!"));
    const versions = (await call("disk.file.getversions", { id: file.ID })).result;
    assert.deepEqual(versions.map((v: any) => v.GLOBAL_CONTENT_VERSION), ["1", "2"]);
    const v1 = (await call("disk.version.get", { id: versions[0].ID })).result;
    assert.deepEqual(Object.keys(v1), ["ID", "OBJECT_ID", "SIZE", "NAME", "GLOBAL_CONTENT_VERSION", "CREATE_TIME", "CREATED_BY", "DOWNLOAD_URL"]);
    assert.deepEqual((await download(v1.DOWNLOAD_URL)).bytes, Buffer.from("first"));
    const restored = await call("disk.file.restorefromversion", { id: file.ID, versionId: v1.ID });
    assert.equal(restored.result.GLOBAL_CONTENT_VERSION, 3);
    assert.deepEqual((await download(restored.result.DOWNLOAD_URL)).bytes, Buffer.from("first"));
    const another = await upload(folder.ID, "other.txt", Buffer.from("o"));
    await expectError(call("disk.file.restorefromversion", { id: another.ID, versionId: v1.ID }), "DISK_FILE_22004", 400);
  });

  it("a chat's folder is a folder of the chat storage: its members see it, others do not", async () => {
    const chatId = (await bitrix24.createChat(ctx.portal.webhookUrl, { TYPE: "CHAT", TITLE: "Drive test", USERS: [2] })).result as number;
    const folderId = (await bitrix24.getChatFilesFolder(ctx.portal.webhookUrl, chatId)).result.ID;
    const folder = (await call("disk.folder.get", { id: folderId })).result;
    assert.equal(folder.NAME, `chat${chatId}`);
    const file = await upload(folderId, "in chat.txt", Buffer.from("chat bytes"));
    assert.equal(file.DETAIL_URL, `${ctx.portal.url}/docs/file/chat${chatId}/in chat.txt`);
    const outsider = ctx.portal.state.listUsers().find((u) => !ctx.portal.state.isMember(chatId, u.id))!;
    const token = ctx.portal.credentials.issueToken(outsider.id);
    await expectError(call("disk.folder.get", { id: folderId }, new Bitrix24Client({ url: ctx.portal.url, token, plan: "off" })), "ACCESS_DENIED", 403);
  });
});

describe("a 50 MB upload", () => {
  it("is streamed into the byte store: the request side never holds more than a chunk, the bytes are held once", async () => {
    const folder = await freshFolder();
    const size = 50 * 1024 * 1024;
    const bytes = randomBytes(size);
    const path = join(tmp.path, "big.bin");
    writeFileSync(path, bytes);
    const disk = ctx.portal.state.disk;
    const heldBefore = disk.bytes.heldBytes;
    const streamedBefore = disk.uploadStats.streamedUploads;
    disk.uploadStats.peakBufferedBytes = 0;

    const answer = await bitrix24.uploadFileToFolder(ctx.portal.webhookUrl, "big.bin", path, folder.ID);
    assert.equal(answer.result.SIZE, String(size));
    assert.equal(disk.uploadStats.streamedUploads, streamedBefore + 1, "the upload went through the streamed route");
    assert.ok(disk.uploadStats.peakBufferedBytes > 0 && disk.uploadStats.peakBufferedBytes < 1024 * 1024, `the parser held at most ${disk.uploadStats.peakBufferedBytes} bytes at once`);
    assert.equal(disk.bytes.heldBytes - heldBefore, size, "the file's bytes are held once");
    const log = ctx.portal.requests.at(-1)!;
    assert.equal(log.bodyBytes > size, true, "the request log counts the whole body");
    assert.ok(log.body.length <= 8 * 1024, "and keeps only its start");

    const back = await download(answer.result.DOWNLOAD_URL);
    assert.equal(createHash("sha256").update(back.bytes).digest("hex"), createHash("sha256").update(bytes).digest("hex"));
    // A copy shares the bytes: nothing more is held.
    await call("disk.file.copyto", { id: answer.result.ID, targetFolderId: (await freshFolder()).ID });
    assert.equal(disk.bytes.heldBytes - heldBefore, size);
  });
});

