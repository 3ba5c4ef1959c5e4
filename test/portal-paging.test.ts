// List paging over 100,000 synthetic CRM leads (crm.lead.list): offset pages with start/next/
// total, the fast start=-1 walk with a >ID filter, filters, order, and crm.lead.add/get.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

const LEADS = 100_000;
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ leads: LEADS });
});
after(async () => {
  await portal?.close();
});

async function list(params: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${portal.webhookUrl}crm.lead.list`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  assert.equal(res.status, 200);
  return res.json();
}

const ids = (page: any): number[] => page.result.map((lead: any) => Number(lead.ID));

describe("offset paging", () => {
  it("answers 50 leads with total and next, keys in Bitrix24's order", async () => {
    const page = await list({});
    assert.deepEqual(Object.keys(page), ["result", "next", "total", "time"]);
    assert.equal(page.total, LEADS);
    assert.equal(page.next, 50);
    assert.deepEqual(ids(page), Array.from({ length: 50 }, (_, i) => i + 1));
    const lead = page.result[0];
    assert.equal(lead.ID, "1");
    for (const key of ["TITLE", "STATUS_ID", "DATE_CREATE", "ASSIGNED_BY_ID"]) assert.equal(typeof lead[key], "string", key);
  });

  it("follows next to the last page, which has no next", async () => {
    const middle = await list({ start: 50_000 });
    assert.equal(middle.result[0].ID, "50001");
    assert.equal(middle.next, 50_050);
    const last = await list({ start: 99_950 });
    assert.equal(last.result.length, 50);
    assert.equal(last.next, undefined);
    assert.equal(last.total, LEADS);
    assert.equal((await list({ start: 99_990 })).result.length, 10);
    assert.deepEqual((await list({ start: 200_000 })).result, []);
  });

  it("filters by a field with a count, and orders by ID descending", async () => {
    const fresh = await list({ filter: { STATUS_ID: "NEW" }, start: 50 });
    assert.equal(fresh.total, LEADS / 5);
    assert.equal(fresh.result[0].ID, "255");
    assert.ok(fresh.result.every((lead: any) => lead.STATUS_ID === "NEW"));
    const desc = await list({ order: { ID: "DESC" } });
    assert.equal(desc.result[0].ID, String(LEADS));
    const range = await list({ filter: { ">=ID": 10, "<ID": 15 } });
    assert.deepEqual(ids(range), [10, 11, 12, 13, 14]);
    assert.equal(range.total, 5);
    assert.deepEqual(ids(await list({ filter: { ID: 777 } })), [777]);
  });
});

describe("start=-1 (no count)", () => {
  it("answers total 0 and no next; >ID moves the window", async () => {
    const page = await list({ start: -1, order: { ID: "ASC" }, filter: { ">ID": 99_980 } });
    assert.equal(page.total, 0);
    assert.equal(page.next, undefined);
    assert.deepEqual(ids(page), Array.from({ length: 20 }, (_, i) => 99_981 + i));
  });

  it("walks all 100,000 leads by keyset, 50 pages per batch chained with $result", async () => {
    let last = 0;
    let seen = 0;
    let requests = 0;
    for (;;) {
      const cmd: Record<string, string> = { p0: `crm.lead.list?start=-1&order[ID]=ASC&filter[>ID]=${last}&select[]=ID` };
      for (let i = 1; i < 50; i++) cmd[`p${i}`] = `crm.lead.list?start=-1&order[ID]=ASC&filter[>ID]=$result[p${i - 1}][49][ID]&select[]=ID`;
      const res = await fetch(`${portal.webhookUrl}batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cmd, halt: 1 }) });
      requests++;
      const pages = (await res.json()).result.result;
      let done = false;
      for (let i = 0; i < 50 && !done; i++) {
        const page: { ID: string }[] = pages[`p${i}`] ?? [];
        for (const lead of page) {
          assert.equal(Number(lead.ID), last + 1, "ascending, no gap, no repeat");
          last = Number(lead.ID);
          seen++;
        }
        done = page.length < 50;
      }
      if (done) break;
      assert.ok(requests < 100, "the walk must end");
    }
    assert.equal(seen, LEADS);
    assert.equal(requests, 41); // 40 full batches, then one whose first page is empty
  });
});

describe("crm.lead.add / crm.lead.get", () => {
  it("adds after the synthetic leads, with the next ID, and lists it", async () => {
    const res = await fetch(`${portal.webhookUrl}crm.lead.add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fields: { TITLE: "Fresh", NAME: "Nina", LAST_NAME: "Orlova" } }),
    });
    const added = await res.json();
    assert.equal(added.result, LEADS + 1);
    const got = await fetch(`${portal.webhookUrl}crm.lead.get?id=${added.result}`).then((r) => r.json());
    assert.equal(got.result.TITLE, "Fresh");
    assert.equal(got.result.LAST_NAME, "Orlova");
    const tail = await list({ start: -1, filter: { ">ID": LEADS } });
    assert.deepEqual(ids(tail), [LEADS + 1]);
    assert.equal((await list({})).total, LEADS + 1);
  });

  it("answers crm errors with an empty code and the reason", async () => {
    const missing = await fetch(`${portal.webhookUrl}crm.lead.get?id=${LEADS * 10}`);
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { error: "", error_description: "Not found" });
    const bad = await fetch(`${portal.webhookUrl}crm.lead.get`);
    assert.deepEqual(await bad.json(), { error: "", error_description: "ID is not defined or invalid." });
  });
});

// startPortal({ tasks, deals }): 100,000 synthetic tasks and deals, walked the way batched keyset
// paging does it. tasks.task.list answers `result: { tasks: [{ id, … }] }`, so the chain names that path.
describe("100,000 synthetic tasks and deals, walked by keyset in batches", () => {
  const COUNT = 100_000;
  let many: RunningPortal;
  before(async () => {
    many = await startPortal({ tasks: COUNT, deals: COUNT, requestLog: 0 });
  });
  after(async () => {
    await many?.close();
  });

  async function walk(method: string, items: (result: any) => { id?: string; ID?: string }[], path: string): Promise<{ seen: number; requests: number }> {
    let last = 0;
    let seen = 0;
    let requests = 0;
    for (;;) {
      const cmd: Record<string, string> = { p0: `${method}?start=-1&order[ID]=ASC&filter[>ID]=${last}&select[]=ID` };
      for (let i = 1; i < 50; i++) cmd[`p${i}`] = `${method}?start=-1&order[ID]=ASC&filter[>ID]=$result[p${i - 1}]${path}&select[]=ID`;
      const res = await fetch(`${many.webhookUrl}batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cmd, halt: 1 }) });
      requests++;
      const answer = await res.json();
      assert.deepEqual(answer.result.result_error, []);
      let done = false;
      for (let i = 0; i < 50 && !done; i++) {
        const page = items(answer.result.result[`p${i}`]);
        for (const item of page) {
          assert.equal(Number(item.ID ?? item.id), last + 1, "ascending, no gap, no repeat");
          last++;
          seen++;
        }
        done = page.length < 50;
      }
      if (done) return { seen, requests };
      assert.ok(requests < 100, "the walk must end");
    }
  }

  it("counts them: tasks.task.list and crm.deal.list answer total 100,000", async () => {
    const call = (method: string) => fetch(`${many.webhookUrl}${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ select: ["ID"] }) }).then((r) => r.json());
    const [tasks, deals] = [await call("tasks.task.list"), await call("crm.deal.list")];
    assert.equal(tasks.total, COUNT);
    assert.equal(tasks.result.tasks.length, 50);
    assert.equal(deals.total, COUNT);
  });

  it("tasks: $result[p0][tasks][49][id] chains the pages; every task once, in 41 requests", async () => {
    assert.deepEqual(await walk("tasks.task.list", (result) => result?.tasks ?? [], "[tasks][49][id]"), { seen: COUNT, requests: 41 });
  });

  it("deals: $result[p0][49][ID] chains the pages; every deal once, in 41 requests", async () => {
    assert.deepEqual(await walk("crm.deal.list", (result) => result ?? [], "[49][ID]"), { seen: COUNT, requests: 41 });
  });
});
