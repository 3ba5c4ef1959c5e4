// The library on the wire: what goes out (path, verb, auth placement, body fields) and what comes
// back (envelopes unchanged, typed errors), in both auth modes, against the local portal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bitrix24, Bitrix24Client, Bitrix24Error, InputError } from "../src/index.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();
const lastRequest = () => ctx.portal.requests.at(-1)!;
const portalAddress = () => ctx.portal.url; // http://127.0.0.1:PORT

interface DialogMessage {
  id: number;
  text: string;
  params: { ATTACH?: unknown; IS_DELETED?: string } | [];
}
async function readBack(id: number): Promise<DialogMessage | undefined> {
  const client = new Bitrix24Client({ url: ctx.portal.webhookUrl });
  const dialog = await client.call<{ messages: DialogMessage[] }>("im.dialog.messages.get", { DIALOG_ID: "chat1", LIMIT: 50 });
  return dialog.result.messages.find((m) => m.id === id);
}

describe("webhook mode", () => {
  it("SendMessage POSTs a JSON body with DIALOG_ID, MESSAGE and ATTACH to /rest/<user>/<secret>/im.message.add", async () => {
    const blocks = [bitrix24.getPictureBlock("Picture", "https://example.com/p.jpg"), bitrix24.getFileBlock("Doc.docx", "https://example.com/d.docx")];
    const answer = await bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", "Hello", blocks);

    const req = lastRequest();
    assert.equal(req.httpMethod, "POST");
    assert.equal(req.path, `/rest/1/${ctx.portal.secret}/im.message.add`);
    assert.match(req.headers["content-type"], /^application\/json/);
    assert.deepEqual(JSON.parse(req.body), {
      DIALOG_ID: "chat1",
      MESSAGE: "Hello",
      ATTACH: [{ IMAGE: { NAME: "Picture", LINK: "https://example.com/p.jpg" } }, { FILE: { NAME: "Doc.docx", LINK: "https://example.com/d.docx" } }],
    });
    assert.equal(typeof answer.result, "number");
    assert.deepEqual(Object.keys(answer.time).sort(), ["date_finish", "date_start", "duration", "finish", "operating", "operating_reset_at", "processing", "start"]);
  });

  it("the message reads back from the dialog with its text and ATTACH", async () => {
    const sent = await bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", "Read me back", '[{"IMAGE":{"NAME":"x","LINK":"https://example.com/x.png"}}]');
    const message = await readBack(sent.result);
    assert.ok(message, "the sent message is in the dialog");
    assert.equal(message.text, "Read me back");
    // Bitrix24 stores ATTACH as a list of attachments, single-item blocks as one-element lists.
    const attach = (message.params as { ATTACH?: { BLOCKS: unknown[] }[] }).ATTACH;
    assert.deepEqual(attach?.[0].BLOCKS, [{ IMAGE: [{ NAME: "x", LINK: "https://example.com/x.png" }] }]);
  });

  it("IDs are sent as strings and empty optional values are left out", async () => {
    const sent = await bitrix24.sendMessage(ctx.portal.webhookUrl, 1, "to the private dialog of user 1");
    assert.deepEqual(JSON.parse(lastRequest().body), { DIALOG_ID: "1", MESSAGE: "to the private dialog of user 1" });

    await bitrix24.editMessage(ctx.portal.webhookUrl, sent.result, "", "");
    assert.deepEqual(JSON.parse(lastRequest().body), { MESSAGE_ID: String(sent.result) });
    await bitrix24.editMessage(ctx.portal.webhookUrl, sent.result, "edited");
    assert.deepEqual(JSON.parse(lastRequest().body), { MESSAGE_ID: String(sent.result), MESSAGE: "edited" });
  });

  it("EditMessage and DeleteMessage return true and change what the dialog shows", async () => {
    const sent = await bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", "before");
    const edited = await bitrix24.editMessage(ctx.portal.webhookUrl, sent.result, "after");
    assert.equal(edited.result, true);
    const deleted = await bitrix24.deleteMessage(ctx.portal.webhookUrl, sent.result);
    assert.equal(deleted.result, true);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/im.message.delete`);
    const message = await readBack(sent.result);
    assert.deepEqual(message?.params, { IS_DELETED: "Y" });
  });

  it("ServerTime uses GET", async () => {
    const answer = await bitrix24.serverTime(ctx.portal.webhookUrl);
    assert.equal(lastRequest().httpMethod, "GET");
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/server.time`);
    assert.match(answer.result, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it("accepts the URL without trailing slash, with www., and without scheme only for https", async () => {
    const noSlash = ctx.portal.webhookUrl.replace(/\/$/, "");
    await bitrix24.serverTime(noSlash);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/server.time`);
    const withWww = ctx.portal.webhookUrl.replace("http://", "http://www.").replace("127.0.0.1", "localhost");
    await bitrix24.serverTime(withWww);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/server.time`);
  });
});

describe("token mode", () => {
  it("POST sends auth in the JSON body to /rest/<method>", async () => {
    await bitrix24.sendMessage(portalAddress(), "chat1", "with a token", "", ctx.portal.accessToken);
    const req = lastRequest();
    assert.equal(req.path, "/rest/im.message.add");
    const body = JSON.parse(req.body);
    assert.equal(body.auth, ctx.portal.accessToken);
    assert.equal(body.DIALOG_ID, "chat1");
    assert.equal(req.query.auth, undefined, "the token is not in the URL of a POST");
  });

  it("GET sends auth in the query string", async () => {
    await bitrix24.serverTime(`${portalAddress()}/rest/`, ctx.portal.accessToken);
    const req = lastRequest();
    assert.equal(req.httpMethod, "GET");
    assert.equal(req.path, "/rest/server.time");
    assert.equal(req.query.auth, ctx.portal.accessToken);
  });
});

describe("errors", () => {
  it("an error envelope is raised as Bitrix24Error with code, description, status and method", async () => {
    await assert.rejects(bitrix24.sendMessage(ctx.portal.webhookUrl, "chat1", ""), (e: unknown) => {
      assert.ok(e instanceof InputError, "an empty required text is refused before sending");
      return true;
    });
    const before = ctx.portal.requests.length;
    await assert.rejects(
      () => new Bitrix24Client({ url: ctx.portal.webhookUrl }).call("im.message.add", { DIALOG_ID: "chat1" }),
      (e: unknown) => {
        assert.ok(e instanceof Bitrix24Error);
        assert.equal(e.code, "MESSAGE_EMPTY");
        assert.equal(e.status, 400);
        assert.equal(e.method, "im.message.add");
        assert.ok(e.description.length > 0);
        return true;
      },
    );
    assert.equal(ctx.portal.requests.length, before + 1);
  });

  it("a wrong webhook secret gives INVALID_CREDENTIALS (401) and the error never shows the secret", async () => {
    const wrong = ctx.portal.webhookUrl.replace(ctx.portal.secret, "wrongsecret12345");
    await assert.rejects(bitrix24.serverTime(wrong), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.equal(e.code, "INVALID_CREDENTIALS");
      assert.equal(e.status, 401);
      assert.doesNotMatch(`${e.message} ${e.description} ${e.stack}`, /wrongsecret12345/);
      return true;
    });
  });

  it("an unknown token gives invalid_token (401)", async () => {
    await assert.rejects(bitrix24.serverTime(portalAddress(), "no-such-token"), (e: unknown) => e instanceof Bitrix24Error && e.code === "invalid_token" && e.status === 401);
  });

  it("plain http to a non-loopback host is refused before anything is sent", async () => {
    await assert.rejects(bitrix24.serverTime("http://portal.example.com/rest/1/abc/"), (e: unknown) => e instanceof InputError && /https/.test(e.message));
  });
});

describe("the library's shared connections", () => {
  it("keep at most POOL_SIZE URL and token pairs (one per fresh token would otherwise hold every token ever seen); an evicted one still works", async () => {
    const { POOL_SIZE, pooledConnections, sharedClient } = await import("../src/transport/connections.js");
    const first = sharedClient(ctx.portal.url, "fresh-token-0");
    for (let i = 1; i < POOL_SIZE + 20; i++) sharedClient(ctx.portal.url, `fresh-token-${i}`);
    assert.equal(pooledConnections(), POOL_SIZE);
    assert.notEqual(sharedClient(ctx.portal.url, "fresh-token-0"), first, "the oldest was let go and is made anew");
    ctx.portal.credentials.addToken("fresh-token-0", { userId: 1 });
    assert.equal(typeof (await bitrix24.serverTime(ctx.portal.url, "fresh-token-0")).result, "string");
  });
});
