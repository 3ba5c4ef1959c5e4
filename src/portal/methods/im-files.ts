// Files in chats: im.disk.folder.get (the chat's Drive folder), disk.folder.uploadFile (a
// one-time upload link), disk.file.get, and im.disk.file.commit (a chat message carrying files).
// disk.folder.uploadFile also takes the file at once (data[NAME] + fileContent in Base64).
// Codes follow bitrix24-rest.md §4.16-4.17; the disk.* errors follow Bitrix24's Drive REST
// service (ERROR_ARGUMENT, ERROR_NOT_FOUND 404, ACCESS_DENIED 403).
import type { DiskFileRecord, DiskFolderRecord } from "../data/disk.js";
import { renderDiskFile, renderFileModel, renderImFile } from "../render/disk-render.js";
import { badRequest, forbidden, RestError } from "../http/errors.js";
import { isBlank, limitMessageText, textParam, toInt, upperKeys, yesNo } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { ChatRecord } from "../data/state.js";
import { parseDialogId } from "./dialog-id.js";

const noDialogAccess = () => forbidden("ACCESS_ERROR", "You do not have access to the specified dialog");
const chatIdEmpty = () => badRequest("CHAT_ID_EMPTY", "Chat ID can't be empty");
const accessDenied = () => forbidden("ACCESS_DENIED", "Access denied!");
const notFound = (id: unknown) => new RestError("ERROR_NOT_FOUND", `Could not find entity with id '${String(id)}'`, 404);
const missingArgument = (name: string) => badRequest("ERROR_ARGUMENT", `Could not find value for parameter {${name}}`);

/** The chat named by CHAT_ID (a bare number) or else DIALOG_ID, which the caller must be in. */
function targetChat(ctx: MethodContext, p: Record<string, unknown>, createDialog: boolean): ChatRecord {
  let chat: ChatRecord | undefined;
  if (!isBlank(p.CHAT_ID)) {
    const id = toInt(p.CHAT_ID); // "chat5" is not a CHAT_ID: Bitrix24 says it is empty
    if (!id) throw chatIdEmpty();
    chat = ctx.state.getChat(id);
  } else if (!isBlank(p.DIALOG_ID)) {
    const dialog = parseDialogId(p.DIALOG_ID);
    if (!dialog || (dialog.kind !== "chat" && dialog.kind !== "user")) throw badRequest("DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    const resolved = ctx.state.resolveDialog(dialog, ctx.userId, createDialog);
    chat = resolved.ok ? resolved.chat : undefined;
  } else {
    throw chatIdEmpty();
  }
  if (!chat || !chat.members.includes(ctx.userId)) throw noDialogAccess();
  return chat;
}

/** Chat folders belong to their chat's members; other folders to whoever created them. */
function canUseFolder(ctx: MethodContext, folder: DiskFolderRecord): boolean {
  return folder.chatId !== null ? ctx.state.isMember(folder.chatId, ctx.userId) : folder.createdBy === ctx.userId;
}

function canReadFile(ctx: MethodContext, file: DiskFileRecord): boolean {
  const folder = ctx.state.disk.getFolder(file.parentId);
  return file.createdBy === ctx.userId || (folder !== undefined && canUseFolder(ctx, folder));
}

/** Drive methods take lower-case `id`; accept `ID` as well. */
const idOf = (params: Record<string, unknown>) => params.id ?? params.ID;

/** im.disk.folder.get -> {ID}: the chat's files folder, created on first use. */
const diskFolderGet: MethodHandler = (ctx) => {
  const chat = targetChat(ctx, upperKeys(ctx.params), false);
  return { ID: ctx.state.disk.chatFolder(chat.id, ctx.userId).id };
};

/**
 * disk.folder.uploadFile -> {field, uploadUrl}. The URL is a one-time link that carries its own
 * authorisation (no webhook secret, no token), as Bitrix24's pre-signed upload URL does.
 */
const folderUploadFile: MethodHandler = (ctx) => {
  const raw = idOf(ctx.params);
  if (isBlank(raw)) throw missingArgument("id");
  const folder = ctx.state.disk.getFolder(toInt(raw) ?? -1);
  if (!folder) throw notFound(raw);
  if (!canUseFolder(ctx, folder)) throw accessDenied();
  const token = ctx.state.disk.issueUpload({
    folderId: folder.id,
    userId: ctx.userId,
    uniqueName: yesNo(ctx.params.generateUniqueName, false),
  });
  // The one-call form: data[NAME] and fileContent (Base64, or [name, Base64]) store the file at once.
  const content = ctx.params.fileContent;
  if (isBlank(content)) return { field: "file", uploadUrl: `${ctx.portalUrl}/upload/${token}` };
  const pair = Array.isArray(content) ? content : typeof content === "object" && content ? Object.values(content) : [undefined, content];
  const data = ctx.params.data && typeof ctx.params.data === "object" ? upperKeys(ctx.params.data as Record<string, unknown>) : {};
  const name = textParam(data.NAME) || textParam(pair[0]);
  if (!name) throw missingArgument("data[NAME]");
  if (typeof pair[1] !== "string" || !/^[A-Za-z0-9+/=\s_-]*$/.test(pair[1])) throw badRequest("ERROR_ARGUMENT", "Invalid value of parameter {fileContent}");
  const outcome = ctx.state.disk.completeUpload(token, name, Buffer.from(pair[1], "base64"));
  if (!outcome.ok) throw badRequest("DISK_OBJ_22000", `A file named "${name}" already exists in this folder`);
  ctx.state.changes.emit({ kind: "disk", action: "add" });
  return renderDiskFile(outcome.file, folder, ctx.portalUrl);
};

/** disk.file.get -> the disk object, as the upload answered it. */
const fileGet: MethodHandler = (ctx) => {
  const raw = idOf(ctx.params);
  if (isBlank(raw)) throw missingArgument("id");
  const file = ctx.state.disk.getFile(toInt(raw) ?? -1);
  if (!file) throw notFound(raw);
  if (!canReadFile(ctx, file)) throw accessDenied();
  return renderDiskFile(file, ctx.state.disk.getFolder(file.parentId), ctx.portalUrl);
};

/**
 * im.disk.file.commit -> {FILES, DISK_ID, FILE_MODELS, MESSAGE_ID}: posts a message carrying Drive
 * files. A file from outside the chat's folder is copied into it first, as Bitrix24 does.
 */
const diskFileCommit: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chat = targetChat(ctx, p, true);
  const given = !isBlank(p.UPLOAD_ID) ? p.UPLOAD_ID : p.FILE_ID;
  const ids = (Array.isArray(given) ? given : isBlank(given) ? [] : [given]).map((v) => toInt(v));
  if (ids.length === 0) throw badRequest("FILES_ERROR", "List of files is not specified");

  const folder = ctx.state.disk.chatFolder(chat.id, ctx.userId);
  const files: DiskFileRecord[] = [];
  for (const id of ids) {
    const file = id ? ctx.state.disk.getFile(id) : undefined;
    if (!file || !canReadFile(ctx, file)) throw badRequest("SAVE_ERROR", `File ${id ?? "?"} was not found or is not accessible`);
    files.push(file.parentId === folder.id ? file : ctx.state.disk.copyFile(file, folder.id, ctx.userId));
  }

  const message = ctx.state.createMessage({
    chatId: chat.id,
    authorId: ctx.userId,
    text: limitMessageText(textParam(p.MESSAGE)),
    files: files.map((f) => f.id),
  });
  const key = (f: DiskFileRecord) => `upload${f.id}`;
  return {
    FILES: Object.fromEntries(files.map((f) => [key(f), renderImFile(f, chat.id, ctx.state, ctx.portalUrl, true)])),
    DISK_ID: files.map((f) => String(f.id)),
    FILE_MODELS: Object.fromEntries(files.map((f) => [key(f), renderFileModel(f)])),
    MESSAGE_ID: message.id,
  };
};

export const imFileMethods: Record<string, MethodHandler> = {
  "im.disk.folder.get": diskFolderGet,
  "disk.folder.uploadFile": folderUploadFile,
  "disk.file.get": fileGet,
  "im.disk.file.commit": diskFileCommit,
};
