// The engine's one query engine, as list methods show it over HTTP: every Bitrix24 filter prefix,
// LOGIC sub-filters, multi-key order, select, paging; user.get/user.search on the same engine; and
// the protocol points real clients rely on (unknown parameters, token places, paths, .xml, the
// one-call disk upload).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

const LEADS = 300;
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ leads: LEADS });
});
after(async () => {
  await portal?.close();
});

async function call(method: string, params: Record<string, unknown> = {}, path = `${portal.webhookUrl}${method}`, init: RequestInit = {}): Promise<any> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json", ...(init.headers ?? {}) }, body: JSON.stringify(params) });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}
const ids = (page: any): number[] => page.result.map((r: any) => Number(r.ID));
const leadIds = async (filter: unknown, extra: Record<string, unknown> = {}) => ids(await call("crm.lead.list", { filter, select: ["ID"], ...extra }));

// Synthetic lead n: STATUS_ID cycles NEW, IN_PROCESS, PROCESSED, CONVERTED, JUNK by n % 5;
// TITLE "Lead #n"; SOURCE_ID "WEB" when n % 3 == 0, else "CALL".
describe("filter prefixes", () => {
  it("=, !, !=, >, >=, <, <=, @, !@, ><, !>< on numbers", async () => {
    assert.deepEqual(await leadIds({ "=ID": 5 }), [5]);
    assert.deepEqual(await leadIds({ ">=ID": 3, "<ID": 6 }), [3, 4, 5]);
    assert.deepEqual(await leadIds({ "><ID": [10, 12] }), [10, 11, 12]);
    assert.deepEqual(await leadIds({ "@ID": [7, 3, 900] }), [3, 7]);
    assert.deepEqual(await leadIds({ "<=ID": 5, "!@ID": [2, 4] }), [1, 3, 5]);
    assert.deepEqual(await leadIds({ "<=ID": 4, "!ID": 2 }), [1, 3, 4]);
    assert.deepEqual(await leadIds({ "<=ID": 4, "!=ID": 2 }), [1, 3, 4]);
    assert.deepEqual(await leadIds({ "<=ID": 14, "!><ID": [3, 12] }), [1, 2, 13, 14]);
  });

  it("%, =%, %=, !%, !=% on text (letter case ignored), = on text", async () => {
    assert.deepEqual(await leadIds({ "%TITLE": "#29" }), [29, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299]);
    assert.deepEqual(await leadIds({ "=%TITLE": "lead #1_" }), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.deepEqual(await leadIds({ "%=TITLE": "%#7" }), [7]);
    assert.deepEqual(await leadIds({ "<=ID": 12, "!%TITLE": "1" }), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await leadIds({ "<=ID": 12, "!=%TITLE": "Lead #1%" }), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await leadIds({ "<=ID": 10, STATUS_ID: "new" }), [5, 10]);
  });

  it("LOGIC OR sub-filters, alone and under AND", async () => {
    const either = { LOGIC: "OR", 0: { ID: 4 }, 1: { "%TITLE": "#25" } };
    assert.deepEqual(await leadIds(either), [4, 25, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259]);
    assert.deepEqual(await leadIds({ "<ID": 100, 0: either }), [4, 25]);
    // The same in PHP bracket form, as a query string sends it.
    const res = await fetch(`${portal.webhookUrl}crm.lead.list?filter[<ID]=30&filter[0][LOGIC]=OR&filter[0][0][ID]=4&filter[0][1][STATUS_ID]=JUNK&select[]=ID`);
    assert.deepEqual(ids(await res.json()), [4, 9, 14, 19, 24, 29]);
  });

  it("unknown filter fields are ignored; a comparison with a non-value matches nothing", async () => {
    assert.equal((await call("crm.lead.list", { filter: { NO_SUCH: 1 } })).total, LEADS);
    assert.deepEqual(await leadIds({ ">ID": "$result[p0][49][ID]" }, { start: -1 }), []);
  });
});

describe("order, select, paging", () => {
  it("orders by several keys; start/next/total follow; start=-1 has no count", async () => {
    const page = await call("crm.lead.list", { order: { STATUS_ID: "ASC", ID: "DESC" }, filter: { "<=ID": 20 }, select: ["ID", "STATUS_ID"] });
    assert.deepEqual(page.result.slice(0, 5).map((l: any) => [l.STATUS_ID, l.ID]), [["CONVERTED", "18"], ["CONVERTED", "13"], ["CONVERTED", "8"], ["CONVERTED", "3"], ["IN_PROCESS", "16"]]);
    assert.equal(page.total, 20);
    const second = await call("crm.lead.list", { order: { SOURCE_ID: "DESC" }, start: 50 });
    assert.equal(second.next, 100);
    assert.equal(second.total, LEADS);
    assert.ok(second.result.every((l: any) => l.SOURCE_ID === "WEB"));
    const noCount = await call("crm.lead.list", { start: -1, filter: { ">ID": 280 } });
    assert.equal(noCount.total, 0);
    assert.equal(noCount.next, undefined);
    assert.equal(noCount.result.length, 20);
  });

  it("deleting a synthetic lead keeps the ID walk exact", async () => {
    await call("crm.lead.delete", { id: 60 });
    const page = await call("crm.lead.list", { start: 50, select: ["ID"] });
    assert.equal(page.total, LEADS - 1);
    assert.deepEqual(ids(page).slice(8, 11), [59, 61, 62]);
    assert.deepEqual(await leadIds({ ">ID": 58 }, { start: -1 }).then((l) => l.slice(0, 3)), [59, 61, 62]);
  });
});

describe("users on the same engine", () => {
  it("user.get: FILTER alone when given; otherwise only top-level user fields; unknown parameters ignored", async () => {
    const all = portal.state.listUsers().map((u) => u.id);
    assert.deepEqual(ids(await call("user.get", { bx24_request_id: "x", bx24_sdk_ver: "2.2", bx24_sdk_type: "b24-js-sdk" })), all);
    assert.deepEqual(ids(await call("user.get", { FILTER: { ">ID": 3 }, ID: 1 })), all.filter((id) => id > 3));
    assert.deepEqual(ids(await call("user.get", { "<=ID": 2, NOT_A_FIELD: "y" })), [1, 2]);
    assert.deepEqual(ids(await call("user.get", { filter: { LOGIC: "OR", 0: { ID: 1 }, 1: { ID: 3 } } })), [1, 3]);
  });

  it("user.get orders with sort/order or an order object, selects with names and *, pages with start", async () => {
    const desc = await call("user.get", { sort: "ID", order: "DESC" });
    assert.deepEqual(ids(desc), portal.state.listUsers().map((u) => u.id).reverse());
    assert.deepEqual(ids(await call("user.get", { order: { ID: "DESC" } })), ids(desc));
    const picked = await call("user.get", { ID: 2, select: ["NAME", "EMAIL"] });
    assert.deepEqual(Object.keys(picked.result[0]), ["ID", "NAME", "EMAIL"]);
    const star = await call("user.get", { ID: 2, select: ["*"] });
    assert.ok("LAST_NAME" in star.result[0] && !("UF_DEPARTMENT" in star.result[0]));
    const uf = await call("user.get", { ID: 2, select: ["UF_*"] });
    assert.ok("UF_DEPARTMENT" in uf.result[0] && !("LAST_NAME" in uf.result[0]));
  });

  it("user.search reads top-level fields too, text as contains", async () => {
    const ivanova = portal.state.listUsers().find((u) => u.lastName === "Ivanova")!;
    assert.deepEqual(ids(await call("user.search", { LAST_NAME: "ivanov" })), [ivanova.id]);
    assert.deepEqual(ids(await call("user.search", { FILTER: { LAST_NAME: "vanov" } })), [ivanova.id]);
  });
});

describe("protocol fidelity", () => {
  it("takes the token from auth, access_token or Authorization: Bearer", async () => {
    const token = portal.accessToken;
    assert.equal((await call("user.current", { auth: token }, `${portal.url}/rest/user.current`)).result.ID, "1");
    assert.equal((await call("user.current", { access_token: token }, `${portal.url}/rest/user.current`)).result.ID, "1");
    assert.equal((await call("user.current", {}, `${portal.url}/rest/user.current`, { headers: { authorization: `Bearer ${token}` } })).result.ID, "1");
    const none = await fetch(`${portal.url}/rest/user.current`, { headers: { authorization: "Basic abc" } });
    assert.equal(none.status, 401);
  });

  it("collapses repeated slashes and answers .xml in XML", async () => {
    assert.equal((await call("server.time", {}, `${portal.url}/rest//server.time`, { headers: { authorization: `Bearer ${portal.accessToken}` } })).result.length, 25);
    const xml = await fetch(`${portal.webhookUrl}crm.lead.get.xml?id=3`);
    assert.equal(xml.status, 200);
    assert.match(xml.headers.get("content-type") ?? "", /application\/xml/);
    const text = await xml.text();
    assert.match(text, /^<\?xml version="1.0" encoding="utf-8"\?><response><result><ID>3<\/ID><TITLE>Lead #3<\/TITLE>/);
    assert.match(text, /<time><start>\d+<\/start>/);
    const missing = await fetch(`${portal.webhookUrl}crm.lead.get.xml?id=99999`);
    assert.equal(missing.status, 400);
    assert.equal(await missing.text(), '<?xml version="1.0" encoding="utf-8"?><response><error></error><error_description>Not found</error_description></response>');
  });

  it("disk.folder.uploadFile stores data[NAME] + Base64 fileContent in one call", async () => {
    const folder = (await call("im.disk.folder.get", { CHAT_ID: 1 })).result.ID;
    const answer = await call("disk.folder.uploadFile", { id: folder, data: { NAME: "note.txt" }, fileContent: ["ignored.txt", Buffer.from("hello").toString("base64")] });
    assert.equal(answer.result.NAME, "note.txt");
    const stored = portal.state.disk.getFile(Number(answer.result.ID))!;
    assert.equal(portal.state.disk.bytesOf(stored).toString(), "hello");
    const twoStep = await call("disk.folder.uploadFile", { id: folder });
    assert.match(twoStep.result.uploadUrl, /\/upload\//);
  });
});
