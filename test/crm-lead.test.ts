// crm.lead.* on the engine: add/get/list/update/delete/fields with Bitrix24's full lead field set,
// PHONE/EMAIL multi-fields, UF_* user fields, and answers shaped like the real samples
// (fixtures/opi-samples: CreateLead, GetLead, GetLeadsList, UpdateLead, DeleteLead).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { usePortal } from "./helpers.js";
import { opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const client = () => new Bitrix24Client({ url: ctx.portal.webhookUrl });
const call = async <T = any>(method: string, params: Record<string, unknown> = {}) => (await client().call<T>(method, params)) as { result: T; total?: number; next?: number };

describe("crm.lead.add and crm.lead.get", () => {
  it("keeps every field given, multi-fields with item IDs, and prints the lead like the GetLead sample", async () => {
    const added = await call<number>("crm.lead.add", {
      fields: {
        TITLE: "MegaClient", NAME: "Ivan", LAST_NAME: "Ivanov", STATUS_ID: "CONVERTED", OPPORTUNITY: "1500.5", CURRENCY_ID: "BYN",
        ADDRESS: "Pushkin st., b. 10", ADDRESS_COUNTRY: "Russia", BIRTHDATE: "1990-03-14", SOURCE_ID: "CALL",
        EMAIL: [{ VALUE: "yo@example.com", VALUE_TYPE: "HOME" }, { VALUE: "hi@example.com", VALUE_TYPE: "WORK" }],
        PHONE: [{ VALUE: "88005553535", VALUE_TYPE: "WORK" }],
        DATE_CREATE: "2001-01-01T00:00:00+00:00", // read-only: ignored
        NO_SUCH_FIELD: "x",
      },
    });
    assert.equal(typeof added.result, "number");
    const lead = (await call<Record<string, any>>("crm.lead.get", { id: added.result })).result;
    const sample = opiSample("GetLead").result as Record<string, unknown>;
    // Every field of the sample (LAST_COMMUNICATION_TIME aside, which crm.lead.fields does not list).
    for (const key of Object.keys(sample)) if (key !== "LAST_COMMUNICATION_TIME") assert.ok(key in lead, key);
    assert.equal(lead.ID, String(added.result));
    assert.equal(lead.OPPORTUNITY, "1500.50");
    assert.equal(lead.CURRENCY_ID, "BYN");
    assert.equal(lead.STATUS_SEMANTIC_ID, "S");
    assert.match(lead.DATE_CLOSED, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.notEqual(lead.DATE_CREATE, "2001-01-01T00:00:00+00:00");
    assert.equal(lead.BIRTHDATE, "1990-03-14T00:00:00+00:00");
    assert.equal(lead.HONORIFIC, null);
    assert.equal(lead.HAS_EMAIL, "Y");
    assert.equal(lead.ASSIGNED_BY_ID, "1");
    assert.equal(lead.NO_SUCH_FIELD, undefined);
    assert.deepEqual(lead.EMAIL.map((e: any) => [e.VALUE_TYPE, e.VALUE, e.TYPE_ID]), [["HOME", "yo@example.com", "EMAIL"], ["WORK", "hi@example.com", "EMAIL"]]);
    assert.match(lead.PHONE[0].ID, /^\d+$/);
    assert.equal(lead.WEB, undefined); // empty multi-fields are left out, as in the sample
  });

  it("answers a missing lead and a bad id with CRM's empty code", async () => {
    for (const [params, description] of [[{ id: 999_999 }, "Not found"], [{ id: "abc" }, "ID is not defined or invalid."]] as const) {
      await assert.rejects(call("crm.lead.get", params), (e: unknown) => e instanceof Bitrix24Error && e.code === "" && e.description === description && e.status === 400);
    }
    await assert.rejects(call("crm.lead.add", { fields: "TITLE" }), (e: unknown) => e instanceof Bitrix24Error && e.description === "Parameter 'fields' must be array.");
  });
});

describe("crm.lead.update and crm.lead.delete", () => {
  it("update changes only what it is given (true like UpdateLead); multi-field items by ID: change, remove, add", async () => {
    const id = (await call<number>("crm.lead.add", { fields: { TITLE: "Before", PHONE: [{ VALUE: "111" }, { VALUE: "222" }] } })).result;
    const before = (await call("crm.lead.get", { id })).result;
    const [first, second] = before.PHONE;
    const updated = await call("crm.lead.update", { id, fields: { TITLE: "After", PHONE: [{ ID: first.ID, VALUE: "" }, { ID: second.ID, VALUE: "333" }, { VALUE: "444", VALUE_TYPE: "MOBILE" }] } });
    assert.equal(updated.result, opiSample("UpdateLead").result);
    const after = (await call("crm.lead.get", { id })).result;
    assert.equal(after.TITLE, "After");
    assert.equal(after.STATUS_ID, "NEW"); // untouched
    assert.deepEqual(after.PHONE.map((p: any) => [p.ID === second.ID, p.VALUE, p.VALUE_TYPE]), [[true, "333", "WORK"], [false, "444", "MOBILE"]]);
  });

  it("delete removes the lead from get and list (true like DeleteLead); a second delete is Not found", async () => {
    const id = (await call<number>("crm.lead.add", { fields: { TITLE: "Doomed" } })).result;
    assert.equal((await call("crm.lead.delete", { id })).result, opiSample("DeleteLead").result);
    await assert.rejects(call("crm.lead.get", { id }), /Not found/);
    assert.deepEqual((await call("crm.lead.list", { filter: { ID: id } })).result, []);
    await assert.rejects(call("crm.lead.delete", { id }), /Not found/);
  });
});

describe("crm.lead.fields and user fields", () => {
  it("lists Bitrix24's lead fields with their metadata in the docs' key order", async () => {
    const fields = (await call<Record<string, any>>("crm.lead.fields")).result;
    assert.equal(Object.keys(fields).length, 57); // the docs' crm.lead.fields answer
    assert.deepEqual(fields.STATUS_ID, { type: "crm_status", isRequired: false, isReadOnly: false, isImmutable: false, isMultiple: false, isDynamic: false, statusType: "STATUS", title: "Stage" });
    assert.deepEqual(Object.keys(fields.COMPANY_ID), ["type", "isRequired", "isReadOnly", "isImmutable", "isMultiple", "isDynamic", "title", "settings"]);
    assert.equal(fields.PHONE.type, "crm_multifield");
    assert.equal(fields.PHONE.isMultiple, true);
    assert.equal(fields.DATE_CREATE.isReadOnly, true);
    // The sample's own (Russian-titled) answer has the same fields and types.
    const sample = opiSample("GetLeadStructure").result as Record<string, { type: string }>;
    for (const [name, meta] of Object.entries(sample)) assert.equal(fields[name]?.type, meta.type, name);
  });

  it("a UF_* field, once defined, is written, read, selected with UF_*, filtered and listed by crm.lead.fields", async () => {
    await call("crm.lead.userfield.add", { fields: { FIELD_NAME: "BUDGET_CODE", USER_TYPE_ID: "string", EDIT_FORM_LABEL: "Budget code" } });
    const id = (await call<number>("crm.lead.add", { fields: { TITLE: "With UF", UF_CRM_BUDGET_CODE: "B-7" } })).result;
    assert.equal((await call("crm.lead.get", { id })).result.UF_CRM_BUDGET_CODE, "B-7");
    const fields = (await call("crm.lead.fields")).result;
    assert.equal(fields.UF_CRM_BUDGET_CODE.isDynamic, true);
    assert.equal(fields.UF_CRM_BUDGET_CODE.listLabel, "Budget code");
    const listed = await call("crm.lead.list", { select: ["*", "UF_*"], filter: { UF_CRM_BUDGET_CODE: "B-7" } });
    assert.deepEqual(listed.result.map((l: any) => [l.ID, l.TITLE, l.UF_CRM_BUDGET_CODE]), [[String(id), "With UF", "B-7"]]);
    assert.equal(listed.result[0].PHONE, undefined); // `*` leaves multi-fields out
  });
});

describe("crm.lead.list", () => {
  it("select with *, UF_* and names; ID always; an empty list like GetLeadsList", async () => {
    const id = (await call<number>("crm.lead.add", { fields: { TITLE: "Selected", EMAIL: [{ VALUE: "s@example.com" }] } })).result;
    const some = (await call("crm.lead.list", { select: ["TITLE", "EMAIL"], filter: { ID: id } })).result[0];
    assert.deepEqual(Object.keys(some), ["ID", "TITLE", "EMAIL"]);
    const star = (await call("crm.lead.list", { select: ["*"], filter: { ID: id } })).result[0];
    assert.ok("OPPORTUNITY" in star && "COMMENTS" in star && !("EMAIL" in star));
    const none = await call("crm.lead.list", { filter: { TITLE: "no such lead" } });
    assert.deepEqual({ result: none.result, total: none.total }, { result: opiSample("GetLeadsList").result, total: opiSample("GetLeadsList").total });
  });
});
