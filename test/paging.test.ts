// client.list(): every item of a list method, by offset, by keyset (`>ID`, start=-1) and by keyset
// chained inside batches, fetched lazily a page (or a batch of pages) at a time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { LIST_QUIRKS } from "../src/transport/paging.js";

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

  it("keyset and batched keyset start above the caller's own >ID, and go on above the last ID seen", async () => {
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    for (const mode of ["keyset", "batched-keyset"] as const) {
      assert.deepEqual(await ids(client.list("crm.lead.list", { filter: { ">ID": 1100 } }, { mode })), all.slice(1100), mode);
      assert.deepEqual(await ids(client.list("crm.lead.list", { FILTER: { ">ID": 1100, "<=ID": 1180 } }, { mode })), all.slice(1100, 1180), mode);
    }
  });

  it("keyset refuses an order it cannot keep (anything but ID ascending), before sending; ID ascending is accepted", async () => {
    const from = listRequests().length;
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
    for (const mode of ["keyset", "batched-keyset"] as const) {
      for (const order of [{ ID: "DESC" }, { TITLE: "ASC" }, { ID: "ASC", TITLE: "ASC" }]) {
        await assert.rejects(ids(client.list("crm.lead.list", { order }, { mode })), (error: Error) => {
          assert.equal(error.name, "InputError");
          assert.match(error.message, new RegExp(`${mode} paging walks the list by ID ascending, so order .* cannot be kept: leave order out, or use mode "offset"`));
          return true;
        });
      }
    }
    assert.equal(listRequests().length, from, "nothing sent");
    assert.deepEqual(await ids(client.list("crm.lead.list", { order: { id: "asc" }, filter: { "<=ID": 60 } }, { mode: "keyset" })), all.slice(0, 60));
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

// Lists whose items sit under a key of `result` and spell their ID otherwise: tasks.task.list answers
// `result: { tasks: [{ id, … }] }` while its filter and order say `ID`; deals answer `result: [{ ID }]`.
describe("list paging: tasks (result.tasks, camelCase id) and deals", () => {
  const COUNT = 1234;
  let many: RunningPortal;
  before(async () => {
    many = await startPortal({ tasks: COUNT, deals: COUNT });
  });
  after(() => many.close());

  const sent = (from: number) => many.requests.slice(from);
  const taskIds = async (iterable: AsyncIterable<Record<string, unknown>>) => {
    const out: number[] = [];
    for await (const task of iterable) out.push(Number(task.id));
    return out;
  };
  const everyTask = Array.from({ length: COUNT }, (_, i) => i + 1);
  // Synthetic task N has status [2, 3, 5, 2, 6][N % 5]: 5 (completed) when N % 5 = 2.
  const completed = everyTask.filter((id) => id % 5 === 2);

  it("tasks.task.list is declared: items under result.tasks, items' id, filter and order by ID", () => {
    assert.deepEqual(LIST_QUIRKS["tasks.task.list"], { itemsKey: "tasks", idField: "id", filterField: "ID" });
  });

  it("batched keyset: every task once, in ID order, in 2 requests; pages chained by $result[p0][tasks][49][id]", async () => {
    const from = many.requests.length;
    const client = new Bitrix24Client({ url: many.webhookUrl, plan: "off" });
    assert.deepEqual(await taskIds(client.list("tasks.task.list", { select: ["ID", "TITLE"] }, { mode: "batched-keyset" })), everyTask);
    const requests = sent(from);
    assert.deepEqual(requests.map((r) => r.restMethod), ["tasks.task.list", "batch"]);
    assert.deepEqual(requests[0].params.filter, { ">ID": 0 });
    assert.deepEqual(requests[0].params.order, { ID: "ASC" });
    const cmd = requests[1].params.cmd as Record<string, string>;
    assert.equal(Object.keys(cmd).length, Math.ceil((COUNT - 50) / 50));
    assert.match(decodeURIComponent(cmd.p1), /filter\[>ID\]=\$result\[p0\]\[tasks\]\[49\]\[id\]/);
  });

  it("keyset and batched keyset keep the caller's filter; offset reads result.tasks too", async () => {
    const client = new Bitrix24Client({ url: many.webhookUrl, plan: "off" });
    const filter = { filter: { STATUS: 5 }, select: ["ID"] };
    assert.deepEqual(await taskIds(client.list("tasks.task.list", filter, { mode: "batched-keyset", pagesPerRequest: 3 })), completed);
    assert.deepEqual(await taskIds(client.list("tasks.task.list", filter, { mode: "keyset" })), completed);
    assert.deepEqual(await taskIds(client.list("tasks.task.list", { ...filter, order: { ID: "ASC" } })), completed);
  });

  it("a count that ends on a full page: the empty page that shows the end rides in the last batch (1000 tasks, 2 requests)", async () => {
    const from = many.requests.length;
    const client = new Bitrix24Client({ url: many.webhookUrl, plan: "off" });
    assert.deepEqual(await taskIds(client.list("tasks.task.list", { filter: { "<=ID": 1000 } }, { mode: "batched-keyset" })), everyTask.slice(0, 1000));
    const requests = sent(from);
    assert.deepEqual(requests.map((r) => r.restMethod), ["tasks.task.list", "batch"]);
    assert.equal(Object.keys(requests[1].params.cmd as object).length, 20, "19 counted pages and the empty one");
  });

  it("a select that leaves out ID gets it added, so the keyset can go on", async () => {
    const from = many.requests.length;
    const client = new Bitrix24Client({ url: many.webhookUrl, plan: "off" });
    const titles: string[] = [];
    for await (const task of client.list<{ id: string; title: string }>("tasks.task.list", { select: ["TITLE"], filter: { "<=ID": 120 } }, { mode: "keyset" })) {
      titles.push(task.title);
    }
    assert.deepEqual(titles, everyTask.slice(0, 120).map((id) => `Task #${id}`));
    assert.deepEqual(sent(from)[0].params.select, ["TITLE", "ID"]);
  });

  it("deals: batched keyset sees every deal of a stage once, in order, in 2 requests", async () => {
    const from = many.requests.length;
    const client = new Bitrix24Client({ url: many.webhookUrl, plan: "off" });
    const seen: number[] = [];
    for await (const deal of client.list<{ ID: string; STAGE_ID: string }>("crm.deal.list", { filter: { STAGE_ID: "WON" }, select: ["ID", "STAGE_ID"] }, { mode: "batched-keyset", pagesPerRequest: 50 })) {
      assert.equal(deal.STAGE_ID, "WON");
      seen.push(Number(deal.ID));
    }
    // Synthetic deal N is in stage N % 8 of NEW, PREPARATION, …, WON (5), LOSE, APOLOGY.
    assert.deepEqual(seen, everyTask.filter((id) => id % 8 === 5));
    assert.deepEqual(sent(from).map((r) => r.restMethod), ["crm.deal.list", "batch"]);
    const all: number[] = [];
    for await (const deal of client.list<{ ID: string }>("crm.deal.list", {}, { mode: "batched-keyset" })) all.push(Number(deal.ID));
    assert.deepEqual(all, everyTask);
  });
});

describe("list paging: an undeclared method answering result: { <key>: [...] }", () => {
  // A list method LIST_QUIRKS does not know, whose items sit under a key: found by its shape.
  const rows = Array.from({ length: 173 }, (_, i) => ({ id: i + 1 }));
  let custom: RunningPortal;
  before(async () => {
    custom = await startPortal({
      methods: {
        "example.thing.list": (ctx) => {
          const filter = (ctx.params.filter ?? {}) as Record<string, unknown>;
          const above = Number(filter[">ID"] ?? 0);
          return { things: rows.filter((row) => row.id > above).slice(0, 50) };
        },
      },
    });
  });
  after(() => custom.close());

  it("keyset and batched keyset find the items and their id", async () => {
    const client = new Bitrix24Client({ url: custom.webhookUrl, plan: "off" });
    for (const mode of ["keyset", "batched-keyset"] as const) {
      const seen: number[] = [];
      for await (const thing of client.list<{ id: number }>("example.thing.list", {}, { mode })) seen.push(thing.id);
      assert.deepEqual(seen, rows.map((row) => row.id), mode);
    }
  });
});
