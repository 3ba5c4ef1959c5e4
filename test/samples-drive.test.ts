// The Drive's functions (Storages, Catalogs and File management, issue #12) run through the CLI as a
// user runs them, in both auth modes, against the local portal: each prints an answer shaped like its
// real sample (fixtures/opi-samples). The inputs are made through the library over HTTP, the way
// OpenIntegrations' own test makes them: a folder in the shared drive with subfolders and a file.
// Then every function once through the library (positional and client-bound), and the uploads from
// a path, a URL and bytes, sent as OpenIntegrations sends them and stored byte for byte.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { authModes, assertRegionsCovered, describeSampleRows, type SampleMode, type SampleRow } from "./sample-rows.js";
import { opiSample as opiSampleOf } from "./opi-sample-shape.js";

const ctx = usePortal();
const tmp = useScratchDir();

/** The shared drive (Bitrix24's "common" storage), where OpenIntegrations' test works. */
const COMMON = "1";
/** The application's storage (GetAppStorage): only an application (an OAuth token) sees it. */
const APP = "3";

// A 1x1 PNG, the picture OpenIntegrations' test uploads.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const picturePath = () => join(tmp.path, "Picture1.png");

interface Mode extends SampleMode {
  /** "New catalog <mode>" in the shared drive: subfolders, a file. */
  folderId: string;
  /** User 1's own storage, whose root holds two pictures (like GetStorageObjects' sample). */
  ownStorage: string;
}
type Row = SampleRow<Mode>;

// ---- inputs, made through the library over HTTP ---------------------------------------------------

let made = 0;
/** A name no other row uses (rows run at once, both modes in the same shared drive). */
const fresh = (what: string, m: Mode, ext = "") => `${what} ${m.name} ${++made}${ext}`;

async function newFolder(m: Mode, parent?: string): Promise<string> {
  const title = fresh("Folder", m);
  const answer = parent ? await bitrix24.createSubfolder(m.url, parent, title, m.token) : await bitrix24.createStorageFolder(m.url, COMMON, title, m.token);
  return String(answer.result.ID);
}
async function newFile(m: Mode, folder = m.folderId): Promise<string> {
  return String((await bitrix24.uploadFileToFolder(m.url, fresh("Picture", m, ".png"), picturePath(), folder, m.token)).result.ID);
}

const modes: Mode[] = [];
let prepared: Promise<void> | undefined;
const prepare = () => (prepared ??= makeInputs());
async function makeInputs(): Promise<void> {
  writeFileSync(picturePath(), PNG);
  for (const base of authModes(ctx.portal)) {
    const m: Mode = { ...base, folderId: "", ownStorage: "" };
    m.folderId = String((await bitrix24.createStorageFolder(m.url, COMMON, `New catalog ${m.name}`, m.token)).result.ID);
    await newFolder(m, m.folderId);
    await newFile(m);
    const storages = (await bitrix24.getStoragesList(m.url, m.token)).result;
    m.ownStorage = storages.find((s) => s.ENTITY_TYPE === "user" && s.ENTITY_ID === "1")!.ID;
    await bitrix24.uploadFileToStorage(m.url, fresh("Picture", m, ".png"), picturePath(), m.ownStorage, undefined, m.token);
    modes.push(m);
  }
}

/** The application's token: GetAppStorage and RenameStorage need an application, so they run once, with it. */
const asApp = () => ["--url", ctx.portal.url, "--token", ctx.portal.accessToken];

// ---- one row per function ----------------------------------------------------------------------------

const rows: Row[] = [
  // Storages management
  // The docs' block was cut inside the list's last storage, before `total` and `time`.
  { fn: "GetStoragesList", args: () => [], shape: { extra: ["total", "time"] } },
  { fn: "GetAppStorage", once: true, args: () => asApp() },
  { fn: "GetStorage", args: () => ["--storageid", COMMON] },
  { fn: "RenameStorage", once: true, args: () => [...asApp(), "--storageid", APP, "--title", "New storage name"] },
  { fn: "GetStorageObjects", args: (m) => ["--storageid", m.ownStorage] },
  { fn: "CreateStorageFolder", args: (m) => ["--storageid", COMMON, "--title", fresh("New catalog", m)] },

  // Catalogs management
  { fn: "GetFolderInformation", args: (m) => ["--folderid", m.folderId] },
  { fn: "CreateSubfolder", args: (m) => ["--folderid", m.folderId, "--title", fresh("New subfolder", m)] },
  { fn: "MakeFolderCopy", args: async (m) => ["--folderid", await newFolder(m, m.folderId), "--tagetid", await newFolder(m, m.folderId)] },
  { fn: "MoveFolder", args: async (m) => ["--folderid", await newFolder(m, m.folderId), "--tagetid", await newFolder(m, m.folderId)] },
  { fn: "DeleteFolder", args: async (m) => ["--folderid", await newFolder(m)] },
  { fn: "GetFolderExternalLink", args: (m) => ["--folderid", m.folderId] },
  { fn: "GetFolderItems", args: (m) => ["--folderid", m.folderId] },
  { fn: "MarkFolderAsDeleted", args: async (m) => ["--folderid", await newFolder(m)] },
  {
    fn: "RestoreFolder",
    args: async (m) => {
      const folder = await newFolder(m);
      await bitrix24.markFolderAsDeleted(m.url, folder, m.token);
      return ["--folderid", folder];
    },
  },
  { fn: "RenameFolder", args: async (m) => ["--folderid", await newFolder(m), "--title", fresh("New catalog", m)] },
  { fn: "GetFolderFilterStructure", args: () => ["--empty", "true"] },

  // File management
  { fn: "UploadFileToStorage", args: (m) => ["--title", fresh("Picture", m, ".png"), "--file", picturePath(), "--storageid", COMMON] },
  { fn: "UploadFileToFolder", args: (m) => ["--title", fresh("Picture", m, ".png"), "--file", picturePath(), "--folderid", m.folderId] },
  { fn: "GetFileInformation", args: async (m) => ["--fileid", await newFile(m)] },
  { fn: "DeleteFile", args: async (m) => ["--fileid", await newFile(m)] },
  // Gone from Bitrix24's cloud since 09/2024 (the definition's removedFromCloud): the sample is the
  // cloud's error, and the local portal answers as the cloud does.
  { fn: "GetFileExternalLink", args: async (m) => ["--fileid", await newFile(m)], exit: 3 },
  { fn: "MarkFileAsDeleted", args: async (m) => ["--fileid", await newFile(m)] },
  {
    fn: "RestoreFile",
    args: async (m) => {
      const file = await newFile(m);
      await bitrix24.markFileAsDeleted(m.url, file, m.token);
      return ["--fileid", file];
    },
  },
  { fn: "MakeFileCopy", args: async (m) => ["--fileid", await newFile(m), "--folderid", await newFolder(m, m.folderId)] },
  {
    fn: "MoveFileToFolder",
    // The sample's file had been in the trash and restored (OpenIntegrations' test runs
    // MarkFileAsDeleted and RestoreFile first): Bitrix24 keeps its DELETE_TIME and DELETED_BY.
    args: async (m) => {
      const file = await newFile(m);
      await bitrix24.markFileAsDeleted(m.url, file, m.token);
      await bitrix24.restoreFile(m.url, file, m.token);
      return ["--fileid", file, "--folderid", await newFolder(m, m.folderId)];
    },
  },
  { fn: "RenameFile", args: async (m) => ["--fileid", await newFile(m), "--title", fresh("New file name", m, ".png")] },
];

it("every function of the Drive's regions has a row", () => {
  assertRegionsCovered(["Storages management", "Catalogs management", "File management"], rows);
});

describeSampleRows("the Drive's functions, through the CLI", rows, {
  portal: () => ctx.portal,
  modes: async () => {
    await prepare();
    return modes;
  },
});

// ---- every function once through the library, in both auth modes -----------------------------------

const LIBRARY_MODES = ["webhook", "token"] as const;
// No rate plan: the scenario is ~35 calls in a row, which Bitrix24's 2-a-second pace would stretch to seconds.
const clientFor = (mode: (typeof LIBRARY_MODES)[number]) =>
  mode === "webhook" ? new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" }) : new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken, plan: "off" });
const ids = (list: { ID: string | number }[]) => list.map((item) => String(item.ID));
const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => (error as { code?: string }).code === code || assert.fail(`${String(error)} where ${code} was expected`));

describe("the Drive's functions through the library (client-bound)", () => {
  for (const mode of LIBRARY_MODES) {
    it(`${mode}: a tree built, listed, copied, moved, renamed, trashed, restored and deleted`, async () => {
      const client = clientFor(mode);
      writeFileSync(picturePath(), PNG);
      const root = (await client.createStorageFolder({ storageid: COMMON, title: `Library ${mode}` })).result;
      assert.equal(root.PARENT_ID, String((await client.getStorage({ storageid: COMMON })).result.ROOT_OBJECT_ID));
      assert.ok((await client.getStoragesList()).result.some((s) => s.ID === COMMON && s.ENTITY_TYPE === "common"));

      const a = (await client.createSubfolder({ folderid: root.ID, title: "A" })).result;
      const b = (await client.createSubfolder({ folderid: root.ID, title: "B" })).result;
      const file = (await client.uploadFileToFolder({ title: "picture.png", file: picturePath(), folderid: a.ID })).result;
      assert.equal((await client.getFolderInformation({ folderid: a.ID })).result.NAME, "A");
      assert.deepEqual(ids((await client.getFolderItems({ folderid: root.ID })).result), [String(a.ID), String(b.ID)]);
      assert.deepEqual(ids((await client.getFolderItems({ folderid: a.ID, filter: { TYPE: "file" } })).result), [String(file.ID)]);

      // A copy of a folder holds a copy of its file; a move changes the parent.
      const copy = (await client.makeFolderCopy({ folderid: a.ID, tagetid: b.ID })).result;
      assert.equal(String(copy.PARENT_ID), String(b.ID));
      assert.deepEqual((await client.getFolderItems({ folderid: copy.ID })).result.map((item) => item.NAME), ["picture.png"]);
      // Beside A, the copy needs another name: Bitrix24 refuses a taken one.
      await rejectsWith(client.moveFolder({ folderid: copy.ID, tagetid: root.ID }), "DISK_OBJ_22000");
      assert.equal((await client.renameFolder({ folderid: copy.ID, title: "A copy" })).result.NAME, "A copy");
      assert.equal(String((await client.moveFolder({ folderid: copy.ID, tagetid: root.ID })).result.PARENT_ID), String(root.ID));

      // Files: information, rename, copy, move, the trash and back, deleted for good.
      assert.equal((await client.getFileInformation({ fileid: file.ID })).result.NAME, "picture.png");
      assert.equal((await client.renameFile({ fileid: file.ID, title: "renamed.png" })).result.NAME, "renamed.png");
      const fileCopy = (await client.makeFileCopy({ fileid: file.ID, folderid: b.ID })).result;
      assert.equal(String(fileCopy.PARENT_ID), String(b.ID));
      assert.equal(String((await client.moveFileToFolder({ fileid: fileCopy.ID, folderid: root.ID })).result.PARENT_ID), String(root.ID));
      assert.equal(String((await client.markFileAsDeleted({ fileid: file.ID })).result.DELETED_TYPE), "3");
      assert.deepEqual((await client.getFolderItems({ folderid: a.ID })).result, [], "a file in the trash is not listed");
      assert.equal(String((await client.restoreFile({ fileid: file.ID })).result.DELETED_TYPE), "0");
      assert.equal((await client.deleteFile({ fileid: fileCopy.ID })).result, true);
      await rejectsWith(client.getFileInformation({ fileid: fileCopy.ID }), "ERROR_NOT_FOUND");
      // Gone from the cloud: answered as cloud portals answer.
      await rejectsWith(client.getFileExternalLink({ fileid: file.ID }), "ERROR_METHOD_NOT_FOUND");

      // A folder's public link is made once and opens the folder.
      const link = (await client.getFolderExternalLink({ folderid: a.ID })).result;
      assert.equal((await client.getFolderExternalLink({ folderid: a.ID })).result, link);
      assert.match(link, new RegExp(`^${ctx.portal.url}/~[\\w-]+$`)); // a base64url code

      assert.equal(String((await client.markFolderAsDeleted({ folderid: a.ID })).result.DELETED_TYPE), "3");
      assert.equal(String((await client.getFileInformation({ fileid: file.ID })).result.DELETED_TYPE), "4", "what was in it went to the trash with it");
      assert.equal(String((await client.restoreFolder({ folderid: a.ID })).result.DELETED_TYPE), "0");
      assert.equal(String((await client.getFileInformation({ fileid: file.ID })).result.DELETED_TYPE), "0", "and came back with it");
      assert.equal((await client.deleteFolder({ folderid: root.ID })).result, true);
      await rejectsWith(client.getFileInformation({ fileid: file.ID }), "ERROR_NOT_FOUND");

      // The filter template: the fields disk.folder.getfields marks usable in a filter.
      assert.deepEqual(await client.getFolderFilterStructure({ empty: true }), JSON.parse(JSON.stringify(opiSampleOf("GetFolderFilterStructure"))));
      const typed = await client.getFolderFilterStructure();
      assert.deepEqual(Object.keys(typed), Object.keys(opiSampleOf("GetFolderFilterStructure")));
      assert.equal(typed.CREATE_TIME, "datetime");
    });
  }

  it("the application's storage: an application's token reads and renames it; a webhook is refused", async () => {
    const app = clientFor("token");
    assert.equal((await app.getAppStorage()).result.ENTITY_TYPE, "restapp");
    assert.equal((await app.renameStorage({ storageid: APP, title: "Library storage" })).result.NAME, "Library storage");
    assert.equal((await app.getAppStorage()).result.NAME, "Library storage");
    // The shared drive's root holds more than a page by now; the application's holds what it made.
    const folder = (await app.createStorageFolder({ storageid: APP, title: "Made by the application" })).result;
    assert.deepEqual(ids((await app.getStorageObjects({ storageid: APP })).result), [String(folder.ID)]);
    await rejectsWith(clientFor("webhook").getAppStorage(), "ACCESS_DENIED");
    await rejectsWith(clientFor("webhook").renameStorage({ storageid: APP, title: "x" }), "ACCESS_DENIED");
  });
});

// ---- uploads from a path, a URL or bytes, sent as OpenIntegrations sends them -------------------------

describe("uploads: a path, a URL or bytes, stored byte for byte", () => {
  // Every byte value, so nothing is read as text on the way.
  const BYTES = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
  let server: Server;
  let base = "";
  const served = (path: string) => `${base}${path}`;
  const bytesPath = () => join(tmp.path, "every-byte.bin");

  const ready = (async () => {
    server = createServer((req, res) => {
      if (req.url === "/files/every-byte.bin") res.writeHead(200, { "content-type": "application/octet-stream" }).end(BYTES);
      else res.writeHead(404).end("not here");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  })();
  after(() => server?.close());

  const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
  const sinceMark = (mark: number, method: string) => ctx.portal.requests.slice(mark).filter((r) => r.restMethod?.toLowerCase() === method.toLowerCase());
  let n = 0;

  for (const source of ["path", "URL", "bytes"] as const) {
    const file = () => (source === "path" ? bytesPath() : source === "URL" ? served("/files/every-byte.bin") : new Uint8Array(BYTES));

    it(`UploadFileToStorage from ${source}: one JSON call, the name as data.NAME and fileContent [name, Base64]`, async () => {
      await ready;
      writeFileSync(bytesPath(), BYTES);
      const name = `storage ${source} ${++n}.bin`;
      const mark = ctx.portal.requests.length;
      const answer = await clientFor("webhook").uploadFileToStorage({ title: name, file: file(), storageid: COMMON });
      const [sent] = sinceMark(mark, "disk.storage.uploadfile");
      assert.deepEqual(JSON.parse(sent.body), { id: COMMON, data: { NAME: name }, fileContent: [name, BYTES.toString("base64")] });
      assert.equal(answer.result.NAME, name);
      assert.equal(answer.result.SIZE, String(BYTES.length));
      assert.deepEqual(await download(answer.result.DOWNLOAD_URL), BYTES);
    });

    it(`UploadFileToFolder from ${source}: the upload link, then the bytes as multipart`, async () => {
      await ready;
      writeFileSync(bytesPath(), BYTES);
      const client = clientFor("webhook");
      const folder = (await client.createStorageFolder({ storageid: COMMON, title: `Uploads ${source} ${++n}` })).result.ID;
      const mark = ctx.portal.requests.length;
      const answer = await client.uploadFileToFolder({ title: "every-byte.bin", file: file(), folderid: folder });
      const [link] = sinceMark(mark, "disk.folder.uploadFile");
      assert.equal(link.httpMethod, "GET");
      assert.equal(String(link.query.id), String(folder));
      const post = ctx.portal.requests.slice(mark).find((r) => r.path.startsWith("/upload/"))!;
      assert.match(post.headers["content-type"], /^multipart\/form-data/);
      assert.deepEqual(await download(answer.result.DOWNLOAD_URL), BYTES);
    });
  }

  it("a URL that does not answer with the file: exit 4, one line, nothing sent", async () => {
    await ready;
    const mark = ctx.portal.requests.length;
    for (const fn of [["UploadFileToStorage", "--storageid", COMMON], ["UploadFileToFolder", "--folderid", "1"]]) {
      const run = await runCli(["bitrix24", fn[0], "--url", ctx.portal.webhookUrl, "--title", "missing.bin", "--file", served("/files/missing.bin"), fn[1], fn[2]]);
      assert.equal(run.code, 4, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^oint: .*HTTP 404.*\n$/);
      assert.ok(!run.stderr.includes(ctx.portal.secret));
    }
    assert.equal(ctx.portal.requests.length, mark, "nothing was sent to the portal");
  });
});
