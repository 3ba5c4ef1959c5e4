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
import { bitrix24, Bitrix24Client } from "../src/index.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { assertRegionsCovered, authModes, describeSampleRows, type SampleMode, type SampleRow } from "./sample-rows.js";
import { opiSample, type ShapeOptions } from "./opi-sample-shape.js";
import { leadEntity } from "../src/portal/data/leads.js";
import { dealEntity } from "../src/portal/data/deals.js";
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
