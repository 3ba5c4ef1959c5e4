// Catalogs management (OpenIntegrations region `РаботаСКаталогами`), opi-bitrix24.md §2.10: Drive
// folders (disk.folder.*). The folder goes as `id`, a destination as `targetFolderId`, as text.
import { byId, rest, tokenParam, urlParam } from "../define.js";
import { filterParam, folderNameParam, newNameParam } from "../params.js";
import type { DriveFile } from "./files.js";

const region = "Catalogs management";

/** A folder as disk.folder.* prints it (fixtures/opi-samples/GetFolderInformation.json; new ones carry numbers). */
export interface DiskFolder {
  ID: string | number;
  NAME: string;
  CODE: string | null;
  STORAGE_ID: string;
  TYPE: "folder";
  REAL_OBJECT_ID: string | number;
  PARENT_ID: string | number;
  DELETED_TYPE: string | number;
  CREATE_TIME: string;
  UPDATE_TIME: string;
  DELETE_TIME: string | null;
  CREATED_BY: string;
  UPDATED_BY: string;
  DELETED_BY: string | null;
  DETAIL_URL: string;
}

const folderId = { name: "folderId", option: "folderid", short: "f", field: "id", description: "Folder ID" } as const;
const folderIdParam = { ...folderId, kind: "string", required: true } as const;
const targetParam = { name: "targetId", option: "tagetid", short: "t", kind: "string", field: "targetFolderId", required: true, description: "Destination folder ID (the option is spelled --tagetid, as OpenIntegrations spells it)" } as const;

export const getFolderInformation = byId<DiskFolder>()({
  name: "GetFolderInformation",
  ru: "ПолучитьИнформациюОКаталоге",
  region,
  summary: "Returns a folder by ID",
  method: "disk.folder.get",
  replay: "safe",
  readOnly: true,
  id: folderId,
});

export const createSubfolder = rest<DiskFolder>()({
  name: "CreateSubfolder",
  ru: "СоздатьПодкаталог",
  region,
  summary: "Creates a folder inside another; the result is the new folder",
  method: "disk.folder.addsubfolder",
  replay: "unsafe",
  params: [urlParam, { ...folderIdParam, description: "Parent folder ID" }, folderNameParam, tokenParam("k")],
});

export const makeFolderCopy = rest<DiskFolder>()({
  name: "MakeFolderCopy",
  ru: "СкопироватьКаталог",
  region,
  summary: "Copies a folder, with its contents, into another; the result is the copy",
  method: "disk.folder.copyto",
  replay: "unsafe",
  params: [urlParam, folderIdParam, targetParam, tokenParam("k")],
});

export const moveFolder = rest<DiskFolder>()({
  name: "MoveFolder",
  ru: "ПереместитьКаталог",
  region,
  summary: "Moves a folder into another; the result is the moved folder",
  method: "disk.folder.moveto",
  replay: "unsafe", // run again, Bitrix24 may refuse the name as taken in the destination
  params: [urlParam, folderIdParam, targetParam, tokenParam("k")],
});

export const deleteFolder = byId<boolean>()({
  name: "DeleteFolder",
  ru: "УдалитьКаталог",
  region,
  summary: "Deletes a folder and everything in it for good (MarkFolderAsDeleted moves it to the recycle bin instead)",
  method: "disk.folder.deletetree",
  replay: "unsafe", // a second delete fails
  id: folderId,
});

export const getFolderExternalLink = byId<string>()({
  name: "GetFolderExternalLink",
  ru: "ПолучитьВнешнююСсылкуКаталога",
  region,
  summary: "Returns a public link to a folder, creating it on first use (anyone with the link can open the folder)",
  method: "disk.folder.getExternalLink",
  replay: "safe", // the same link again; not read-only: it makes the folder public
  id: folderId,
});

export const getFolderItems = rest<Array<DriveFile | DiskFolder>>()({
  name: "GetFolderItems",
  ru: "ПолучитьДочерниеЭлементыКаталога",
  region,
  summary: "Lists the files and folders in a folder, optionally filtered (see GetFolderFilterStructure)",
  method: "disk.folder.getchildren",
  replay: "safe",
  readOnly: true,
  params: [urlParam, folderIdParam, { ...filterParam("filter"), short: "l", description: "Filter: JSON object (see GetFolderFilterStructure), e.g. {\"TYPE\":\"file\"}, or a path to a .json file" }, tokenParam()],
});

export const markFolderAsDeleted = byId<DiskFolder>()({
  name: "MarkFolderAsDeleted",
  ru: "ПоместитьКаталогВКорзину",
  region,
  summary: "Moves a folder to the recycle bin (RestoreFolder brings it back)",
  method: "disk.folder.markdeleted",
  replay: "unsafe",
  id: folderId,
});

export const restoreFolder = byId<DiskFolder>()({
  name: "RestoreFolder",
  ru: "ВосстановитьКаталог",
  region,
  summary: "Restores a folder from the recycle bin",
  method: "disk.folder.restore",
  replay: "unsafe",
  id: folderId,
});

export const renameFolder = rest<DiskFolder>()({
  name: "RenameFolder",
  ru: "ПереименоватьКаталог",
  region,
  summary: "Renames a folder; the result is the folder",
  method: "disk.folder.rename",
  replay: "safe",
  params: [urlParam, folderIdParam, { ...newNameParam, description: "New folder name" }, tokenParam("k")],
});

export const getFolderFilterStructure = rest<Record<string, string>>()({
  name: "GetFolderFilterStructure",
  ru: "ПолучитьСтруктуруФильтраКаталога",
  region,
  summary: "Builds a filter template for GetFolderItems from the portal's folder fields: each field usable in a filter -> its type (or empty values with --empty true)",
  method: "disk.folder.getfields",
  replay: "safe",
  readOnly: true,
  hook: "folderFilterFields",
  params: [
    urlParam,
    { name: "empty", option: "empty", short: "e", kind: "boolean", default: false, description: "true: empty values instead of the field types" },
    tokenParam(),
  ],
});

export const folderFunctions = [
  getFolderInformation,
  createSubfolder,
  makeFolderCopy,
  moveFolder,
  deleteFolder,
  getFolderExternalLink,
  getFolderItems,
  markFolderAsDeleted,
  restoreFolder,
  renameFolder,
  getFolderFilterStructure,
] as const;
