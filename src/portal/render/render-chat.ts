// The chat object of im.dialog.get, in the key order and value types of
// fixtures/opi-samples/GetDialog.json (bitrix24-rest.md §4.10).
import { atom } from "../http/dates.js";
import type { ChatRecord, PortalState } from "../data/state.js";

const MESSAGE_TYPE: Record<ChatRecord["type"], string> = { chat: "C", open: "O", private: "P" };

/** Counters as one member sees them: unread messages are the others' messages after their read mark. */
function unreadFor(state: PortalState, chat: ChatRecord, viewerId: number) {
  const lastRead = state.chatExtras.lastRead(chat.id, viewerId);
  const unread = state.unread(chat.id, viewerId, lastRead);
  return { lastRead, counter: unread.count, firstUnread: unread.first };
}

export function renderDialog(state: PortalState, chat: ChatRecord, viewerId: number, portalUrl: string) {
  const isPrivate = chat.type === "private";
  const other = isPrivate ? state.getUser(chat.members.find((id) => id !== viewerId) ?? viewerId) : undefined;
  const messageCount = state.messageCount(chat.id);
  const { lastRead, counter, firstUnread } = unreadFor(state, chat, viewerId);
  const avatar = state.chatExtras.avatar(chat.id);
  const groupOnly = !isPrivate;
  const owner = chat.ownerId === viewerId;

  return {
    id: chat.id,
    parent_chat_id: 0,
    parent_message_id: 0,
    name: isPrivate ? "" : chat.title,
    description: chat.description === "" ? null : chat.description,
    owner: chat.ownerId,
    extranet: false,
    avatar: avatar ? `${portalUrl}/upload/im/avatar/chat${chat.id}.${avatar.extension}` : "",
    color: isPrivate ? (other?.color ?? chat.color) : chat.color,
    type: chat.type,
    counter,
    user_counter: isPrivate ? 0 : chat.members.length,
    message_count: messageCount,
    unread_id: firstUnread,
    restrictions: {
      avatar: groupOnly,
      rename: groupOnly,
      extend: true,
      call: true,
      mute: true,
      leave: groupOnly,
      leave_owner: groupOnly,
      send: true,
      user_list: true,
    },
    last_message_id: chat.lastMessageId,
    last_id: lastRead,
    marked_id: 0,
    disk_folder_id: 0,
    entity_type: "",
    entity_id: "",
    entity_data_1: "",
    entity_data_2: "",
    entity_data_3: "",
    mute_list: state.chatExtras.mutedBy(chat.id),
    date_create: atom(chat.dateCreate),
    message_type: MESSAGE_TYPE[chat.type],
    public: "",
    role: owner && !isPrivate ? "owner" : "member",
    entity_link: { type: "", url: "", id: "" },
    text_field_enabled: true,
    background_id: null,
    permissions: {
      manage_users_add: "member",
      manage_users_delete: "manager",
      manage_ui: "member",
      manage_settings: "owner",
      manage_messages: "member",
      can_post: "member",
    },
    is_new: false,
    // Where the other members have read up to (the caller's own mark is last_id).
    readed_list: chat.members
      .filter((id) => id !== viewerId && state.chatExtras.lastRead(chat.id, id) > 0)
      .map((id) => {
        const user = state.getUser(id);
        return {
          user_id: id,
          user_name: user ? `${user.firstName} ${user.lastName}`.trim() : "",
          message_id: state.chatExtras.lastRead(chat.id, id),
          date: null,
        };
      }),
    manager_list: [],
    last_message_views: { message_id: chat.lastMessageId, first_viewers: [], count_of_viewers: 0 },
    dialog_id: isPrivate ? String(other?.id ?? viewerId) : `chat${chat.id}`,
  };
}
