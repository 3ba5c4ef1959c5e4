// Notifications: CreatePersonalNotification, CreateSystemNotification, DeleteNotification through
// the library and the CLI in both auth modes; what the recipient then finds in im.notify.get;
// same-tag replacement; Bitrix24's errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { expectError, runCli, usePortal } from "./helpers.js";
import { assertSameShape, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const hook = () => ctx.portal.webhookUrl;
const token = () => ctx.portal.accessToken;
const lastBody = () => JSON.parse(ctx.portal.requests.at(-1)!.body);
const PICTURE = { IMAGE: { NAME: "Picture", LINK: "https://example.com/p.jpg" } };

/** An access token of user 2 (Maria), registered on first use. */
function mariaToken(): string {
  ctx.portal.credentials.addToken("maria-token", { userId: 2 });
  return "maria-token";
}

interface Notification {
  id: number;
  author_id: number;
  notify_tag: string;
  text: string;
  params: { ATTACH?: { BLOCKS: unknown[] }[] } | [];
}

/** Maria's (user 2's) notification centre. */
async function mariasNotifications(): Promise<Notification[]> {
  const client = new Bitrix24Client({ url: ctx.portal.url, token: mariaToken() });
  return (await client.call<{ notifications: Notification[] }>("im.notify.get")).result.notifications;
}

describe("CreatePersonalNotification", () => {
  it("POSTs USER_ID, MESSAGE, ATTACH; answers an id like the sample; the recipient sees it from the sender", async () => {
    const answer = await bitrix24.createPersonalNotification(hook(), 2, "Please check the report", "", [PICTURE]);
    const req = ctx.portal.requests.at(-1)!;
    assert.equal(req.path, `/rest/1/${ctx.portal.secret}/im.notify.personal.add`);
    assert.deepEqual(lastBody(), { USER_ID: "2", MESSAGE: "Please check the report", ATTACH: [PICTURE] });
    assertSameShape(answer, opiSample("CreatePersonalNotification"));

    const seen = (await mariasNotifications()).find((n) => n.id === answer.result);
    assert.ok(seen, "the notification reached user 2");
    assert.equal(seen.text, "Please check the report");
    assert.equal(seen.author_id, 1);
    assert.deepEqual((seen.params as { ATTACH: { BLOCKS: unknown[] }[] }).ATTACH[0].BLOCKS, [{ IMAGE: [PICTURE.IMAGE] }]);
  });

  it("CLI with a token and short options -u -s -t -g -b -k", async () => {
    const run = await runCli(["bitrix24", "CreatePersonalNotification", "-u", ctx.portal.url, "-s", "2", "-t", "Tagged", "-g", "report", "-b", JSON.stringify(PICTURE), "-k", token()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result, "number");
    assert.equal(ctx.portal.requests.at(-1)!.path, "/rest/im.notify.personal.add");
    assert.deepEqual(lastBody(), { USER_ID: "2", MESSAGE: "Tagged", TAG: "report", ATTACH: [PICTURE], auth: token() });
  });

  it("a new notification with the same tag replaces the old one: the old id is gone", async () => {
    const first = (await bitrix24.createPersonalNotification(hook(), 2, "Build #1 failed", "build-status")).result as number;
    const second = (await bitrix24.createPersonalNotification(hook(), 2, "Build #2 passed", "build-status")).result as number;
    assert.notEqual(second, first);
    const tagged = (await mariasNotifications()).filter((n) => n.notify_tag === "build-status");
    assert.deepEqual(tagged.map((n) => [n.id, n.text]), [[second, "Build #2 passed"]]);
    assert.equal((await bitrix24.deleteNotification(hook(), first)).result, false, "the replaced notification no longer exists");
  });

  it("the same tag for another user does not replace", async () => {
    const forMaria = (await bitrix24.createPersonalNotification(hook(), 2, "Yours", "shared-tag")).result;
    await bitrix24.createPersonalNotification(hook(), 3, "Yours too", "shared-tag");
    assert.ok((await mariasNotifications()).some((n) => n.id === forMaria));
  });

  it("Bitrix24's errors: no user, empty text, bad ATTACH; an unknown user gets no notification (false)", async () => {
    const client = new Bitrix24Client({ url: hook() });
    await expectError(client.call("im.notify.personal.add", { USER_ID: 0, MESSAGE: "x" }), "USER_ID_EMPTY");
    await expectError(bitrix24.createPersonalNotification(hook(), 2, "   "), "MESSAGE_EMPTY");
    await expectError(client.call("im.notify.personal.add", { USER_ID: 2, MESSAGE: "x", ATTACH: [{ NOPE: 1 }] }), "ATTACH_ERROR");
    assert.equal((await bitrix24.createPersonalNotification(hook(), 4242, "to nobody")).result, false);
  });
});

describe("CreateSystemNotification", () => {
  it("has no author; answers an id like the sample (Russian name, long options)", async () => {
    const run = await runCli(["bitrix24", "СоздатьСистемноеУведомление", "--url", hook(), "--user", "2", "--text", "Backup finished", "--tag", "backup"]);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assertSameShape(answer, opiSample("CreateSystemNotification"));
    assert.equal(ctx.portal.requests.at(-1)!.path, `/rest/1/${ctx.portal.secret}/im.notify.system.add`);
    const seen = (await mariasNotifications()).find((n) => n.id === answer.result);
    assert.equal(seen?.author_id, 0);
    assert.equal(seen?.text, "Backup finished");
  });

  it("library with a token", async () => {
    const answer = await bitrix24.createSystemNotification(ctx.portal.url, 2, "From the app", "", "", token());
    assert.deepEqual(lastBody(), { USER_ID: "2", MESSAGE: "From the app", auth: token() });
    assert.ok((await mariasNotifications()).some((n) => n.id === answer.result));
  });
});

describe("DeleteNotification", () => {
  it("POSTs ID; true when deleted (and it is gone), false the second time, like the sample's boolean", async () => {
    const id = (await bitrix24.createSystemNotification(hook(), 2, "Delete me")).result as number;
    const deleted = await bitrix24.deleteNotification(hook(), id);
    assert.deepEqual(lastBody(), { ID: String(id) });
    assertSameShape(deleted, opiSample("DeleteNotification"));
    assert.equal(deleted.result, true);
    assert.ok(!(await mariasNotifications()).some((n) => n.id === id));
    assert.equal((await bitrix24.deleteNotification(hook(), id)).result, false);
  });

  it("CLI with a token: -u -n -t; the recipient may delete it too", async () => {
    const id = (await bitrix24.createPersonalNotification(hook(), 2, "For Maria")).result as number;
    const run = await runCli(["bitrix24", "DeleteNotification", "-u", ctx.portal.url, "-n", String(id), "-t", mariaToken()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).result, true);
    assert.deepEqual(lastBody(), { ID: String(id), auth: "maria-token" });
  });

  it("someone else's notification is not deleted", async () => {
    const id = (await bitrix24.createPersonalNotification(ctx.portal.url, 3, "Private", "", "", mariaToken())).result as number;
    assert.equal((await bitrix24.deleteNotification(hook(), id)).result, false);
  });

  it("Bitrix24's errors: nothing to delete by; a tag from a webhook without CLIENT_ID", async () => {
    const client = new Bitrix24Client({ url: hook() });
    await expectError(client.call("im.notify.delete", {}), "PARAMS_ERROR");
    await expectError(client.call("im.notify.delete", { TAG: "backup" }), "ACCESS_DENIED");
    const tagged = (await bitrix24.createSystemNotification(hook(), 2, "Tagged", "cleanup")).result as number;
    assert.equal((await client.call("im.notify.delete", { TAG: "cleanup", CLIENT_ID: "my-script" })).result, true);
    assert.ok(!(await mariasNotifications()).some((n) => n.id === tagged));
  });
});
