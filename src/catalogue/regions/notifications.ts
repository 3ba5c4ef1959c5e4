// Notifications management (OpenIntegrations region `РаботаСУведомлениями`), opi-bitrix24.md §2.14
// and §3.7: notifications go to a user's notification centre, not to a chat.
import { blocksParam, rest, tokenParam, urlParam } from "../define.js";

const region = "Notifications management";

const notificationParams = [
  urlParam,
  { name: "userId", option: "user", short: "s", kind: "string", field: "USER_ID", required: true, description: "Recipient user ID" },
  { name: "text", option: "text", short: "t", kind: "string", field: "MESSAGE", required: true, description: "Notification text (BB-codes allowed)" },
  {
    name: "tag",
    option: "tag",
    short: "g",
    kind: "string",
    field: "TAG",
    default: "",
    description: "Uniqueness tag: a new notification with the same tag replaces the old one",
  },
  blocksParam,
  tokenParam("k"),
] as const;

export const createPersonalNotification = rest<number | false>()({
  name: "CreatePersonalNotification",
  ru: "СоздатьПерсональноеУведомление",
  region,
  summary: "Sends a notification from the calling user; the result is its ID (false when it was not created)",
  method: "im.notify.personal.add",
  replay: "unsafe",
  params: notificationParams,
});

export const createSystemNotification = rest<number | false>()({
  name: "CreateSystemNotification",
  ru: "СоздатьСистемноеУведомление",
  region,
  summary: "Sends a system notification (no author); the result is its ID (false when it was not created)",
  method: "im.notify.system.add",
  replay: "unsafe",
  params: notificationParams,
});

export const deleteNotification = rest<boolean>()({
  name: "DeleteNotification",
  ru: "УдалитьУведомление",
  region,
  summary: "Deletes a notification; the result is false when there was none to delete",
  method: "im.notify.delete",
  replay: "unsafe", // a second delete answers false
  params: [
    urlParam,
    { name: "notificationId", option: "notif", short: "n", kind: "string", field: "ID", required: true, description: "Notification ID" },
    tokenParam(),
  ],
});

export const notificationFunctions = [createPersonalNotification, createSystemNotification, deleteNotification] as const;
