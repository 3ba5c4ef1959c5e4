// The local portal's page as a place to act: writing as a chosen user, pressing keyboard buttons and
// menu items (LINK, ACTION SEND / PUT / COPY / CALL / DIALOG, COMMAND with BLOCK), system messages,
// the phone-width layout and the first load at the newest message; and, over plain HTTP, that only
// the page itself may post its writes.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { RunningPortal } from "../src/portal/index.js";
import { usePortal } from "./helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, noChromium } from "./web-browser.js";

interface RestMessage {
  id: number;
  author_id: number;
  text: string;
}

/** A REST call as the webhook's user (1), or as `user` through a webhook of theirs. */
async function rest<T>(portal: RunningPortal, method: string, params: Record<string, unknown>, user = 1): Promise<T> {
  const base = user === 1 ? portal.webhookUrl : `${portal.url}/rest/${user}/page-test-${user}/`;
  if (user !== 1) portal.credentials.addWebhook(user, `page-test-${user}`);
  const response = await fetch(`${base}${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
  const body = (await response.json()) as { result: T; error?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.result;
}

/** The dialog's messages as a REST client reads them back (im.dialog.messages.get as user 1). */
async function messagesOf(portal: RunningPortal, dialogId: string): Promise<RestMessage[]> {
  return (await rest<{ messages: RestMessage[] }>(portal, "im.dialog.messages.get", { DIALOG_ID: dialogId, LIMIT: 50 })).messages;
}

/** POST with any headers, Host included (fetch would not let us set Host or drop Origin). */
function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const PAGE_HEADERS = { "content-type": "application/json", "x-oint-page": "1" };

describe("the page's writes over HTTP", () => {
  const ctx = usePortal();
  const count = () => ctx.portal.state.listMessages(1, { limit: 1000 }).length;

  it("writes a message as the chosen user, through im.message.add's own checks", async () => {
    const { portal } = ctx;
    const sent = await post(portal.port, "/ui/act/message", PAGE_HEADERS, JSON.stringify({ userId: 2, dialogId: "chat1", text: "[b]From Maria[/b]" }));
    assert.equal(sent.status, 200, sent.body);
    const id = (JSON.parse(sent.body) as { result: number }).result;
    const stored = (await messagesOf(portal, "chat1")).find((m) => m.id === id);
    assert.equal(stored?.author_id, 2);
    assert.equal(stored?.text, "[b]From Maria[/b]");

    const empty = await post(portal.port, "/ui/act/message", PAGE_HEADERS, JSON.stringify({ userId: 2, dialogId: "chat1", text: "" }));
    assert.deepEqual([empty.status, JSON.parse(empty.body).error], [400, "MESSAGE_EMPTY"]);
    const nobody = await post(portal.port, "/ui/act/message", PAGE_HEADERS, JSON.stringify({ userId: 999, dialogId: "chat1", text: "x" }));
    assert.deepEqual([nobody.status, JSON.parse(nobody.body).error], [400, "USER_NOT_FOUND"]);
    const chat = await rest<number>(portal, "im.chat.add", { TITLE: "Closed", USERS: [3] });
    const outsider = await post(portal.port, "/ui/act/message", PAGE_HEADERS, JSON.stringify({ userId: 2, dialogId: `chat${chat}`, text: "let me in" }));
    assert.deepEqual([outsider.status, JSON.parse(outsider.body).error], [403, "ACCESS_ERROR"]);
  });

  it("refuses a post without the page's header, from another origin or Host, not JSON, or too large", async () => {
    const { portal } = ctx;
    const before = count();
    const body = JSON.stringify({ userId: 1, dialogId: "chat1", text: "forged" });
    const refused = [
      [{ "content-type": "application/json" }, 403],
      [{ ...PAGE_HEADERS, origin: "https://attacker.example" }, 403],
      [{ ...PAGE_HEADERS, origin: `http://localhost:${portal.port}` }, 403], // another origin, even on loopback
      [{ ...PAGE_HEADERS, "sec-fetch-site": "cross-site" }, 403],
      [{ ...PAGE_HEADERS, host: "attacker.example" }, 403],
      [{ "content-type": "text/plain", "x-oint-page": "1" }, 415],
      [{ "content-type": "application/x-www-form-urlencoded", "x-oint-page": "1" }, 415],
    ] as const;
    for (const [headers, status] of refused) {
      const answer = await post(portal.port, "/ui/act/message", headers, body);
      assert.equal(answer.status, status, `${JSON.stringify(headers)}: ${answer.body}`);
    }
    const huge = await post(portal.port, "/ui/act/message", PAGE_HEADERS, JSON.stringify({ userId: 1, dialogId: "chat1", text: "x".repeat(70_000) }));
    assert.equal(huge.status, 413);
    const got = await new Promise<number>((resolve, reject) =>
      request({ host: "127.0.0.1", port: portal.port, path: "/ui/act/message", headers: PAGE_HEADERS }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end(),
    );
    assert.equal(got, 405);
    assert.equal(count(), before, "nothing refused may be stored");

    const same = await post(portal.port, "/ui/act/message", { ...PAGE_HEADERS, origin: `http://127.0.0.1:${portal.port}`, "sec-fetch-site": "same-origin" }, body);
    assert.equal(same.status, 200, same.body);
    assert.equal(count(), before + 1);
  });

  it("records a COMMAND press, blocks a BLOCK=Y button, and refuses what cannot be pressed", async () => {
    const { portal } = ctx;
    const id = await rest<number>(portal, "im.message.add", {
      DIALOG_ID: "chat1",
      MESSAGE: "Approve?",
      KEYBOARD: { BOT_ID: 7, BUTTONS: [{ TEXT: "Yes", COMMAND: "approve", COMMAND_PARAMS: "142", BLOCK: "Y" }, { TEXT: "Off", COMMAND: "x", DISABLED: "Y" }, { TEXT: "Send", ACTION: "SEND", ACTION_VALUE: "y" }] },
      MENU: [{ TEXT: "Report", COMMAND: "report", BLOCK: "Y" }],
    });
    const press = (body: Record<string, unknown>) => post(portal.port, "/ui/act/press", PAGE_HEADERS, JSON.stringify({ userId: 2, messageId: id, ...body }));
    const first = await press({ kind: "keyboard", index: 0 });
    assert.equal(first.status, 200, first.body);
    const recorded = portal.commandPresses.list.at(-1)!;
    assert.deepEqual(
      { ...recorded, date: undefined },
      { id: 1, date: undefined, userId: 2, messageId: id, chatId: 1, dialogId: "chat1", command: "approve", commandParams: "142", context: "KEYBOARD", botId: 7 },
    );
    const again = await press({ kind: "keyboard", index: 0 });
    assert.deepEqual([again.status, JSON.parse(again.body).error], [409, "BUTTON_BLOCKED"]);
    const dialog = (await (await fetch(`${portal.url}/ui/api/chats/1`)).json()) as { blocked: Record<string, number[]> };
    assert.deepEqual(dialog.blocked[id], [0]);

    // A menu item has no BLOCK in Bitrix24: it can be pressed again.
    for (let i = 0; i < 2; i++) assert.equal((await press({ kind: "menu", index: 0 })).status, 200);
    assert.deepEqual(portal.commandPresses.list.slice(-2).map((p) => [p.command, p.context]), [["report", "MENU"], ["report", "MENU"]]);

    assert.equal(JSON.parse((await press({ kind: "keyboard", index: 1 })).body).error, "BUTTON_DISABLED");
    assert.equal(JSON.parse((await press({ kind: "keyboard", index: 2 })).body).error, "NOT_A_COMMAND");
    assert.equal(JSON.parse((await press({ kind: "keyboard", index: 9 })).body).error, "BUTTON_NOT_FOUND");
    const outsider = await rest<number>(portal, "im.chat.add", { TITLE: "Bots", USERS: [3] });
    const theirs = await rest<number>(portal, "im.message.add", { DIALOG_ID: `chat${outsider}`, MESSAGE: "x", KEYBOARD: [{ TEXT: "Go", COMMAND: "go" }] });
    const denied = await post(portal.port, "/ui/act/press", PAGE_HEADERS, JSON.stringify({ userId: 2, messageId: theirs, kind: "keyboard", index: 0 }));
    assert.deepEqual([denied.status, JSON.parse(denied.body).error], [403, "ACCESS_ERROR"]);
    assert.equal(portal.commandPresses.list.length, 3);
  });
});

describe("acting on the page in a browser", { skip: noChromium }, () => {
  const ctx = usePortal();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let project: number;
  let keyboardMessage: number;

  const open = async (target: Page, hash = "") => {
    await target.goto(`${ctx.portal.url}/${hash}`);
    await target.waitForSelector("body[data-ready=true]");
    await target.waitForSelector("#live[data-state=live]");
  };

  before(async () => {
    const { portal } = ctx;
    project = await rest<number>(portal, "im.chat.add", { TITLE: "Project", USERS: [2, 3] });
    keyboardMessage = await rest<number>(portal, "im.message.add", {
      DIALOG_ID: "chat1",
      MESSAGE: "What next?",
      KEYBOARD: [
        { TEXT: "Approve", COMMAND: "approve", COMMAND_PARAMS: "142", BLOCK: "Y", BG_COLOR_TOKEN: "primary" },
        { TEXT: "Say yes", ACTION: "SEND", ACTION_VALUE: "Yes please" },
        { TYPE: "NEWLINE" },
        { TEXT: "Copy id", ACTION: "COPY", ACTION_VALUE: "ORDER-142" },
        { TEXT: "Ask for help", ACTION: "PUT", ACTION_VALUE: "/help " },
        { TEXT: "Open Project", ACTION: "DIALOG", ACTION_VALUE: `chat${project}` },
        { TYPE: "NEWLINE" },
        { TEXT: "Picture", LINK: `${portal.url}/ui/assets/sample.svg` },
        { TEXT: "Call", ACTION: "CALL", ACTION_VALUE: "+1 555 010 2030" },
      ],
      MENU: [{ TEXT: "Run report", COMMAND: "report", COMMAND_PARAMS: "weekly" }, { TEXT: "Write to Daniel", ACTION: "DIALOG", ACTION_VALUE: "3" }],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: portal.url });
    page = await context.newPage();
    await open(page);
  });
  after(async () => {
    await browser?.close();
  });

  const button = (text: string) => page.locator(`[data-message-id="${keyboardMessage}"] .b24-keyboard [data-index]`, { hasText: text });
  const writeAs = (user: number) => page.selectOption("#as-user", String(user));
  const newest = async (dialogId: string) => (await messagesOf(ctx.portal, dialogId)).at(0)!;

  it("writes in the chat as the user chosen in 'Writing as'", async () => {
    await writeAs(2);
    await page.fill("#composer-text", "Hello from Maria, typed on the page");
    await page.press("#composer-text", "Enter");
    const shown = page.locator("#messages .message", { hasText: "Hello from Maria, typed on the page" });
    await shown.waitFor();
    assert.equal(await page.inputValue("#composer-text"), "");
    const id = Number(await shown.getAttribute("data-message-id"));
    const stored = (await messagesOf(ctx.portal, "chat1")).find((m) => m.id === id);
    assert.deepEqual([stored?.author_id, stored?.text], [2, "Hello from Maria, typed on the page"]);
    assert.match((await shown.getAttribute("class")) ?? "", /\bown\b/, "the page's user's own message");
  });

  it("SEND posts the button's value as the page's user", async () => {
    await writeAs(3);
    await button("Say yes").click();
    await page.locator("#messages .message .text", { hasText: "Yes please" }).waitFor();
    const stored = await newest("chat1");
    assert.deepEqual([stored.author_id, stored.text], [3, "Yes please"]);
  });

  it("PUT puts the value into the composer, COPY copies it and says so", async () => {
    await button("Ask for help").click();
    assert.equal(await page.inputValue("#composer-text"), "/help ");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-text");
    await page.fill("#composer-text", "");

    await button("Copy id").click();
    await page.locator("#notice", { hasText: "Copied to the clipboard: ORDER-142" }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "ORDER-142");
  });

  it("COMMAND is recorded on the portal and shown as a notice; BLOCK=Y disables the button, across a reload", async () => {
    await writeAs(2);
    await button("Approve").click();
    await page.locator("#notice", { hasText: "Command /approve 142 pressed by Maria Ivanova" }).waitFor();
    const press = ctx.portal.commandPresses.list.at(-1)!;
    assert.deepEqual([press.command, press.commandParams, press.context, press.userId, press.messageId], ["approve", "142", "KEYBOARD", 2, keyboardMessage]);
    await page.locator(`[data-message-id="${keyboardMessage}"] button.b24-button-blocked:disabled`, { hasText: "Approve" }).waitFor();
    assert.equal((await messagesOf(ctx.portal, "chat1")).some((m) => m.text.includes("approve")), false, "a command is not a chat message");

    await open(page);
    assert.equal(await button("Approve").isDisabled(), true);

    const message = page.locator(`[data-message-id="${keyboardMessage}"]`);
    await message.locator(".b24-menu summary").click();
    await message.locator(".b24-menu [data-index]", { hasText: "Run report" }).click();
    await page.locator("#notice", { hasText: "Command /report weekly pressed by" }).waitFor();
    assert.deepEqual([ctx.portal.commandPresses.list.at(-1)!.command, ctx.portal.commandPresses.list.at(-1)!.context], ["report", "MENU"]);
  });

  it("LINK opens the link in a new tab; CALL is a tel: link", async () => {
    const [tab] = await Promise.all([context.waitForEvent("page"), button("Picture").click()]);
    await tab.waitForLoadState();
    assert.equal(tab.url(), `${ctx.portal.url}/ui/assets/sample.svg`);
    await tab.close();
    assert.equal(await button("Call").getAttribute("href"), "tel:+15550102030");
  });

  it("DIALOG opens a chat (chatN) or the private dialog with a user, where one can write", async () => {
    await writeAs(2);
    await button("Open Project").click();
    await page.locator("#dialog-header h1", { hasText: "Project" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), `#chat/${project}`);

    await open(page);
    await writeAs(2);
    const message = page.locator(`[data-message-id="${keyboardMessage}"]`);
    await message.locator(".b24-menu summary").click();
    await message.locator(".b24-menu [data-index]", { hasText: "Write to Daniel" }).click();
    await page.locator("#dialog-header h1", { hasText: "Daniel Kim" }).waitFor();
    assert.equal(await page.locator("#as-user").inputValue(), "2");
    await page.fill("#composer-text", "Hi Daniel, Maria here");
    await page.press("#composer-text", "Enter");
    await page.locator("#dialog-header h1", { hasText: "Maria Ivanova ↔ Daniel Kim" }).waitFor();
    await page.locator("#messages .message .text", { hasText: "Hi Daniel, Maria here" }).waitFor();
    const stored = (await rest<{ messages: RestMessage[] }>(ctx.portal, "im.dialog.messages.get", { DIALOG_ID: "3" }, 2)).messages[0];
    assert.deepEqual([stored.author_id, stored.text], [2, "Hi Daniel, Maria here"]);
  });

  it("shows system messages as Bitrix24 does: centred grey text, no avatar, no bubble", async () => {
    await rest(ctx.portal, "im.message.add", { DIALOG_ID: `chat${project}`, MESSAGE: "Build 42 deployed", SYSTEM: "Y" });
    await page.goto(`${ctx.portal.url}/#chat/${project}`);
    const deployed = page.locator("#messages .message", { hasText: "Build 42 deployed" });
    await deployed.waitFor();
    const created = page.locator("#messages .message", { hasText: 'created the chat "Project"' });
    for (const system of [deployed, created]) {
      assert.match((await system.getAttribute("class")) ?? "", /\bsystem\b/);
      assert.equal(await system.locator(".avatar, .bubble, .author").count(), 0);
      const look = await system.locator(".system-body").evaluate((el) => {
        const style = getComputedStyle(el);
        return { align: style.textAlign, color: style.color, background: style.backgroundColor };
      });
      assert.deepEqual(look, { align: "center", color: "rgb(130, 139, 149)", background: "rgba(0, 0, 0, 0)" });
      const box = (await system.boundingBox())!;
      const text = (await system.locator(".text").boundingBox())!;
      const pane = (await page.locator("#messages").boundingBox())!;
      assert.ok(Math.abs(text.x + text.width / 2 - (pane.x + pane.width / 2)) < 20, "centred in the pane");
      assert.ok(box.width > 0);
    }
  });

  it("opens at the newest message even when pictures load after the text, and stays there until scrolled up", async () => {
    const { portal } = ctx;
    const gallery = await rest<number>(portal, "im.chat.add", { TITLE: "Gallery", USERS: [2] });
    for (let i = 1; i <= 6; i++) {
      // No WIDTH/HEIGHT: each picture has no height until it has loaded.
      await rest(portal, "im.message.add", { DIALOG_ID: `chat${gallery}`, MESSAGE: `Picture ${i}`, ATTACH: [{ IMAGE: { LINK: `${portal.url}/ui/assets/sample.svg?n=${i}` } }] });
    }
    await rest(portal, "im.message.add", { DIALOG_ID: `chat${gallery}`, MESSAGE: "The last word" });
    const fresh = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const reader = await fresh.newPage();
    // The pictures arrive only once the page has rendered and settled, as slow pictures do.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await reader.route(/\/ui\/assets\/sample\.svg\?n=/, async (route) => {
      await held;
      await route.continue();
    });
    await open(reader, `#chat/${gallery}`);
    await reader.locator("#messages .message", { hasText: "The last word" }).waitFor();
    release();
    await reader.waitForFunction(() => {
      const images = Array.from(document.querySelectorAll<HTMLImageElement>("#messages img.b24-image"));
      return images.length === 6 && images.every((img) => img.complete && img.naturalHeight > 0);
    });
    const gap = () => reader.locator("#messages").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    await reader.waitForFunction(() => document.querySelector("#messages")!.scrollHeight > 1500);
    assert.ok((await gap()) < 2, `the view must end at the newest message (gap ${await gap()} px)`);
    assert.ok(await reader.locator("#messages .message", { hasText: "The last word" }).isVisible());

    // Scrolled up to read: a new message does not pull the view down.
    await reader.locator("#messages").evaluate((el) => (el.scrollTop = 0));
    const id = await rest<number>(portal, "im.message.add", { DIALOG_ID: `chat${gallery}`, MESSAGE: "One more" });
    await reader.locator(`[data-message-id="${id}"]`).waitFor({ state: "attached" });
    assert.equal(await reader.locator("#messages").evaluate((el) => el.scrollTop), 0);
    await fresh.close();
  });

  it("works at phone width (420 px): the messages and the composer fill the screen, the chat list slides over", async () => {
    const phone = await browser.newContext({ viewport: { width: 420, height: 800 } });
    const small = await phone.newPage();
    await open(small);
    const pane = (await small.locator("#messages").boundingBox())!;
    assert.ok(pane.width >= 400 && pane.height >= 450, `message pane ${JSON.stringify(pane)}`);
    assert.ok(await small.locator("#messages .message", { hasText: "What next?" }).isVisible());
    const composer = (await small.locator("#composer").boundingBox())!;
    assert.ok(composer.width >= 400 && composer.y + composer.height <= 800, `composer ${JSON.stringify(composer)}`);
    const sidebar = () => small.locator(".sidebar").boundingBox();
    assert.ok((await sidebar())!.x + (await sidebar())!.width <= 0, "the chat list is off screen");

    await small.click("#show-chats");
    await small.waitForFunction(() => document.querySelector(".sidebar")!.getBoundingClientRect().x === 0);
    await small.locator("#chats .chat-item", { hasText: "Project" }).click();
    await small.locator("#dialog-header h1", { hasText: "Project" }).waitFor();
    await small.waitForFunction(() => document.querySelector(".sidebar")!.getBoundingClientRect().right <= 0);

    await small.selectOption("#as-user", "3");
    await small.fill("#composer-text", "Typed on a phone");
    await small.click("#composer button.send");
    await small.locator("#messages .message", { hasText: "Typed on a phone" }).waitFor();
    assert.deepEqual([(await newest(`chat${project}`)).author_id, (await newest(`chat${project}`)).text], [3, "Typed on a phone"]);
    await phone.close();
  });
});
