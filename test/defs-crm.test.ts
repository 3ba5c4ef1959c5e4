// The CRM and company-structure definitions (leads, deals, departments): each function sends what
// OpenIntegrations' code sends for the docs' CLI example values, over HTTP to a local portal that
// echoes the payload; the filter templates print what OpenIntegrations prints.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { execute } from "../src/catalogue/invoke.js";
import { dealFunctions } from "../src/catalogue/regions/deals.js";
import { departmentFunctions } from "../src/catalogue/regions/departments.js";
import { leadFunctions } from "../src/catalogue/regions/leads.js";
import { InputError } from "../src/index.js";
import { useEchoPortal } from "./defs-echo.js";
import { runCli } from "./helpers.js";

const fn = (name: string): Definition => findFunction(name)!;
const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "opi-samples", `${name}.json`), "utf8")) as Record<string, unknown>;

const echo = useEchoPortal([...leadFunctions, ...dealFunctions, ...departmentFunctions]);

describe("leads", () => {
  const fields = "{'ADDRESS':'Pushkin st., b. 10','ADDRESS_COUNTRY':'Russia','EMAIL':[{'VALUE':'yo@example.com','VALUE_TYPE':'HOME'},{'VALUE':'hi@example.com','VALUE_TYPE':'WORK'}],'NAME':'Ivan','LAST_NAME':'Ivanov','PHONE':[{'VALUE':'88005553535','VALUE_TYPE':'WORK'}],'TITLE':'MegaClient'}";

  it("CreateLead and UpdateLead send the fields under fields (the lead as id)", async () => {
    const parsed = JSON.parse(fields.replaceAll("'", '"'));
    assert.deepEqual(await echo.sent(fn("CreateLead"), { fields }), { fields: parsed });
    const update = { ADDRESS: "Lermontov st., b. 20", ADDRESS_COUNTRY: "Belarus", TITLE: "SuperClient", NAME: "Evgeniy", LAST_NAME: "Evgeniev" };
    assert.deepEqual(await echo.sent(fn("UpdateLead"), { leadId: 2878, fields: update }), { id: "2878", fields: update });
  });

  it("GetLead and DeleteLead send the lead as id", async () => {
    assert.deepEqual(await echo.sent(fn("GetLead"), { leadId: 2994 }), { id: "2994" });
    assert.deepEqual(await echo.sent(fn("DeleteLead"), { leadId: 2994 }), { id: "2994" });
  });

  it("GetLeadsList: the filter as filter; the offset as start, left out when it is the default 0", async () => {
    assert.deepEqual(await echo.sent(fn("GetLeadsList"), { filter: "{'TITLE':'MegaClient','HAS_EMAIL':'Y'}" }), { filter: { TITLE: "MegaClient", HAS_EMAIL: "Y" } });
    assert.deepEqual(await echo.sent(fn("GetLeadsList"), { offset: 50 }), { start: "50" });
    assert.deepEqual(await echo.sent(fn("GetLeadsList")), {});
  });

  it("GetLeadStructure is a GET without parameters", async () => {
    assert.deepEqual(await echo.sent(fn("GetLeadStructure")), {});
    assert.equal(echo.portal.requests.at(-1)!.httpMethod, "GET");
  });

  it("an empty fields object is refused before anything is sent", async () => {
    const before = echo.portal.requests.length;
    await assert.rejects(echo.sent(fn("CreateLead"), { fields: "{}" }), (error: unknown) => error instanceof InputError && error.parameter === "fields");
    assert.equal(echo.portal.requests.length, before);
  });

  it("GetLeadFilterStructure prints OpenIntegrations' template, or every value empty", async () => {
    const template = (await execute(fn("GetLeadFilterStructure"), {})) as Record<string, string>;
    const theirs = sample("GetLeadFilterStructure");
    assert.deepEqual(Object.keys(template), Object.keys(theirs), "the same keys in the same order");
    for (const [key, value] of Object.entries(theirs)) if (value !== "***") assert.equal(template[key], value, key);
    assert.equal(template.HAS_PHONE, "<phone field is filled (Y|N)>"); // masked in the sample
    assert.deepEqual(await execute(fn("GetLeadFilterStructure"), { empty: "true" }), Object.fromEntries(Object.keys(theirs).map((k) => [k, ""])));
  });
});

describe("deals", () => {
  it("CreateDeal and UpdateDeal send the fields under fields (the deal as id)", async () => {
    const fields = { TITLE: "Another deal", TYPE_ID: "GOODS", STAGE_ID: "NEW", COMPANY_ID: "1", CONTACT_ID: "3", OPENED: "Y", ASSIGNED_BY_ID: "1", PROBABILITY: "30", CURRENCY_ID: "USD", OPPORTUNITY: "5000", CATEGORY_ID: "5", BEGINDATE: "2024-01-01", CLOSEDATE: "2031-01-01" };
    assert.deepEqual(await echo.sent(fn("CreateDeal"), { fields: JSON.stringify(fields) }), { fields });
    const update = { TITLE: "Future deal in RUB", CURRENCY_ID: "RUB", OPPORTUNITY: "50000", BEGINDATE: "2025-01-01" };
    assert.deepEqual(await echo.sent(fn("UpdateDeal"), { dealId: 5978, fields: update }), { id: "5978", fields: update });
  });

  it("GetDeal and DeleteDeal send the deal as id; GetDealsList the filter and the offset", async () => {
    assert.deepEqual(await echo.sent(fn("GetDeal"), { dealId: 5976 }), { id: "5976" });
    assert.deepEqual(await echo.sent(fn("DeleteDeal"), { dealId: 5978 }), { id: "5978" });
    assert.deepEqual(await echo.sent(fn("GetDealsList"), { filter: "{'TITLE':'Sale in RUB','CURRENCY_ID':'RUB'}" }), { filter: { TITLE: "Sale in RUB", CURRENCY_ID: "RUB" } });
    assert.deepEqual(await echo.sent(fn("GetDealsList"), { offset: "0" }), { start: "0" }, "a given 0 is sent");
  });

  it("GetDealStructure is a GET without parameters", async () => {
    assert.deepEqual(await echo.sent(fn("GetDealStructure")), {});
    assert.equal(echo.portal.requests.at(-1)!.httpMethod, "GET");
  });

  it("GetDealsFilterStructure prints OpenIntegrations' template, or every value empty", async () => {
    assert.deepEqual(await execute(fn("GetDealsFilterStructure"), {}), sample("GetDealsFilterStructure"));
    const empty = (await execute(fn("GetDealsFilterStructure"), { empty: true })) as Record<string, string>;
    assert.deepEqual(Object.keys(empty), Object.keys(sample("GetDealsFilterStructure")));
    assert.ok(Object.values(empty).every((v) => v === ""));
  });
});

describe("departments", () => {
  it("CreateDepartment: NAME, PARENT and UF_HEAD as text", async () => {
    assert.deepEqual(await echo.sent(fn("CreateDepartment"), { title: "Subordinate department", parentId: 3092, headId: 1 }), { NAME: "Subordinate department", PARENT: "3092", UF_HEAD: "1" });
    assert.deepEqual(await echo.sent(fn("CreateDepartment"), { title: "Top" }), { NAME: "Top" }, "empty parent and head are left out");
  });

  it("UpdateDepartment sends the ID and only the values given", async () => {
    assert.deepEqual(await echo.sent(fn("UpdateDepartment"), { departmentId: 3210, title: "New department", parentId: 1, headId: 10 }), { ID: "3210", NAME: "New department", PARENT: "1", UF_HEAD: "10" });
    assert.deepEqual(await echo.sent(fn("UpdateDepartment"), { departmentId: 3210, headId: 10 }), { ID: "3210", UF_HEAD: "10" });
  });

  it("GetDepartments filters by whatever is given; DeleteDepartment sends the ID", async () => {
    assert.deepEqual(await echo.sent(fn("GetDepartments"), { headId: 1 }), { UF_HEAD: "1" });
    assert.deepEqual(await echo.sent(fn("GetDepartments")), {});
    assert.deepEqual(await echo.sent(fn("DeleteDepartment"), { departmentId: 3208 }), { ID: "3208" });
  });
});

describe("through the CLI", () => {
  it("--help names OpenIntegrations' options", async () => {
    const list = await runCli(["bitrix24", "GetLeadsList", "--help"]);
    assert.equal(list.code, 0, list.stderr);
    for (const line of [/-f, --filter/, /-o, --offset/, /-t, --token/]) assert.match(list.stdout, line);
    const dep = await runCli(["bitrix24", "UpdateDepartment", "--help"]);
    assert.equal(dep.code, 0, dep.stderr);
    for (const line of [/-d, --depid/, /-t, --title/, /-p, --parentid/, /-h, --headid/, /-k, --token/]) assert.match(dep.stdout, line);
  });

  it("GetDealsFilterStructure --empty true prints the template with empty values", async () => {
    const run = await runCli(["bitrix24", "GetDealsFilterStructure", "--empty", "true"]);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(printed), Object.keys(sample("GetDealsFilterStructure")));
    assert.ok(Object.values(printed).every((v) => v === ""));
  });
});
