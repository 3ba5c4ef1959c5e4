// Leads, deals, departments and the news feed (issue #13): every OpenIntegrations function of these
// regions run through the CLI in both auth modes against the local portal, its printed answer
// shaped like the real sample; each function also called once through the library (positional with
// the webhook, client-bound with an OAuth token), with what it did read back over HTTP. Inputs are
// made through the library, with the values of OpenIntegrations' docs.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bitrix24, Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { assertRegionsCovered, authModes, describeSampleRows, type SampleMode, type SampleRow } from "./sample-rows.js";
import { opiSample, type ShapeOptions } from "./opi-sample-shape.js";
import { leadEntity } from "../src/portal/data/leads.js";
import { dealEntity } from "../src/portal/data/deals.js";
import { posts } from "../src/portal/data/feed.js";
import type { EntityDef } from "../src/portal/engine/types.js";

const ctx = usePortal();
const tmp = useScratchDir();

// ---- the docs' values ------------------------------------------------------------------------------

const LEAD_FIELDS =
  "{'ADDRESS':'Pushkin st., b. 10','ADDRESS_COUNTRY':'Russia','EMAIL':[{'VALUE':'yo@example.com','VALUE_TYPE':'HOME'},{'VALUE':'hi@example.com','VALUE_TYPE':'WORK'}],'NAME':'Ivan','LAST_NAME':'Ivanov','PHONE':[{'VALUE':'88005553535','VALUE_TYPE':'WORK'}],'TITLE':'MegaClient'}";
const LEAD_UPDATE = "{'ADDRESS':'Lermontov st., b. 20','ADDRESS_COUNTRY':'Belarus','TITLE':'SuperClient','NAME':'Evgeniy','LAST_NAME':'Evgeniev'}";
const DEAL_FIELDS =
  "{'TITLE':'Planned sale','TYPE_ID':'GOODS','STAGE_ID':'NEW','COMPANY_ID':'1','CONTACT_ID':'3','OPENED':'Y','ASSIGNED_BY_ID':'1','PROBABILITY':'30','CURRENCY_ID':'USD','OPPORTUNITY':'5000','CATEGORY_ID':'0','BEGINDATE':'2024-01-01','CLOSEDATE':'2030-01-01'}";
const DEAL_UPDATE = "{'TITLE':'Future deal in RUB','CURRENCY_ID':'RUB','OPPORTUNITY':'50000','BEGINDATE':'2025-01-01'}";
const json = (text: string) => JSON.parse(text.replaceAll("'", '"')) as Record<string, unknown>;

// Files for posts: a path, an http(s) URL (a server on 127.0.0.1 here) and bytes.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const DOC = Buffer.from("PK\x03\x04 a document from a URL");
const picturePath = () => join(tmp.path, "picture.png");
let files: Server;
const docUrl = () => `http://127.0.0.1:${(files.address() as AddressInfo).port}/document.docx`;
before(async () => {
  files = createServer((_req, res) => res.end(DOC));
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
});
after(() => new Promise<void>((resolve) => files.close(() => resolve())));

let prepared: Promise<SampleMode[]> | undefined;
const modes = () =>
  (prepared ??= (async () => {
    writeFileSync(picturePath(), PNG);
    return authModes(ctx.portal);
  })());

// ---- inputs, made through the library over HTTP ---------------------------------------------------

const newLead = async (m: SampleMode) => (await bitrix24.createLead(m.url, json(LEAD_FIELDS), m.token)).result;
const newDeal = async (m: SampleMode) => (await bitrix24.createDeal(m.url, json(DEAL_FIELDS), m.token)).result;
/** A department under the top one (user 1 heads it). */
const newDepartment = async (m: SampleMode, title = "Main department", parentId: string | number = 1) =>
  (await bitrix24.createDepartment(m.url, title, parentId, 1, m.token)).result;
const newPost = async (m: SampleMode, important = false, vision: string[] = ["UA"]) =>
  (await bitrix24.createPost(m.url, "Text of post", vision, undefined, "Post title", important, m.token)).result;

type Row = SampleRow<SampleMode>;

/** The structure samples were cut short (after ADDRESS_2, after COMPANY_ID, and before `time`): the entity's other fields are extra. */
const cutShort = (sample: string, entity: EntityDef): ShapeOptions => {
  const shown = opiSample(sample).result as Record<string, unknown>;
  return { extra: [...Object.keys(entity.fields).filter((name) => !(name in shown)).map((name) => `result.${name}`), "time"] };
};

const rows: Row[] = [
  // Leads
  { fn: "CreateLead", args: () => ["--fields", LEAD_FIELDS] },
  {
    fn: "GetLead",
    // The sample's lead is a converted one: the docs' fields, then CONVERTED (closing it) with its
    // source and the contact the conversion made. Made so here; a new lead prints null for those.
    args: async (m) => {
      const id = await newLead(m);
      await bitrix24.updateLead(m.url, id, { STATUS_ID: "CONVERTED", SOURCE_ID: "CALL", CONTACT_ID: 3 }, m.token);
      return ["--lead", String(id)];
    },
  },
  { fn: "GetLeadsList", args: () => ["--filter", "{'TITLE':'MegaClient','HAS_EMAIL':'Y'}"] },
  { fn: "UpdateLead", args: async (m) => ["--lead", String(await newLead(m)), "--fields", LEAD_UPDATE] },
  { fn: "DeleteLead", args: async (m) => ["--lead", String(await newLead(m))] },
  { fn: "GetLeadStructure", args: () => [], shape: cutShort("GetLeadStructure", leadEntity) },
  { fn: "GetLeadFilterStructure", once: true, args: () => ["--empty", "false"] },
  { fn: "GetLeadFilterStructure", title: "--empty true", once: true, args: () => ["--empty", "true"] },

  // Deals
  { fn: "CreateDeal", args: () => ["--fields", DEAL_FIELDS] },
  { fn: "GetDeal", args: async (m) => ["--deal", String(await newDeal(m))] },
  { fn: "GetDealsList", args: () => ["--filter", "{'TITLE':'Sale in RUB','CURRENCY_ID':'RUB'}"] },
  { fn: "UpdateDeal", args: async (m) => ["--deal", String(await newDeal(m)), "--fields", DEAL_UPDATE] },
  { fn: "DeleteDeal", args: async (m) => ["--deal", String(await newDeal(m))] },
  { fn: "GetDealStructure", args: () => [], shape: cutShort("GetDealStructure", dealEntity) },
  { fn: "GetDealsFilterStructure", once: true, args: () => ["--empty", "false"] },
  { fn: "GetDealsFilterStructure", title: "--empty true", once: true, args: () => ["--empty", "true"] },

  // Departments
  { fn: "CreateDepartment", args: () => ["--title", "Main department", "--parentid", "1", "--headid", "1"] },
  {
    fn: "GetDepartments",
    // The docs' case: the sub-departments of a new department, each with its parent and head.
    args: async (m) => {
      const parent = await newDepartment(m);
      await newDepartment(m, "Subordinate department", parent);
      return ["--parentid", String(parent)];
    },
  },
  { fn: "UpdateDepartment", args: async (m) => ["--depid", String(await newDepartment(m)), "--title", "New department", "--parentid", "1", "--headid", "1"] },
  { fn: "DeleteDepartment", args: async (m) => ["--depid", String(await newDepartment(m))] },

  // Feed posts
  {
    fn: "CreatePost",
    args: () => ["--text", "Text of post", "--files", `{'1.png':'${picturePath()}','2.docx':'${docUrl()}'}`, "--title", "Post title", "--vision", "['UA']"],
  },
  {
    fn: "UpdatePost",
    args: async (m) => ["--postid", String(await newPost(m)), "--text", "New post text", "--title", "New post title", "--files", `{'1.png':'${picturePath()}'}`],
  },
  { fn: "DeletePost", args: async (m) => ["--postid", String(await newPost(m))] },
  {
    fn: "GetImportantPostViewers",
    // An important post, read by its author (as Bitrix24's own clients mark it).
    args: async (m) => {
      const id = await newPost(m, true);
      await new Bitrix24Client({ url: m.url, token: m.token || undefined }).call("socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: id } });
      return ["--postid", String(id)];
    },
  },
  {
    fn: "GetPosts",
    args: async (m) => ["--postid", String(await newPost(m))],
    shape: {
      // The sample was cut after UF_BLOG_POST_FILE's fourth key; the rest of that field, the
      // post's other user fields and the envelope's total and time are Bitrix24's full answer.
      extra: [
        ...["XML_ID", "SORT", "MULTIPLE", "MANDATORY", "SHOW_FILTER", "SHOW_IN_LIST", "EDIT_IN_LIST", "IS_SEARCHABLE", "SETTINGS", "EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE", "USER_TYPE", "VALUE", "ENTITY_VALUE_ID", "VALUE_EXISTS", "VALUE_RAW", "CUSTOM_DATA"].map((k) => `result[].UF_BLOG_POST_FILE.${k}`),
        "result[].UF_BLOG_POST_IMPRTNT",
        "result[].UF_IMPRTANT_DATE_END",
        "result[].FILES",
        "total",
        "time",
      ],
    },
  },
  { fn: "AddPostComment", args: async (m) => ["--postid", String(await newPost(m)), "--text", "Comment for post"] },
  { fn: "AddPostRecipients", args: async (m) => ["--postid", String(await newPost(m, false, ["U1"])), "--vision", "UA"] },
];

const REGIONS = ["Leads management", "Deals management", "Departments management", "Feed posts management"];

it("every function of these regions has a row", () => {
  assertRegionsCovered(REGIONS, rows);
});

describeSampleRows("leads, deals, departments and feed posts, through the CLI", rows, { portal: () => ctx.portal, modes });

// ---- every function once through the library -------------------------------------------------------

/** What a post's files hold on the portal (log.blogpost.get prints only their IDs): name -> bytes. */
const postFiles = (id: number) =>
  Object.fromEntries(((posts(ctx.portal.state).get(id)?.FILES as { NAME: string; CONTENT: string }[]) ?? []).map((file) => [file.NAME, Buffer.from(file.CONTENT, "base64")]));
const notFound = (e: unknown) => e instanceof Bitrix24Error && e.description === "Not found";

describe("every function through the library", () => {
  it("positional, with the webhook: a lead, a deal, a department and a post, made, read, changed, listed and deleted", async () => {
    const url = ctx.portal.webhookUrl;
    await modes();

    // Leads
    const lead = (await bitrix24.createLead(url, LEAD_FIELDS.replaceAll("'", '"'))).result;
    assert.equal((await bitrix24.getLead(url, lead)).result.TITLE, "MegaClient");
    assert.equal((await bitrix24.updateLead(url, lead, json(LEAD_UPDATE))).result, true);
    const leads = await bitrix24.getLeadsList(url, { TITLE: "SuperClient", NAME: "Evgeniy" });
    assert.ok(leads.result.some((l) => l.ID === String(lead) && l.ADDRESS_COUNTRY === "Belarus"));
    assert.equal((await bitrix24.getLeadStructure(url)).result.TITLE.type, "string");
    assert.deepEqual(Object.values(bitrix24.getLeadFilterStructure(true)).filter((v) => v !== ""), []);
    assert.equal(bitrix24.getLeadFilterStructure().TITLE, opiSample("GetLeadFilterStructure").TITLE);
    assert.equal((await bitrix24.deleteLead(url, lead)).result, true);
    await assert.rejects(bitrix24.getLead(url, lead), notFound);

    // Deals
    const deal = (await bitrix24.createDeal(url, json(DEAL_FIELDS))).result;
    assert.deepEqual(pick((await bitrix24.getDeal(url, deal)).result, "TITLE", "OPPORTUNITY", "CURRENCY_ID"), { TITLE: "Planned sale", OPPORTUNITY: "5000.00", CURRENCY_ID: "USD" });
    assert.equal((await bitrix24.updateDeal(url, deal, DEAL_UPDATE)).result, true);
    const deals = await bitrix24.getDealsList(url, { ID: deal, TITLE: "Future deal in RUB", CURRENCY_ID: "RUB" });
    assert.deepEqual(deals.result.map((d) => [d.ID, d.OPPORTUNITY]), [[String(deal), "50000.00"]]);
    assert.equal((await bitrix24.getDealStructure(url)).result.STAGE_ID.type, "crm_status");
    assert.deepEqual(Object.keys(bitrix24.getDealsFilterStructure(true)), Object.keys(opiSample("GetDealsFilterStructure")));
    assert.equal((await bitrix24.deleteDeal(url, deal)).result, true);
    await assert.rejects(bitrix24.getDeal(url, deal), notFound);

    // Departments
    const department = (await bitrix24.createDepartment(url, "Library department", 1, 2)).result;
    assert.equal((await bitrix24.updateDepartment(url, department, "Renamed department", "", 3)).result, true);
    assert.deepEqual((await bitrix24.getDepartments(url, department)).result, [{ ID: String(department), NAME: "Renamed department", SORT: 500, PARENT: "1", UF_HEAD: "3" }]);
    assert.equal((await bitrix24.deleteDepartment(url, department)).result, true);
    assert.deepEqual((await bitrix24.getDepartments(url, department)).result, []);

    // Feed posts: files from bytes, a URL and a path
    const post = (await bitrix24.createPost(url, "Text of post", ["U2"], { "bytes.txt": Buffer.from("some bytes"), "2.docx": docUrl(), "1.png": picturePath() }, "Post title", true)).result;
    assert.deepEqual(postFiles(post), { "bytes.txt": Buffer.from("some bytes"), "2.docx": DOC, "1.png": PNG });
    assert.equal((await bitrix24.updatePost(url, post, "New post text", ["U2", "U3"], undefined, "New post title")).result, post);
    assert.equal((await bitrix24.addPostRecipients(url, post, "DR2")).result, true);
    const [shown] = (await bitrix24.getPosts(url, post)).result;
    assert.deepEqual(pick(shown, "TITLE", "DETAIL_TEXT", "HAS_SOCNET_ALL"), { TITLE: "New post title", DETAIL_TEXT: "New post text", HAS_SOCNET_ALL: "N" });
    assert.deepEqual(posts(ctx.portal.state).get(post)?.DEST, ["U2", "U3", "DR2"]);
    assert.equal(typeof (await bitrix24.addPostComment(url, post, "Comment for post")).result, "number");
    assert.equal((await bitrix24.getPosts(url, post)).result[0].NUM_COMMENTS, "1");
    assert.deepEqual((await bitrix24.getImportantPostViewers(url, post)).result, []);
    assert.equal((await bitrix24.deletePost(url, post)).result, true);
    assert.deepEqual((await bitrix24.getPosts(url, post)).result, []);
  });

  it("client-bound, with an OAuth token: the same round", async () => {
    await modes();
    const b24 = new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken });

    const lead = (await b24.createLead({ fields: json(LEAD_FIELDS) })).result;
    assert.equal((await b24.updateLead({ lead, fields: LEAD_UPDATE.replaceAll("'", '"') })).result, true);
    assert.equal((await b24.getLead({ lead })).result.NAME, "Evgeniy");
    assert.ok((await b24.getLeadsList({ filter: { ID: lead } })).result.some((l) => l.ID === String(lead)));
    assert.ok("STATUS_ID" in (await b24.getLeadStructure()).result);
    assert.equal(b24.getLeadFilterStructure({ empty: true }).ID, "");
    assert.equal((await b24.deleteLead({ lead })).result, true);

    const deal = (await b24.createDeal({ fields: DEAL_FIELDS.replaceAll("'", '"') })).result;
    assert.equal((await b24.updateDeal({ deal, fields: { STAGE_ID: "WON" } })).result, true);
    assert.deepEqual(pick((await b24.getDeal({ deal })).result, "STAGE_ID", "CLOSED", "STAGE_SEMANTIC_ID"), { STAGE_ID: "WON", CLOSED: "Y", STAGE_SEMANTIC_ID: "S" });
    assert.ok((await b24.getDealsList({ filter: { STAGE_ID: "WON" } })).result.some((d) => d.ID === String(deal)));
    assert.ok("CATEGORY_ID" in (await b24.getDealStructure()).result);
    assert.equal(b24.getDealsFilterStructure().ID, "<Deal identifier>");
    assert.equal((await b24.deleteDeal({ deal })).result, true);

    const depid = (await b24.createDepartment({ title: "Client department", parentid: 2 })).result;
    assert.equal((await b24.updateDepartment({ depid, headid: 2 })).result, true);
    assert.deepEqual((await b24.getDepartments({ parentid: 2, headid: 2 })).result.map((d) => [d.ID, d.NAME]), [[String(depid), "Client department"]]);
    assert.equal((await b24.deleteDepartment({ depid })).result, true);

    const postid = (await b24.createPost({ text: "Important news", important: true, files: { "1.png": PNG } })).result;
    await b24.call("socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: postid } });
    assert.deepEqual((await b24.getImportantPostViewers({ postid })).result, ["1"]);
    assert.equal((await b24.updatePost({ postid, text: "Important news, edited" })).result, postid);
    assert.equal((await b24.addPostRecipients({ postid, vision: "U3" })).result, true);
    assert.ok((await b24.addPostComment({ postid, text: "Seen" })).result > 0);
    assert.equal((await b24.getPosts({ sel: "U3" })).result.filter((p) => p.ID === String(postid)).length, 1);
    assert.equal((await b24.deletePost({ postid })).result, true);
  });
});

function pick(row: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}

describe("UpdateLead is not replayed after an ambiguous failure", () => {
  it("run twice, a phone without an ID is added twice; with its answer lost, the CLI reports an unknown outcome (exit 5) and sends it once", async () => {
    const url = ctx.portal.webhookUrl;
    const phones = async (id: number) => ((await bitrix24.getLead(url, id)).result.PHONE as { VALUE: string }[]).map((p) => p.VALUE);
    const twice = (await bitrix24.createLead(url, { TITLE: "Twice" })).result;
    for (let i = 0; i < 2; i++) await bitrix24.updateLead(url, twice, { PHONE: [{ VALUE: "555", VALUE_TYPE: "WORK" }] });
    assert.deepEqual(await phones(twice), ["555", "555"]);

    const once = (await bitrix24.createLead(url, { TITLE: "Once" })).result;
    ctx.portal.faults.add({ kind: "drop-after", method: "crm.lead.update" });
    const sent = ctx.portal.requests.filter((r) => r.restMethod === "crm.lead.update").length;
    const run = await runCli(["bitrix24", "UpdateLead", "--url", url, "--lead", String(once), "--fields", "{'PHONE':[{'VALUE':'555','VALUE_TYPE':'WORK'}]}"]);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /may or may not have been carried out.*not safe to replay/);
    assert.equal(ctx.portal.requests.filter((r) => r.restMethod === "crm.lead.update").length - sent, 1);
    assert.deepEqual(await phones(once), ["555"]);
  });
});
