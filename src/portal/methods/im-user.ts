// Messenger users: im.user.list.get and the caller's status, im.user.status.get / .set
// (bitrix24-rest.md §4.19, §4.21; b24restdocs api-reference/chats/users/).
import { badRequest } from "../http/errors.js";
import { isBlank, textParam, upperKeys } from "../http/params.js";
import type { MethodHandler } from "../http/registry.js";
import { renderImUser } from "../render/render.js";
import { userIdList } from "./chat-target.js";

/** The statuses a user may pick. */
const STATUSES = ["online", "dnd", "away"];

/** im.user.list.get -> {"<id>": user or null}. Without ID: the caller. */
const userListGet: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const ids = isBlank(p.ID) ? [ctx.userId] : userIdList(p.ID);
  if (!ids || ids.length === 0) throw badRequest("INVALID_FORMAT", "A wrong format for the ID field is passed");
  const result: Record<string, unknown> = {};
  for (const id of ids) {
    const user = ctx.state.getUser(id);
    result[String(id)] = user ? renderImUser(user, ctx.portalUrl) : null;
  }
  return result;
};

/** im.user.status.get -> "online" | "dnd" | "away". */
const userStatusGet: MethodHandler = (ctx) => ctx.state.getUser(ctx.userId)?.status ?? "online";

/** im.user.status.set -> true. */
const userStatusSet: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const status = textParam(p.STATUS).toLowerCase();
  // The docs list no error for an unknown status; STATUS_ERROR is this portal's (assumed) code for it.
  if (!STATUSES.includes(status)) throw badRequest("STATUS_ERROR", "Status is not available");
  const user = ctx.state.getUser(ctx.userId);
  if (user) user.status = status;
  ctx.state.changes.emit({ kind: "user", action: "update" });
  return true;
};

export const imUserMethods: Record<string, MethodHandler> = {
  "im.user.list.get": userListGet,
  "im.user.status.get": userStatusGet,
  "im.user.status.set": userStatusSet,
};
