// Files to a chat: GetChatFilesFolder, UploadFileToFolder (pre-signed link + multipart POST),
// SendFile and oint's SendFileToChat, through the library and the CLI in both auth modes, against
// the local portal's Drive: real bytes go up and come back identical.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { expectError, runCli, usePortal, useScratchDir } from "./helpers.js";
import { assertSameShape, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const tmp = useScratchDir();
const hook = () => ctx.portal.webhookUrl;
const token = () => ctx.portal.accessToken;
const requestsSince = (n: number) => ctx.portal.requests.slice(n);

let bytes: Buffer;
let filePath: string;
before(() => {
  bytes = randomBytes(50_000); // every byte value, including what breaks text encodings
  filePath = join(tmp.path, "Report 2026.bin");
  writeFileSync(filePath, bytes);
});

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

async function folderOf(chatId: number): Promise<number> {
  return (await bitrix24.getChatFilesFolder(hook(), chatId)).result.ID;
}

describe("GetChatFilesFolder", () => {
  it("POSTs CHAT_ID and answers {ID} like the sample; the same folder every time", async () => {
    const answer = await bitrix24.getChatFilesFolder(hook(), 1);
    const req = ctx.portal.requests.at(-1)!;
    assert.equal(req.path, `/rest/1/${ctx.portal.secret}/im.disk.folder.get`);
    assert.deepEqual(JSON.parse(req.body), { CHAT_ID: "1" });
    assertSameShape(answer, opiSample("GetChatFilesFolder"));
    assert.equal((await bitrix24.getChatFilesFolder(hook(), "1")).result.ID, answer.result.ID);
  });

  it("CLI with a token: -u -c -t", async () => {
    const run = await runCli(["bitrix24", "GetChatFilesFolder", "-u", ctx.portal.url, "-c", "1", "-t", token()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).result.ID, await folderOf(1));
    const req = ctx.portal.requests.at(-2)!; // the CLI's request, before folderOf's
    assert.equal(req.path, "/rest/im.disk.folder.get");
    assert.deepEqual(JSON.parse(req.body), { CHAT_ID: "1", auth: token() });
  });

  it("Bitrix24's errors: a chat prefix in CHAT_ID, a chat the caller is not in", async () => {
    // The portal answers a prefixed CHAT_ID as Bitrix24 does; oint refuses it before sending, naming the number.
    await expectError(new Bitrix24Client({ url: hook() }).call("im.disk.folder.get", { CHAT_ID: "chat1" }), "CHAT_ID_EMPTY", 400);
    await assert.rejects(bitrix24.getChatFilesFolder(hook(), "chat1"), { name: "InputError", message: /"chat1" is not a chat ID: the bare number \(1, not chat1\)/ });
    const closed = ctx.portal.state.createChat({ type: "chat", title: "Not yours", ownerId: 2, members: [3] });
    await expectError(bitrix24.getChatFilesFolder(hook(), closed.id), "ACCESS_ERROR", 403);
    await expectError(bitrix24.getChatFilesFolder(hook(), 99999), "ACCESS_ERROR", 403);
  });
});

describe("UploadFileToFolder", () => {
  it("GETs the upload link, POSTs the bytes as multipart without the webhook secret, answers like the sample", async () => {
    const folder = await folderOf(1);
    const mark = ctx.portal.requests.length;
    const answer = await bitrix24.uploadFileToFolder(hook(), "Report.bin", filePath, folder);

    const [step1, step2] = requestsSince(mark);
    assert.equal(step1.httpMethod, "GET");
    assert.equal(step1.path, `/rest/1/${ctx.portal.secret}/disk.folder.uploadFile`);
    assert.deepEqual(step1.query, { id: String(folder) });
    assert.equal(step2.httpMethod, "POST");
    assert.match(step2.path, /^\/upload\/[0-9a-f]+$/);
    assert.match(step2.headers["content-type"], /^multipart\/form-data; boundary=/);
    assert.match(step2.body, /name="file"; filename="Report.bin"/);
    for (const leak of [step2.path, JSON.stringify(step2.headers), step2.body]) assert.ok(!leak.includes(ctx.portal.secret), "no webhook secret in the upload");

    assert.deepEqual(Object.keys(answer), ["result"], "the upload answer has no time block, like Bitrix24's");
    assertSameShape(answer, opiSample("UploadFileToFolder"));
    assert.equal(answer.result.NAME, "Report.bin");
    assert.equal(answer.result.PARENT_ID, String(folder));
    assert.equal(answer.result.SIZE, String(bytes.length));
    assert.ok(!answer.result.DOWNLOAD_URL.includes(ctx.portal.secret));
    assert.deepEqual(await download(answer.result.DOWNLOAD_URL), bytes, "the file downloads back byte for byte");

    const again = await new Bitrix24Client({ url: hook() }).call("disk.file.get", { id: answer.result.ID });
    // The same file read back; a read prints every value as text where the upload printed its new ids as numbers (GetFileInformation.json).
    assertSameShape(again, opiSample("GetFileInformation"));
    const asText = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null && k === "DELETED_BY" ? "0" : v === null ? v : String(v)]));
    assert.deepEqual(asText(again.result as object), asText(answer.result), "disk.file.get reads the same file object back");
  });

  it("CLI with a token: -u -t -f -l -k; the token goes in the query of step 1", async () => {
    const folder = await folderOf(1);
    const mark = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "UploadFileToFolder", "-u", ctx.portal.url, "-t", "Отчёт.bin", "-f", filePath, "-l", String(folder), "-k", token()]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.result.NAME, "Отчёт.bin");
    assert.equal(answer.result.CREATED_BY, "1");
    const [step1, step2] = requestsSince(mark);
    assert.equal(step1.path, "/rest/disk.folder.uploadFile");
    assert.deepEqual(step1.query, { id: String(folder), auth: token() });
    assert.ok(!step2.body.includes(token()) && !step2.path.includes(token()), "the token does not travel with the upload");
    assert.deepEqual(await download(answer.result.DOWNLOAD_URL), bytes);
  });

  it("takes the file as Base64 text too, and the long option names (Russian method name)", async () => {
    const small = randomBytes(300);
    const run = await runCli(["bitrix24", "ЗагрузитьФайлВКаталог", "--url", hook(), "--title", "b64.bin", "--file", small.toString("base64"), "--folderid", String(await folderOf(1))]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await download(JSON.parse(run.stdout).result.DOWNLOAD_URL), small);
  });

  it("an upload link works once", async () => {
    const client = new Bitrix24Client({ url: hook() });
    const link = (await client.call<{ field: string; uploadUrl: string }>("disk.folder.uploadFile", { id: await folderOf(1) }, { httpMethod: "GET" })).result;
    assert.equal(link.field, "file");
    const post = () => {
      const form = new FormData();
      form.append(link.field, new Blob([Uint8Array.from([1, 2, 3])]), "once.bin");
      return fetch(link.uploadUrl, { method: "POST", body: form });
    };
    assert.equal((await post()).status, 200);
    const second = await post();
    assert.equal(second.status, 401);
    assert.equal((await second.json()).error, "INVALID_CREDENTIALS");
  });

  it("a name already in the folder is refused; bad input is refused before anything is sent", async () => {
    const folder = await folderOf(1);
    await bitrix24.uploadFileToFolder(hook(), "twice.bin", filePath, folder);
    await expectError(bitrix24.uploadFileToFolder(hook(), "twice.bin", filePath, folder), "DISK_OBJ_22000", 400);
    await expectError(bitrix24.uploadFileToFolder(hook(), "x.bin", filePath, 99999), "ERROR_NOT_FOUND", 404);

    const mark = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "UploadFileToFolder", "-u", hook(), "-t", "x", "-f", join(tmp.path, "missing.bin"), "-l", String(folder)]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--file: /);
    assert.equal(ctx.portal.requests.length, mark, "nothing was sent");
  });
});

describe("SendFile", () => {
  it("POSTs CHAT_ID, UPLOAD_ID and MESSAGE; answers like the sample; the chat shows the file", async () => {
    const uploaded = await bitrix24.uploadFileToFolder(hook(), "Imortant doc.docx", filePath, await folderOf(1));
    const answer = await bitrix24.sendFile(hook(), 1, uploaded.result.ID, "Very important file");
    assert.deepEqual(JSON.parse(ctx.portal.requests.at(-1)!.body), { CHAT_ID: "1", UPLOAD_ID: String(uploaded.result.ID), MESSAGE: "Very important file" });
    assertSameShape(answer, opiSample("SendFile"));
    const key = `upload${uploaded.result.ID}`;
    assert.equal(answer.result.FILES[key].name, "Imortant doc.docx");
    assert.equal(answer.result.FILES[key].extension, "docx");
    assert.deepEqual(answer.result.DISK_ID, [String(uploaded.result.ID)]);

    const dialog = await new Bitrix24Client({ url: hook() }).call<any>("im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 1 });
    const message = dialog.result.messages[0];
    assert.equal(message.id, answer.result.MESSAGE_ID);
    assert.equal(message.text, "Very important file");
    assert.deepEqual(message.params.FILE_ID, [uploaded.result.ID]);
    const listed = dialog.result.files.find((f: { id: number }) => f.id === uploaded.result.ID);
    assert.equal(listed?.size, bytes.length);
    assert.deepEqual(await download(listed.urlDownload), bytes);
  });

  it("CLI with a token: -u -c -f -d -t", async () => {
    const uploaded = await bitrix24.uploadFileToFolder(ctx.portal.url, "cli.bin", filePath, await folderOf(1), token());
    const run = await runCli(["bitrix24", "SendFile", "-u", ctx.portal.url, "-c", "1", "-f", String(uploaded.result.ID), "-d", "from the CLI", "-t", token()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result.MESSAGE_ID, "number");
    assert.deepEqual(JSON.parse(ctx.portal.requests.at(-1)!.body), { CHAT_ID: "1", UPLOAD_ID: String(uploaded.result.ID), MESSAGE: "from the CLI", auth: token() });
  });

  it("a file from another folder is copied into the chat's folder", async () => {
    const other = ctx.portal.state.createChat({ type: "chat", title: "Other", ownerId: 1, members: [2] });
    const uploaded = await bitrix24.uploadFileToFolder(hook(), "moved.bin", filePath, await folderOf(other.id));
    const answer = await bitrix24.sendFile(hook(), 1, uploaded.result.ID);
    const model = Object.values(answer.result.FILE_MODELS)[0] as { id: number; parentId: number };
    assert.notEqual(model.id, uploaded.result.ID);
    assert.equal(model.parentId, await folderOf(1));
  });

  it("Bitrix24's errors: no files, an unknown file, a chat the caller is not in", async () => {
    const client = new Bitrix24Client({ url: hook() });
    await expectError(client.call("im.disk.file.commit", { CHAT_ID: 1 }), "FILES_ERROR", 400);
    await expectError(bitrix24.sendFile(hook(), 1, 99999), "SAVE_ERROR", 400);
    await expectError(new Bitrix24Client({ url: hook() }).call("im.disk.file.commit", { CHAT_ID: "chat1", UPLOAD_ID: "1" }), "CHAT_ID_EMPTY", 400);
    await assert.rejects(bitrix24.sendFile(hook(), "chat1", 1), { name: "InputError" });
    const closed = ctx.portal.state.createChat({ type: "chat", title: "Closed", ownerId: 2, members: [3] });
    await expectError(bitrix24.sendFile(hook(), closed.id, 1), "ACCESS_ERROR", 403);
  });
});

describe("SendFileToChat (oint addition)", () => {
  it("does folder, upload and commit in one call; the title defaults to the file's name", async () => {
    const mark = ctx.portal.requests.length;
    const answer = await bitrix24.sendFileToChat(hook(), "chat1", filePath, "", "Here it is");
    assert.deepEqual(
      requestsSince(mark).map((r) => r.restMethod ?? r.path.split("/")[1]),
      ["im.disk.folder.get", "disk.folder.uploadFile", "upload", "im.disk.file.commit"],
    );
    assertSameShape(answer, opiSample("SendFile"));
    const file = Object.values(answer.result.FILES)[0];
    assert.equal(file.name, "Report 2026.bin");
    assert.deepEqual(await download(file.urlDownload), bytes);

    const second = await bitrix24.sendFileToChat(hook(), 1, filePath);
    assert.equal(Object.values(second.result.FILES)[0].name, "Report 2026 (1).bin", "a second file of the same name gets a new name");
  });

  it("CLI, Russian name, token mode", async () => {
    const run = await runCli(["bitrix24", "ОтправитьФайлВЧат", "-u", ctx.portal.url, "-c", "1", "-f", filePath, "-t", "named.bin", "-d", "hi", "-k", token()]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.equal((Object.values(answer.result.FILES)[0] as { name: string }).name, "named.bin");
    const message = ctx.portal.state.getMessage(answer.result.MESSAGE_ID);
    assert.equal(message?.text, "hi");
  });

  it("refuses a bad chat ID, and Base64 without --title, before sending anything", async () => {
    const mark = ctx.portal.requests.length;
    const badChat = await runCli(["bitrix24", "SendFileToChat", "-u", hook(), "-c", "general", "-f", filePath]);
    assert.equal(badChat.code, 4);
    assert.match(badChat.stderr, /--chat: /);
    const noTitle = await runCli(["bitrix24", "SendFileToChat", "-u", hook(), "-c", "1", "-f", randomBytes(30).toString("base64")]);
    assert.equal(noTitle.code, 4);
    assert.match(noTitle.stderr, /--title: /);
    assert.equal(ctx.portal.requests.length, mark);
  });

  it("help says it is an oint addition", async () => {
    const run = await runCli(["bitrix24", "SendFileToChat", "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /oint addition, not in OpenIntegrations/);
  });
});
