// The local portal's wire protocol: routes, both auth modes, body encodings, the success and error
// envelopes and their HTTP statuses, and robustness (500 on a handler bug, prompt close()).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { paged, startPortal, type RunningPortal } from "../src/portal/index.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ port: 0 });
});
after(async () => {
  await portal?.close();
});

const ATOM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
const JSON_TYPE = "application/json; charset=utf-8";

async function send(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: any; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type"), body, text };
}

const postJson = (url: string, params: unknown) =>
  send(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });

function assertError(res: { status: number; type: string | null; body: any }, status: number, code: string, description: string): void {
  assert.equal(res.status, status);
  assert.equal(res.type, JSON_TYPE);
  // Exactly the two keys: Bitrix24 error answers carry no result and no time.
  assert.deepEqual(res.body, { error: code, error_description: description });
}

describe("success envelope", () => {
  it("answers server.time with {result, time}: result an ATOM date, time typed like the real samples", async () => {
    const res = await postJson(`${portal.webhookUrl}server.time`, {});
    assert.equal(res.status, 200);
    assert.equal(res.type, JSON_TYPE);
    assert.deepEqual(Object.keys(res.body), ["result", "time"]);
    assert.match(res.body.result, ATOM);
    const time = res.body.time;
    // Key order and types from fixtures/opi-samples/ServerTime.json.
    assert.deepEqual(Object.keys(time), ["start", "finish", "duration", "processing", "date_start", "date_finish", "operating_reset_at", "operating"]);
    for (const key of ["start", "finish", "duration", "processing", "operating_reset_at", "operating"]) assert.equal(typeof time[key], "number", key);
    assert.ok(Number.isInteger(time.start));
    assert.equal(time.operating_reset_at, time.start + 600);
    assert.equal(time.operating, 0);
    assert.ok(time.finish >= time.start && time.duration >= 0);
    assert.match(time.date_start, ATOM);
    assert.match(time.date_finish, ATOM);
    assert.equal(time.date_start, new Date(time.start * 1000).toISOString().replace(".000Z", "+00:00"));
  });
  it("puts next and total between result and time for list answers", async () => {
    portal.methods.register("test.list", () => paged([{ ID: 1 }], 120, 50));
    portal.methods.register("test.lastpage", () => paged([], 0));
    const res = await postJson(`${portal.webhookUrl}test.list`, {});
    assert.deepEqual(Object.keys(res.body), ["result", "next", "total", "time"]);
    assert.equal(res.body.next, 50);
    assert.equal(res.body.total, 120);
    const last = await postJson(`${portal.webhookUrl}test.lastpage`, {});
    assert.deepEqual(Object.keys(last.body), ["result", "total", "time"]);
  });
});

describe("routes", () => {
  it("accepts the method with .json, with a trailing slash, and in any letter case", async () => {
    for (const path of ["server.time.json", "server.time/", "server.time.json/", "SERVER.Time"]) {
      const res = await send(`${portal.webhookUrl}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.body.result, ATOM, path);
    }
  });

  it("answers an unknown method with 404 ERROR_METHOD_NOT_FOUND", async () => {
    assertError(await postJson(`${portal.webhookUrl}im.message.pin`, {}), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    assertError(await postJson(`${portal.url}/rest/no.such.method`, { auth: portal.accessToken }), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
  });

  it("answers paths outside /rest with a plain 404", async () => {
    const res = await send(`${portal.url}/index.php`);
    assert.equal(res.status, 404);
    assert.match(res.type ?? "", /^text\/plain/);
  });

  it("ignores parameters it does not know (the SDK's bx24_* telemetry)", async () => {
    const res = await postJson(`${portal.webhookUrl}server.time?bx24_request_id=abc&bx24_sdk_ver=2.1.0`, { unrelated: 1 });
    assert.equal(res.status, 200);
  });

  it("records every request as received, secret and all", async () => {
    await send(`${portal.webhookUrl}server.time.json?x[a]=1`, { method: "POST", headers: { "content-type": "application/json", "X-Trace": "t1" }, body: '{"y":2}' });
    const rec = portal.requests.at(-1)!;
    assert.equal(rec.httpMethod, "POST");
    assert.equal(rec.path, `/rest/1/${portal.secret}/server.time.json`);
    assert.equal(rec.restMethod, "server.time");
    assert.deepEqual(rec.query, { x: { a: "1" } });
    assert.equal(rec.body, '{"y":2}');
    assert.deepEqual(rec.params, { x: { a: "1" }, y: 2 });
    assert.equal(rec.headers["x-trace"], "t1");
  });
});

describe("webhook auth", () => {
  it("refuses a wrong secret with 401 INVALID_CREDENTIALS", async () => {
    const wrong = portal.webhookUrl.replace(portal.secret, "wrongsecret00000");
    assertError(await postJson(`${wrong}server.time`, {}), 401, "INVALID_CREDENTIALS", "Invalid request credentials");
  });

  it("refuses the right secret under another user id", async () => {
    const other = `${portal.url}/rest/2/${portal.secret}/server.time`;
    assertError(await postJson(other, {}), 401, "INVALID_CREDENTIALS", "Invalid request credentials");
  });

  it("checks credentials before looking up the method", async () => {
    const wrong = portal.webhookUrl.replace(portal.secret, "wrongsecret00000");
    assertError(await postJson(`${wrong}no.such.method`, {}), 401, "INVALID_CREDENTIALS", "Invalid request credentials");
  });
});

describe("OAuth auth", () => {
  it("accepts the token as `auth` in a JSON body", async () => {
    const res = await postJson(`${portal.url}/rest/server.time`, { auth: portal.accessToken });
    assert.equal(res.status, 200);
    assert.match(res.body.result, ATOM);
  });

  it("accepts the token as `auth` in the query string of a GET", async () => {
    const res = await send(`${portal.url}/rest/server.time.json?auth=${portal.accessToken}`);
    assert.equal(res.status, 200);
    assert.equal(portal.requests.at(-1)!.httpMethod, "GET");
  });

  it("runs the method as the token's user", async () => {
    portal.credentials.addToken("token-of-user-3", { userId: 3 });
    const sent = await postJson(`${portal.url}/rest/im.message.add`, { auth: "token-of-user-3", DIALOG_ID: "chat1", MESSAGE: "from Daniel" });
    assert.equal(sent.status, 200);
    assert.equal(portal.state.getMessage(sent.body.result)?.authorId, 3);
  });

  it("answers a missing token with 401 NO_AUTH_FOUND", async () => {
    assertError(await postJson(`${portal.url}/rest/server.time`, {}), 401, "NO_AUTH_FOUND", "Wrong authorization data");
    assertError(await postJson(`${portal.url}/rest/no.such.method`, {}), 401, "NO_AUTH_FOUND", "Wrong authorization data");
  });

  it("answers an unknown token with 401 invalid_token", async () => {
    assertError(await postJson(`${portal.url}/rest/server.time`, { auth: "not-a-token" }), 401, "invalid_token", "The access token provided is invalid");
    assertError(await send(`${portal.url}/rest/server.time?auth=not-a-token`), 401, "invalid_token", "The access token provided is invalid");
  });

  it("answers an expired token with 401 expired_token", async () => {
    portal.credentials.addToken("expired-token", { userId: 1, expiresAt: Date.now() - 1000 });
    assertError(await postJson(`${portal.url}/rest/server.time`, { auth: "expired-token" }), 401, "expired_token", "The access token provided has expired");
  });

  it("takes tokens (with expiry) from startPortal options", async () => {
    const other = await startPortal({ accessTokens: { live: 2, old: { userId: 2, expiresAt: 1 } } });
    try {
      assert.equal(other.accessToken, "live");
      assert.equal((await postJson(`${other.url}/rest/server.time`, { auth: "live" })).status, 200);
      assert.equal((await postJson(`${other.url}/rest/server.time`, { auth: "old" })).body.error, "expired_token");
    } finally {
      await other.close();
    }
  });
});

describe("body encodings", () => {
  const lastRead = async () => {
    const res = await postJson(`${portal.webhookUrl}im.dialog.messages.get`, { DIALOG_ID: "chat1", LIMIT: 1 });
    return res.body.result.messages[0];
  };

  it("parses x-www-form-urlencoded bodies with PHP bracket syntax", async () => {
    const form = new URLSearchParams();
    form.append("DIALOG_ID", "chat1");
    form.append("MESSAGE", "form message");
    form.append("ATTACH[0][IMAGE][NAME]", "Picture");
    form.append("ATTACH[0][IMAGE][LINK]", "https://example.com/p.png");
    form.append("ATTACH[1][MESSAGE]", "caption");
    const res = await send(`${portal.webhookUrl}im.message.add`, { method: "POST", body: form });
    assert.equal(res.status, 200);
    const msg = await lastRead();
    assert.equal(msg.id, res.body.result);
    assert.equal(msg.text, "form message");
    assert.deepEqual(msg.params.ATTACH[0].BLOCKS, [{ IMAGE: [{ NAME: "Picture", LINK: "https://example.com/p.png" }] }, { MESSAGE: "caption" }]);
  });

  it("parses multipart/form-data text fields", async () => {
    const form = new FormData();
    form.append("DIALOG_ID", "chat1");
    form.append("MESSAGE", "multipart message");
    const res = await send(`${portal.webhookUrl}im.message.add`, { method: "POST", body: form });
    assert.equal(res.status, 200);
    assert.equal((await lastRead()).text, "multipart message");
  });

  it("merges query and body parameters, the body winning", async () => {
    const res = await postJson(`${portal.webhookUrl}im.message.add?DIALOG_ID=chat1&MESSAGE=from-query`, { MESSAGE: "from-body" });
    assert.equal(res.status, 200);
    assert.equal((await lastRead()).text, "from-body");
  });

  it("reads GET query parameters with brackets", async () => {
    const res = await send(`${portal.webhookUrl}im.message.add?DIALOG_ID=chat1&ATTACH[0][MESSAGE]=only%20attach`);
    assert.equal(res.status, 200);
    const msg = await lastRead();
    assert.equal(msg.text, "");
    assert.deepEqual(msg.params.ATTACH[0].BLOCKS, [{ MESSAGE: "only attach" }]);
  });

  it("answers malformed JSON with 400 INVALID_REQUEST and keeps serving", async () => {
    const res = await send(`${portal.webhookUrl}im.message.add`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"DIALOG_ID": "chat1",' });
    assertError(res, 400, "INVALID_REQUEST", "Request body is not valid JSON");
    assert.equal((await postJson(`${portal.webhookUrl}server.time`, {})).status, 200);
  });

  it("reports a malformed body before OAuth auth (the token may be inside it)", async () => {
    const res = await send(`${portal.url}/rest/server.time`, { method: "POST", headers: { "content-type": "application/json" }, body: "{auth:" });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "INVALID_REQUEST");
  });
});

describe("robustness", () => {
  it("turns a handler bug into 500 INTERNAL_SERVER_ERROR and keeps serving", async () => {
    portal.methods.register("test.explode", () => {
      throw new TypeError("boom");
    });
    portal.methods.register("test.reject", async () => Promise.reject(new Error("async boom")));
    assertError(await postJson(`${portal.webhookUrl}test.explode`, {}), 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    assertError(await postJson(`${portal.webhookUrl}test.reject`, {}), 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    assert.equal((await postJson(`${portal.webhookUrl}server.time`, {})).status, 200);
  });

  it("close() returns promptly with connections still open, and stops serving", async () => {
    const p = await startPortal();
    const idle = await fetch(`${p.webhookUrl}server.time`); // undici keeps this connection alive
    await idle.text();
    // A request still being handled: server.close() alone would wait for it forever.
    p.methods.register("test.hang", () => new Promise(() => {}));
    const hanging = fetch(`${p.webhookUrl}test.hang`).then(
      () => "answered",
      () => "cut off",
    );
    while (p.requests.at(-1)?.restMethod !== "test.hang") await new Promise((r) => setTimeout(r, 5));

    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      p.close().then(() => "closed"),
      new Promise((resolve) => (timer = setTimeout(resolve, 1000, "still open after 1 s"))),
    ]);
    clearTimeout(timer);
    assert.equal(outcome, "closed");
    assert.equal(await hanging, "cut off");
    await assert.rejects(fetch(`${p.webhookUrl}server.time`));
  });
});
