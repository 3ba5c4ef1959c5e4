// File management (OpenIntegrations region `РаботаСФайлами`), opi-bitrix24.md §2.11, §3.6, §4.6:
// the chat file flow. GetChatFilesFolder gives the chat's Drive folder, UploadFileToFolder puts
// bytes there (a pre-signed upload link, then a multipart POST), SendFile (messages.ts) posts
// them to the chat. SendFileToChat, an oint addition, does all three in one call.
import { basename } from "node:path";
import { byId, flow, rest, tokenParam, urlParam } from "../define.js";
import { newNameParam } from "../params.js";
import { isExistingFile, isFilled, toBinary, toText } from "../coerce.js";
import type { Bitrix24Client } from "../../transport/client.js";
import { isLoopbackHost } from "../../transport/endpoint.js";
import type { Envelope } from "../../transport/envelope.js";
import { inputError, OintError, TransportError } from "../../transport/errors.js";

/** A Drive file as disk.* methods and the upload answer print it (fixtures UploadFileToFolder.json). */
export interface DiskFile {
  ID: number;
  NAME: string;
  CODE: string | null;
  STORAGE_ID: string;
  TYPE: string;
  PARENT_ID: string;
  DELETED_TYPE: number;
  GLOBAL_CONTENT_VERSION: number;
  FILE_ID: number;
  SIZE: string;
  CREATE_TIME: string;
  UPDATE_TIME: string;
  DELETE_TIME: string | null;
  CREATED_BY: string;
  UPDATED_BY: string;
  DELETED_BY: string | null;
  DOWNLOAD_URL: string;
  DETAIL_URL: string;
}

/**
 * A Drive file as disk.file.* and the Drive's lists print it (fixtures GetFileInformation.json,
 * MoveFileToFolder.json): IDs as text, except those a copy or a move has just set, which are numbers.
 */
export type DriveFile = Omit<{ [K in keyof DiskFile]: DiskFile[K] extends number ? number | string : DiskFile[K] }, "PARENT_ID"> & { PARENT_ID: string | number };

/** A file as chat methods print it (fixtures SendFile.json `FILES`). */
export interface ChatFile {
  id: number;
  chatId: number;
  type: string;
  name: string;
  extension: string;
  size: number;
  urlDownload: string;
  [key: string]: unknown;
}

/** im.disk.file.commit's result: the files, their Drive ids and the message that carries them. */
export interface SendFileResult {
  FILES: Record<string, ChatFile>;
  DISK_ID: string[];
  FILE_MODELS: Record<string, Record<string, unknown>>;
  MESSAGE_ID: number;
}

/** The upload answer: `result` only, no `time` block. */
export interface UploadAnswer {
  result: DiskFile;
}

export const getChatFilesFolder = rest<{ ID: number }>()({
  name: "GetChatFilesFolder",
  ru: "ПолучитьКаталогФайловЧата",
  // OpenIntegrations lists it with the chat functions; it lives here beside the rest of the file flow.
  region: "Chats and dialogs management",
  summary: "Returns the chat's Drive folder for files ({\"ID\": folder ID}), created on first use",
  method: "im.disk.folder.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { name: "chatId", option: "chat", short: "c", kind: "string", field: "CHAT_ID", check: "chatId", required: true, description: "Chat ID (a number, without the chat prefix)" },
    tokenParam(),
  ],
});

const fileParam = {
  name: "file",
  option: "file",
  short: "f",
  kind: "binary",
  required: true,
  description: "The file: a path, an http(s) URL (downloaded first) or Base64 text",
} as const;

const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * Step 1: disk.folder.uploadFile (GET) gives the form field and a pre-signed upload link.
 * Step 2: one multipart/form-data POST of the bytes to that link (no webhook secret, no token:
 * the link carries its own authorisation; never retried). Answers like OpenIntegrations: the
 * upload's answer, or step 1's answer when it has no link.
 */
async function uploadToFolder(
  client: Bitrix24Client,
  folderId: string,
  name: string,
  bytes: Uint8Array,
  extra: Record<string, unknown> = {},
): Promise<UploadAnswer | Envelope<unknown>> {
  const method = "disk.folder.uploadFile";
  const target = await client.call<{ field?: unknown; uploadUrl?: unknown }>(method, { id: folderId, ...extra }, { httpMethod: "GET" });
  const { field, uploadUrl } = (target.result ?? {}) as { field?: unknown; uploadUrl?: unknown };
  if (typeof field !== "string" || !field || typeof uploadUrl !== "string" || !uploadUrl) return target;
  checkUploadUrl(uploadUrl, method);

  return (await client.upload<UploadAnswer["result"]>(uploadUrl, field, name, bytes, method, UPLOAD_TIMEOUT_MS)) as UploadAnswer;
}

/** The portal chose the link, but plain http to a remote host would carry the file in clear text. */
function checkUploadUrl(link: string, method: string): void {
  let parsed: URL;
  try {
    parsed = new URL(link);
  } catch {
    throw new TransportError("UNUSABLE_UPLOAD_LINK", `${method}: the portal's upload link is not a URL; nothing was uploaded`, method, false);
  }
  const secure = parsed.protocol === "https:" || (parsed.protocol === "http:" && (isLoopbackHost(parsed.hostname) || process.env.OINT_ALLOW_HTTP === "1"));
  if (!secure) throw new TransportError("UNUSABLE_UPLOAD_LINK", `${method}: the portal's upload link is not https; nothing was uploaded (set OINT_ALLOW_HTTP=1 to allow plain http)`, method, false);
}

export const uploadFileToFolder = flow()({
  name: "UploadFileToFolder",
  ru: "ЗагрузитьФайлВКаталог",
  region: "File management",
  summary: "Uploads a file into a Drive folder (e.g. a chat's, see GetChatFilesFolder); the result is the new file, its ID in result.ID",
  calls: ["disk.folder.uploadFile", "POST of the file to its uploadUrl (multipart/form-data)"],
  replay: "unsafe",
  params: [
    urlParam,
    { name: "title", option: "title", short: "t", kind: "string", required: true, description: "File name with extension, as it will show in the folder" },
    fileParam,
    { name: "folderId", option: "folderid", short: "l", kind: "string", required: true, description: "Drive folder ID" },
    tokenParam("k"),
  ],
  perform: async (values, ctx) => {
    const client = ctx.client();
    const bytes = await toBinary(values.file, fileParam);
    return (await uploadToFolder(client, toText(values.folderId), toText(values.title), bytes)) as UploadAnswer;
  },
});

export const uploadFileToStorage = rest<DriveFile>()({
  name: "UploadFileToStorage",
  ru: "ЗагрузитьФайлВХранилище",
  region: "File management",
  summary: "Uploads a file to the root of a storage in one JSON request (the bytes inline as Base64); the result is the new file",
  method: "disk.storage.uploadfile",
  replay: "unsafe",
  params: [
    urlParam,
    // OpenIntegrations sends the name twice: as the file's NAME and as the first half of fileContent.
    { name: "title", option: "title", short: "t", kind: "string", field: ["data.NAME", "fileContent.0"], required: true, description: "File name with extension" },
    { ...fileParam, field: "fileContent.1" },
    { name: "storageId", option: "storageid", short: "s", kind: "string", field: "id", required: true, description: "Storage ID" },
    { name: "rights", option: "rights", short: "r", kind: "array", field: "rights", default: "", description: "Access rights, if needed: JSON list such as [{\"TASK_ID\":42,\"ACCESS_CODE\":\"U1\"}]" },
    tokenParam("k"),
  ],
});

const fileId = { name: "fileId", option: "fileid", short: "f", field: "id", description: "File ID" } as const;
const fileIdParam = { ...fileId, kind: "string", required: true } as const;
const destinationParam = { name: "folderId", option: "folderid", short: "l", kind: "string", field: "targetFolderId", required: true, description: "Destination folder ID" } as const;

export const getFileInformation = byId<DriveFile>()({
  name: "GetFileInformation",
  ru: "ПолучитьИнформациюОФайле",
  region: "File management",
  summary: "Returns a file by ID (its DOWNLOAD_URL downloads it)",
  method: "disk.file.get",
  replay: "safe",
  readOnly: true,
  id: fileId,
});

export const deleteFile = byId<boolean>()({
  name: "DeleteFile",
  ru: "УдалитьФайл",
  region: "File management",
  summary: "Deletes a file for good (MarkFileAsDeleted moves it to the recycle bin instead)",
  method: "disk.file.delete",
  replay: "unsafe", // a second delete fails
  id: fileId,
});

export const getFileExternalLink = byId<string>()({
  name: "GetFileExternalLink",
  ru: "ПолучитьВнешнююСсылкуФайла",
  region: "File management",
  summary: "Returns a public link to a file, creating it on first use (Bitrix24 cloud portals dropped the method in 2024)",
  method: "disk.file.getExternalLink",
  removedFromCloud: "2024-09",
  // A self-hosted Bitrix24 gives the same link again, but no portal here can show it (the local one
  // answers as the cloud does): when in doubt, not replayed.
  replay: "unsafe",
  id: fileId,
});

export const markFileAsDeleted = byId<DriveFile>()({
  name: "MarkFileAsDeleted",
  ru: "ПоместитьФайлВКорзину",
  region: "File management",
  summary: "Moves a file to the recycle bin (RestoreFile brings it back)",
  method: "disk.file.markdeleted",
  replay: "unsafe",
  id: fileId,
});

export const restoreFile = byId<DriveFile>()({
  name: "RestoreFile",
  ru: "ВосстановитьФайл",
  region: "File management",
  summary: "Restores a file from the recycle bin",
  method: "disk.file.restore",
  replay: "unsafe",
  id: fileId,
});

export const makeFileCopy = rest<DriveFile>()({
  name: "MakeFileCopy",
  ru: "СкопироватьФайл",
  region: "File management",
  summary: "Copies a file into a folder; the result is the copy",
  method: "disk.file.copyto",
  replay: "unsafe",
  params: [urlParam, fileIdParam, destinationParam, tokenParam()],
});

export const moveFileToFolder = rest<DriveFile>()({
  name: "MoveFileToFolder",
  ru: "ПереместитьФайлВКаталог",
  region: "File management",
  summary: "Moves a file into a folder; the result is the moved file",
  method: "disk.file.moveto",
  replay: "unsafe", // run again, Bitrix24 may refuse the name as taken in the destination
  params: [urlParam, fileIdParam, destinationParam, tokenParam()],
});

export const renameFile = rest<DriveFile>()({
  name: "RenameFile",
  ru: "ПереименоватьФайл",
  region: "File management",
  summary: "Renames a file; the result is the file",
  method: "disk.file.rename",
  replay: "safe",
  params: [urlParam, fileIdParam, { ...newNameParam, description: "New file name with extension" }, tokenParam("k")],
});

/** The file's name from a path or URL given as --file; undefined for bytes and Base64. */
function nameFromSource(source: unknown): string | undefined {
  if (typeof source !== "string") return undefined;
  const text = source.trim();
  if (isExistingFile(text)) return basename(text);
  if (/^https?:\/\//i.test(text)) {
    try {
      const last = new URL(text).pathname.split("/").filter(Boolean).at(-1);
      return last ? decodeURIComponent(last) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const chatNumber = (value: unknown): string => {
  const text = toText(value).trim();
  const match = /^(?:chat)?(\d+)$/i.exec(text);
  if (!match || Number(match[1]) === 0) throw inputError(`"${text}" is not a chat ID: give its number (5) or chat5`, "chatId");
  return match[1];
};

export const sendFileToChat = flow()({
  name: "SendFileToChat",
  ru: "ОтправитьФайлВЧат",
  region: "Message management",
  addition: true,
  summary:
    "oint addition, not in OpenIntegrations: sends a file to a chat in one call (GetChatFilesFolder, UploadFileToFolder, SendFile); the result is SendFile's answer (MESSAGE_ID)",
  calls: ["im.disk.folder.get", "disk.folder.uploadFile", "POST of the file to its uploadUrl (multipart/form-data)", "im.disk.file.commit"],
  replay: "unsafe",
  params: [
    urlParam,
    { name: "chatId", option: "chat", short: "c", kind: "string", required: true, description: "Chat ID: its number (5) or chat5" },
    fileParam,
    { name: "title", option: "title", short: "t", kind: "string", default: "", description: "File name shown in the chat (default: the file's base name; required for Base64)" },
    { name: "description", option: "description", short: "d", kind: "string", default: "", description: "Message text shown with the file" },
    tokenParam("k"),
  ],
  perform: async (values, ctx): Promise<Envelope<SendFileResult>> => {
    const chat = chatNumber(values.chatId);
    const client = ctx.client();
    const bytes = await toBinary(values.file, fileParam);
    const title = isFilled(values.title) ? toText(values.title) : nameFromSource(values.file);
    if (!title) throw inputError("is required when --file is Base64 text or bytes (the file's name, e.g. report.pdf)", "title");

    const folder = await client.call<{ ID: number }>("im.disk.folder.get", { CHAT_ID: chat });
    // generateUniqueName: a second "report.pdf" in the chat becomes "report (1).pdf" instead of failing.
    const uploaded = await uploadToFolder(client, String(folder.result.ID), title, bytes, { generateUniqueName: "true" });
    const fileId = (uploaded.result as Partial<DiskFile> | undefined)?.ID;
    if (!fileId) {
      // Either no upload link came (nothing uploaded) or the upload's answer named no file (it may be in the folder).
      throw new TransportError(
        "UNEXPECTED_ANSWER",
        "disk.folder.uploadFile: the portal's answer names no uploaded file, so nothing was posted to the chat; the file may or may not be in the chat's folder",
        "disk.folder.uploadFile",
        true,
      );
    }
    const payload: Record<string, unknown> = { CHAT_ID: chat, UPLOAD_ID: String(fileId) };
    if (isFilled(values.description)) payload.MESSAGE = toText(values.description);
    return client.call<SendFileResult>("im.disk.file.commit", payload);
  },
});

export const fileFunctions = [
  getChatFilesFolder,
  uploadFileToStorage,
  uploadFileToFolder,
  getFileInformation,
  deleteFile,
  getFileExternalLink,
  markFileAsDeleted,
  restoreFile,
  makeFileCopy,
  moveFileToFolder,
  renameFile,
  sendFileToChat,
] as const;
