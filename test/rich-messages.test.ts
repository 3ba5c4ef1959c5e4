// Richer messages than OpenIntegrations: KEYBOARD, MENU, SYSTEM, URL_PREVIEW, REPLY_ID, typed
// builders for every ATTACH block, and the checks made before anything is sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attachment, bitrix24, block, Bitrix24Client, button, InputError, keyboard, menu } from "../src/index.js";
import { runCli, usePortal } from "./helpers.js";

const ctx = usePortal();
const hook = () => ctx.portal.webhookUrl;
const lastBody = () => JSON.parse(ctx.portal.requests.at(-1)!.body);

const EVERY_BLOCK = [
  block.message("[b]Request #142[/b]"),
  block.link({ LINK: "https://example.com/deal/142", NAME: "Open the deal", DESC: "Deal 142" }),
  block.image({ LINK: "https://example.com/p.jpg", NAME: "Picture", WIDTH: 100, HEIGHT: 80 }),
  block.file({ LINK: "https://example.com/d.docx", NAME: "Doc.docx", SIZE: 1024 }),
  block.delimiter({ SIZE: 200, COLOR: "#c6c6c6" }),
  block.grid([
    { DISPLAY: "LINE", NAME: "Status", VALUE: "In progress", COLOR_TOKEN: "primary" },
    { DISPLAY: "LINE", NAME: "Owner", VALUE: "[user=2]Maria[/user]" },
  ]),
  block.user({ NAME: "Maria Ivanova", USER_ID: 2, AVATAR_TYPE: "USER" }),
];

interface StoredMessage {
  id: number;
  text: string;
  params: Record<string, unknown> | [];
}
async function stored(id: number): Promise<StoredMessage> {
  const answer = await new Bitrix24Client({ url: hook() }).call<{ messages: StoredMessage[] }>("im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 50 });
  const message = answer.result.messages.find((m) => m.id === id);
  assert.ok(message, `message ${id} is in the dialog`);
  return message;
}

describe("library", () => {
  it("sends every block type, a keyboard, a menu and the new flags; the portal keeps them", async () => {
    const kb = keyboard(button.link("Open", "https://example.com"), button.newline(), button.send("Yes", "yes", { BG_COLOR_TOKEN: "primary" }));
    const mn = menu({ TEXT: "Copy", ACTION: "COPY", ACTION_VALUE: "142" });
    const first = await bitrix24.sendMessage(hook(), "chat1", "first");
    const sent = await bitrix24.sendMessage(hook(), "chat1", "Rich", EVERY_BLOCK, "", kb, mn, true, false, first.result);

    const body = lastBody();
    assert.deepEqual(body.ATTACH, EVERY_BLOCK);
    assert.deepEqual(body.KEYBOARD, kb);
    assert.deepEqual(body.MENU, mn);
    assert.equal(body.SYSTEM, "Y");
    assert.equal(body.URL_PREVIEW, "N");
    assert.equal(body.REPLY_ID, String(first.result));

    const message = await stored(sent.result);
    const params = message.params as Record<string, any>;
    assert.equal(params.ATTACH[0].BLOCKS.length, EVERY_BLOCK.length);
    assert.deepEqual(params.KEYBOARD.BUTTONS.map((b: { TEXT?: string }) => b.TEXT ?? "\n"), ["Open", "\n", "Yes"]);
    assert.equal(params.REPLY_ID, first.result);
  });

  it("without the new options the payload is exactly OpenIntegrations' one", async () => {
    await bitrix24.sendMessage(hook(), "chat1", "plain");
    assert.deepEqual(Object.keys(lastBody()), ["DIALOG_ID", "MESSAGE"]);
  });

  it("the full form (ID, COLOR_TOKEN, BLOCKS) is sent as one object", async () => {
    const full = attachment({ ID: 7, COLOR_TOKEN: "alert", BLOCKS: [block.message("Build failed")] });
    const sent = await bitrix24.sendMessage(hook(), "chat1", "Alert", [full]);
    assert.deepEqual(lastBody().ATTACH, full);
    const params = (await stored(sent.result)).params as Record<string, any>;
    assert.equal(params.ATTACH[0].COLOR_TOKEN, "alert");
  });

  it("EditMessage changes and removes a keyboard", async () => {
    const sent = await bitrix24.sendMessage(hook(), "chat1", "with buttons", "", "", keyboard(button.send("A", "a")));
    await bitrix24.editMessage(hook(), sent.result, "", "", "", keyboard(button.send("B", "b")));
    assert.deepEqual(((await stored(sent.result)).params as Record<string, any>).KEYBOARD.BUTTONS[0].TEXT, "B");
    await bitrix24.editMessage(hook(), sent.result, "", "", "", "N");
    assert.equal(lastBody().KEYBOARD, "N");
    assert.equal(((await stored(sent.result)).params as Record<string, any>).KEYBOARD, undefined);
  });
});

describe("checked before sending: a clear error, nothing sent", () => {
  const refused = async (call: () => Promise<unknown>, pattern: RegExp, parameter: string) => {
    const before = ctx.portal.requests.length;
    await assert.rejects(call, (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.parameter, parameter);
      assert.match(e.problem, pattern);
      return true;
    });
    assert.equal(ctx.portal.requests.length, before, "nothing reached the portal");
  };

  it("ATTACH over 60,000 serialized characters", () =>
    refused(() => bitrix24.sendMessage(hook(), "chat1", "big", [block.message("x".repeat(60_001))]), /at most 60000/, "blocks"));
  it("an unknown block type", () => refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [{ VIDEO: { LINK: "x" } } as never]), /unknown block type "VIDEO"/, "blocks"));
  it("an unknown field", () =>
    refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [{ LINK: { LINK: "https://e.com", TITLE: "x" } } as never]), /\[0\]\.LINK\.TITLE: unknown field/, "blocks"));
  it("a bad colour token", () =>
    refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [attachment({ COLOR_TOKEN: "red" as never, BLOCKS: [block.message("x")] })]), /COLOR_TOKEN: "red" is not one of/, "blocks"));
  it("a grid item without DISPLAY", () => refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [{ GRID: [{ NAME: "a" }] } as never]), /GRID\[0\]\.DISPLAY: is required/, "blocks"));
  it("a bad DIALOG_ID form", () => refused(() => bitrix24.sendMessage(hook(), "chatABC", "t"), /"chatABC" is not a dialog ID/, "chatId"));
  it("a link that is not http(s): javascript:, data:, vbscript:, or no scheme", async () => {
    await refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [block.image({ LINK: "javascript:alert(1)" })]), /\[0\]\.IMAGE\[0\]\.LINK: "javascript:" links are refused/, "blocks");
    await refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [block.link({ LINK: "https://e.com", PREVIEW: "data:image/png;base64,AAAA" })]), /\[0\]\.LINK\.PREVIEW: "data:" links are refused/, "blocks");
    await refused(() => bitrix24.sendMessage(hook(), "chat1", "t", [block.user({ NAME: "x", AVATAR: "//e.com/a.png" })]), /\[0\]\.USER\.AVATAR: must be an absolute http\(s\) URL/, "blocks");
    await refused(() => bitrix24.sendMessage(hook(), "chat1", "t", "", "", keyboard(button.link("Open", "vbscript:x"))), /BUTTONS\[0\]\.LINK: "vbscript:" links are refused/, "keyboard");
    await refused(() => bitrix24.createPersonalNotification(hook(), 1, "t", "", [block.file({ LINK: "file:///etc/passwd" })]), /\[0\]\.FILE\[0\]\.LINK: "file:" links are refused/, "blocks");
  });
  it("a keyboard button with two actions", () =>
    refused(() => bitrix24.sendMessage(hook(), "chat1", "t", "", "", { BUTTONS: [{ TEXT: "x", LINK: "https://e.com", COMMAND: "go" } as never] }), /exactly one of LINK, COMMAND/, "keyboard"));
});

describe("CLI", () => {
  it("--keyboard/-y, --system, --preview and --reply", async () => {
    const first = JSON.parse((await runCli(["bitrix24", "SendMessage", "-u", hook(), "-c", "chat1", "-t", "first"])).stdout).result;
    const run = await runCli(["bitrix24", "SendMessage", "-u", hook(), "-c", "chat1", "-t", "buttons", "-y", "[{'TEXT':'Yes','ACTION':'SEND','ACTION_VALUE':'yes'}]", "--system", "true", "--preview", "false", "--reply", String(first)]);
    assert.equal(run.code, 0, run.stderr);
    const body = lastBody();
    assert.deepEqual(body.KEYBOARD, [{ TEXT: "Yes", ACTION: "SEND", ACTION_VALUE: "yes" }]);
    assert.equal(body.SYSTEM, "Y");
    assert.equal(body.URL_PREVIEW, "N");
    assert.equal(body.REPLY_ID, String(first));
  });

  it("exit 4 with one line for a bad colour token, and nothing sent", async () => {
    const before = ctx.portal.requests.length;
    const run = await runCli(["bitrix24", "SendMessage", "-u", hook(), "-c", "chat1", "-t", "x", "-b", "{'COLOR_TOKEN':'pink','BLOCKS':[{'MESSAGE':'x'}]}"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --blocks: COLOR_TOKEN: "pink" is not one of primary, secondary, alert, base/);
    assert.equal(run.stderr.trim().split("\n").length, 1);
    assert.equal(ctx.portal.requests.length, before);
  });

  it("exit 4 for a bad --chat form", async () => {
    const run = await runCli(["bitrix24", "SendMessage", "-u", hook(), "-c", "general", "-t", "x"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^oint: --chat: "general" is not a dialog ID/);
  });
});
