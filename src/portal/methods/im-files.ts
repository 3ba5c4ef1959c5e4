// Files in chats: im.disk.folder.get (the chat's Drive folder, a folder of the chat storage) and
// im.disk.file.commit (a chat message carrying Drive files). Uploads and the rest of the Drive are
// in disk.ts. Codes follow bitrix24-rest.md §4.16-4.17.
import type { DiskRow } from "../data/disk.js";
import { renderFileModel, renderImFile } from "../render/disk-render.js";
import { badRequest, forbidden } from "../http/errors.js";
import { isBlank, limitMessageText, textParam, toInt, upperKeys } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { ChatRecord } from "../data/state.js";
import { parseDialogId } from "./dialog-id.js";
import { canUse } from "./disk.js";

const noDialogAccess = () => forbidden("ACCESS_ERROR", "You do not have access to the specified dialog");
const chatIdEmpty = () => badRequest("CHAT_ID_EMPTY", "Chat ID can't be empty");

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

/** im.disk.folder.get -> {ID}: the chat's files folder, created on first use. */
const diskFolderGet: MethodHandler = (ctx) => {
  const chat = targetChat(ctx, upperKeys(ctx.params), false);
  return { ID: Number(ctx.state.disk.chatFolder(chat.id, ctx.userId).ID) };
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
  const files: DiskRow[] = [];
  for (const id of ids) {
    const file = id ? ctx.state.disk.getFile(id) : undefined;
    if (!file || file.DELETED_TYPE !== 0 || !canUse(ctx, file)) throw badRequest("SAVE_ERROR", `File ${id ?? "?"} was not found or is not accessible`);
    files.push(file.PARENT_ID === folder.ID ? file : ctx.state.disk.copyFile(file, Number(folder.ID), ctx.userId));
  }

  const message = ctx.state.createMessage({
    chatId: chat.id,
    authorId: ctx.userId,
    text: limitMessageText(textParam(p.MESSAGE)),
    files: files.map((f) => Number(f.ID)),
  });
  const key = (f: DiskRow) => `upload${String(f.ID)}`;
  return {
    FILES: Object.fromEntries(files.map((f) => [key(f), renderImFile(f, chat.id, ctx.state, ctx.portalUrl, true)])),
    DISK_ID: files.map((f) => String(f.ID)),
    FILE_MODELS: Object.fromEntries(files.map((f) => [key(f), renderFileModel(ctx.state.disk, f)])),
    MESSAGE_ID: message.id,
  };
};

export const imFileMethods: Record<string, MethodHandler> = {
  "im.disk.folder.get": diskFolderGet,
  "im.disk.file.commit": diskFileCommit,
};
