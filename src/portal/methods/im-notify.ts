// Notifications: im.notify.personal.add, im.notify.system.add, im.notify.delete and
// im.notify.get (the caller's notification centre, newest first). Codes and order follow
// bitrix24-rest.md §4.14-4.15.
import { parseAttach } from "../render/attach.js";
import { atom } from "../http/dates.js";
import { badRequest } from "../http/errors.js";
import type { NotificationRecord, NotificationType } from "../data/notifications.js";
import { isBlank, textParam, toInt, upperKeys } from "../http/params.js";
import type { MethodHandler } from "../http/registry.js";
import { phpMap, renderImUser } from "../render/render.js";

const DEFAULT_LIMIT = 50;

/**
 * The two add methods -> the new notification id, or `false` when it could not be created (an
 * unknown or deactivated recipient), as Bitrix24 documents. The webhook CLIENT_ID rule for TAG is
 * not enforced here: OpenIntegrations never sends CLIENT_ID, and tags are this portal's only key.
 */
function notifyAdd(type: NotificationType): MethodHandler {
  return (ctx) => {
    const p = upperKeys(ctx.params);
    const userId = toInt(p.USER_ID);
    if (!userId) throw badRequest("USER_ID_EMPTY", "User ID can't be empty");
    const message = textParam(p.MESSAGE);
    if (message === "") throw badRequest("MESSAGE_EMPTY", "Message can't be empty");
    const attach = parseAttach(p.ATTACH, () => ctx.state.newAttachId());

    const recipient = ctx.state.getUser(userId);
    if (!recipient || !recipient.active) return false;
    return ctx.state.notifications.add({
      type,
      userId,
      authorId: type === "personal" ? ctx.userId : 0,
      creatorId: ctx.userId,
      message,
      tag: textParam(p.TAG),
      subTag: textParam(p.SUB_TAG),
      attach,
    }).id;
  };
}

/**
 * im.notify.delete -> boolean. By ID: true when the notification existed and was the caller's
 * (received or sent), false otherwise. By TAG / SUB_TAG: what the caller created with it; a
 * webhook must name its CLIENT_ID for that, as in Bitrix24.
 */
const notifyDelete: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const id = toInt(p.ID);
  if (id) {
    const record = ctx.state.notifications.get(id);
    if (!record || (record.userId !== ctx.userId && record.creatorId !== ctx.userId)) return false;
    return ctx.state.notifications.delete(id);
  }
  const tag = textParam(p.TAG);
  const subTag = textParam(p.SUB_TAG);
  if (tag === "" && subTag === "") throw badRequest("PARAMS_ERROR", "Incorrect params");
  if (ctx.auth.type === "webhook" && isBlank(p.CLIENT_ID)) throw badRequest("ACCESS_DENIED", "Access denied! Client ID not specified");
  return ctx.state.notifications.deleteTagged(ctx.userId, tag, subTag) > 0;
};

/** im.notify.get -> the caller's notifications, newest first; LAST_ID pages back, LIMIT ≤ 50. */
const notifyGet: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const lastId = toInt(p.LAST_ID) ?? 0;
  const requested = toInt(p.LIMIT);
  const limit = requested && requested > 0 ? Math.min(requested, DEFAULT_LIMIT) : DEFAULT_LIMIT;
  const all = ctx.state.notifications.listFor(ctx.userId);
  const page = all.filter((n) => !lastId || n.id < lastId).slice(0, limit);
  const authors = [...new Set(page.map((n) => n.authorId).filter((id) => id > 0))]
    .map((id) => ctx.state.getUser(id))
    .filter((u) => u !== undefined);
  return {
    notifications: page.map(renderNotification),
    users: authors.map((u) => renderImUser(u, ctx.portalUrl)),
    total_count: all.length,
    total_unread_count: all.filter((n) => !n.read).length,
  };
};

/** Bitrix24's notify types: 2 = from a user, 4 = system. */
function renderNotification(n: NotificationRecord) {
  return {
    id: n.id,
    author_id: n.authorId,
    date: atom(n.date),
    notify_type: n.type === "personal" ? 2 : 4,
    notify_module: "rest",
    notify_event: "rest_notify",
    notify_tag: n.tag,
    notify_sub_tag: n.subTag,
    notify_title: null,
    notify_read: n.read ? "Y" : "N",
    setting_name: "rest|rest_notify",
    text: n.message,
    params: phpMap(n.attach ? { ATTACH: n.attach } : {}),
  };
}

export const imNotifyMethods: Record<string, MethodHandler> = {
  "im.notify.personal.add": notifyAdd("personal"),
  "im.notify.system.add": notifyAdd("system"),
  "im.notify.delete": notifyDelete,
  "im.notify.get": notifyGet,
};
