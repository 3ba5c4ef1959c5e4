// crm.deal.* on the engine: the full deal field set with pipelines and stages, CONTACT_ID and
// CONTACT_IDS, UF_CRM_* fields, filters (>OPPORTUNITY, stage, custom field) with a two-key order,
// crm.deal.fields with the real metadata, CRM's errors, answers shaped like the real samples
// (CreateDeal, GetDeal, GetDealsList, UpdateDeal, DeleteDeal, GetDealStructure), both auth modes,
// and startPortal's synthetic `deals`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { usePortal } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const webhook = () => new Bitrix24Client({ url: ctx.portal.webhookUrl });
const oauth = () => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken });
const call = async <T = any>(method: string, params: Record<string, unknown> = {}, client = webhook()) => (await client.call<T>(method, params)) as { result: T; total?: number; next?: number };
const crmError = (description: string) => (e: unknown) => e instanceof Bitrix24Error && e.code === "" && e.description === description && e.status === 400;

// What OpenIntegrations' CreateDeal sends (its docs' example), values as text.
const OPI_DEAL = {
  TITLE: "Another deal", TYPE_ID: "GOODS", STAGE_ID: "NEW", COMPANY_ID: "1", CONTACT_ID: "3", OPENED: "Y", ASSIGNED_BY_ID: "1",
  PROBABILITY: "30", CURRENCY_ID: "USD", OPPORTUNITY: "5000", CATEGORY_ID: "5", BEGINDATE: "2024-01-01", CLOSEDATE: "2031-01-01",
};

describe("crm.deal.add, get, update, delete", () => {
  it("takes OpenIntegrations' CreateDeal payload in both auth modes and prints the deal like GetDeal", async () => {
    for (const client of [webhook(), oauth()]) {
      const added = await call<number>("crm.deal.add", { fields: OPI_DEAL }, client);
      assertLikeSample(added, "CreateDeal");
      const got = await call<Record<string, any>>("crm.deal.get", { id: added.result }, client);
      assertLikeSample(got, "GetDeal");
      const deal = got.result;
      assert.equal(deal.ID, String(added.result));
      assert.equal(deal.OPPORTUNITY, "5000.00");
      assert.equal(deal.CURRENCY_ID, "USD");
      assert.equal(deal.PROBABILITY, "30");
      // Pipeline 5 does not exist: the deal goes to pipeline 0, as the sample's note says Bitrix24 did.
      assert.equal(deal.CATEGORY_ID, "0");
      assert.equal(deal.STAGE_ID, "NEW");
      assert.equal(deal.STAGE_SEMANTIC_ID, "P");
      assert.equal(deal.IS_NEW, "Y");
      assert.equal(deal.CLOSED, "N");
      assert.equal(deal.CONTACT_ID, "3");
      assert.equal(deal.COMPANY_ID, "1");
      assert.equal(deal.BEGINDATE, "2024-01-01T00:00:00+00:00");
      assert.equal(deal.CLOSEDATE, "2031-01-01T00:00:00+00:00");
      assert.equal(deal.SOURCE_ID, "");
      assert.equal(deal.LEAD_ID, null);
      assert.equal("CONTACT_IDS" in deal, false);
    }
  });

  it("update changes what it is given (UpdateDeal's answer); the pipeline stays, a stage of another pipeline is not taken; moving to WON closes the deal", async () => {
    const category = (await call<number>("crm.dealcategory.add", { fields: { NAME: "Wholesale" } })).result;
    const id = (await call<number>("crm.deal.add", { fields: { TITLE: "Pipeline deal", STAGE_ID: `C${category}:PREPARATION` } })).result;
    let deal = (await call("crm.deal.get", { id })).result;
    assert.equal(deal.CATEGORY_ID, String(category)); // from the stage's prefix
    assert.equal(deal.STAGE_ID, `C${category}:PREPARATION`);
    assert.equal(deal.IS_NEW, "N");

    const updated = await call("crm.deal.update", { id, fields: { TITLE: "Future deal in RUB", CURRENCY_ID: "RUB", OPPORTUNITY: "50000", BEGINDATE: "2025-01-01", CATEGORY_ID: 0, STAGE_ID: "WON" } });
    assertLikeSample(updated, "UpdateDeal");
    deal = (await call("crm.deal.get", { id })).result;
    assert.deepEqual([deal.TITLE, deal.CURRENCY_ID, deal.OPPORTUNITY, deal.BEGINDATE], ["Future deal in RUB", "RUB", "50000.00", "2025-01-01T00:00:00+00:00"]);
    assert.equal(deal.CATEGORY_ID, String(category));
    assert.equal(deal.STAGE_ID, `C${category}:PREPARATION`);

    await call("crm.deal.update", { id, fields: { STAGE_ID: `C${category}:WON` } });
    deal = (await call("crm.deal.get", { id })).result;
    assert.deepEqual([deal.STAGE_ID, deal.STAGE_SEMANTIC_ID, deal.CLOSED], [`C${category}:WON`, "S", "Y"]);
    await call("crm.deal.update", { id, fields: { STAGE_ID: `C${category}:LOSE` } });
    assert.equal((await call("crm.deal.get", { id })).result.STAGE_SEMANTIC_ID, "F");

    // The pipeline's stages, and a pipeline with deals cannot be deleted.
    const stages = (await call<any[]>("crm.dealcategory.stage.list", { id: category })).result;
    assert.deepEqual(stages.map((s) => s.STATUS_ID).slice(0, 2), [`C${category}:NEW`, `C${category}:PREPARATION`]);
    assert.deepEqual((await call<any[]>("crm.dealcategory.stage.list", { id: 0 })).result[0].STATUS_ID, "NEW");
    await assert.rejects(call("crm.dealcategory.delete", { id: category }), (e: unknown) => e instanceof Bitrix24Error && e.code === "");
    assertLikeSample(await call("crm.deal.delete", { id }), "DeleteDeal");
    assert.equal((await call("crm.dealcategory.delete", { id: category })).result, true);
  });

  it("CONTACT_IDS and CONTACT_ID follow each other", async () => {
    const id = (await call<number>("crm.deal.add", { fields: { TITLE: "Contacts", CONTACT_IDS: [7, 8] } })).result;
    assert.equal((await call("crm.deal.get", { id })).result.CONTACT_ID, "7");
    await call("crm.deal.update", { id, fields: { CONTACT_ID: 9 } });
    const [row] = (await call<any[]>("crm.deal.list", { filter: { ID: id }, select: ["CONTACT_ID", "CONTACT_IDS"] })).result;
    assert.deepEqual(row, { ID: String(id), CONTACT_ID: "9" }); // CONTACT_IDS is not printed by list
    assert.equal((await call<any[]>("crm.deal.list", { filter: { CONTACT_IDS: 8 } })).result.length, 1);
  });

  it("answers a missing deal, a bad id and bad fields with CRM's empty code", async () => {
    await assert.rejects(call("crm.deal.get", { id: 999_999 }), crmError("Not found"));
    await assert.rejects(call("crm.deal.update", { id: 999_999, fields: { TITLE: "x" } }), crmError("Not found"));
    await assert.rejects(call("crm.deal.delete", { id: 999_999 }), crmError("Not found"));
    await assert.rejects(call("crm.deal.get", { id: "abc" }), crmError("ID is not defined or invalid."));
    await assert.rejects(call("crm.deal.add", { fields: "TITLE" }), crmError("Parameter 'fields' must be array."));
  });
});

describe("crm.deal.fields", () => {
  it("prints the real metadata (GetDealStructure's shape and types), UF fields included", async () => {
    const answer = await call<Record<string, any>>("crm.deal.fields");
    const sample = opiSample("GetDealStructure").result as Record<string, Record<string, unknown>>;
    // The sample was cut after COMPANY_ID: the fields after it are extra.
    const extra = Object.keys(answer.result).filter((k) => !(k in sample)).map((k) => `result.${k}`);
    assertLikeSample({ result: answer.result }, "GetDealStructure", { extra });
    for (const [name, meta] of Object.entries(sample)) assert.deepEqual({ ...answer.result[name], title: meta.title }, meta, name);
    assert.equal(answer.result.LAST_COMMUNICATION_TIME, undefined);
    assert.equal(answer.result.CONTACT_IDS.isMultiple, true);
    assert.equal(answer.result.QUOTE_ID.type, "crm_quote");
  });
});

describe("crm.deal.list", () => {
  it("filters by >OPPORTUNITY, by stage and by a custom field, ordered by two keys; an empty answer like GetDealsList", async () => {
    await call("crm.deal.userfield.add", { fields: { FIELD_NAME: "REGION", USER_TYPE_ID: "string", LABEL: "Region" } });
    const make = (TITLE: string, OPPORTUNITY: number, STAGE_ID: string, UF_CRM_REGION: string) => call<number>("crm.deal.add", { fields: { TITLE, OPPORTUNITY, STAGE_ID, UF_CRM_REGION, CURRENCY_ID: "EUR" } });
    const a = (await make("List A", 100, "NEW", "North")).result;
    const b = (await make("List B", 900, "EXECUTING", "North")).result;
    const c = (await make("List C", 900, "NEW", "South")).result;
    const d = (await make("List D", 500, "NEW", "North")).result;
    const listed = async (params: Record<string, unknown>) => (await call<any[]>("crm.deal.list", params)).result.map((r) => Number(r.ID));

    const base = { CURRENCY_ID: "EUR" };
    assert.deepEqual(await listed({ filter: { ...base, ">OPPORTUNITY": 400 } }), [b, c, d]);
    assert.deepEqual(await listed({ filter: { ...base, STAGE_ID: "NEW" } }), [a, c, d]);
    assert.deepEqual(await listed({ filter: { ...base, UF_CRM_REGION: "North" } }), [a, b, d]);
    assert.deepEqual(await listed({ filter: { ...base, UF_CRM_REGION: "North", ">OPPORTUNITY": 400, STAGE_ID: "NEW" } }), [d]);
    // OPPORTUNITY descending, then ID descending among equal amounts.
    assert.deepEqual(await listed({ filter: base, order: { OPPORTUNITY: "DESC", ID: "DESC" } }), [c, b, d, a]);
    assert.deepEqual(await listed({ filter: base, order: { STAGE_ID: "ASC", OPPORTUNITY: "ASC" } }), [b, a, d, c]);

    const page = await call<any[]>("crm.deal.list", { filter: { ID: b }, select: ["*", "UF_*"] });
    assert.equal(page.result[0].UF_CRM_REGION, "North");
    assert.equal(page.result[0].STAGE_SEMANTIC_ID, "P");
    const none = await call("crm.deal.list", { filter: { TITLE: "Sale in RUB", CURRENCY_ID: "RUB" } });
    assertLikeSample(none, "GetDealsList");
  });
});

describe("synthetic deals (startPortal deals: N)", () => {
  let portal: RunningPortal;
  before(async () => {
    portal = await startPortal({ port: 0, deals: 100_000 });
  });
  after(() => portal.close());

  it("are there at once, walk by ID without a count, filter and update like stored ones", async () => {
    const client = new Bitrix24Client({ url: portal.webhookUrl });
    const first = await client.call<any[]>("crm.deal.list", { order: { ID: "ASC" }, filter: { ">ID": 99_990 }, start: -1 });
    assert.deepEqual(first.result.map((r) => Number(r.ID)), [99_991, 99_992, 99_993, 99_994, 99_995, 99_996, 99_997, 99_998, 99_999, 100_000]);
    assertLikeSample({ result: first.result[0], time: opiSample("GetDeal").time }, "GetDeal");
    const counted = await client.call<any[]>("crm.deal.list", { filter: { STAGE_ID: "WON" } });
    assert.equal(counted.total, 12_500); // one deal in eight is in each stage
    await client.call("crm.deal.update", { id: 7, fields: { OPPORTUNITY: 1, STAGE_ID: "LOSE" } });
    const seven = (await client.call<Record<string, any>>("crm.deal.get", { id: 7 })).result;
    assert.deepEqual([seven.OPPORTUNITY, seven.STAGE_ID, seven.STAGE_SEMANTIC_ID, seven.CLOSED], ["1.00", "LOSE", "F", "Y"]);
    assert.equal((await client.call<number>("crm.deal.add", { fields: { TITLE: "after" } })).result, 100_001);
  });
});
