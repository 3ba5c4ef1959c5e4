// Rights as data: an OAuth app's tokens and a webhook may call only the methods of their scopes
// (403 insufficient_scope otherwise, batch commands too); `scope`, `methods` and `method.get`
// answer what the caller has; the default webhook, token and app have every scope.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bitrix24, setOAuthServer } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { runSandbox } from "../src/portal/cli.js";
import { useScratchDir } from "./helpers.js";

const APP = { clientId: "local.scopes00000001.00000001", clientSecret: "s".repeat(50), scope: "im,user" };
const INSUFFICIENT = { error: "insufficient_scope", error_description: "The request requires higher privileges than provided by the webhook token" };

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ oauth: { apps: [APP] } });
  setOAuthServer(`${portal.url}/oauth/token/`);
});
after(async () => {
  setOAuthServer(undefined);
  await portal?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One REST call: with a token to /rest/<method>, or to a webhook URL. */
async function call(target: { token: string } | { webhook: string }, method: string, params: Record<string, unknown> = {}): Promise<Answer> {
  const url = "token" in target ? `${portal.url}/rest/${method}` : `${target.webhook}${method}`;
  const body = "token" in target ? { ...params, auth: target.token } : params;
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function assertRefused(answer: Answer, method: string): void {
  assert.equal(answer.status, 403, `${method}: ${JSON.stringify(answer.body)}`);
  assert.deepEqual(answer.body, INSUFFICIENT, method);
}

function assertServed(answer: Answer, method: string): void {
  assert.equal(answer.status, 200, `${method}: ${JSON.stringify(answer.body)}`);
  assert.ok("result" in answer.body, method);
}

/** The app's tokens through the OAuth flow: the authorisation page shows the code (no redirect URI), GetToken exchanges it. */
async function appTokens() {
  const shown = (await (await fetch(bitrix24.getAppAuthLink(portal.url, APP.clientId))).json()) as { code: string; scope: string };
  assert.equal(shown.scope, "im,user");
  return bitrix24.getToken(APP.clientId, APP.clientSecret, shown.code);
}

describe("an OAuth app with scope im,user", () => {
  let token: string;
  let refresh: string;
  before(async () => {
    const tokens = await appTokens();
    assert.equal(tokens.scope, "im,user", "the token answer's scope is the app's");
    token = tokens.access_token;
    refresh = tokens.refresh_token;
  });

  it("calls im.* and user.* methods", async () => {
    assertServed(await call({ token }, "im.message.add", { DIALOG_ID: "chat1", MESSAGE: "within im" }), "im.message.add");
    assertServed(await call({ token }, "im.dialog.messages.get", { DIALOG_ID: "chat1" }), "im.dialog.messages.get");
    assertServed(await call({ token }, "user.current"), "user.current");
    assertServed(await call({ token }, "user.get", { ID: 1 }), "user.get");
    assertServed(await call({ token }, "server.time"), "server.time");
  });

  it("is refused CRM, task, Drive and calendar methods with insufficient_scope (403)", async () => {
    for (const method of ["crm.lead.list", "crm.deal.add", "tasks.task.list", "task.commentitem.getlist", "disk.storage.getlist", "calendar.section.get", "department.get"]) {
      assertRefused(await call({ token }, method), method);
    }
  });

  it("inside a batch the crm command fails with insufficient_scope while the im one succeeds", async () => {
    const answer = await call({ token }, "batch", { halt: 0, cmd: { im: "im.message.add?DIALOG_ID=chat1&MESSAGE=from%20batch", crm: "crm.lead.list", task: "tasks.task.list" } });
    assert.equal(answer.status, 200);
    const result = answer.body.result as { result: Record<string, unknown>; result_error: Record<string, unknown> };
    assert.equal(typeof result.result.im, "number", "the im command ran");
    assert.deepEqual(result.result_error.crm, INSUFFICIENT);
    assert.deepEqual(result.result_error.task, INSUFFICIENT);
    assert.deepEqual(Object.keys(result.result_error).sort(), ["crm", "task"]);
  });

  it("`scope` answers the app's scopes; full=true every scope", async () => {
    assert.deepEqual((await call({ token }, "scope")).body.result, ["im", "user"]);
    const full = (await call({ token }, "scope", { full: true })).body.result as string[];
    for (const name of ["crm", "task", "disk", "im", "imbot", "user", "user_basic", "department", "calendar", "timeman", "log", "sonet_group"]) assert.ok(full.includes(name), name);
  });

  it("`methods` lists what the token may call; `method.get` tells existing from available", async () => {
    const available = (await call({ token }, "methods")).body.result as string[];
    assert.ok(available.includes("im.message.add") && available.includes("user.get") && available.includes("batch"));
    assert.ok(!available.some((name) => name.startsWith("crm.") || name.startsWith("task") || name.startsWith("disk.")), available.join(" "));
    assert.ok(((await call({ token }, "methods", { full: true })).body.result as string[]).includes("crm.lead.list"));
    assert.deepEqual((await call({ token }, "method.get", { name: "crm.lead.list" })).body.result, { isExisting: true, isAvailable: false });
    assert.deepEqual((await call({ token }, "method.get", { name: "im.message.add" })).body.result, { isExisting: true, isAvailable: true });
    assert.deepEqual((await call({ token }, "method.get", { name: "crm.nothing.here" })).body.result, { isExisting: false, isAvailable: false });
  });

  it("a refreshed token keeps the app's scopes", async () => {
    const renewed = await bitrix24.refreshToken(APP.clientId, APP.clientSecret, refresh);
    assert.equal(renewed.scope, "im,user");
    assertServed(await call({ token: renewed.access_token }, "im.dialog.messages.get", { DIALOG_ID: "chat1" }), "im.dialog.messages.get");
    assertRefused(await call({ token: renewed.access_token }, "crm.lead.list"), "crm.lead.list");
  });
});

describe("a webhook created with scope crm", () => {
  let webhook: string;
  before(() => {
    webhook = portal.addWebhook({ scope: "crm" });
  });

  it("calls crm.* and is refused im.*, user.* and task methods", async () => {
    assertServed(await call({ webhook }, "crm.lead.list"), "crm.lead.list");
    assertServed(await call({ webhook }, "crm.lead.add", { fields: { TITLE: "Scoped lead" } }), "crm.lead.add");
    for (const method of ["im.message.add", "user.current", "user.get", "tasks.task.list"]) assertRefused(await call({ webhook }, method, { DIALOG_ID: "chat1", MESSAGE: "x" }), method);
  });

  it("inside a batch the im command fails while the crm one succeeds", async () => {
    const answer = await call({ webhook }, "batch", { cmd: { leads: "crm.lead.list?select[]=ID", message: "im.message.add?DIALOG_ID=chat1&MESSAGE=no" } });
    const result = answer.body.result as { result: Record<string, unknown>; result_error: Record<string, unknown> };
    assert.ok(Array.isArray(result.result.leads));
    assert.deepEqual(result.result_error.message, INSUFFICIENT);
  });

  it("`scope` answers [\"crm\"]", async () => {
    assert.deepEqual((await call({ webhook }, "scope")).body.result, ["crm"]);
  });
});

describe("every method has its scope", () => {
  it("a caller whose only scope the portal does not serve may call only the basic methods", async () => {
    const webhook = portal.addWebhook({ scope: "imopenlines" });
    // Any method family missing from the scope table would show up here.
    assert.deepEqual((await call({ webhook }, "methods")).body.result, ["batch", "method.get", "methods", "scope", "server.time"]);
    assert.deepEqual((await call({ webhook }, "methods", { scope: "" })).body.result, ["batch", "method.get", "methods", "scope", "server.time"]);
    const crm = (await call({ webhook }, "methods", { scope: "crm" })).body.result as string[];
    assert.ok(crm.length > 0 && crm.every((name) => name.startsWith("crm.")), crm.join(" "));
  });

  it("user.get and user.current are open to user_basic; user.update is not", async () => {
    const webhook = portal.addWebhook({ scope: "user_basic" });
    assertServed(await call({ webhook }, "user.current"), "user.current");
    assertRefused(await call({ webhook }, "user.update", { ID: 1, NAME: "X" }), "user.update");
  });
});

describe("defaults: every scope", () => {
  it("the portal's webhook, its access token and the default app's tokens call every area", async () => {
    const plain = await startPortal({});
    try {
      const shown = (await (await fetch(`${plain.url}/oauth/authorize/?client_id=${plain.oauth.defaultApp.clientId}`)).json()) as { code: string };
      const exchanged = await fetch(`${plain.url}/oauth/token/?grant_type=authorization_code&client_id=${plain.oauth.defaultApp.clientId}&client_secret=${plain.oauth.defaultApp.clientSecret}&code=${shown.code}`);
      const tokens = (await exchanged.json()) as { access_token: string; scope: string };
      for (const name of ["crm", "task", "im", "user", "disk"]) assert.ok(tokens.scope.split(",").includes(name), tokens.scope);
      const local = (target: { token: string } | { webhook: string }, method: string) =>
        fetch("token" in target ? `${plain.url}/rest/${method}${method.includes("?") ? "&" : "?"}auth=${target.token}` : `${target.webhook}${method}`).then((r) => r.status);
      for (const target of [{ webhook: plain.webhookUrl }, { token: plain.accessToken }, { token: tokens.access_token }]) {
        for (const method of ["crm.lead.list", "tasks.task.list", "im.dialog.messages.get?DIALOG_ID=chat1", "user.current", "disk.storage.getlist"]) {
          assert.equal(await local(target, method), 200, method);
        }
      }
    } finally {
      await plain.close();
    }
  });
});

describe("startPortal({ scope }) and oint sandbox --scope", () => {
  const scratch = useScratchDir();

  it("the printed webhook, token and app get the scopes asked for; a webhook's scopes survive a restart", async () => {
    const file = join(scratch.path, "scoped.db");
    let scoped = await startPortal({ scope: "im", data: file });
    const extra = scoped.addWebhook({ secret: "crmonlyhook", scope: "crm" });
    try {
      assertRefused(await fetch(`${scoped.webhookUrl}crm.lead.list`).then(async (r) => ({ status: r.status, body: await r.json() })), "webhook crm.lead.list");
      assertRefused(await fetch(`${scoped.url}/rest/crm.lead.list?auth=${scoped.accessToken}`).then(async (r) => ({ status: r.status, body: await r.json() })), "token crm.lead.list");
      assert.equal(scoped.oauth.defaultApp.scope, "im");
    } finally {
      await scoped.close();
    }
    scoped = await startPortal({ data: file });
    try {
      const hook = extra.replace(/^http:\/\/[^/]+/, scoped.url);
      assert.equal((await fetch(`${hook}crm.lead.list`)).status, 200);
      assert.equal((await fetch(`${hook}im.dialog.messages.get?DIALOG_ID=chat1`)).status, 403, "the saved webhook is still crm-only");
    } finally {
      await scoped.close();
    }
  });

  it("an unknown scope name is refused at start, and by the sandbox in one line (exit 4)", async () => {
    await assert.rejects(startPortal({ scope: "im,crmm" }), /unknown scope "crmm"/);
    assert.throws(() => portal.addWebhook({ scope: "tasks-extended" }), /unknown scope "tasks-extended"/);
    let err = "";
    const code = await runSandbox(["--port", "0", "--scope", "im,crmm"], { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } });
    assert.equal(code, 4);
    assert.match(err, /^oint sandbox: --scope: unknown scope "crmm"/);
    assert.equal(err.trim().split("\n").length, 1);
  });

  it("oint sandbox --scope crm,user serves those and refuses the rest", async () => {
    let out = "";
    const stop = new AbortController();
    const running = runSandbox(["--port", "0", "--plan", "off", "--scope", "crm,user"], { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, signal: stop.signal });
    try {
      while (!/Webhook URL: +\S+/.test(out)) await new Promise((resolve) => setImmediate(resolve));
      const webhook = /Webhook URL: +(\S+)/.exec(out)![1];
      assert.match(out, /^Scopes: +crm,user /m);
      assert.equal((await fetch(`${webhook}crm.lead.list`)).status, 200);
      assert.equal((await fetch(`${webhook}user.current`)).status, 200);
      assert.equal((await fetch(`${webhook}im.dialog.messages.get?DIALOG_ID=chat1`)).status, 403);
    } finally {
      stop.abort();
      assert.equal(await running, 0);
    }
  });
});
