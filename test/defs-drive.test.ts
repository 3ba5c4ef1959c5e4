// The Drive's definitions (storages, folders, files): each function sends what OpenIntegrations'
// code sends for the docs' CLI example values, over HTTP to a local portal that echoes the payload.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { execute } from "../src/catalogue/invoke.js";
import { fileFunctions } from "../src/catalogue/regions/files.js";
import { folderFunctions } from "../src/catalogue/regions/folders.js";
import { storageFunctions } from "../src/catalogue/regions/storages.js";
import { InputError } from "../src/index.js";
import { useEchoPortal } from "./defs-echo.js";
import { runCli, useScratchDir } from "./helpers.js";

const fn = (name: string): Definition => findFunction(name)!;

/** disk.folder.getfields as the portal answers it: three filterable fields and one that is not. */
const folderFields = {
  ID: { TYPE: "integer", USE_IN_FILTER: true, USE_IN_SHOW: true },
  NAME: { TYPE: "string", USE_IN_FILTER: true, USE_IN_SHOW: true },
  CREATE_TIME: { TYPE: "datetime", USE_IN_FILTER: true, USE_IN_SHOW: true },
  DETAIL_URL: { TYPE: "string", USE_IN_FILTER: false, USE_IN_SHOW: true },
};

const echo = useEchoPortal([...storageFunctions, ...folderFunctions, ...fileFunctions], { "disk.folder.getfields": () => folderFields });
const scratch = useScratchDir();

describe("storages", () => {
  it("the list and the application's storage send nothing but the call", async () => {
    assert.deepEqual(await echo.sent(fn("GetStoragesList")), {});
    assert.deepEqual(await echo.sent(fn("GetAppStorage")), {});
  });

  it("a storage goes as id, as text; a new name as newName; a new folder's name under data.NAME", async () => {
    assert.deepEqual(await echo.sent(fn("GetStorage"), { storageId: 3 }), { id: "3" });
    assert.deepEqual(await echo.sent(fn("GetStorageObjects"), { storageId: 3 }), { id: "3" });
    assert.deepEqual(await echo.sent(fn("RenameStorage"), { storageId: "18", title: "New storage name" }), { id: "18", newName: "New storage name" });
    assert.deepEqual(await echo.sent(fn("CreateStorageFolder"), { storageId: 3, title: "New catalog" }), { id: "3", data: { NAME: "New catalog" } });
  });
});

describe("folders", () => {
  it("the id-only functions send the folder as id", async () => {
    for (const name of ["GetFolderInformation", "DeleteFolder", "GetFolderExternalLink", "MarkFolderAsDeleted", "RestoreFolder"]) {
      assert.deepEqual(await echo.sent(fn(name), { folderId: 48456 }), { id: "48456" }, name);
    }
  });

  it("a subfolder, a copy, a move and a rename", async () => {
    assert.deepEqual(await echo.sent(fn("CreateSubfolder"), { folderId: 48456, title: "New subfolder" }), { id: "48456", data: { NAME: "New subfolder" } });
    assert.deepEqual(await echo.sent(fn("MakeFolderCopy"), { folderId: 48460, targetId: 48458 }), { id: "48460", targetFolderId: "48458" });
    assert.deepEqual(await echo.sent(fn("MoveFolder"), { folderId: 49994, targetId: 49990 }), { id: "49994", targetFolderId: "49990" });
    assert.deepEqual(await echo.sent(fn("RenameFolder"), { folderId: 49992, title: "New catalog" }), { id: "49992", newName: "New catalog" });
  });

  it("GetFolderItems sends its filter as filter, and nothing when there is none", async () => {
    assert.deepEqual(await echo.sent(fn("GetFolderItems"), { folderId: 48456 }), { id: "48456" });
    assert.deepEqual(await echo.sent(fn("GetFolderItems"), { folderId: 48456, filter: "{'TYPE':'file'}" }), { id: "48456", filter: { TYPE: "file" } });
  });

  it("GetFolderFilterStructure keeps only the fields usable in a filter: their types, or empty with --empty true", async () => {
    const url = echo.portal.webhookUrl;
    assert.deepEqual(await execute(fn("GetFolderFilterStructure"), { url }), { ID: "integer", NAME: "string", CREATE_TIME: "datetime" });
    assert.deepEqual(await execute(fn("GetFolderFilterStructure"), { url, empty: "true" }), { ID: "", NAME: "", CREATE_TIME: "" });
  });

  it("GetFolderFilterStructure refuses an --empty that is no boolean before anything is sent", async () => {
    const before = echo.portal.requests.length;
    await assert.rejects(execute(fn("GetFolderFilterStructure"), { url: echo.portal.webhookUrl, empty: "maybe" }), (error: unknown) => error instanceof InputError && error.parameter === "empty");
    assert.equal(echo.portal.requests.length, before);
  });
});

describe("files", () => {
  it("UploadFileToStorage: one JSON call, the name as data.NAME and as fileContent's first half, the bytes as its second", async () => {
    const path = join(scratch.path, "Picture1.jpg");
    writeFileSync(path, "not really a picture");
    const base64 = Buffer.from("not really a picture").toString("base64");
    assert.deepEqual(await echo.sent(fn("UploadFileToStorage"), { title: "Picture1.jpg", file: path, storageId: 3 }), {
      data: { NAME: "Picture1.jpg" },
      fileContent: ["Picture1.jpg", base64],
      id: "3",
    });
    const rights = [{ TASK_ID: 42, ACCESS_CODE: "U1" }];
    assert.deepEqual((await echo.sent(fn("UploadFileToStorage"), { title: "b.txt", file: new Uint8Array([1, 2]), storageId: 3, rights: JSON.stringify(rights) })).rights, rights);
  });

  it("the id-only functions send the file as id", async () => {
    for (const name of ["GetFileInformation", "DeleteFile", "GetFileExternalLink", "MarkFileAsDeleted", "RestoreFile"]) {
      assert.deepEqual(await echo.sent(fn(name), { fileId: 49986 }), { id: "49986" }, name);
    }
  });

  it("a copy, a move and a rename", async () => {
    assert.deepEqual(await echo.sent(fn("MakeFileCopy"), { fileId: 48450, folderId: 48456 }), { id: "48450", targetFolderId: "48456" });
    assert.deepEqual(await echo.sent(fn("MoveFileToFolder"), { fileId: 49986, folderId: 49996 }), { id: "49986", targetFolderId: "49996" });
    assert.deepEqual(await echo.sent(fn("RenameFile"), { fileId: 49986, title: "New file name.jpg" }), { id: "49986", newName: "New file name.jpg" });
  });
});

describe("through the CLI", () => {
  it("--help names OpenIntegrations' options (--tagetid included)", async () => {
    const copy = await runCli(["bitrix24", "MakeFolderCopy", "--help"]);
    assert.equal(copy.code, 0, copy.stderr);
    for (const line of [/-f, --folderid/, /-t, --tagetid/, /-k, --token/]) assert.match(copy.stdout, line);
    const upload = await runCli(["bitrix24", "UploadFileToStorage", "--help"]);
    assert.equal(upload.code, 0, upload.stderr);
    for (const line of [/-t, --title/, /-f, --file/, /-s, --storageid/, /-r, --rights/]) assert.match(upload.stdout, line);
  });

  it("UploadFileToStorage from the command line sends the file inline", async () => {
    const path = join(scratch.path, "cli.txt");
    writeFileSync(path, "from the CLI");
    const run = await runCli(["bitrix24", "UploadFileToStorage", "--url", echo.portal.webhookUrl, "--title", "cli.txt", "--file", path, "--storageid", "3"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).result, { data: { NAME: "cli.txt" }, fileContent: ["cli.txt", Buffer.from("from the CLI").toString("base64")], id: "3" });
  });
});
