// OpenIntegrations' own option index for the messaging regions (opi-bitrix24.md §2 and §5.3),
// transcribed as data: function -> REST method and CLI options (long/short). The parity test checks
// the catalogue against it; the README's parity table is generated from it.
export interface OpiFunction {
  region: string;
  name: string;
  /** REST method, or "local" for functions computed without a request, or "oauth" for the token server. */
  method: string;
  /** `--long -s` in OPI's order. */
  options: string;
}

const region = {
  settings: "Settings and administration",
  chats: "Chats and dialogs management",
  messages: "Message management",
  notifications: "Notifications management",
  users: "Users management",
  files: "File management",
};

const o = (region: string, name: string, method: string, options: string): OpiFunction => ({ region, name, method, options });

export const OPI_MESSAGING: readonly OpiFunction[] = [
  o(region.settings, "GetAppAuthLink", "local", "--domain -d --clientid -c"),
  o(region.settings, "GetToken", "oauth", "--clientid -c --clientsecret -l --code -d"),
  o(region.settings, "RefreshToken", "oauth", "--clientid -c --clientsecret -l --refresh -r"),
  o(region.settings, "ServerTime", "server.time", "--url -u --token -t"),

  o(region.chats, "CreateChat", "im.chat.add", "--url -u --fields -f --token -t"),
  o(region.chats, "GetChatUsers", "im.chat.user.list", "--url -u --chat -c --token -t"),
  o(region.chats, "LeaveChat", "im.chat.leave", "--url -u --chat -c --token -t"),
  o(region.chats, "GetUsers", "im.user.list.get", "--url -u --users -s --token -t"),
  o(region.chats, "AddUsersToChat", "im.chat.user.add", "--url -u --chat -c --users -s --hide -h --token -t"),
  o(region.chats, "DeleteUserFromChat", "im.chat.user.delete", "--url -u --chat -c --user -s --token -t"),
  o(region.chats, "ChangeChatTitle", "im.chat.updateTitle", "--url -u --chat -c --title -t --token -k"),
  o(region.chats, "ChangeChatColor", "im.chat.updateColor", "--url -u --chat -c --color -l --token -t"),
  o(region.chats, "ChangeChatPicture", "im.chat.updateAvatar", "--url -u --chat -c --picture -p --token -t"),
  o(region.chats, "ChangeChatOwner", "im.chat.setOwner", "--url -u --chat -c --user -s --token -t"),
  o(region.chats, "DisableChatNotifications", "im.chat.mute", "--url -u --chat -c --token -t"),
  o(region.chats, "EnableChatNotifications", "im.chat.mute", "--url -u --chat -c --token -t"),
  o(region.chats, "GetChatMessagesList", "im.dialog.messages.get", "--url -u --chat -c --last -l --first -f --token -t"),
  o(region.chats, "GetDialog", "im.dialog.get", "--url -u --chat -c --token -t"),
  o(region.chats, "GetChatMembersList", "im.dialog.users.list", "--url -u --chat -c --token -t"),
  o(region.chats, "SendWritingNotification", "im.dialog.writing", "--url -u --chat -c --token -t"),
  o(region.chats, "GetUserStatus", "im.user.status.get", "--url -u --token -t"),
  o(region.chats, "SetUserStatus", "im.user.status.set", "--url -u --status -s --token -t"),
  o(region.chats, "ReadAll", "im.dialog.read.all", "--url -u --token -t"),
  o(region.chats, "GetChatFilesFolder", "im.disk.folder.get", "--url -u --chat -c --token -t"),
  o(region.chats, "GetChatStructure", "local", "--empty -e"),

  o(region.messages, "SendMessage", "im.message.add", "--url -u --chat -c --text -t --blocks -b --token -k"),
  o(region.messages, "EditMessage", "im.message.update", "--url -u --message -m --text -t --blocks -b --token -k"),
  o(region.messages, "SetMessageReaction", "im.message.like", "--url -u --message -m --token -t"),
  o(region.messages, "DeleteMessage", "im.message.delete", "--url -u --message -m --token -t"),
  o(region.messages, "SendFile", "im.disk.file.commit", "--url -u --chat -c --fileid -f --description -d --token -t"),
  o(region.messages, "MarkMessageAsReaded", "im.dialog.read", "--url -u --chat -c --message -m --token -t"),
  o(region.messages, "MarkMessageAsUnreaded", "im.dialog.unread", "--url -u --chat -c --message -m --token -t"),
  o(region.messages, "GetPictureBlock", "local", "--title -t --url -u"),
  o(region.messages, "GetFileBlock", "local", "--title -t --url -u"),

  o(region.notifications, "CreatePersonalNotification", "im.notify.personal.add", "--url -u --user -s --text -t --tag -g --blocks -b --token -k"),
  o(region.notifications, "CreateSystemNotification", "im.notify.system.add", "--url -u --user -s --text -t --tag -g --blocks -b --token -k"),
  o(region.notifications, "DeleteNotification", "im.notify.delete", "--url -u --notif -n --token -t"),

  o(region.users, "GetCurrentUser", "user.current", "--url -u --token -t"),
  o(region.users, "GetUser", "user.get", "--url -u --userid -s --token -t"),
  o(region.users, "CreateUser", "user.add", "--url -u --fields -f --token -t"),
  o(region.users, "UpdateUser", "user.update", "--url -u --userid -s --fields -f --token -t"),
  o(region.users, "ChangeUserStatus", "user.update", "--url -u --userid -s --fire -f --token -t"),
  o(region.users, "FindUsers", "user.search", "--url -u --filter -f --token -t"),
  o(region.users, "GetUserFieldsStructure", "user.fields", "--url -u --token -t"),
  o(region.users, "GetUserFilterStructure", "local", "--empty -e"),

  o(region.files, "UploadFileToFolder", "disk.folder.uploadFile", "--url -u --title -t --file -f --folderid -l --token -k"),
];
