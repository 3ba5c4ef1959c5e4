// A portal kept in an SQLite file (`startPortal({ data })`, `oint sandbox --data FILE`): everything
// made through the REST API is there after a restart — chats, messages with ATTACH and keyboards,
// edits, deletions, likes, notifications, uploaded bytes, users, the webhook, the access token and
// OAuth tokens — ids go on without reuse, every request is saved as it happens (a killed sandbox
// loses nothing), and a file that is not a portal database is refused with one line (exit 4).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { bitrix24, block, button, keyboard, setOAuthServer } from "../src/index.js";
import { PortalDataError, startPortal, type RunningPortal } from "../src/portal/index.js";
import { runSandbox } from "../src/portal/cli.js";
import { runCli, useScratchDir } from "./helpers.js";

const tmp = useScratchDir();
const APP = { clientId: "local.persist0000000.12345678", clientSecret: "P3rs1st3ntS3cr3tP3rs1st3ntS3cr3tP3rs1st3ntS3cr3t12" };

async function json(url: string): Promise<any> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return response.json();
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

/** What a client can read back about the things the test made, through REST and the web page's JSON. */
async function readBack(portal: RunningPortal, chatId: number, newUserId: number) {
  const hook = portal.webhookUrl;
  return {
    messages: (await bitrix24.getChatMessagesList(hook, `chat${chatId}`, "", 0)).result,
    general: (await bitrix24.getChatMessagesList(hook, "chat1", "", 0)).result,
    dialog: (await bitrix24.getDialog(hook, `chat${chatId}`)).result,
    notifications: (await json(`${hook}im.notify.get`)).result,
    user: (await bitrix24.getUser(hook, newUserId)).result,
    folder: (await bitrix24.getChatFilesFolder(hook, chatId)).result,
    overview: await json(`${portal.url}/ui/api/overview`),
  };
}

describe("startPortal({ data }) across a restart", () => {
  let portal: RunningPortal | undefined;
  after(async () => {
    setOAuthServer(undefined);
    await portal?.close();
  });

  it("keeps chats, messages, edits, likes, deletions, notifications, files, users, webhook and tokens; ids go on", async () => {
    const file = join(tmp.path, "library.db");
    portal = await startPortal({ data: file, oauth: { apps: [APP] } });
    assert.equal(portal.data, file);
    const first = portal;
    const hook = first.webhookUrl;

    const chatId = (await bitrix24.createChat(hook, { TYPE: "CHAT", TITLE: "Kept across restarts", USERS: [2, 3] })).result;
    const blocks = [block.message("Quarterly numbers"), bitrix24.getPictureBlock("Chart", "https://example.com/chart.png")];
    const kb = keyboard(button.send("Approve", "approve", { BG_COLOR_TOKEN: "primary" }), button.link("Open", "https://example.com"));
    const rich = (await bitrix24.sendMessage(hook, `chat${chatId}`, "Report attached", blocks, "", kb)).result;
    const edited = (await bitrix24.sendMessage(hook, `chat${chatId}`, "Draft")).result;
    const doomed = (await bitrix24.sendMessage(hook, `chat${chatId}`, "Oops")).result;
    assert.equal((await bitrix24.editMessage(hook, edited, "Final text")).result, true);
    assert.equal((await bitrix24.deleteMessage(hook, doomed)).result, true);
    assert.equal((await bitrix24.setMessageReaction(hook, rich)).result, true);
    const notification = (await bitrix24.createPersonalNotification(hook, 1, "Build #7 passed", "build-status")).result as number;
    const newUserId = (await bitrix24.createUser(hook, { EMAIL: "new.colleague@example.com", NAME: "Nina", LAST_NAME: "Novak", UF_DEPARTMENT: [3] })).result;

    const bytes = randomBytes(30_000);
    const source = join(tmp.path, "data.bin");
    writeFileSync(source, bytes);
    const folder = ((await bitrix24.getChatFilesFolder(hook, chatId)).result as { ID: number }).ID;
    const uploaded = (await bitrix24.uploadFileToFolder(hook, "data.bin", source, folder)) as { result: { ID: number; DOWNLOAD_URL: string } };

    const code = (await json(`${first.url}/oauth/authorize/?client_id=${APP.clientId}`)).code as string;
    setOAuthServer(`${first.url}/oauth/token/`);
    const tokens = await bitrix24.getToken(APP.clientId, APP.clientSecret, code);
    const before = await readBack(first, chatId, newUserId);
    assert.ok(before.overview.chats.some((c: { title: string }) => c.title === "Kept across restarts"), "the web page lists the chat");
    const saw = { secret: first.secret, webhookUrl: first.webhookUrl, accessToken: first.accessToken, memberId: first.oauth.memberId };
    await first.close();

    // The same port, so URLs in the answers (download links, avatars) compare equal too.
    portal = await startPortal({ data: file, port: first.port, oauth: { apps: [APP] } });
    const second = portal;
    assert.deepEqual(
      { secret: second.secret, webhookUrl: second.webhookUrl, accessToken: second.accessToken, memberId: second.oauth.memberId },
      saw,
      "the same webhook URL, access token and member_id",
    );
    assert.deepEqual(await readBack(second, chatId, newUserId), before, "every answer reads the same after the restart");

    const messages = (before.messages as { messages: { id: number; text: string; params: Record<string, unknown> }[] }).messages;
    const keptRich = messages.find((m) => m.id === rich)!;
    assert.ok(keptRich.params.ATTACH, "ATTACH kept");
    assert.ok(keptRich.params.KEYBOARD, "keyboard kept");
    assert.deepEqual(keptRich.params.LIKE, [1]);
    assert.equal(messages.find((m) => m.id === edited)?.text, "Final text");
    assert.equal(messages.find((m) => m.id === doomed)?.params.IS_DELETED, "Y");
    assert.ok((before.notifications as { notifications: { id: number }[] }).notifications.some((n) => n.id === notification), "the notification is listed");

    assert.deepEqual(await download(uploaded.result.DOWNLOAD_URL), bytes, "the file downloads byte for byte");
    assert.equal((await bitrix24.getCurrentUser(second.url, tokens.access_token)).result.ID, "1", "the OAuth access token still works");
    assert.equal((await bitrix24.getCurrentUser(second.url, second.accessToken)).result.ID, "1");
    const renewed = await bitrix24.refreshToken(APP.clientId, APP.clientSecret, tokens.refresh_token);
    assert.equal(typeof (await bitrix24.serverTime(second.url, renewed.access_token)).result, "string", "the refresh token still works");

    // Ids continue where they stopped, never reused.
    const nextMessage = (await bitrix24.sendMessage(second.webhookUrl, `chat${chatId}`, "After the restart")).result;
    assert.ok(nextMessage > doomed, `message id ${nextMessage} after ${doomed}`);
    const nextChat = (await bitrix24.createChat(second.webhookUrl, { TITLE: "Another", USERS: [2] })).result;
    assert.ok(nextChat > chatId, `chat id ${nextChat} after ${chatId}`);
    const nextNotification = (await bitrix24.createPersonalNotification(second.webhookUrl, 1, "Next")).result as number;
    assert.ok(nextNotification > notification, `notification id ${nextNotification} after ${notification}`);
    const nextUser = (await bitrix24.createUser(second.webhookUrl, { EMAIL: "second@example.com", UF_DEPARTMENT: [1] })).result;
    assert.ok(nextUser > newUserId, `user id ${nextUser} after ${newUserId}`);
    const again = (await bitrix24.uploadFileToFolder(second.webhookUrl, "data2.bin", source, folder)) as { result: { ID: number } };
    assert.ok(again.result.ID > uploaded.result.ID, `file id ${again.result.ID} after ${uploaded.result.ID}`);
    // A tag still replaces the saved notification with the same tag.
    const replacing = (await bitrix24.createPersonalNotification(second.webhookUrl, 1, "Build #8 passed", "build-status")).result as number;
    assert.equal((await bitrix24.deleteNotification(second.webhookUrl, notification)).result, false, "replaced by the new tagged one");
    assert.equal((await bitrix24.deleteNotification(second.webhookUrl, replacing)).result, true);
  });

  it("a second portal on a file in use is refused with PortalDataError", async () => {
    const file = join(tmp.path, "busy.db");
    const running = await startPortal({ data: file });
    try {
      await assert.rejects(startPortal({ data: file }), (e: unknown) => e instanceof PortalDataError && /in use/.test(e.message));
    } finally {
      await running.close();
    }
    const reopened = await startPortal({ data: file }); // the lock went with close()
    await reopened.close();
  });
});

// ---- `oint sandbox --data FILE` as a process ----

const CLI = ["--import", "tsx", join(import.meta.dirname, "..", "src", "cli", "main.ts")];

interface Sandbox {
  child: ChildProcess;
  banner: string;
  webhookUrl: string;
  url: string;
  exited: Promise<number | null>;
}

function startSandbox(file: string): Promise<Sandbox> {
  const child = spawn(process.execPath, [...CLI, "sandbox", "--port", "0", "--plan", "off", "--data", file], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const webhookUrl = /Webhook URL:\s+(\S+)/.exec(out)?.[1];
      if (webhookUrl && out.includes("Press Ctrl+C")) resolve({ child, banner: out, webhookUrl, url: new URL(webhookUrl).origin, exited });
    });
    exited.then((code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
  });
}

describe("oint sandbox --data FILE", () => {
  it("keeps what was sent across restarts, even when the process is killed", async () => {
    const running = new Set<Sandbox>();
    try {
      await sandboxRestarts(join(tmp.path, "sandbox.db"), running);
    } finally {
      // A failed assertion must not leave a sandbox running (the test would never end).
      for (const sandbox of running) sandbox.child.kill("SIGKILL");
      await Promise.all([...running].map((sandbox) => sandbox.exited));
    }
  });

  it("a write the portal acknowledged survives kill -9 at once, and its id is never given to another message", async () => {
    const file = join(tmp.path, "killed.db");
    const running = new Set<Sandbox>();
    try {
      const acknowledged: { id: number; text: string }[] = [];
      for (let round = 1; round <= 6; round++) {
        const sandbox = await startSandbox(file);
        running.add(sandbox);
        // The previous round's message, answered just before the kill, is there under its id.
        const last = acknowledged.at(-1);
        if (last) assert.equal((await messageById(sandbox.webhookUrl, last.id))?.text, last.text, `round ${round}: message ${last.id} kept`);
        const text = `acknowledged in round ${round}`;
        const response = await fetch(`${sandbox.webhookUrl}im.message.add`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE: text }),
        });
        const id = ((await response.json()) as { result: number }).result;
        sandbox.child.kill("SIGKILL"); // the moment the answer is in: no time left to save anything after it
        assert.equal(response.status, 200);
        if (last) assert.ok(id > last.id, `round ${round}: new message id ${id} after ${last.id}`);
        acknowledged.push({ id, text });
        await sandbox.exited;
        running.delete(sandbox);
      }
      const final = await startSandbox(file);
      running.add(final);
      for (const { id, text } of acknowledged) assert.equal((await messageById(final.webhookUrl, id))?.text, text, `message ${id}`);
    } finally {
      for (const sandbox of running) sandbox.child.kill("SIGKILL");
      await Promise.all([...running].map((sandbox) => sandbox.exited));
    }
  });

  it("without --data the banner says in memory", async () => {
    const ac = new AbortController();
    let out = "";
    let started: () => void = () => {};
    const banner = new Promise<void>((resolve) => (started = resolve));
    const write = (text: string) => {
      out += text;
      if (out.includes("Press Ctrl+C")) started();
    };
    const done = runSandbox(["--port", "0", "--plan", "off"], { stdout: { write }, stderr: { write }, signal: ac.signal });
    await Promise.race([banner, done]);
    ac.abort();
    assert.equal(await done, 0);
    assert.match(out, /Data: +in memory/);
  });

  for (const [what, make, message] of [
    ["a file that is not SQLite", (f: string) => writeFileSync(f, "just some text, not a database\n".repeat(100)), /is not an oint portal database/],
    ["another program's SQLite database", (f: string) => sqlite(f, "CREATE TABLE accounts (id INTEGER, name TEXT)"), /is not an oint portal database/],
    ["a portal database of another schema version", (f: string) => sqlite(f, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('format', 'oint-portal'), ('schema_version', '999')"), /another version of oint \(schema 999/],
  ] as const) {
    it(`${what} is refused: exit 4, one line, no stack trace`, async () => {
      const file = join(tmp.path, `${what.replace(/\W+/g, "-")}.db`);
      make(file);
      const run = await runCli(["sandbox", "--port", "0", "--data", file]);
      assert.equal(run.code, 4, run.stderr);
      assert.equal(run.stdout, "");
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, /^oint sandbox: --data: /);
      assert.match(run.stderr, message);
    });
  }
});

async function messageById(webhookUrl: string, id: number): Promise<{ id: number; text: string } | undefined> {
  const messages = (await bitrix24.getChatMessagesList(webhookUrl, "chat1", "", 0)).result.messages as { id: number; text: string }[];
  return messages.find((m) => m.id === id);
}

/** Sandbox runs on one file: killed after a send, then stopped with SIGTERM, then read back. */
async function sandboxRestarts(file: string, running: Set<Sandbox>): Promise<void> {
  const first = await startSandbox(file);
  running.add(first);
  assert.match(first.banner, new RegExp(`Data: +${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(persistent\\)`));
  const sent = await runCli(["bitrix24", "SendMessage", "--url", first.webhookUrl, "--chat", "chat1", "--text", "Saved as it happened"]);
  assert.equal(sent.code, 0, sent.stderr);
  const firstId = JSON.parse(sent.stdout).result as number;
  first.child.kill("SIGKILL"); // no chance to save on the way out: the request was saved already
  await first.exited;
  running.delete(first);

  const second = await startSandbox(file);
  running.add(second);
  assert.equal(second.webhookUrl.replace(second.url, ""), first.webhookUrl.replace(first.url, ""), "the same webhook secret");
  const more = await runCli(["bitrix24", "SendMessage", "--url", second.webhookUrl, "--chat", "chat1", "--text", "Second run"]);
  assert.equal(more.code, 0, more.stderr);
  const secondId = JSON.parse(more.stdout).result as number;
  assert.ok(secondId > firstId, `message id ${secondId} after ${firstId}: the first run's message was saved`);
  second.child.kill("SIGTERM");
  assert.equal(await second.exited, 0);
  running.delete(second);

  const third = await startSandbox(file);
  running.add(third);
  const list = await runCli(["bitrix24", "GetChatMessagesList", "--url", third.webhookUrl, "--chat", "chat1"]);
  assert.equal(list.code, 0, list.stderr);
  const texts = (JSON.parse(list.stdout).result.messages as { text: string }[]).map((m) => m.text);
  assert.ok(texts.includes("Saved as it happened") && texts.includes("Second run"), texts.join(" | "));
  third.child.kill("SIGTERM");
  await third.exited;
  running.delete(third);
}

function sqlite(file: string, sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}
