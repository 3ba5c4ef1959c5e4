// Safe-to-replay samples of the messaging, users and settings regions.
import type { SafeSample } from "./samples.js";

export const MESSAGING_SAMPLES: Record<string, SafeSample> = {
  ServerTime: { values: () => ({}) },
  GetChatUsers: { values: (c) => ({ chatId: c.chatId }) },
  GetUsers: { values: () => ({ userIds: [1, 2] }) },
  DisableChatNotifications: { values: (c) => ({ chatId: c.chatId }), write: true },
  EnableChatNotifications: { values: (c) => ({ chatId: c.chatId }), write: true },
  GetChatMessagesList: { values: (c) => ({ chatId: `chat${c.chatId}` }) },
  GetDialog: { values: (c) => ({ chatId: `chat${c.chatId}` }) },
  GetChatMembersList: { values: (c) => ({ chatId: `chat${c.chatId}` }) },
  SendWritingNotification: { values: (c) => ({ chatId: `chat${c.chatId}` }), write: true },
  GetUserStatus: { values: () => ({}) },
  SetUserStatus: { values: () => ({ status: "dnd" }), write: true },
  ReadAll: { values: () => ({}), write: true },
  EditMessage: { values: (c) => ({ messageId: c.messageId, text: "edited" }), write: true },
  MarkMessageAsReaded: { values: (c) => ({ chatId: `chat${c.chatId}`, messageId: c.messageId }), write: true },
  MarkMessageAsUnreaded: { values: (c) => ({ chatId: `chat${c.chatId}`, messageId: c.messageId }), write: true },
  GetCurrentUser: { values: () => ({}) },
  GetUser: { values: () => ({ userId: "2" }) },
  UpdateUser: { values: () => ({ userId: "3", fields: { PERSONAL_CITY: "Riga" } }), write: true },
  ChangeUserStatus: { values: () => ({ userId: "3", fire: false }), write: true },
  FindUsers: { values: () => ({ filter: { NAME: "Maria" } }) },
  GetUserFieldsStructure: { values: () => ({}) },
  GetChatFilesFolder: { values: (c) => ({ chatId: c.chatId }), write: true },
};
