// Group chat management: im.chat.add, .user.list/.add/.delete, .leave, .updateTitle/.updateColor/
// .updateAvatar, .setOwner, .mute. Validation order, codes and texts follow the Bitrix24 docs
// (bitrix24-rest.md §4.8, §4.11-4.13). Membership changes and renames leave a system message in
// the chat (author 0), as Bitrix24 does.
import { chatColorHex, defaultChatColor } from "../data/chat-colors.js";
import { badRequest, forbidden } from "../http/errors.js";
import { imageInfo } from "../data/image.js";
import { isBlank, textParam, toInt, upperKeys, yesNo } from "../http/params.js";
import type { MethodContext, MethodHandler } from "../http/registry.js";
import type { ChatRecord, PortalState } from "../data/state.js";
import { actionUnavailable, chatIdOf, memberChat, userIdList } from "./chat-target.js";

const MAX_AVATAR_SIDE = 5000;

function userName(state: PortalState, id: number): string {
  const user = state.getUser(id);
  return user ? `${user.firstName} ${user.lastName}`.trim() : `User ${id}`;
}

/** "[USER=2]Maria Ivanova[/USER]": how Bitrix24 names people in system messages. */
const mention = (state: PortalState, id: number) => `[USER=${id}]${userName(state, id)}[/USER]`;

function systemMessage(ctx: MethodContext, chat: ChatRecord, text: string): void {
  ctx.state.createMessage({ chatId: chat.id, authorId: 0, text, system: true });
}

function changed(ctx: MethodContext, chat: ChatRecord, action: string): void {
  ctx.state.changes.emit({ kind: "chat", action, chatId: chat.id });
}

/** A group chat the caller belongs to; private dialogs refuse with `privateRefusal`. */
function groupChat(ctx: MethodContext, chatId: number, privateRefusal: string): ChatRecord {
  const chat = memberChat(ctx, chatId);
  if (chat.type === "private") throw forbidden("ACCESS_ERROR", privateRefusal);
  return chat;
}

/** The image behind a Base64 AVATAR, or a RestError Bitrix24 would give for it. */
function readAvatar(value: unknown) {
  const text = typeof value === "string" ? value.replace(/^data:[^,]*,/, "").replace(/\s+/g, "") : "";
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, "base64") : Buffer.alloc(0);
  const info = imageInfo(bytes);
  if (!info) return { error: badRequest("AVATAR_ERROR", "Avatar incorrect type") };
  if (info.width > MAX_AVATAR_SIDE || info.height > MAX_AVATAR_SIDE) {
    return { error: badRequest("AVATAR_ERROR", "Avatar incorrect size (max 5000x5000)") };
  }
  return { avatar: { base64: bytes.toString("base64"), ...info } };
}

/** Adds members (existing users only, no duplicates); the ids actually added. */
function addMembers(ctx: MethodContext, chat: ChatRecord, ids: number[], hideHistory: boolean): number[] {
  const added = ids.filter((id) => ctx.state.getUser(id) && !chat.members.includes(id));
  for (const id of added) {
    chat.members.push(id);
    if (hideHistory) ctx.state.chatExtras.hideHistoryBefore(chat.id, id, chat.lastMessageId + 1);
    else ctx.state.chatExtras.showHistory(chat.id, id);
  }
  return added;
}

function removeMember(ctx: MethodContext, chat: ChatRecord, userId: number): void {
  chat.members.splice(chat.members.indexOf(userId), 1);
  ctx.state.chatExtras.forgetMember(chat.id, userId);
  // An owner who goes hands the chat to the longest-standing member left (0 when none is).
  if (chat.ownerId === userId) chat.ownerId = chat.members[0] ?? 0;
}

/** im.chat.add -> the new chat id. No required parameters: an empty call makes a closed chat of one. */
const chatAdd: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const users = isBlank(p.USERS) ? [] : userIdList(p.USERS);
  if (!users) throw badRequest("INVALID_FORMAT", "A wrong format for the USERS field is passed");
  const ownerId = toInt(p.OWNER_ID);
  const owner = ownerId && ctx.state.getUser(ownerId) ? ownerId : ctx.userId;
  const members = [ctx.userId, ...users].filter((id) => ctx.state.getUser(id));
  const avatar = isBlank(p.AVATAR) ? undefined : readAvatar(p.AVATAR).avatar; // a bad picture is dropped, not refused

  const chat = ctx.state.createChat({
    type: textParam(p.TYPE).toUpperCase() === "OPEN" ? "open" : "chat",
    title: textParam(p.TITLE),
    ownerId: owner,
    members,
    description: textParam(p.DESCRIPTION),
  });
  chat.color = chatColorHex(p.COLOR) ?? defaultChatColor(chat.id);
  if (chat.title === "") {
    const names = chat.members.map((id) => userName(ctx.state, id));
    chat.title = names.length > 1 ? `Chat with ${names.join(", ")}` : `Chat #${chat.id}`;
  }
  if (avatar) ctx.state.chatExtras.setAvatar(chat.id, avatar);
  systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} created the chat "${chat.title}"`);
  const first = textParam(p.MESSAGE);
  if (first !== "") ctx.state.createMessage({ chatId: chat.id, authorId: ctx.userId, text: first });
  changed(ctx, chat, "add");
  return chat.id;
};

/** im.chat.user.list -> member ids; an empty list when the caller may not see them (docs). */
const chatUserList: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chat = ctx.state.getChat(chatIdOf(p));
  if (!chat || !chat.members.includes(ctx.userId)) return [];
  return [...chat.members];
};

/** im.chat.user.add -> true. HIDE_HISTORY defaults to Y: new members see only what comes after. */
const chatUserAdd: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p);
  const users = isBlank(p.USERS) ? null : userIdList(p.USERS);
  if (!users || users.length === 0) throw badRequest("INVALID_FORMAT", "A wrong format for the USERS field is passed");
  const chat = groupChat(ctx, chatId, "It is forbidden to add users to this chat");
  const added = addMembers(ctx, chat, users, yesNo(p.HIDE_HISTORY, true));
  if (added.length > 0) {
    const names = added.map((id) => mention(ctx.state, id)).join(", ");
    systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} invited ${names} to the chat`);
    changed(ctx, chat, "update");
  }
  return true;
};

/** im.chat.user.delete -> true. Only the owner removes others; anyone may remove themselves. */
const chatUserDelete: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p);
  const userId = toInt(p.USER_ID);
  if (!userId) throw badRequest("USER_ID_EMPTY", "User ID can't be empty");
  const chat = groupChat(ctx, chatId, "It is forbidden to delete users of this chat");
  if (userId !== ctx.userId && chat.ownerId !== ctx.userId) {
    throw forbidden("ACCESS_DENIED_KICK", "Insufficient rights to exclude participants from the chat");
  }
  if (!chat.members.includes(userId)) throw badRequest("USER_NOT_FOUND", "The specified user is not in the chat");
  removeMember(ctx, chat, userId);
  const text =
    userId === ctx.userId
      ? `${mention(ctx.state, userId)} left the chat`
      : `${mention(ctx.state, ctx.userId)} removed ${mention(ctx.state, userId)} from the chat`;
  systemMessage(ctx, chat, text);
  changed(ctx, chat, "update");
  return true;
};

/** im.chat.leave -> true. */
const chatLeave: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chat = ctx.state.getChat(chatIdOf(p));
  if (!chat) throw actionUnavailable();
  if (chat.type === "private") throw forbidden("ACCESS_ERROR", "It is forbidden to delete users of this chat");
  if (!chat.members.includes(ctx.userId)) {
    throw forbidden("ACCESS_DENIED_KICK", "Insufficient rights to remove participants from the chat");
  }
  removeMember(ctx, chat, ctx.userId);
  systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} left the chat`);
  changed(ctx, chat, "update");
  return true;
};

/** im.chat.updateTitle -> true. */
const chatUpdateTitle: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p, { dialogAllowed: true });
  const title = textParam(p.TITLE);
  if (title === "") throw badRequest("TITLE_EMPTY", "Title can't be empty");
  const chat = groupChat(ctx, chatId, "This chat cannot be renamed");
  if (chat.title !== title) {
    chat.title = title;
    systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} changed the chat name to "${title}"`);
    changed(ctx, chat, "update");
  }
  return true;
};

/** im.chat.updateColor -> true; the colour already set is WRONG_REQUEST, as in Bitrix24. */
const chatUpdateColor: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p, { dialogAllowed: true });
  const chat = groupChat(ctx, chatId, "Action unavailable");
  const hex = chatColorHex(p.COLOR);
  if (!hex) throw badRequest("WRONG_COLOR", "This color currently unavailable");
  if (chat.color === hex) throw badRequest("WRONG_REQUEST", "This color currently set or chat doesn't exist");
  chat.color = hex;
  systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} changed the chat color to "${textParam(p.COLOR).toUpperCase()}"`);
  changed(ctx, chat, "update");
  return true;
};

/** im.chat.updateAvatar -> true. AVATAR is a Base64 image of at most 5000x5000. */
const chatUpdateAvatar: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p, { dialogAllowed: true });
  const chat = groupChat(ctx, chatId, "The avatar of this chat cannot be changed");
  const read = readAvatar(p.AVATAR);
  if (read.error) throw read.error;
  ctx.state.chatExtras.setAvatar(chat.id, read.avatar);
  systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} changed the chat picture`);
  changed(ctx, chat, "update");
  return true;
};

/** im.chat.setOwner -> true. Only the owner may, and only to a member. */
const chatSetOwner: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chatId = chatIdOf(p, { dialogAllowed: true });
  const userId = toInt(p.USER_ID);
  if (!userId) throw badRequest("USER_ID_EMPTY", "User ID can't be empty");
  const chat = groupChat(ctx, chatId, "Action unavailable");
  if (chat.ownerId !== ctx.userId || !chat.members.includes(userId)) {
    throw badRequest("WRONG_REQUEST", "Change owner can only owner and user must be member in chat");
  }
  if (chat.ownerId !== userId) {
    chat.ownerId = userId;
    systemMessage(ctx, chat, `${mention(ctx.state, ctx.userId)} made ${mention(ctx.state, userId)} the chat owner`);
    changed(ctx, chat, "update");
  }
  return true;
};

/** im.chat.mute -> true. MUTE=Y (the default) mutes the chat for the caller only. */
const chatMute: MethodHandler = (ctx) => {
  const p = upperKeys(ctx.params);
  const chat = memberChat(ctx, chatIdOf(p, { dialogAllowed: true }), () => forbidden("ACCESS_ERROR", "This chat cannot be muted"));
  ctx.state.chatExtras.setMuted(chat.id, ctx.userId, yesNo(p.MUTE, true));
  changed(ctx, chat, "update");
  return true;
};

export const imChatMethods: Record<string, MethodHandler> = {
  "im.chat.add": chatAdd,
  "im.chat.user.list": chatUserList,
  "im.chat.user.add": chatUserAdd,
  "im.chat.user.delete": chatUserDelete,
  "im.chat.leave": chatLeave,
  "im.chat.updateTitle": chatUpdateTitle,
  "im.chat.updateColor": chatUpdateColor,
  "im.chat.updateAvatar": chatUpdateAvatar,
  "im.chat.setOwner": chatSetOwner,
  "im.chat.mute": chatMute,
};
