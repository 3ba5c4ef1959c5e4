// The typed library: functions bound to a client with named options (the CLI's option names), in
// both auth modes over real HTTP, and the generated declarations rejecting what would fail at run
// time (the `@ts-expect-error` lines are checked by `tsc -p tsconfig.test.json`, part of `npm test`:
// an expected error that no longer happens fails the build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bitrix24, block, Bitrix24Client, InputError } from "../src/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();

const modes = [
  { name: "webhook", client: () => new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" }) },
  { name: "token", client: () => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken, plan: "off" }) },
] as const;

/** The newest message of a dialog as the portal stores it. */
async function newest(client: Bitrix24Client, dialog: string): Promise<{ id: number; text: string; params?: Record<string, unknown> }> {
  const answer = await client.call<{ messages: { id: number; text: string; params?: Record<string, unknown> }[] }>("im.dialog.messages.get", { DIALOG_ID: dialog, LIMIT: 1 });
  return answer.result.messages[0];
}

describe("functions bound to a client, with named options", () => {
  for (const mode of modes) {
    it(`${mode.name}: sendMessage({ chat, text, blocks }) sends and the portal stores it`, async () => {
      const client = mode.client();
      const picture = client.getPictureBlock({ title: "Picture", url: "https://example.com/p.jpg" });
      const sent = await client.sendMessage({ chat: "chat1", text: `Hi from ${mode.name}`, blocks: [picture] });
      assert.equal(typeof sent.result, "number");
      const stored = await newest(client, "chat1");
      assert.equal(stored.id, sent.result);
      assert.equal(stored.text, `Hi from ${mode.name}`);
      assert.deepEqual((stored.params?.ATTACH as unknown[])?.length, 1);
    });

    it(`${mode.name}: functions without options take none (serverTime())`, async () => {
      const answer = await mode.client().serverTime();
      assert.match(answer.result, /^\d{4}-\d{2}-\d{2}T/);
    });
  }

  it("the same definition runs positionally and bound: editMessage changes the text either way", async () => {
    const client = modes[0].client();
    const sent = await client.sendMessage({ chat: "chat1", text: "before" });
    await client.editMessage({ message: sent.result, text: "after (bound)" });
    assert.equal((await newest(client, "chat1")).text, "after (bound)");
    await bitrix24.editMessage(ctx.portal.webhookUrl, sent.result, "after (positional)");
    assert.equal((await newest(client, "chat1")).text, "after (positional)");
  });

  it("an unknown option is refused before anything is sent, naming it and the known ones", async () => {
    const client = modes[0].client();
    const before = ctx.portal.requests.length;
    await assert.rejects(client.sendMessage({ chat: "chat1", text: "x", colour: "red" } as never), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.parameter, "colour");
      assert.match(error.message, /no option "colour".*chat, text, blocks/);
      return true;
    });
    assert.equal(ctx.portal.requests.length, before, "nothing was sent");
  });

  it("url and token come from the client, never from the options", async () => {
    const client = modes[0].client();
    await assert.rejects(client.serverTime({ url: "http://127.0.0.1:1/rest/1/x/" } as never), (error: unknown) => error instanceof InputError && error.parameter === "url");
  });

  it("a missing required option is an InputError naming it", async () => {
    await assert.rejects(modes[0].client().sendMessage({ chat: "chat1" } as never), (error: unknown) => error instanceof InputError && error.parameter === "text");
  });
});

// Never called: the type checker runs these lines (tsconfig.test.json) and each marked call must be refused.
export function typeChecks(url: string, client: Bitrix24Client): void {
  // @ts-expect-error user IDs are numbers (or their digits), not a dialog
  void bitrix24.getUsers(url, "chat1");
  void bitrix24.getUsers(url, [1, "2"]);
  // @ts-expect-error an IMAGE block needs its LINK
  void bitrix24.sendMessage(url, "chat1", "x", [{ IMAGE: { NAME: "x" } }]);
  void bitrix24.sendMessage(url, "chat1", "x", [block.image({ NAME: "x", LINK: "https://example.com/x.png" })]);
  // @ts-expect-error a misspelt option
  void client.sendMessage({ chat: "chat1", text: "x", colour: "red" });
  // @ts-expect-error text is required
  void client.sendMessage({ chat: "chat1" });
  // @ts-expect-error the result of SendMessage is a message ID (number)
  void client.sendMessage({ chat: "chat1", text: "x" }).then((sent) => sent.result.toUpperCase());
  // client.call is typed by the method a definition calls; other methods by the type given
  void client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x" }).then((sent) => sent.result.toFixed());
  // @ts-expect-error im.message.add answers a number
  void client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x" }).then((sent) => sent.result.toUpperCase());
  void client.call<{ custom: true }>("vendor.custom.method").then((answer) => answer.result.custom);
  // client.list yields typed items: a lead of crm.lead.list, a task of tasks.task.list (under result.tasks)
  void (async () => {
    for await (const lead of client.list("crm.lead.list")) void lead.TITLE;
    for await (const task of client.list("tasks.task.list", {}, { mode: "keyset" })) void task.title;
    // @ts-expect-error a lead's TITLE may be null (it is typed, not `unknown`)
    for await (const lead of client.list("crm.lead.list")) void lead.TITLE.toUpperCase();
    for await (const item of client.list<{ id: string }>("vendor.items.list")) void item.id;
  });
  // batch results are typed per call
  void client.batch([["im.message.add", { DIALOG_ID: "chat1", MESSAGE: "x" }], ["server.time"]]).then(([sent, time]) => {
    if (sent.ok) void sent.result.toFixed();
    if (time.ok) void time.result.toUpperCase();
    // @ts-expect-error server.time answers text
    if (time.ok) void time.result.toFixed();
  });
}
