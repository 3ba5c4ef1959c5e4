// client.list(): every item of a list method, by offset, by keyset (`>ID`, start=-1) and by keyset
// chained inside batches, fetched lazily a page (or a batch of pages) at a time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

const LEADS = 1234;
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ leads: LEADS });
});
after(() => portal.close());

const listRequests = () => portal.requests.filter((r) => r.restMethod === "crm.lead.list" || r.restMethod === "batch");
const all = Array.from({ length: LEADS }, (_, i) => i + 1);

async function ids(iterable: AsyncIterable<Record<string, unknown>>): Promise<number[]> {
  const out: number[] = [];
  for await (const lead of iterable) out.push(Number(lead.ID));
  return out;
}

describe("list paging", () => {
  it("offset: start=0, 50, … until there is no next; every lead once, in order", async () => {
    const from = listRequests().length;
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    assert.deepEqual(await ids(client.list("crm.lead.list", { order: { ID: "ASC" } })), all);
    const sent = listRequests().slice(from);
    assert.equal(sent.length, 25);
    assert.deepEqual(sent.slice(0, 3).map((r) => String(r.params.start)), ["0", "50", "100"]);
  });

  it("keyset: order by ID, filter >last ID, start=-1 (no totals), stops at a short page", async () => {
    const from = listRequests().length;
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    assert.deepEqual(await ids(client.list("crm.lead.list", {}, { mode: "keyset" })), all);
    const sent = listRequests().slice(from);
    assert.equal(sent.length, 25);
    assert.ok(sent.every((r) => String(r.params.start) === "-1"));
    assert.equal(String((sent[1].params.filter as Record<string, unknown>)[">ID"]), "50");
  });

  it("keyset keeps the caller's own filter", async () => {
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    assert.deepEqual(await ids(client.list("crm.lead.list", { filter: { "<=ID": 120 } }, { mode: "keyset" })), all.slice(0, 120));
  });

  it("batched keyset: a counted first page, then up to 50 chained pages per request (2 requests for 1234 leads)", async () => {
    const from = listRequests().length;
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    assert.deepEqual(await ids(client.list("crm.lead.list", {}, { mode: "batched-keyset" })), all);
    const sent = listRequests().slice(from);
    assert.deepEqual(sent.map((r) => r.restMethod), ["crm.lead.list", "batch"]);
  });

  it("batched keyset with smaller batches gives the same list", async () => {
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    assert.deepEqual(await ids(client.list("crm.lead.list", {}, { mode: "batched-keyset", pagesPerRequest: 7 })), all);
  });

  it("pages are fetched as they are consumed, so memory holds one page at a time", async () => {
    const from = listRequests().length;
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    const pages = client.list("crm.lead.list", {}, { mode: "keyset" }).pages()[Symbol.asyncIterator]();
    const first = await pages.next();
    assert.equal((first.value as unknown[]).length, 50);
    assert.equal(listRequests().length - from, 1, "only the first page was requested");
    await pages.return?.();
  });

  it("a list of exactly 100 ends after an empty page; an empty list yields nothing", async () => {
    const small = await startPortal({ leads: 100 });
    try {
      const client = new Bitrix24Client({ url: small.webhookUrl, plan: "off" });
      assert.equal((await ids(client.list("crm.lead.list", {}, { mode: "keyset" }))).length, 100);
      assert.equal((await ids(client.list("crm.lead.list", {}, { mode: "batched-keyset" }))).length, 100);
      assert.deepEqual(await ids(client.list("crm.lead.list", { filter: { ">ID": 5000 } })), []);
    } finally {
      await small.close();
    }
  });
});
