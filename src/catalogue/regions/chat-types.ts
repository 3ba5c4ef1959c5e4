// Result types of the chat functions, as the real answers look (test/fixtures/opi-samples:
// GetUsers.json, GetChatMembersList.json, GetDialog.json, GetChatMessagesList.json).

/** A user as the im.* methods print it. */
export interface ImUser {
  id: number;
  active: boolean;
  name: string;
  first_name: string;
  last_name: string;
  work_position: string | null;
  color: string;
  avatar: string;
  avatar_hr: string;
  gender: string;
  birthday: string;
  extranet: boolean;
  network: boolean;
  bot: boolean;
  connector: boolean;
  external_auth_id: string;
  status: string;
  /** An ATOM date while the user is away from the keyboard, else false. */
  idle: string | false;
  last_activity_date: string | false;
  mobile_last_date: string | false;
  desktop_last_date: string | false;
  absent: string | false;
  departments: number[];
  phones: { work_phone?: string; personal_mobile?: string; inner_phone?: string; personal_phone?: string } | false | string;
  bot_data: unknown;
  type: string;
  website: string;
  email: string;
}

export interface ChatMessage {
  id: number;
  chat_id: number;
  /** 0 for system messages. */
  author_id: number;
  date: string;
  text: string;
  unread: boolean;
  uuid: string | null;
  replaces: unknown[];
  /** ATTACH, KEYBOARD, IS_DELETED, LIKE …; an empty list when there are none. */
  params: Record<string, unknown> | [];
  disappearing_date: string | null;
}

export interface ChatMessages {
  chat_id: number;
  messages: ChatMessage[];
  users?: ImUser[];
  files?: unknown[];
}

/** The chat object of im.dialog.get. */
export interface Dialog {
  id: number;
  parent_chat_id: number;
  parent_message_id: number;
  name: string;
  description: string | null;
  owner: number;
  extranet: boolean;
  avatar: string;
  color: string;
  /** "chat", "open", "private", … */
  type: string;
  counter: number;
  user_counter: number;
  message_count: number;
  unread_id: number;
  restrictions: Record<string, boolean | string>;
  last_message_id: number;
  last_id: number;
  marked_id: number;
  disk_folder_id: number;
  entity_type: string;
  entity_id: string;
  entity_data_1: string;
  entity_data_2: string;
  entity_data_3: string;
  mute_list: number[] | Record<string, boolean>;
  date_create: string;
  /** "C" closed chat, "O" open chat, "P" private dialog. */
  message_type: string;
  public: unknown;
  role: string;
  entity_link: { type: string; url: string; id: string };
  text_field_enabled: boolean;
  background_id: string | null;
  permissions: Record<string, string>;
  is_new: boolean;
  readed_list: { user_id: number; user_name: string; message_id: number; date: string | null }[];
  manager_list: number[];
  last_message_views: { message_id: number; first_viewers: unknown[]; count_of_viewers: number };
  dialog_id: string;
}

/** GetChatStructure's template (values are descriptions, or "" with --empty). */
export interface ChatStructure {
  TYPE: string;
  TITLE: string;
  DESCRIPTION: string;
  COLOR: string;
  MESSAGE: string;
  USERS: string;
  AVATAR: string;
  OWNER_ID: string;
}
