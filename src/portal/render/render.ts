// How portal records look on the wire. im.* methods use snake_case objects (see
// fixtures/opi-samples/GetChatMembersList.json and GetChatMessagesList.json); key order follows
// the real answers.
import { atom } from "../http/dates.js";
import type { MessageRecord, UserRecord } from "../data/state.js";

/** PHP serialises an empty associative array as `[]`, a non-empty one as an object. */
export function phpMap(map: Record<string, unknown>): Record<string, unknown> | unknown[] {
  return Object.keys(map).length === 0 ? [] : map;
}

/** The user object of im.* answers (im.dialog.messages.get `users`, im.dialog.users.list, im.user.get). */
export function renderImUser(user: UserRecord, portalUrl: string) {
  return {
    id: user.id,
    active: user.active,
    name: `${user.firstName} ${user.lastName}`.trim(),
    first_name: user.firstName,
    last_name: user.lastName,
    work_position: user.workPosition,
    color: user.color,
    avatar: "",
    // Bitrix24 points avatar_hr at a blank image when the user has no photo.
    avatar_hr: `${portalUrl}/bitrix/js/im/images/blank.gif`,
    gender: user.gender,
    birthday: user.birthday,
    extranet: false,
    network: false,
    bot: false,
    connector: false,
    external_auth_id: "default",
    status: user.status,
    idle: false,
    last_activity_date: atom(user.lastActivity),
    mobile_last_date: false,
    desktop_last_date: false,
    absent: false,
    departments: [...user.departments],
    phones: user.phones ? { ...user.phones } : false,
    bot_data: null,
    type: "user",
    website: user.website,
    email: user.email,
  };
}

/** A message as im.dialog.messages.get returns it; params hold ATTACH, KEYBOARD, flags and likes. */
export function renderMessage(message: MessageRecord) {
  return renderMessageFor(message, false);
}

/** The message as one reader sees it: `unread` = not read by them yet (methods/im-likes-read.ts). */
export function renderMessageFor(message: MessageRecord, unread: boolean) {
  return {
    id: message.id,
    chat_id: message.chatId,
    author_id: message.authorId,
    date: atom(message.date),
    text: message.text,
    unread,
    uuid: null,
    replaces: [],
    params: phpMap(messageParams(message)),
    disappearing_date: null,
  };
}

export function messageParams(message: MessageRecord): Record<string, unknown> {
  if (message.isDeleted) return { IS_DELETED: "Y" };
  const params: Record<string, unknown> = {};
  if (message.attach) params.ATTACH = message.attach;
  if (message.keyboard) params.KEYBOARD = message.keyboard;
  if (message.menu) params.MENU = message.menu;
  if (message.replyId !== null) params.REPLY_ID = message.replyId;
  if (message.isEdited) params.IS_EDITED = "Y";
  if (message.likes.length > 0) params.LIKE = [...message.likes];
  if (message.files?.length) params.FILE_ID = [...message.files];
  return params;
}
