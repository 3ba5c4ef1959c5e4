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
