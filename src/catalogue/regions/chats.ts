// Chats and dialogs management (OpenIntegrations region `РаботаСЧатамиИДиалогами`), opi-bitrix24.md
// §2.12, §3.4, §3.5 and the short options of §5.3. GetChatFilesFolder lives with the file functions.
//
// Two ways to name a chat (§3.2): the chat-management calls send the bare number as CHAT_ID
// ("5", never "chat5"), the dialog calls send DIALOG_ID ("chat5" for a group chat, "7" for the
// private dialog with user 7). Both use --chat, as OpenIntegrations does.
import { rest, template, tokenParam, urlParam } from "../define.js";
import type { ChatMessages, Dialog, ImUser } from "./chat-types.js";

export type { ChatMessage, ChatMessages, ChatStructure, Dialog, ImUser } from "./chat-types.js";

const region = "Chats and dialogs management";

const chatIdParam = {
  name: "chatId",
  option: "chat",
  short: "c",
  kind: "string",
  field: "CHAT_ID",
  check: "chatId",
  required: true,
  description: "Chat ID: the bare number (5, not chat5)",
} as const;

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

const userParam = {
  name: "userId",
  option: "user",
  short: "s",
  kind: "string",
  field: "USER_ID",
  required: true,
  description: "User ID",
} as const;

/** The 16 colours Bitrix24 accepts for a chat (im.chat.add, im.chat.updateColor). */
export const CHAT_COLORS = [
  "RED", "GREEN", "MINT", "LIGHT_BLUE", "DARK_BLUE", "PURPLE", "AQUA", "PINK",
  "LIME", "BROWN", "AZURE", "KHAKI", "SAND", "MARENGO", "GRAY", "GRAPHITE",
] as const;

export const createChat = rest<number>()({
  name: "CreateChat",
  ru: "СоздатьЧат",
  region,
  summary: "Creates a group chat from a structure (see GetChatStructure); the result is the new chat ID",
  method: "im.chat.add",
  replay: "unsafe",
  params: [
    urlParam,
    {
      name: "fields",
      option: "fields",
      short: "f",
      kind: "map",
      spread: true,
      required: true,
      nonEmpty: true,
      description: "Chat structure: TYPE, TITLE, DESCRIPTION, COLOR, MESSAGE, USERS (array), AVATAR (Base64), OWNER_ID; JSON or a .json file",
    },
    tokenParam(),
  ],
});

export const getChatUsers = rest<number[]>()({
  name: "GetChatUsers",
  ru: "ПолучитьСписокПользователейЧата",
  region,
  summary: "Returns the IDs of a chat's members (an empty list when you may not see them)",
  method: "im.chat.user.list",
  replay: "safe",
  readOnly: true,
  params: [urlParam, chatIdParam, tokenParam()],
});

export const leaveChat = rest<boolean>()({
  name: "LeaveChat",
  ru: "ПокинутьЧат",
  region,
  summary: "Leaves a chat (the caller stops being a member)",
  method: "im.chat.leave",
  replay: "unsafe", // a second leave is refused (ACCESS_DENIED_KICK): not a member any more
  params: [urlParam, chatIdParam, tokenParam()],
});

export const getUsers = rest<Record<string, ImUser | null>>()({
  name: "GetUsers",
  ru: "ПолучитьПользователей",
  region,
  summary: "Returns users by ID, keyed by ID (null for an unknown ID)",
  method: "im.user.list.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { name: "userIds", option: "users", short: "s", kind: "array", items: "scalar", field: "ID", check: "userIds", required: true, nonEmpty: true, description: "User IDs: a JSON array ([1,2]), one ID, or a path to a .json file" },
    tokenParam(),
  ],
});

export const addUsersToChat = rest<boolean>()({
  name: "AddUsersToChat",
  ru: "ДобавитьПользователейВЧат",
  region,
  summary: "Adds users to a chat, optionally hiding the earlier history from them",
  method: "im.chat.user.add",
  replay: "unsafe", // Bitrix24 refuses an add that adds nobody new (WRONG_REQUEST)
  params: [
    urlParam,
    chatIdParam,
    { name: "userIds", option: "users", short: "s", kind: "array", items: "scalar", field: "USERS", check: "userIds", required: true, nonEmpty: true, description: "User IDs: a JSON array ([2,3]), one ID, or a path to a .json file" },
    { name: "hideHistory", option: "hide", short: "h", kind: "flag", field: "HIDE_HISTORY", default: false, description: "Hide the chat's earlier messages from the new members (true/false)" },
    tokenParam(),
  ],
});

export const deleteUserFromChat = rest<boolean>()({
  name: "DeleteUserFromChat",
  ru: "ИсключитьПользователяИзЧата",
  region,
  summary: "Removes a user from a chat",
  method: "im.chat.user.delete",
  replay: "unsafe", // a second removal is refused (USER_NOT_FOUND)
  params: [urlParam, chatIdParam, userParam, tokenParam()],
});

export const changeChatTitle = rest<boolean>()({
  name: "ChangeChatTitle",
  ru: "ИзменитьЗаголовокЧата",
  region,
  summary: "Renames a chat",
  method: "im.chat.updateTitle",
  replay: "unsafe", // Bitrix24 may refuse the title already set ("This chat cannot be renamed")
  params: [
    urlParam,
    chatIdParam,
    { name: "title", option: "title", short: "t", kind: "string", field: "TITLE", required: true, description: "New chat title" },
    tokenParam("k"),
  ],
});

export const changeChatColor = rest<boolean>()({
  name: "ChangeChatColor",
  ru: "ИзменитьЦветЧата",
  region,
  summary: "Changes a chat's colour",
  method: "im.chat.updateColor",
  replay: "unsafe", // the colour already set is refused (WRONG_REQUEST)
  params: [
    urlParam,
    chatIdParam,
    { name: "color", option: "color", short: "l", kind: "string", field: "COLOR", required: true, description: `Colour: ${CHAT_COLORS.join(", ")}` },
    tokenParam(),
  ],
});

export const changeChatPicture = rest<boolean>()({
  name: "ChangeChatPicture",
  ru: "ИзменитьКартинкуЧата",
  region,
  summary: "Sets a chat's picture (sent as Base64)",
  method: "im.chat.updateAvatar",
  replay: "unsafe", // each run stores the picture and posts a system message
  params: [
    urlParam,
    chatIdParam,
    { name: "picture", option: "picture", short: "p", kind: "binary", field: "AVATAR", required: true, description: "Picture: a file path, an http(s) URL or Base64 text (PNG, JPEG, GIF; at most 5000x5000)" },
    tokenParam(),
  ],
});

export const changeChatOwner = rest<boolean>()({
  name: "ChangeChatOwner",
  ru: "СменитьВладельцаЧата",
  region,
  summary: "Hands a chat over to another member (only the owner may)",
  method: "im.chat.setOwner",
  replay: "unsafe", // once done, the caller is no longer the owner: WRONG_REQUEST
  params: [urlParam, chatIdParam, userParam, tokenParam()],
});

export const disableChatNotifications = rest<boolean>()({
  name: "DisableChatNotifications",
  ru: "ОтключитьУведомленияЧата",
  region,
  summary: "Mutes a chat for the caller",
  method: "im.chat.mute",
  replay: "safe",
  fixed: { MUTE: "Y" },
  params: [urlParam, chatIdParam, tokenParam()],
});

export const enableChatNotifications = rest<boolean>()({
  name: "EnableChatNotifications",
  ru: "ВключитьУведомленияЧата",
  region,
  summary: "Unmutes a chat for the caller",
  method: "im.chat.mute",
  replay: "safe",
  fixed: { MUTE: "N" },
  params: [urlParam, chatIdParam, tokenParam()],
});

export const getChatMessagesList = rest<ChatMessages>()({
  name: "GetChatMessagesList",
  ru: "ПолучитьСписокСообщенийЧата",
  region,
  summary: "Returns 20 messages of a dialog: the newest, those before --last, or those after --first (0 = from the start)",
  method: "im.dialog.messages.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    dialogParam,
    { name: "lastId", option: "last", short: "l", kind: "string", field: "LAST_ID", keepEmpty: true, default: "", description: "Messages older than this ID (paging backwards)" },
    { name: "firstId", option: "first", short: "f", kind: "string", field: "FIRST_ID", keepEmpty: true, default: "", description: "Messages newer than this ID, oldest first; 0 reads from the start" },
    tokenParam(),
  ],
});

export const getDialog = rest<Dialog>()({
  name: "GetDialog",
  ru: "ПолучитьДиалог",
  region,
  summary: "Returns a chat or private dialog: title, owner, colour, counters, permissions, …",
  method: "im.dialog.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, dialogParam, tokenParam()],
});

export const getChatMembersList = rest<ImUser[]>()({
  name: "GetChatMembersList",
  ru: "ПолучитьСписокПользователейДиалога",
  region,
  summary: "Returns the members of a chat or dialog as user objects (with total)",
  method: "im.dialog.users.list",
  replay: "safe",
  readOnly: true,
  params: [urlParam, dialogParam, tokenParam()],
});

export const sendWritingNotification = rest<boolean>()({
  name: "SendWritingNotification",
  ru: "ОтправитьУведомлениеОВводе",
  region,
  summary: "Shows the others in a dialog that the caller is typing",
  method: "im.dialog.writing",
  replay: "safe",
  params: [urlParam, dialogParam, tokenParam()],
});

export const getUserStatus = rest<string>()({
  name: "GetUserStatus",
  ru: "ПолучитьСтатусПользователя",
  region,
  summary: "Returns the caller's status: online, dnd or away",
  method: "im.user.status.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const setUserStatus = rest<boolean>()({
  name: "SetUserStatus",
  ru: "УстановитьСтатусПользователя",
  region,
  summary: "Sets the caller's status",
  method: "im.user.status.set",
  replay: "safe",
  params: [
    urlParam,
    { name: "status", option: "status", short: "s", kind: "string", field: "STATUS", required: true, description: "Status: online, dnd (do not disturb) or away" },
    tokenParam(),
  ],
});

export const readAll = rest<boolean>()({
  name: "ReadAll",
  ru: "ПрочитатьВсе",
  region,
  summary: "Marks every message in every chat of the caller as read",
  method: "im.dialog.read.all",
  replay: "safe",
  params: [urlParam, tokenParam()],
});

// OpenIntegrations' English template text (fixtures/opi-samples/GetChatStructure.json).
export const getChatStructure = template()({
  name: "GetChatStructure",
  ru: "ПолучитьСтруктуруЧата",
  region,
  summary: "Builds the template of CreateChat's --fields: each key with a description, or empty with --empty",
  fields: {
    TYPE: "<Chat type OPEN (Public) | CHAT (Private)>",
    TITLE: "<Chat title>",
    DESCRIPTION: "<Chat description>",
    COLOR: "<Chat color: RED, GREEN, MINT, LIGHT_BLUE, DARK_BLUE, PURPLE, AQUA, ...>",
    MESSAGE: "<First chat message>",
    USERS: "<Chat members array>",
    AVATAR: "<Base64 chat picture>",
    OWNER_ID: "<ID of chat owner. Current user by default>",
  },
});

export const chatFunctions = [
  createChat,
  getChatUsers,
  leaveChat,
  getUsers,
  addUsersToChat,
  deleteUserFromChat,
  changeChatTitle,
  changeChatColor,
  changeChatPicture,
  changeChatOwner,
  disableChatNotifications,
  enableChatNotifications,
  getChatMessagesList,
  getDialog,
  getChatMembersList,
  sendWritingNotification,
  getUserStatus,
  setUserStatus,
  readAll,
  getChatStructure,
] as const;
