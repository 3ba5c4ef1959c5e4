// Every real Bitrix24 answer in fixtures/opi-samples (one file per OpenIntegrations function) against
// what the local portal answers to the same function run through the CLI, in both auth modes where
// the function takes --url/--token: the printed JSON must have the sample's keys, key order and value
// types (opi-sample-shape.ts states the rules). The inputs are made the way OpenIntegrations' own test
// makes them (opi-bitrix24.md §6.1-6.3): a chat with members and messages, a file uploaded to the
// chat's folder, notifications, a new user, an OAuth code from the portal's authorisation page.
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bitrix24 } from "../src/index.js";
import { findFunction } from "../src/catalogue/index.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { assertRegionsCovered, describeSampleRows, type SampleRow } from "./sample-rows.js";

const ctx = usePortal();
const tmp = useScratchDir();
const SAMPLES = readdirSync(join(import.meta.dirname, "fixtures", "opi-samples"))
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.replace(/\.json$/, ""));

// A 1x1 PNG (chat picture) and a small document (file upload).
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const picturePath = () => join(tmp.path, "picture.png");
const documentPath = () => join(tmp.path, "document.docx");
// The blocks OpenIntegrations' test sends with a message (GetPictureBlock + GetFileBlock).
const BLOCKS = "[{'IMAGE':{'NAME':'Image1','LINK':'https://hut.openintegrations.dev/test_data/picture.jpg'}},{'FILE':{'NAME':'File1.docx','LINK':'https://hut.openintegrations.dev/test_data/document.docx'}}]";

/** One auth mode's connection and the things made for it beforehand. */
interface Mode {
  name: "webhook" | "token";
  /** --url (and --token) for the CLI. */
  auth: string[];
  /** The same for library calls that prepare inputs. */
  url: string;
  token: string;
  /** A group chat the caller (user 1) owns, with users 2 and 3, messages and a file. */
  chatId: number;
  /** OpenIntegrations' two variants: `chat<id>` with the webhook, user 2's private dialog with a token. */
  dialog: string;
  /** A message of the caller's in `dialog`. */
  messageId: number;
}

type Row = SampleRow<Mode>;

// ---- inputs, made through the library over HTTP like OpenIntegrations' test makes them ----------

const modes: Mode[] = [];
let usersMade = 0;
const userFields = (name: string, lastName: string) =>
  `{'EMAIL':'sample.user${++usersMade}@example.org','NAME':'${name}','LAST_NAME':'${lastName}','PERSONAL_MOBILE':'88003553535','UF_DEPARTMENT':'7'}`;

async function newChat(m: Mode, users = [2, 3]): Promise<number> {
  return (await bitrix24.createChat(m.url, { TYPE: "CHAT", TITLE: `Sample chat ${m.name}`, USERS: users }, m.token)).result;
}
async function newMessage(m: Mode, text = "Message text"): Promise<number> {
  return (await bitrix24.sendMessage(m.url, m.dialog, text, "", m.token)).result;
}
async function uploadToChat(m: Mode, title: string): Promise<number> {
  const folder = (await bitrix24.getChatFilesFolder(m.url, m.chatId, m.token)).result.ID;
  return (await bitrix24.uploadFileToFolder(m.url, title, documentPath(), folder, m.token)).result.ID;
}
async function newUser(m: Mode): Promise<number> {
  return (await bitrix24.createUser(m.url, JSON.parse(userFields("Vitaly", "Alpaca").replaceAll("'", '"')), m.token)).result;
}

// OAuth: the portal's default app; a code as the authorisation page hands it out.
const app = () => ctx.portal.oauth.defaultApp;
const oauthEnv = () => ({ OINT_OAUTH_URL: `${ctx.portal.url}/oauth/token/` });
async function freshCode(): Promise<string> {
  const page = await fetch(bitrix24.getAppAuthLink(ctx.portal.url, app().clientId)); // the app has no redirect URI: the code is shown
  assert.equal(page.status, 200);
  return (await page.json()).code;
}

// Made once, on the first test's demand: root-level before() hooks do not wait for usePortal's on Node 20.
let prepared: Promise<void> | undefined;
const prepare = () => (prepared ??= makeInputs());
async function makeInputs(): Promise<void> {
  writeFileSync(picturePath(), PNG);
  writeFileSync(documentPath(), Buffer.from("PK\x03\x04 a document"));
  for (const name of ["webhook", "token"] as const) {
    const token = name === "token" ? ctx.portal.accessToken : "";
    const url = name === "token" ? ctx.portal.url : ctx.portal.webhookUrl;
    const m: Mode = { name, auth: token ? ["--url", url, "--token", token] : ["--url", url], url, token, chatId: 0, dialog: "", messageId: 0 };
    m.chatId = await newChat(m);
    m.dialog = name === "webhook" ? `chat${m.chatId}` : "2";
    await bitrix24.sendMessage(url, `chat${m.chatId}`, "Hello", BLOCKS.replaceAll("'", '"'), token);
    m.messageId = await newMessage(m);
    await uploadToChat(m, "Imortant doc.docx");
    modes.push(m);
  }
}

// ---- one row per sample --------------------------------------------------------------------------

const rows: Row[] = [
  // Settings and administration, OAuth
  { fn: "ServerTime", args: () => [] },
  { fn: "GetAppAuthLink", once: true, args: () => ["--domain", "b24-ar17wx.bitrix24.by", "--clientid", app().clientId] },
  {
    fn: "GetToken",
    title: "a code past its 30 seconds: the OAuth error envelope, exit 3",
    once: true,
    // A code the authorisation page handed out 31 s ago (the portal's clock is set back for it).
    args: () => ["--clientid", app().clientId, "--clientsecret", app().clientSecret, "--code", ctx.portal.oauth.authorize(app().clientId, Date.now() - 31_000)!],
    env: oauthEnv,
    exit: 3,
  },
  {
    fn: "GetToken",
    sample: "RefreshToken",
    title: "a fresh code: the token answer RefreshToken's sample shows",
    once: true,
    args: async () => ["--clientid", app().clientId, "--clientsecret", app().clientSecret, "--code", await freshCode()],
    env: oauthEnv,
  },
  {
    fn: "RefreshToken",
    once: true,
    args: async () => {
      const tokens = await runCli(["bitrix24", "GetToken", "--clientid", app().clientId, "--clientsecret", app().clientSecret, "--code", await freshCode()], { env: oauthEnv() });
      assert.equal(tokens.code, 0, tokens.stderr);
      return ["--clientid", app().clientId, "--clientsecret", app().clientSecret, "--refresh", JSON.parse(tokens.stdout).refresh_token];
    },
    env: oauthEnv,
  },

  // Messages
  { fn: "SendMessage", args: (m) => ["--chat", m.dialog, "--text", "Message text", "--blocks", BLOCKS] },
  { fn: "EditMessage", args: async (m) => ["--message", String(await newMessage(m)), "--text", "New message text", "--blocks", BLOCKS] },
  { fn: "SetMessageReaction", args: async (m) => ["--message", String(await newMessage(m))] },
  { fn: "DeleteMessage", args: async (m) => ["--message", String(await newMessage(m))] },
  { fn: "MarkMessageAsReaded", args: (m) => ["--chat", m.dialog, "--message", String(m.messageId)] },
  { fn: "MarkMessageAsUnreaded", args: (m) => ["--chat", m.dialog, "--message", String(m.messageId)] },
  { fn: "GetPictureBlock", once: true, args: () => ["--title", "Image", "--url", "https://hut.openintegrations.dev/test_data/picture.jpg"] },
  { fn: "GetFileBlock", once: true, args: () => ["--title", "Image", "--url", "https://hut.openintegrations.dev/test_data/document.docx"] },
  { fn: "GetChatFilesFolder", args: (m) => ["--chat", String(m.chatId)] },
  {
    fn: "UploadFileToFolder",
    args: async (m) => ["--title", `Picture ${m.name}.png`, "--file", picturePath(), "--folderid", String((await bitrix24.getChatFilesFolder(m.url, m.chatId, m.token)).result.ID)],
  },
  { fn: "SendFile", args: async (m) => ["--chat", String(m.chatId), "--fileid", String(await uploadToChat(m, `Important ${m.name}.docx`)), "--description", "Very important file"] },

  // Notifications
  { fn: "CreatePersonalNotification", args: (m) => (m.name === "webhook" ? ["--user", "1", "--text", "Message text", "--blocks", BLOCKS] : ["--user", "2", "--text", "Message text", "--tag", "New"]) },
  { fn: "CreateSystemNotification", args: (m) => (m.name === "webhook" ? ["--user", "1", "--text", "Message text", "--blocks", BLOCKS] : ["--user", "2", "--text", "Message text", "--tag", "New"]) },
  {
    fn: "DeleteNotification",
    args: async (m) => ["--notif", String((await bitrix24.createPersonalNotification(m.url, 2, "To be deleted", "", "", m.token)).result)],
  },

  // Chats and dialogs
  { fn: "CreateChat", args: () => ["--fields", "{'TYPE':'CHAT','TITLE':'Private chat','USERS':['2','1']}"] },
  { fn: "GetChatUsers", args: (m) => ["--chat", String(m.chatId)] },
  { fn: "LeaveChat", args: async (m) => ["--chat", String(await newChat(m))] },
  { fn: "GetUsers", args: (m) => ["--users", m.name === "webhook" ? "[1,2]" : "2"] },
  { fn: "AddUsersToChat", args: async (m) => ["--chat", String(await newChat(m, [2])), "--users", "[3,4]", "--hide", "true"] },
  { fn: "DeleteUserFromChat", args: async (m) => ["--chat", String(await newChat(m)), "--user", "3"] },
  { fn: "ChangeChatTitle", args: (m) => ["--chat", String(m.chatId), "--title", "Another title"] },
  { fn: "ChangeChatColor", args: (m) => ["--chat", String(m.chatId), "--color", "PURPLE"] },
  { fn: "ChangeChatPicture", args: (m) => ["--chat", String(m.chatId), "--picture", picturePath()] },
  { fn: "ChangeChatOwner", args: async (m) => ["--chat", String(await newChat(m)), "--user", "2"] },
  { fn: "DisableChatNotifications", args: (m) => ["--chat", String(m.chatId)] },
  { fn: "EnableChatNotifications", args: (m) => ["--chat", String(m.chatId)] },
  { fn: "GetChatMessagesList", args: (m) => ["--chat", m.dialog, "--first", "0"] },
  { fn: "GetDialog", args: (m) => ["--chat", m.dialog] },
  { fn: "GetChatMembersList", args: (m) => ["--chat", m.dialog] },
  { fn: "SendWritingNotification", args: (m) => ["--chat", m.dialog] },
  { fn: "GetUserStatus", args: () => [] },
  { fn: "SetUserStatus", args: (m) => ["--status", m.name === "webhook" ? "dnd" : "away"] },
  { fn: "ReadAll", args: () => [] },
  { fn: "GetChatStructure", once: true, args: () => ["--empty", "false"] },

  // Users
  { fn: "GetCurrentUser", args: () => [] },
  { fn: "CreateUser", args: () => ["--fields", userFields("Vitaly", "Alpaca")] },
  // The sample is the user the docs' UpdateUser had just changed: made and updated the same way here.
  {
    fn: "GetUser",
    args: async (m) => {
      const id = await newUser(m);
      await bitrix24.updateUser(m.url, id, { NAME: "Oleg", LAST_NAME: "Lama", UF_DEPARTMENT: "7" }, m.token);
      return ["--userid", String(id)];
    },
  },
  { fn: "UpdateUser", args: async (m) => ["--userid", String(await newUser(m)), "--fields", userFields("Oleg", "Lama")] },
  { fn: "ChangeUserStatus", args: async (m) => ["--userid", String(await newUser(m)), "--fire", "true"] },
  { fn: "FindUsers", args: () => ["--filter", "{'UF_DEPARTMENT_NAME':'Bitrix'}"] },
  { fn: "GetUserFilterStructure", once: true, args: () => ["--empty", "false"] },
  { fn: "GetUserFieldsStructure", args: () => [] },
];

it("every function of these regions has a row, every row a sample, and every OpenIntegrations function a sample", () => {
  // File management's other functions have their rows in samples-drive.test.ts.
  assertRegionsCovered(["Settings and administration", "Chats and dialogs management", "Message management", "Notifications management", "Users management"], rows);
  const covered = new Set(rows.map((r) => r.sample ?? r.fn));
  assert.deepEqual([...covered].filter((name) => !SAMPLES.includes(name)), []);
  assert.equal(SAMPLES.length, 179);
});

// The rows do not depend on each other (each makes what it changes), so a few run at once.
describeSampleRows("every sample, through the CLI", rows, {
  portal: () => ctx.portal,
  modes: async () => {
    await prepare();
    return modes;
  },
});
