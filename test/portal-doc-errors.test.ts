// Error answers of the local portal checked against the official Bitrix24 REST docs
// (github.com/bitrix24/b24restdocs, api-reference/…): each case is one documented answer — HTTP
// status, `error`, `error_description` — sent over real HTTP, with the page it comes from.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { usePortal } from "./helpers.js";

const ctx = usePortal();

/** POSTs JSON to the webhook (user 1) and returns the status and the parsed body. */
async function call(method: string, params: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${ctx.portal.webhookUrl}${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: await res.json() };
}

/** The call answers exactly this error envelope with this status. */
async function answers(method: string, params: Record<string, unknown>, status: number, error: string, description: string): Promise<void> {
  const res = await call(method, params);
  assert.deepEqual(
    { status: res.status, body: res.body },
    { status, body: { error, error_description: description } },
    `${method} ${JSON.stringify(params)}`,
  );
}

async function ok(method: string, params: Record<string, unknown>): Promise<any> {
  const res = await call(method, params);
  assert.equal(res.status, 200, `${method}: ${JSON.stringify(res.body)}`);
  return res.body.result;
}

describe("im.message.add", () => {
  // chats/messages/im-message-add.md, "Possible Error Codes": USER_ID_EMPTY "User identifier in
  // DIALOG_ID is not provided or is invalid"; the table has no DIALOG_ID_EMPTY.
  it("without DIALOG_ID: 400 USER_ID_EMPTY", async () => {
    await answers("im.message.add", { MESSAGE: "x" }, 400, "USER_ID_EMPTY", "User ID can't be empty");
  });

  // chats/messages/im-message-add.md: the same row covers an invalid DIALOG_ID.
  it("with a malformed DIALOG_ID: 400 USER_ID_EMPTY", async () => {
    await answers("im.message.add", { DIALOG_ID: "abc", MESSAGE: "x" }, 400, "USER_ID_EMPTY", "User ID can't be empty");
  });
});

describe("im.dialog.* with a malformed DIALOG_ID", () => {
  // chats/messages/im-dialog-messages-get.md ~692: 400 DIALOG_ID_EMPTY "not provided, is empty, or
  // is in an incorrect format".
  it("im.dialog.messages.get: 400 DIALOG_ID_EMPTY", async () => {
    await answers("im.dialog.messages.get", { DIALOG_ID: "abc" }, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  });

  // chats/messages/im-dialog-read.md: DIALOG_ID_EMPTY "not provided, was empty, or was in an incorrect format".
  it("im.dialog.read: 400 DIALOG_ID_EMPTY", async () => {
    await answers("im.dialog.read", { DIALOG_ID: "abc" }, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  });

  // chats/messages/im-dialog-unread.md: DIALOG_ID_EMPTY "not provided, is empty, or is in an incorrect format".
  it("im.dialog.unread: 400 DIALOG_ID_EMPTY", async () => {
    await answers("im.dialog.unread", { DIALOG_ID: "abc", MESSAGE_ID: 1 }, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  });

  // chats/chat-users/im-dialog-users-list.md ("not provided or is invalid") and
  // chats/messages/im-dialog-writing.md ("Invalid DIALOG_ID").
  it("im.dialog.users.list: 400 DIALOG_ID_EMPTY", async () => {
    await answers("im.dialog.users.list", { DIALOG_ID: "abc" }, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
  });
  it("im.dialog.writing: 400 DIALOG_ID_EMPTY; a chat the caller is not in: 403 ACCESS_ERROR \"Action unavailable\"", async () => {
    await answers("im.dialog.writing", { DIALOG_ID: "abc" }, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    await answers("im.dialog.writing", { DIALOG_ID: "chat999999" }, 403, "ACCESS_ERROR", "Action unavailable");
  });
});

describe("disk.* with a required parameter left out", () => {
  const P0 = "Invalid value of parameter {Parameter #0}";
  const P1 = "Invalid value of parameter {Parameter #1}";
  const folder = async () => (await ok("disk.storage.addfolder", { id: 1, data: { NAME: `Docs ${Math.random().toString(36).slice(2)}` } })).ID;

  // disk/file/disk-file-get.md ~340.
  it("disk.file.get {}: {Parameter #0}", async () => {
    await answers("disk.file.get", {}, 400, "ERROR_ARGUMENT", P0);
  });

  // disk/folder/disk-folder-get.md ~327.
  it("disk.folder.get {}: {Parameter #1}", async () => {
    await answers("disk.folder.get", {}, 400, "ERROR_ARGUMENT", P1);
  });

  // disk/folder/disk-folder-add-subfolder.md ~353: "The required field NAME is missing in the data array".
  it("disk.folder.addsubfolder without data[NAME]: {Parameter #1}", async () => {
    await answers("disk.folder.addsubfolder", { id: await folder() }, 400, "ERROR_ARGUMENT", P1);
  });

  // disk/storage/disk-storage-add-folder.md: the same row as addsubfolder.
  it("disk.storage.addfolder without data[NAME]: {Parameter #1}", async () => {
    await answers("disk.storage.addfolder", { id: 1 }, 400, "ERROR_ARGUMENT", P1);
  });

  // disk/folder/disk-folder-copy-to.md: "Required parameter id or targetFolderId is missing".
  it("disk.folder.copyto without targetFolderId: {Parameter #1}", async () => {
    await answers("disk.folder.copyto", { id: await folder() }, 400, "ERROR_ARGUMENT", P1);
  });

  // disk/folder/disk-folder-upload-file.md: unlike its folder siblings, {Parameter #0}.
  it("disk.folder.uploadfile {}: {Parameter #0}", async () => {
    await answers("disk.folder.uploadfile", {}, 400, "ERROR_ARGUMENT", P0);
  });

  // disk/storage/disk-storage-get-children.md.
  it("disk.storage.getchildren {}: {Parameter #0}", async () => {
    await answers("disk.storage.getchildren", {}, 400, "ERROR_ARGUMENT", P0);
  });

  // disk/file/disk-file-rename.md: "Required parameter id or newName is missing".
  it("disk.file.rename without newName: {Parameter #0}", async () => {
    const file = await ok("disk.folder.uploadfile", { id: await folder(), data: { NAME: "a.txt" }, fileContent: ["a.txt", Buffer.from("a").toString("base64")] });
    await answers("disk.file.rename", { id: file.ID }, 400, "ERROR_ARGUMENT", P0);
  });

  // disk/version/disk-version-get.md: "Invalid value of parameter `id`", as the page prints it.
  it("disk.version.get {}: the page's own wording", async () => {
    await answers("disk.version.get", {}, 400, "ERROR_ARGUMENT", "Invalid value of parameter `id`");
  });
});

describe("crm.*.list with a non-object filter or order", () => {
  // crm/deals/crm-deal-list.md ~730-731: 400, empty error code.
  it("crm.deal.list {filter: \"x\"}: Parameter 'filter' must be array.", async () => {
    await answers("crm.deal.list", { filter: "x" }, 400, "", "Parameter 'filter' must be array.");
  });

  it("crm.deal.list {order: \"x\"}: Parameter 'order' must be array.", async () => {
    await answers("crm.deal.list", { order: "x" }, 400, "", "Parameter 'order' must be array.");
  });

  // crm/deals/crm-deal-list.md lists order before filter, the order CCrmRestProxyBase checks them in.
  it("crm.deal.list with both wrong: order is reported", async () => {
    await answers("crm.deal.list", { filter: "x", order: 5 }, 400, "", "Parameter 'order' must be array.");
  });

  // crm/leads/crm-lead-list.md names only "Access denied."; the check is the generic CRM list's,
  // so crm.lead.list answers as crm.deal.list does.
  it("crm.lead.list {filter: \"x\"}: Parameter 'filter' must be array.", async () => {
    await answers("crm.lead.list", { filter: "x" }, 400, "", "Parameter 'filter' must be array.");
  });

  // An object or a list is a PHP array; left out or null, an empty one.
  it("objects, lists and null still list", async () => {
    for (const params of [{ filter: {}, order: {} }, { filter: [], order: [] }, { filter: null, order: null }, {}]) {
      assert.ok(Array.isArray(await ok("crm.deal.list", params)), JSON.stringify(params));
    }
  });
});
