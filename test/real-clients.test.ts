// The two most used Node clients of Bitrix24 against the local portal, as a new user would run
// them: the official @bitrix24/b24jssdk (webhook over HTTPS, and B24OAuth with a token refresh)
// and @2bad/bitrix (webhook and OAuth), each with its call, batch and list helpers over user.get,
// im.* and crm.lead.*. They must get what a real portal gives them.
import assert from "node:assert/strict";
import { globalAgent } from "node:https";
import { after, before, describe, it } from "node:test";
import { B24Hook, B24OAuth, ParamsFactory } from "@bitrix24/b24jssdk";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

const LEADS = 120;
let portal: RunningPortal;
let plain: RunningPortal;

before(async () => {
  portal = await startPortal({ https: true, leads: LEADS });
  // b24jssdk takes only https webhooks: trust the portal's self-signed certificate (axios uses the global agent).
  globalAgent.options.ca = portal.certificate;
  plain = await startPortal({ leads: LEADS });
});
after(async () => {
  await portal?.close();
  await plain?.close();
});

/** A fresh access/refresh pair for the portal's app, as after the authorization-code flow. */
function grant(on: RunningPortal) {
  const app = on.oauth.defaultApp;
  const code = on.oauth.authorize(app.clientId)!;
  const answer = on.oauth.exchange({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code });
  assert.equal(answer.status, 200);
  return { app, ...(answer.body as { access_token: string; refresh_token: string; client_endpoint: string; server_endpoint: string; member_id: string; domain: string }) };
}

const quietHook = () => {
  const b24 = B24Hook.fromWebhookUrl(portal.webhookUrl);
  b24.offClientSideWarning();
  return b24;
};

describe("@bitrix24/b24jssdk, webhook over HTTPS", () => {
  it("call: user.get (the SDK adds bx24_* to the query: ignored), user.current, crm.lead.add/get", async () => {
    const b24 = quietHook();
    const users = await b24.actions.v2.call.make<{ ID: string }[]>({ method: "user.get", params: { FILTER: { ID: 2 } } });
    assert.ok(users.isSuccess, users.getErrorMessages().join("; "));
    assert.deepEqual(users.getData()!.result.map((u) => u.ID), ["2"]);
    const all = await b24.actions.v2.call.make<{ ID: string }[]>({ method: "user.get", params: {} });
    assert.equal(all.getData()!.result.length, portal.state.listUsers().length);
    const me = await b24.actions.v2.call.make<Record<string, unknown>>({ method: "user.current", params: {} });
    assert.equal(me.getData()!.result.ID, "1");
    assert.equal(typeof me.getData()!.result.PERSONAL_PHOTO, "string");

    const added = await b24.actions.v2.call.make<number>({
      method: "crm.lead.add",
      params: { fields: { TITLE: "From the SDK", OPPORTUNITY: 1500, CURRENCY_ID: "EUR", PHONE: [{ VALUE: "+49 30 1234", VALUE_TYPE: "WORK" }] } },
    });
    const id = added.getData()!.result;
    assert.equal(id, LEADS + 1);
    const lead = (await b24.actions.v2.call.make<Record<string, any>>({ method: "crm.lead.get", params: { id } })).getData()!.result;
    assert.equal(lead.OPPORTUNITY, "1500.00");
    assert.equal(lead.CURRENCY_ID, "EUR");
    assert.equal(lead.PHONE[0].VALUE, "+49 30 1234");
    assert.equal(lead.HAS_PHONE, "Y");
  });

  it("callList and fetchList walk crm.lead.list and user.get by keyset; every record once", async () => {
    const b24 = quietHook();
    const leads = await b24.actions.v2.callList.make<{ ID: string }>({ method: "crm.lead.list", params: { select: ["ID", "TITLE"] }, idKey: "ID" });
    assert.ok(leads.isSuccess, leads.getErrorMessages().join("; "));
    const ids = leads.getData()!.map((l) => Number(l.ID));
    assert.equal(ids.length, portal.state.leads.size);
    assert.equal(new Set(ids).size, ids.length);

    const users = await b24.actions.v2.callList.make<{ ID: string }>({ method: "user.get", params: {}, idKey: "ID" });
    assert.deepEqual(users.getData()!.map((u) => Number(u.ID)), portal.state.listUsers().map((u) => u.id));

    let seen = 0;
    const filter = { STATUS_ID: "NEW", "<=ID": LEADS }; // the seeded leads only: every fifth is NEW
    for await (const chunk of b24.actions.v2.fetchList.make<{ ID: string }>({ method: "crm.lead.list", params: { filter }, idKey: "ID" })) seen += chunk.length;
    assert.equal(seen, LEADS / 5);
  });

  it("batch: im.message.add, user.get and crm.lead.list in one request", async () => {
    const b24 = quietHook();
    const batch = await b24.actions.v2.batch.make({
      calls: [
        ["im.message.add", { DIALOG_ID: "chat1", MESSAGE: "from b24jssdk" }],
        ["user.get", { ID: 1 }],
        ["crm.lead.list", { filter: { ">ID": LEADS - 2 }, select: ["ID"] }],
      ],
      options: { isHaltOnError: true },
    });
    assert.ok(batch.isSuccess, batch.getErrorMessages().join("; "));
    const [message, user, list] = batch.getData() as [number, { ID: string }[], { ID: string }[]];
    assert.equal(portal.state.getMessage(message)?.text, "from b24jssdk");
    assert.equal(user[0].ID, "1");
    assert.deepEqual(list.map((l) => l.ID).slice(0, 2), [String(LEADS - 1), String(LEADS)]);
  });
});

describe("@bitrix24/b24jssdk, B24OAuth", () => {
  it("calls through client_endpoint (…/rest/ + /method), refreshes an expired token at the portal and goes on", async () => {
    const g = grant(portal);
    const refreshed: string[] = [];
    const b24 = new B24OAuth(
      {
        applicationToken: "",
        userId: 1,
        memberId: g.member_id,
        accessToken: g.access_token,
        refreshToken: g.refresh_token,
        expires: Math.floor(Date.now() / 1000) + 3600,
        expiresIn: 3600,
        scope: "crm,user,im",
        domain: g.domain,
        clientEndpoint: g.client_endpoint,
        serverEndpoint: g.server_endpoint,
        status: "L",
      },
      { clientId: g.app.clientId, clientSecret: g.app.clientSecret },
      { restrictionParams: ParamsFactory.getDefault() },
    );
    b24.offClientSideWarning();
    b24.setCallbackRefreshAuth(async ({ authData }) => void refreshed.push(authData ? authData.access_token : ""));

    const first = await b24.actions.v2.call.make<{ ID: string }[]>({ method: "user.get", params: { ID: 2 } });
    assert.ok(first.isSuccess, first.getErrorMessages().join("; "));
    assert.deepEqual(first.getData()!.result.map((u) => u.ID), ["2"]);
    assert.ok(portal.requests.find((r) => r.path === "/rest//user.get"), "the SDK's own path, double slash and all");

    // The token expires on the portal: the SDK sees expired_token, refreshes at /oauth/token/ and repeats.
    portal.credentials.expireToken(g.access_token);
    const after = await b24.actions.v2.call.make<{ ID: string }>({ method: "crm.lead.get", params: { id: 7 } });
    assert.ok(after.isSuccess, after.getErrorMessages().join("; "));
    assert.equal(after.getData()!.result.ID, "7");
    assert.equal(refreshed.length, 1);
    assert.notEqual(refreshed[0], g.access_token);

    const leads = await b24.actions.v2.callList.make<{ ID: string }>({ method: "crm.lead.list", params: { filter: { "<=ID": 60 } }, idKey: "ID" });
    assert.equal(leads.getData()!.length, 60);
  });
});

describe("@2bad/bitrix", () => {
  type Client = { call(method: string, params?: unknown): Promise<any>; list(method: string, params?: unknown): Promise<any>; batch(commands: unknown): Promise<any> };
  const load = async (url: string, token?: string): Promise<Client> => {
    const { default: Bitrix } = (await import("@2bad/bitrix")) as unknown as { default: (url: string, token?: string) => Client };
    return Bitrix(url, token);
  };

  it("webhook: call, list (all pages through batch) and batch", async () => {
    const bitrix = await load(plain.webhookUrl.replace(/\/$/, ""));
    const users = await bitrix.call("user.get", { ID: "3" });
    assert.deepEqual(users.result.map((u: { ID: string }) => u.ID), ["3"]);
    const leads = await bitrix.list("crm.lead.list", { select: ["ID"] });
    assert.equal(leads.result.length, LEADS);
    assert.deepEqual(leads.result.slice(0, 3).map((l: { ID: string }) => l.ID), ["1", "2", "3"]);
    const batch = await bitrix.batch({ me: { method: "user.current", params: {} }, lead: { method: "crm.lead.get", params: { ID: "5" } } });
    assert.equal(batch.result.result.me.ID, "1");
    assert.equal(batch.result.result.lead.TITLE, "Lead #5");
  });

  it("OAuth: the token as access_token runs im.message.add as the token's user; no token is NO_AUTH_FOUND", async () => {
    const g = grant(plain);
    // @2bad/bitrix 2.5 means to append access_token to every path, but its hook reads options.path,
    // which got 11 no longer has: the token never leaves. A real portal then answers 401
    // NO_AUTH_FOUND, and so does this one.
    const broken = await load(`${plain.url}/rest`, g.access_token);
    await assert.rejects(broken.call("user.current", {}), /401/);
    assert.equal(plain.requests.at(-1)!.query.access_token, undefined);
    // Given as a parameter, the token travels as access_token in the query, as the library intends.
    const bitrix = await load(`${plain.url}/rest`);
    const sent = await bitrix.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "from @2bad/bitrix", access_token: g.access_token });
    assert.equal(plain.requests.at(-1)!.query.access_token, g.access_token);
    assert.equal(plain.state.getMessage(sent.result)?.authorId, 1);
    const leads = await bitrix.list("crm.lead.list", { filter: { "<=ID": 3 }, access_token: g.access_token });
    assert.deepEqual(leads.result.map((l: { ID: string }) => l.ID), ["1", "2", "3"]);
  });
});
