// The local portal's web page: the BB-code and ATTACH renderers on their own, the page's JSON and
// event stream over HTTP, and the page itself in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): messages sent through the CLI appear live, rendered as Bitrix24
// shows them, and nothing a message says can run as markup.
//
// OINT_UPDATE_SCREENSHOT=1 also saves the rich-message screenshot as docs/portal.png (README).
import assert from "node:assert/strict";
import { copyFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { bbcodeToHtml } from "../src/portal/web/assets/bbcode.js";
import { attachToHtml, keyboardToHtml, menuToHtml } from "../src/portal/web/assets/rich.js";
import { runSandbox } from "../src/portal/cli.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, noChromium } from "./web-browser.js";
const README_SCREENSHOT = join(import.meta.dirname, "..", "docs", "portal.png");

describe("BB-code renderer", () => {
  it("renders the text tags, links, mentions and line breaks", () => {
    const html = bbcodeToHtml("[b]bold[/b] [I]italic[/I] [u]under[/u] [s]gone[/s][br][url=https://example.com/a?x=1&y=2]docs[/url]\n[user=2]Maria[/user] [chat=7]Sales[/chat]");
    assert.match(html, /<b>bold<\/b> <i>italic<\/i> <u>under<\/u> <s>gone<\/s><br>/);
    assert.match(html, /<a class="b24-link" href="https:\/\/example\.com\/a\?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">docs<\/a><br>/);
    assert.match(html, /<span class="b24-mention b24-mention-user" data-user-id="2">Maria<\/span>/);
    assert.match(html, /<span class="b24-mention b24-mention-chat" data-chat-id="7">Sales<\/span>/);
  });

  it("names a mention without text, links bare URLs and keeps unknown or unmatched tags as text", () => {
    assert.match(bbcodeToHtml("[user=3][/user]", { userName: (id) => (id === 3 ? "Daniel Kim" : undefined) }), />Daniel Kim<\/span>/);
    assert.match(bbcodeToHtml("see https://example.com/x now"), /see <a class="b24-link" href="https:\/\/example\.com\/x"[^>]*>https:\/\/example\.com\/x<\/a> now/);
    assert.equal(bbcodeToHtml("[b]open [i]never closed[/b] [/u] [blink]x[/blink]"), "<b>open [i]never closed</b> [/u] [blink]x[/blink]");
    assert.equal(bbcodeToHtml("[code][b]as is[/b][/code]"), `<pre class="b24-code">[b]as is[/b]</pre>`);
    assert.equal(bbcodeToHtml(">>quoted\nanswer"), `<blockquote class="b24-quote">quoted</blockquote>answer`);
  });

  it("escapes HTML and refuses script URLs and odd colours", () => {
    assert.equal(bbcodeToHtml(`<script>alert("x")</script> & 'q'`), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    assert.equal(bbcodeToHtml("[url=javascript:alert(1)]click[/url]"), "click");
    assert.equal(bbcodeToHtml(`[url=https://x.example/"onmouseover="alert(1)]t[/url]`).includes(`"onmouseover`), false);
    assert.equal(bbcodeToHtml("[color=red;background:url(x)]t[/color]"), "t");
    assert.equal(bbcodeToHtml("[b]<img src=x onerror=alert(1)>[/b]"), "<b>&lt;img src=x onerror=alert(1)&gt;</b>");
  });
});

describe("ATTACH and keyboard renderer", () => {
  const attach = [
    {
      ID: 1,
      COLOR: "#ff0000",
      COLOR_TOKEN: "primary",
      BLOCKS: [
        { MESSAGE: "[b]Hi[/b] <you>" },
        { LINK: [{ NAME: "Site", LINK: "https://example.com", DESC: "<i>desc</i>" }] },
        { IMAGE: [{ NAME: "Pic", LINK: "https://example.com/p.jpg", PREVIEW: "https://example.com/p-small.jpg" }] },
        { FILE: [{ NAME: "Report.docx", LINK: "https://example.com/r.docx", SIZE: 1536 }] },
        { DELIMITER: { SIZE: 120, COLOR: "#c6c6c6" } },
        { GRID: [{ DISPLAY: "ROW", NAME: "Status", VALUE: "[b]late[/b]", COLOR_TOKEN: "alert" }, { DISPLAY: "ROW", NAME: "Owner", VALUE: "Maria" }] },
        { GRID: [{ DISPLAY: "TABLE", NAME: "Sum", VALUE: "10" }] },
        { USER: [{ NAME: "Maria Ivanova", USER_ID: 2 }] },
      ],
    },
  ];

  it("renders every block type with the colour tokens as classes", () => {
    const html = attachToHtml(attach);
    assert.match(html, /^<div class="b24-attach b24-token-primary" style="border-left-color:#ff0000" data-attach-id="1">/);
    assert.match(html, /<div class="b24-block b24-block-message"><b>Hi<\/b> &lt;you&gt;<\/div>/);
    assert.match(html, /<a class="b24-link-name" href="https:\/\/example\.com"[^>]*>Site<\/a><div class="b24-link-desc">&lt;i&gt;desc&lt;\/i&gt;<\/div>/);
    assert.match(html, /<img class="b24-image" src="https:\/\/example\.com\/p-small\.jpg" alt="Pic">/);
    assert.match(html, /<span class="b24-file-icon">DOCX<\/span>.*Report\.docx<\/a><span class="b24-file-size">1\.5 KB<\/span>/);
    assert.match(html, /<hr class="b24-block b24-block-delimiter" style="width:120px;background-color:#c6c6c6">/);
    assert.match(html, /<div class="b24-block b24-block-grid b24-grid-row"><div class="b24-grid-item b24-token-alert"><div class="b24-grid-name">Status<\/div><div class="b24-grid-value"><b>late<\/b><\/div><\/div>/);
    assert.match(html, /<table class="b24-grid-table"><tbody><tr class="b24-grid-item b24-token-base"><th>Sum<\/th><td>10<\/td><\/tr>/);
    assert.match(html, /<div class="b24-block b24-block-user" data-user-id="2"><span class="b24-avatar b24-avatar-user">MI<\/span>/);
  });

  it("accepts the short form and never lets a block inject markup or script links", () => {
    const html = attachToHtml([
      { LINK: { NAME: `<img src=x onerror=alert(1)>`, LINK: "javascript:alert(1)" } },
      { IMAGE: { LINK: "https://example.com/a.png", NAME: `"><script>x</script>` } },
      { DELIMITER: { SIZE: "9999;x", COLOR: "red;x" } },
      { POLL: { Q: "<b>?</b>" } },
    ]);
    assert.match(html, /^<div class="b24-attach b24-token-base" data-attach-id="">/);
    assert.doesNotMatch(html, /<img src=x|<script>|javascript:|red;x/);
    assert.match(html, /<span class="b24-link-name">&lt;img src=x onerror=alert\(1\)&gt;<\/span>/);
    assert.match(html, /<pre class="b24-block b24-block-unknown">\{&quot;POLL&quot;:\{&quot;Q&quot;:&quot;&lt;b&gt;\?&lt;\/b&gt;&quot;\}\}<\/pre>/);
  });

  it("lays keyboard buttons out in rows with their tokens, links and disabled state", () => {
    const html = keyboardToHtml({
      BUTTONS: [
        { TEXT: "Yes", COMMAND: "yes", BG_COLOR_TOKEN: "primary", DISPLAY: "LINE" },
        { TEXT: "<No>", COMMAND: "no", DISABLED: "Y" },
        { TYPE: "NEWLINE" },
        { TEXT: "Docs", LINK: "https://example.com/docs", BG_COLOR: "#00ff00" },
      ],
    });
    const rows = html.match(/<div class="b24-keyboard-row">/g) ?? [];
    assert.equal(rows.length, 2);
    assert.match(html, /<button type="button" class="b24-button b24-token-primary b24-button-line b24-context-all" data-index="0" title="Command \/yes">Yes<\/button>/);
    assert.match(html, /<button type="button" class="[^"]*b24-button-disabled" data-index="1" title="Command \/no" disabled>&lt;No&gt;<\/button>/);
    assert.match(html, /<a class="b24-button b24-token-base[^"]*" href="https:\/\/example\.com\/docs"[^>]* style="background-color:#00ff00"[^>]*>Docs<\/a>/);
    assert.equal(keyboardToHtml(null), "");
    assert.match(menuToHtml([{ TEXT: "Copy", ACTION: "COPY", ACTION_VALUE: "42" }]), /<li><button type="button" class="b24-menu-item b24-context-all" data-index="0" title="COPY: 42">Copy<\/button><\/li>/);
  });

  it("renders CALL as a tel: link, blocked buttons disabled, and unsafe links as plain buttons", () => {
    const html = keyboardToHtml([
      { TEXT: "Call", ACTION: "CALL", ACTION_VALUE: "+1 (555) 010-20-30" },
      { TEXT: "Bad call", ACTION: "CALL", ACTION_VALUE: "javascript:alert(1)" },
      { TEXT: "Go", COMMAND: "go", BLOCK: "Y", OFF_BG_COLOR: "#cccccc" },
      { TEXT: "Evil", LINK: "javascript:alert(1)" },
    ], { blocked: [2] });
    assert.match(html, /<a class="[^"]*" href="tel:\+15550102030" data-index="0" title="CALL: \+1 \(555\) 010-20-30">Call<\/a>/);
    assert.match(html, /<button type="button" class="[^"]*" data-index="1" title="CALL: javascript:alert\(1\)">Bad call<\/button>/);
    assert.match(html, /<button type="button" class="[^"]*b24-button-disabled b24-button-blocked" data-index="2" style="background-color:#cccccc" title="Command \/go" disabled>Go<\/button>/);
    assert.doesNotMatch(html, /href="javascript/);
    assert.match(menuToHtml({ ITEMS: [{ TEXT: "Docs", LINK: "/docs" }, { TEXT: "Off", COMMAND: "x", DISABLED: "Y" }] }), /<a class="b24-menu-item b24-context-all" href="\/docs" target="_blank" rel="noopener noreferrer" data-index="0" title="Open \/docs">Docs<\/a><\/li><li><button type="button" class="b24-menu-item b24-context-all b24-menu-item-disabled" data-index="1" title="Command \/x" disabled>Off<\/button>/);
  });
});

/** GET on the portal with a chosen Host header (fetch would not let us set it). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

describe("the page's HTTP side", () => {
  const ctx = usePortal();

  it("serves the page at the root with a strict content policy, and its JSON without any secret", async () => {
    const { portal } = ctx;
    const page = await fetch(`${portal.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/ui\/assets\/app\.js"><\/script>/);

    const overview = await fetch(`${portal.url}/ui/api/overview`);
    const text = await overview.text();
    const data = JSON.parse(text) as { users: { name: string }[]; chats: { dialogId: string; title: string }[] };
    assert.ok(data.users.some((u) => u.name === "Alex Morgan"));
    assert.ok(data.chats.some((c) => c.dialogId === "chat1" && c.title === "General"));
    const dialog = await (await fetch(`${portal.url}/ui/api/chats/1`)).text();
    for (const body of [text, dialog]) {
      assert.equal(body.includes(portal.secret), false, "the webhook secret must never reach the page");
      assert.equal(body.includes(portal.accessToken), false, "the access token must never reach the page");
    }
    assert.equal((await fetch(`${portal.url}/ui/api/chats/999`)).status, 404);
    assert.equal((await fetch(`${portal.url}/ui/assets/../../state.ts`)).status, 404);
  });

  it("is the address `oint sandbox` prints as its web page", async () => {
    let text = "";
    let started: () => void = () => {};
    const ready = new Promise<void>((resolve) => (started = resolve));
    const stdout = { write: (chunk: string) => ((text += chunk), text.includes("Press Ctrl+C") && started()) };
    const stop = new AbortController();
    const running = runSandbox(["--port", "0"], { stdout, stderr: { write: () => true }, signal: stop.signal });
    await ready;
    const address = /^Web page:\s+(http:\/\/127\.0\.0\.1:\d+\/)\s/m.exec(text)?.[1];
    assert.ok(address, text);
    const page = await fetch(address);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>oint · local Bitrix24 portal<\/title>/);
    stop.abort();
    assert.equal(await running, 0);
  });

  it("answers only loopback Host names (no DNS rebinding)", async () => {
    const { portal } = ctx;
    assert.equal((await getWithHost(portal.port, "/ui/api/overview", "attacker.example:80")).status, 403);
    assert.equal((await getWithHost(portal.port, "/", "attacker.example")).status, 403);
    assert.equal((await getWithHost(portal.port, "/ui/api/overview", `localhost:${portal.port}`)).status, 200);
  });

  it("streams a change event when a message is sent over REST", async () => {
    const { portal } = ctx;
    const abort = new AbortController();
    const stream = await fetch(`${portal.url}/ui/events`, { signal: abort.signal });
    assert.match(stream.headers.get("content-type") ?? "", /^text\/event-stream/);
    const reader = stream.body!.getReader();
    const sent = await fetch(`${portal.webhookUrl}im.message.add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE: "stream me" }),
    });
    const id = ((await sent.json()) as { result: number }).result;
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes(`"messageId":${id}`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    abort.abort();
    assert.match(text, new RegExp(`data: \\{"kind":"message","action":"add","chatId":1,"messageId":${id}\\}`));
  });
});

describe("the page in a browser", { skip: noChromium }, () => {
  const ctx = usePortal();
  const scratch = useScratchDir();
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${ctx.portal.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("#live[data-state=live]");
    // Marks this page load: a reload would lose it, so finding it later proves updates came live.
    await page.evaluate(() => ((window as unknown as { pageLoad: string }).pageLoad = "first"));
  });
  after(async () => {
    await browser?.close();
  });

  const cli = (...args: string[]) => runCli(["bitrix24", ...args, "--url", ctx.portal.webhookUrl]);
  const sameLoad = () => page.evaluate(() => (window as unknown as { pageLoad?: string }).pageLoad);
  const message = (id: number) => page.locator(`[data-message-id="${id}"]`);

  it("shows the seeded General chat, the users and the live marker", async () => {
    assert.equal(await page.locator("#chats .chat-item.selected .chat-title").textContent(), "General");
    assert.equal(await page.locator("#dialog-header h1").textContent(), "General");
    assert.ok((await page.locator("#messages .message").count()) >= 2);
    assert.equal(await page.locator("#users .user").count(), ctx.portal.state.listUsers().length);
  });

  it("shows a message with every block type and a keyboard, sent through the CLI, without a reload", async () => {
    const picture = `${ctx.portal.url}/ui/assets/sample.svg`;
    const blocks = [
      { MESSAGE: "[b]Order #142[/b] is [color=#e53935]running late[/color]" },
      { LINK: { NAME: "Open order #142", LINK: "https://example.com/orders/142", DESC: "ACME Ltd · 12 items" } },
      { IMAGE: { NAME: "Loading bay", LINK: picture, WIDTH: 320, HEIGHT: 180 } },
      { FILE: { NAME: "Invoice-142.pdf", LINK: "https://example.com/invoice-142.pdf", SIZE: 482133 } },
      { DELIMITER: { SIZE: 300, COLOR: "#c6c6c6" } },
      {
        GRID: [
          { DISPLAY: "ROW", NAME: "Status", VALUE: "Delayed", COLOR_TOKEN: "alert" },
          { DISPLAY: "ROW", NAME: "Due", VALUE: "[b]Friday[/b]" },
          { DISPLAY: "ROW", NAME: "Manager", VALUE: "[user=2]Maria Ivanova[/user]" },
        ],
      },
      { GRID: [{ DISPLAY: "BLOCK", NAME: "Total", VALUE: "$1,250", COLOR_TOKEN: "primary", WIDTH: 120 }, { DISPLAY: "BLOCK", NAME: "Paid", VALUE: "$0", WIDTH: 120 }] },
      { GRID: [{ DISPLAY: "LINE", NAME: "Items", VALUE: "12" }, { DISPLAY: "LINE", NAME: "Weight", VALUE: "40 kg" }] },
      { USER: { NAME: "Maria Ivanova", USER_ID: 2 } },
    ];
    const keyboard = {
      BUTTONS: [
        { TEXT: "Approve", COMMAND: "approve", BG_COLOR_TOKEN: "primary", DISPLAY: "LINE" },
        { TEXT: "Reject", COMMAND: "reject", BG_COLOR_TOKEN: "alert", DISPLAY: "LINE" },
        { TYPE: "NEWLINE" },
        { TEXT: "Open in Bitrix24", LINK: "https://example.com/orders/142" },
      ],
    };
    // The text does not start with "[": OpenIntegrations keeps a typed \n in values that look like JSON.
    const sent = await cli(
      "SendMessage",
      "--chat", "chat1",
      "--text",
      "Heads-up: [b]Delivery update[/b] for [url=https://example.com/orders/142]order 142[/url]\\n[i]Please check[/i] the details, [user=3][/user]",
      "--blocks", JSON.stringify(blocks),
      "--keyboard", JSON.stringify(keyboard),
    );
    assert.equal(sent.code, 0, sent.stderr);
    const id = (JSON.parse(sent.stdout) as { result: number }).result;

    const shown = message(id);
    await shown.waitFor();
    assert.equal(await sameLoad(), "first", "the message must arrive without a reload");

    const text = shown.locator(".text").first();
    assert.equal(await text.locator("b").first().textContent(), "Delivery update");
    assert.equal(await text.locator("i").textContent(), "Please check");
    assert.equal(await text.locator("a.b24-link").getAttribute("href"), "https://example.com/orders/142");
    assert.equal(await text.locator("br").count(), 1);
    assert.equal(await text.locator(".b24-mention-user").textContent(), "Daniel Kim");

    const attach = shown.locator(".b24-attach");
    assert.equal(await attach.locator(".b24-block-message b").textContent(), "Order #142");
    assert.equal(await attach.locator(".b24-block-link a").getAttribute("href"), "https://example.com/orders/142");
    const image = attach.locator("img.b24-image");
    assert.equal(await image.getAttribute("src"), picture);
    await page.waitForFunction((id) => {
      const img = document.querySelector<HTMLImageElement>(`[data-message-id="${id}"] img.b24-image`);
      return img !== null && img.complete && img.naturalWidth > 0;
    }, id);
    assert.equal(await attach.locator(".b24-block-file .b24-file-size").textContent(), "471 KB");
    assert.equal(await attach.locator("hr.b24-block-delimiter").count(), 1);
    assert.equal(await attach.locator(".b24-grid-row .b24-grid-item").count(), 3);
    assert.equal(await attach.locator(".b24-grid-row .b24-grid-item.b24-token-alert .b24-grid-value").textContent(), "Delayed");
    assert.equal(await attach.locator(".b24-grid-block .b24-token-primary .b24-grid-value").textContent(), "$1,250");
    assert.equal(await attach.locator(".b24-grid-line .b24-grid-item").count(), 2);
    assert.equal(await attach.locator(".b24-block-user .b24-user-name").textContent(), "Maria Ivanova");

    const rows = shown.locator(".b24-keyboard .b24-keyboard-row");
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.nth(0).locator(".b24-button").allTextContents(), ["Approve", "Reject"]);
    assert.match((await rows.nth(0).locator(".b24-button").nth(1).getAttribute("class")) ?? "", /\bb24-token-alert\b/);
    // Colour tokens are real colours on the page, not just class names.
    const approveColour = await rows.nth(0).locator(".b24-button").first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(approveColour, "rgb(47, 198, 246)");
    assert.equal(await rows.nth(1).locator("a.b24-button").getAttribute("href"), "https://example.com/orders/142");

    // Seen by Maria, who received it (the author's own messages sit on the right, in green).
    await page.selectOption("#as-user", "2");
    await page.locator(`[data-message-id="${id}"]:not(.own)`).waitFor();
    await shown.scrollIntoViewIfNeeded();
    const shot = join(scratch.path, "portal.png");
    await page.screenshot({ path: shot, animations: "disabled" });
    assert.ok(statSync(shot).size > 10_000);
    if (process.env.OINT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
  });

  it("shows edits, likes, read marks and deletions live", async () => {
    const sent = await cli("SendMessage", "--chat", "chat1", "--text", "First draft");
    const id = (JSON.parse(sent.stdout) as { result: number }).result;
    await message(id).waitFor();

    const edited = await cli("EditMessage", "--message", String(id), "--text", "[b]Final[/b] text");
    assert.equal(edited.code, 0, edited.stderr);
    await message(id).locator(".text b", { hasText: "Final" }).waitFor();
    assert.equal(await message(id).locator(".edited").textContent(), "edited");

    // Maria likes it and reads it: over REST as Maria (a webhook of hers).
    ctx.portal.credentials.addWebhook(2, "mariasecret");
    const asMaria = `${ctx.portal.url}/rest/2/mariasecret/`;
    const like = await fetch(`${asMaria}im.message.like`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ MESSAGE_ID: id }) });
    assert.equal(like.status, 200);
    await message(id).locator(".likes", { hasText: "♥ 1" }).waitFor();
    assert.equal(await message(id).locator(".likes").getAttribute("title"), "Maria Ivanova");
    const read = await fetch(`${asMaria}im.dialog.read`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ DIALOG_ID: "chat1", MESSAGE_ID: id }) });
    assert.equal(read.status, 200);
    await message(id).locator(".seen", { hasText: "Maria Ivanova" }).waitFor();

    const deleted = await cli("DeleteMessage", "--message", String(id));
    assert.equal(deleted.code, 0, deleted.stderr);
    await page.locator(`.message.deleted[data-message-id="${id}"]`).waitFor();
    assert.equal(await message(id).locator(".text").textContent(), ctx.portal.state.getMessage(id)!.text);
    assert.equal(await message(id).locator(".likes").count(), 0);
    assert.equal(await sameLoad(), "first");
  });

  it("shows HTML in a message as text: nothing in it runs", async () => {
    const hostile = `<img src=x onerror="window.hacked=1"><script>window.hacked=2</script> [url=javascript:window.hacked=3]click[/url]`;
    const sent = await cli("SendMessage", "--chat", "chat1", "--text", hostile, "--blocks", JSON.stringify([{ MESSAGE: "<b onclick=alert(1)>x</b>" }]));
    const id = (JSON.parse(sent.stdout) as { result: number }).result;
    const shown = message(id);
    await shown.waitFor();
    assert.equal(await shown.locator(".text").textContent(), `<img src=x onerror="window.hacked=1"><script>window.hacked=2</script> click`);
    assert.equal(await shown.locator(".text img, .text script, .text a").count(), 0);
    assert.equal(await shown.locator(".b24-block-message").textContent(), "<b onclick=alert(1)>x</b>");
    await shown.locator(".text").click();
    assert.equal(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked), undefined);
  });

  it("shows notifications in the panel and new private dialogs in the sidebar, live", async () => {
    const sent = await cli("CreatePersonalNotification", "--user", "3", "--text", "[b]Invoice[/b] approved");
    assert.equal(sent.code, 0, sent.stderr);
    const note = page.locator("#notifications .notification").first();
    await note.locator(".text b", { hasText: "Invoice" }).waitFor();
    assert.equal(await note.locator(".to").textContent(), "to Daniel Kim");
    assert.equal(await page.locator("#notify-count").textContent(), "1");

    const direct = await cli("SendMessage", "--chat", "4", "--text", "Hi Olga");
    assert.equal(direct.code, 0, direct.stderr);
    const dialog = page.locator("#dialogs .chat-item", { hasText: "Olga Sokolova" });
    await dialog.waitFor();
    await dialog.click();
    await page.locator("#dialog-header h1", { hasText: "Alex Morgan ↔ Olga Sokolova" }).waitFor();
    assert.equal(await page.locator("#messages .message .text").last().textContent(), "Hi Olga");
  });
});
