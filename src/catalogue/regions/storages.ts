// Storages management (OpenIntegrations region `РаботаСХранилищами`), opi-bitrix24.md §2.9: the
// Drive's storages (a user's drive, the shared drive, a workgroup's, an application's) and their
// root. IDs go as `id`, as text.
import { byId, rest, tokenParam, urlParam } from "../define.js";
import { folderNameParam, newNameParam } from "../params.js";
import type { DriveFile } from "./files.js";
import type { DiskFolder } from "./folders.js";

const region = "Storages management";

/** A storage as disk.storage.* prints it (fixtures/opi-samples/GetStorage.json). */
export interface DiskStorage {
  ID: string;
  NAME: string;
  CODE: string | null;
  MODULE_ID: string;
  ENTITY_TYPE: string;
  ENTITY_ID: string;
  ROOT_OBJECT_ID: string;
}

const storageId = { name: "storageId", option: "storageid", short: "s", field: "id", description: "Storage ID" } as const;
const storageIdParam = { ...storageId, kind: "string", required: true } as const;

export const getStoragesList = rest<DiskStorage[]>()({
  name: "GetStoragesList",
  ru: "ПолучитьСписокХранилищ",
  region,
  summary: "Lists the storages the caller can use",
  method: "disk.storage.getlist",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getAppStorage = rest<DiskStorage>()({
  name: "GetAppStorage",
  ru: "ПолучитьХранилищеПриложения",
  region,
  summary: "Returns the storage of the calling application (OAuth applications)",
  method: "disk.storage.getforapp",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getStorage = byId<DiskStorage>()({
  name: "GetStorage",
  ru: "ПолучитьХранилище",
  region,
  summary: "Returns a storage by ID",
  method: "disk.storage.get",
  replay: "safe",
  readOnly: true,
  id: storageId,
});

export const renameStorage = rest<DiskStorage>()({
  name: "RenameStorage",
  ru: "ПереименоватьХранилище",
  region,
  summary: "Renames a storage (only an application's own, see GetAppStorage); the result is the storage",
  method: "disk.storage.rename",
  replay: "safe",
  params: [urlParam, storageIdParam, { ...newNameParam, description: "New storage name" }, tokenParam("k")],
});

export const getStorageObjects = byId<Array<DriveFile | DiskFolder>>()({
  name: "GetStorageObjects",
  ru: "ПолучитьСодержимоеХранилища",
  region,
  summary: "Lists the files and folders at the root of a storage",
  method: "disk.storage.getchildren",
  replay: "safe",
  readOnly: true,
  id: storageId,
});

export const createStorageFolder = rest<DiskFolder>()({
  name: "CreateStorageFolder",
  ru: "СоздатьКаталогВХранилище",
  region,
  summary: "Creates a folder at the root of a storage; the result is the new folder",
  method: "disk.storage.addfolder",
  replay: "unsafe",
  params: [urlParam, storageIdParam, folderNameParam, tokenParam("k")],
});

export const storageFunctions = [getStoragesList, getAppStorage, getStorage, renameStorage, getStorageObjects, createStorageFolder] as const;
