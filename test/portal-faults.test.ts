// Faults on demand over real HTTP: 503 storms, error pages before and after the method ran, dropped
// connections before and after it, answers spoilt after it ran (a PHP notice before the JSON, a body
// cut short), slow answers, malformed successes, and access tokens expiring mid-run.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ leads: 10 });
});
after(async () => {
  await portal?.close();
});
afterEach(() => portal.faults.clear());

async function get(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${portal.webhookUrl}${path}`);
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const addLead = (title: string) =>
  fetch(`${portal.webhookUrl}crm.lead.add`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ fields: { TITLE: title } }),
  });

describe("answers instead of the method", () => {
  it("a 503 storm: N answers of QUERY_LIMIT_EXCEEDED, then the method answers again", async () => {
    portal.faults.add({ kind: "status", status: 503, times: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await get("server.time");
      assert.equal(res.status, 503);
      assert.deepEqual(JSON.parse(res.text), { error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" });
    }
    assert.equal((await get("server.time")).status, 200);
    assert.equal(portal.faults.pending, 0);
  });

  it("only hits the method it names; other methods pass untouched", async () => {
    portal.faults.add({ kind: "status", status: 503, method: "crm.lead.get" });
    assert.equal((await get("server.time")).status, 200);
    assert.equal((await get("CRM.LEAD.GET?id=1")).status, 503, "method names match case-insensitively");
    assert.equal((await get("crm.lead.get?id=1")).status, 200);
  });

  it("500 and 502 with an HTML page by default, or the body given; faults are consumed in order", async () => {
    portal.faults.add({ kind: "status", status: 500 }, { kind: "status", status: 502, body: { error: "GATEWAY", error_description: "upstream" } });
    const first = await get("server.time");
    assert.equal(first.status, 500);
    assert.match(first.type ?? "", /^text\/html/);
    assert.match(first.text, /500 Internal Server Error/);
    const second = await get("server.time");
    assert.equal(second.status, 502);
    assert.deepEqual(JSON.parse(second.text), { error: "GATEWAY", error_description: "upstream" });
    assert.equal((await get("server.time")).status, 200);
  });

  it("a malformed success: HTTP 200 whose JSON is not an envelope, and the method did not run", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "malformed", method: "crm.lead.add" });
    const res = await addLead("never stored");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "[]");
    assert.equal(portal.state.leads.size, before);
  });

  it("slow answers: a delayed request still gets its normal answer", async () => {
    portal.faults.add({ kind: "delay", ms: 150, method: "crm.lead.get" });
    const res = await get("crm.lead.get?id=3");
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).result.ID, "3");
    assert.equal(portal.faults.pending, 0);
  });
});

describe("answers spoilt after the method ran", () => {
  it("notice: a PHP notice before the method's JSON answer, status unchanged; the lead is stored", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "notice", method: "crm.lead.add" });
    const res = await addLead("noticed");
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^<br \/>\n<b>Notice<\/b>: .*\n\{"result":\d+,"time":\{/s);
    assert.equal(portal.state.leads.size, before + 1);
  });

  it("notice on a refusal keeps the error's status: a 400 whose body is the notice and the envelope", async () => {
    portal.faults.add({ kind: "notice", method: "crm.lead.get", text: "Warning: x\n" });
    const res = await get("crm.lead.get?id=999999");
    assert.equal(res.status, 400);
    assert.match(res.text, /^Warning: x\n\{"error":"/);
  });

  it("truncate: a complete HTTP answer holding only the first bytes of the JSON; the lead is stored", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "truncate", bytes: 10, method: "crm.lead.add" });
    const res = await addLead("cut short");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"result":');
    assert.equal(portal.state.leads.size, before + 1);
  });

  it("truncate with drop: the headers promise the whole answer, the connection closes half-way", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "truncate", drop: true, method: "crm.lead.add" });
    const res = await addLead("cut and dropped");
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), TypeError);
    assert.equal(portal.state.leads.size, before + 1);
  });

  it("status with after: a gateway's 504 page, though the method ran", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "status", status: 504, after: true, method: "crm.lead.add" });
    const res = await addLead("behind a gateway");
    assert.equal(res.status, 504);
    assert.match(await res.text(), /504 Gateway Time-out/);
    assert.equal(portal.state.leads.size, before + 1);
  });

  it("status without after, e.g. a proxy's 431 page: nothing is stored", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "status", status: 431, method: "crm.lead.add" });
    const res = await addLead("refused by a proxy");
    assert.equal(res.status, 431);
    assert.match(await res.text(), /431 Request Header Fields Too Large/);
    assert.equal(portal.state.leads.size, before);
  });
});

describe("dropped connections", () => {
  it("before the method: no answer and nothing done", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "drop-before", method: "crm.lead.add" });
    await assert.rejects(addLead("dropped before"), TypeError);
    assert.equal(portal.state.leads.size, before);
    assert.equal((await addLead("after the drop")).status, 200, "the portal answers again afterwards");
  });

  it("after the method ran: no answer, but the lead exists (the ambiguous case)", async () => {
    const before = portal.state.leads.size;
    portal.faults.add({ kind: "drop-after", method: "crm.lead.add" });
    await assert.rejects(addLead("dropped after"), TypeError);
    assert.equal(portal.state.leads.size, before + 1);
    assert.equal(portal.state.leads.get(before + 1)?.TITLE, "dropped after");
  });
});

describe("tokens expiring mid-run", () => {
  it("expire-tokens: every token known now answers 401 expired_token; webhooks and new tokens still work", async () => {
    const token = portal.credentials.issueToken(1);
    const oauth = (t: string) => fetch(`${portal.url}/rest/server.time?auth=${t}`);
    assert.equal((await oauth(token)).status, 200);
    portal.faults.add({ kind: "expire-tokens" });
    const res = await oauth(token);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: "expired_token", error_description: "The access token provided has expired" });
    assert.equal((await oauth(portal.accessToken)).status, 401);
    assert.equal((await get("server.time")).status, 200);
    assert.equal((await oauth(portal.credentials.issueToken(1))).status, 200, "a refreshed token works");
  });

  it("expireTokenAfter(token, 2): two more calls work, the third is expired_token", async () => {
    const token = portal.credentials.issueToken(1);
    portal.faults.expireTokenAfter(token, 2);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${portal.url}/rest/server.time?auth=${token}`)).status);
    assert.deepEqual(statuses, [200, 200, 401, 401]);
  });

  it("faults can be given at start", async () => {
    const other = await startPortal({ faults: [{ kind: "status", status: 503, times: 2 }] });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${other.webhookUrl}server.time`)).status);
      assert.deepEqual(statuses, [503, 503, 200]);
    } finally {
      await other.close();
    }
  });
});
