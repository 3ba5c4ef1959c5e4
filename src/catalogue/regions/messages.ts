// Message management (OpenIntegrations region `РаботаССообщениями`), opi-bitrix24.md §2.13 and §3.3.
import { blocksParam, local, rest, tokenParam, urlParam } from "../define.js";
import { toText } from "../coerce.js";
import type { SendFileResult } from "./files.js";

const region = "Message management";

const dialogParam = {
  name: "chatId",
  option: "chat",
  short: "c",
  kind: "string",
  field: "DIALOG_ID",
  check: "dialogId",
  required: true,
  description: "Dialog: chatXXX for a group chat, or a user ID for the private dialog with that user",
} as const;

const messageIdParam = {
  name: "messageId",
  option: "message",
  short: "m",
  kind: "string",
  field: "MESSAGE_ID",
  required: true,
  description: "Message ID",
} as const;


// Bitrix24 options OpenIntegrations does not expose (oint additions; new short letters only).
const keyboardParam = {
  name: "keyboard",
  option: "keyboard",
  short: "y",
  kind: "json",
  check: "keyboard",
  field: "KEYBOARD",
  description: "Buttons under the message: {\"BUTTONS\": [...]} or a list of buttons (JSON or .json path; \"N\" removes it on edit) [oint]",
} as const;
const previewParam = {
  name: "preview",
  option: "preview",
  short: "p",
  kind: "flag",
  field: "URL_PREVIEW",
  description: "Turn links into rich previews (true/false; Bitrix24's default is true) [oint]",
} as const;

export const sendMessage = rest<number>()({
  name: "SendMessage",
  ru: "ОтправитьСообщение",
  region,
  summary: "Sends a message to a chat or a private dialog; the result is the new message ID",
  method: "im.message.add",
  replay: "unsafe",
  params: [
    urlParam,
    dialogParam,
    { name: "text", option: "text", short: "t", kind: "string", field: "MESSAGE", required: true, description: "Message text (BB-codes allowed)" },
    blocksParam,
    tokenParam("k"),
    keyboardParam,
    { name: "menu", option: "menu", short: "m", kind: "json", check: "menu", field: "MENU", description: "Context menu items: {\"ITEMS\": [...]} or a list (JSON or .json path) [oint]" },
    { name: "system", option: "system", short: "s", kind: "flag", field: "SYSTEM", description: "Send as a system message (true/false) [oint]" },
    previewParam,
    { name: "replyTo", option: "reply", short: "r", kind: "string", field: "REPLY_ID", description: "ID of the message this one replies to (same chat) [oint]" },
  ],
});

export const editMessage = rest<boolean>()({
  name: "EditMessage",
  ru: "ИзменитьСообщение",
  region,
  summary: "Changes the text and/or the attachment blocks of a message; empty values are not sent",
  method: "im.message.update",
  replay: "safe",
  params: [
    urlParam,
    messageIdParam,
    { name: "text", option: "text", short: "t", kind: "string", field: "MESSAGE", default: "", description: "New message text" },
    blocksParam,
    tokenParam("k"),
    keyboardParam,
    { name: "menu", option: "menu", short: "n", kind: "json", check: "menu", field: "MENU", description: "Context menu items: {\"ITEMS\": [...]} or a list (JSON or .json path; \"N\" removes it) [oint]" },
    previewParam,
  ],
});

export const deleteMessage = rest<boolean>()({
  name: "DeleteMessage",
  ru: "УдалитьСообщение",
  region,
  summary: "Deletes a message",
  method: "im.message.delete",
  replay: "unsafe", // a deleted message cannot be deleted again (CANT_EDIT_MESSAGE)
  params: [urlParam, messageIdParam, tokenParam()],
});

/** `{ [type]: { NAME, LINK } }` with empty values left out, as OpenIntegrations' AddField does. */
// Both values are required, so a block always has its NAME and LINK (and passes as an ATTACH block).
function linkBlock(type: "IMAGE" | "FILE", values: Record<string, unknown>) {
  return { [type]: { NAME: toText(values.title), LINK: toText(values.url) } };
}

export const getPictureBlock = local()({
  name: "GetPictureBlock",
  ru: "ПолучитьБлокКартинки",
  region,
  summary: "Builds a picture attachment block for --blocks: {\"IMAGE\": {\"NAME\", \"LINK\"}}",
  params: [
    { name: "title", option: "title", short: "t", kind: "string", required: true, description: "Picture name" },
    { name: "url", option: "url", short: "u", kind: "string", required: true, description: "Picture URL" },
  ],
  build: (values) => linkBlock("IMAGE", values) as { IMAGE: { NAME: string; LINK: string } },
});

export const getFileBlock = local()({
  name: "GetFileBlock",
  ru: "ПолучитьБлокФайла",
  region,
  summary: "Builds a file attachment block for --blocks: {\"FILE\": {\"NAME\", \"LINK\"}}",
  params: [
    { name: "title", option: "title", short: "t", kind: "string", required: true, description: "File name" },
    { name: "url", option: "url", short: "u", kind: "string", required: true, description: "File URL" },
  ],
  build: (values) => linkBlock("FILE", values) as { FILE: { NAME: string; LINK: string } },
});

export const setMessageReaction = rest<boolean>()({
  name: "SetMessageReaction",
  ru: "УстановитьРеакциюНаСообщение",
  region,
  summary: "Likes a message, or takes the like back when it is already there (a toggle)",
  method: "im.message.like",
  // A toggle: sending it twice undoes it.
  replay: "unsafe",
  params: [urlParam, messageIdParam, tokenParam()],
});

export const sendFile = rest<SendFileResult>()({
  name: "SendFile",
  ru: "ОтправитьФайл",
  region,
  summary: "Posts a message carrying a Drive file (see UploadFileToFolder) to a chat; the result has MESSAGE_ID",
  method: "im.disk.file.commit",
  replay: "unsafe",
  params: [
    urlParam,
    { name: "chatId", option: "chat", short: "c", kind: "string", field: "CHAT_ID", check: "chatId", required: true, description: "Chat ID (a number, without the chat prefix)" },
    { name: "fileId", option: "fileid", short: "f", kind: "string", field: "UPLOAD_ID", required: true, description: "Drive file ID (the ID UploadFileToFolder answers with)" },
    { name: "description", option: "description", short: "d", kind: "string", field: "MESSAGE", default: "", description: "Message text shown with the file" },
    tokenParam(),
  ],
});

const readMessageParams = [urlParam, dialogParam, messageIdParam, tokenParam()] as const;

export const markMessageAsReaded = rest<{ dialogId: number | string; chatId: number; lastId: number; counter: number }>()({
  name: "MarkMessageAsReaded",
  ru: "ОтметитьСообщениеКакПрочитанное",
  region,
  summary: "Marks a message and every earlier one in the dialog as read; the result has lastId and counter (unread left)",
  method: "im.dialog.read",
  replay: "safe",
  params: readMessageParams,
});

export const markMessageAsUnreaded = rest<boolean>()({
  name: "MarkMessageAsUnreaded",
  ru: "ОтметитьСообщениеКакНепрочитанное",
  region,
  summary: "Marks a message and every later one in the dialog as unread",
  method: "im.dialog.unread",
  replay: "safe",
  params: readMessageParams,
});

export const messageFunctions = [
  sendMessage,
  editMessage,
  setMessageReaction,
  deleteMessage,
  sendFile,
  markMessageAsReaded,
  markMessageAsUnreaded,
  getPictureBlock,
  getFileBlock,
] as const;
