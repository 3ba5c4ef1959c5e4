// The page's "CRM" section: the JSON its view (assets/section-crm.js) reads from /ui/api/section/crm.
// Four views, by the rest of the address (`path`):
//   ""  or "deals/<pipeline>"  the deal board of a pipeline (0, "General", by default): a column per
//                              stage with its count and its newest deals (a bounded number each)
//   "leads" or "leads/<page>"  the leads, newest first, a page at a time, with the total
//   "departments"              the company structure: each department with its head and its people
//   "feed"                     the news feed, newest first: posts with destinations, importance and
//                              readers, files and comments
// Records are read from the same stores the REST methods serve; synthetic deals and leads (100,000
// of them) are walked once per view, never all sent: the page gets a bounded slice and the counts.
import { storeFor } from "../../engine/crud.js";
import type { EntityStore } from "../../engine/store.js";
import type { Row } from "../../engine/types.js";
import { DEAL_STAGES, categoryOfStage, dealCategoryEntity, dealEntity, stageId } from "../../data/deals.js";
import { departments } from "../../data/departments.js";
import { comments, posts } from "../../data/feed.js";
import { leadEntity } from "../../data/leads.js";
import type { PortalState } from "../../data/state.js";
import type { WebDeps } from "../api.js";

/** How many deals a stage's column shows (the newest); its count says how many there are. */
export const DEALS_PER_STAGE = 50;
/** How many leads a page of the list shows. */
export const LEADS_PER_PAGE = 50;
/** How many posts the feed shows (the newest). */
export const FEED_POSTS = 50;

/** The default pipeline's name, as crm.dealcategory.default.get answers. */
const DEFAULT_PIPELINE = "General";

/** Bitrix24's default lead stages (crm.status.list ENTITY_ID=STATUS), by STATUS_ID. */
const LEAD_STATUSES: Record<string, string> = {
  NEW: "Unassigned",
  IN_PROCESS: "In progress",
  PROCESSED: "Processed",
  CONVERTED: "Good lead",
  JUNK: "Junk lead",
};

export function crmSection(deps: WebDeps, query: URLSearchParams): unknown {
  const [view = "", arg = ""] = (query.get("path") ?? "").split("/");
  const { state } = deps;
  switch (view) {
    case "leads":
      return { view: "leads", ...leadsPage(state, positive(arg) ?? 1) };
    case "departments":
      return { view: "departments", ...structure(state) };
    case "feed":
      return { view: "feed", ...feed(state) };
    default:
      return { view: "deals", ...dealBoard(state, view === "deals" ? (nonNegative(arg) ?? 0) : 0) };
  }
}

const positive = (text: string): number | undefined => (/^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined);
const nonNegative = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);

function userName(state: PortalState, id: unknown): string {
  const user = state.getUser(Number(id));
  return user ? `${user.firstName} ${user.lastName}`.trim() : id === undefined || id === null || id === "" ? "" : `User ${String(id)}`;
}

/** The user's avatar colour ("#rrggbb"), or "". */
const userColor = (state: PortalState, id: unknown): string => state.getUser(Number(id))?.color ?? "";

// ---- deals ------------------------------------------------------------------------------------

function pipelines(state: PortalState): { id: number; name: string }[] {
  const more = storeFor(state, dealCategoryEntity).all()
    .sort((a, b) => Number(a.SORT ?? 500) - Number(b.SORT ?? 500) || Number(a.ID) - Number(b.ID))
    .map((row) => ({ id: Number(row.ID), name: String(row.NAME ?? "") }));
  return [{ id: 0, name: DEFAULT_PIPELINE }, ...more];
}

interface StageColumn {
  id: string;
  name: string;
  semantic: "P" | "S" | "F";
  count: number;
  /** Sums of OPPORTUNITY by currency, over every deal of the stage. */
  sums: Record<string, number>;
  deals: { id: number; title: string; opportunity: number; currency: string; assignedId: number; assignedName: string; assignedColor: string }[];
}

/**
 * A pipeline's board: its stages in order, each with its deal count and amount, and its newest
 * deals (DEALS_PER_STAGE at most). One walk over the deals, newest first.
 */
function dealBoard(state: PortalState, wanted: number) {
  const all = pipelines(state);
  const pipeline = all.find((p) => p.id === wanted) ?? all[0];
  const columns: StageColumn[] = DEAL_STAGES.map((s) => ({ id: stageId(pipeline.id, s.code), name: s.name, semantic: s.semantic, count: 0, sums: {}, deals: [] }));
  const byStage = new Map(columns.map((c) => [c.id, c]));
  const store = storeFor(state, dealEntity);
  const run = store.idsBetween(1, Number.MAX_SAFE_INTEGER);
  let total = 0;
  for (let i = run.length - 1; i >= 0; i--) {
    const row = store.get(run.at(i));
    if (!row || Number(row.CATEGORY_ID ?? categoryOfStage(row.STAGE_ID)) !== pipeline.id) continue;
    total++;
    const stage = String(row.STAGE_ID ?? "");
    let column = byStage.get(stage);
    if (!column) {
      // A stage the pipeline does not list: shown as its own column rather than hidden.
      column = { id: stage, name: stage || "No stage", semantic: "P", count: 0, sums: {}, deals: [] };
      byStage.set(stage, column);
      columns.push(column);
    }
    column.count++;
    const currency = String(row.CURRENCY_ID ?? "");
    const amount = Number(row.OPPORTUNITY ?? 0) || 0;
    column.sums[currency] = (column.sums[currency] ?? 0) + amount;
    if (column.deals.length < DEALS_PER_STAGE) {
      column.deals.push({
        id: Number(row.ID),
        title: String(row.TITLE ?? ""),
        opportunity: amount,
        currency,
        assignedId: Number(row.ASSIGNED_BY_ID ?? 0),
        assignedName: userName(state, row.ASSIGNED_BY_ID),
        assignedColor: userColor(state, row.ASSIGNED_BY_ID),
      });
    }
  }
  for (const column of columns) for (const key of Object.keys(column.sums)) column.sums[key] = Math.round(column.sums[key] * 100) / 100;
  return { pipelines: all, pipeline: pipeline.id, total, perStage: DEALS_PER_STAGE, stages: columns };
}

// ---- leads ------------------------------------------------------------------------------------

interface Multifield {
  VALUE?: unknown;
  VALUE_TYPE?: unknown;
}

const values = (list: unknown): string[] =>
  Array.isArray(list) ? (list as Multifield[]).map((item) => String(item?.VALUE ?? "")).filter((v) => v !== "") : [];

/** A page of leads, newest first, with the total and the number of pages. */
function leadsPage(state: PortalState, page: number) {
  const store = storeFor(state, leadEntity);
  const run = store.idsBetween(1, Number.MAX_SAFE_INTEGER);
  const total = run.length;
  const pages = Math.max(1, Math.ceil(total / LEADS_PER_PAGE));
  const current = Math.min(page, pages);
  const leads = [];
  for (let k = (current - 1) * LEADS_PER_PAGE; k < Math.min(total, current * LEADS_PER_PAGE); k++) {
    const row = store.get(run.at(total - 1 - k));
    if (!row) continue;
    const status = String(row.STATUS_ID ?? "");
    leads.push({
      id: Number(row.ID),
      title: String(row.TITLE ?? ""),
      status,
      statusName: LEAD_STATUSES[status] ?? status,
      semantic: String(row.STATUS_SEMANTIC_ID ?? "P"),
      name: [row.NAME, row.SECOND_NAME, row.LAST_NAME].filter((p) => typeof p === "string" && p !== "").join(" "),
      company: String(row.COMPANY_TITLE ?? ""),
      phones: values(row.PHONE),
      emails: values(row.EMAIL),
      assignedName: userName(state, row.ASSIGNED_BY_ID),
      created: String(row.DATE_CREATE ?? ""),
    });
  }
  return { total, page: current, pages, perPage: LEADS_PER_PAGE, leads };
}

// ---- the company structure --------------------------------------------------------------------

interface DepartmentNode {
  id: number;
  name: string;
  head: { id: number; name: string } | null;
  people: { id: number; name: string; color: string; position: string; active: boolean; head: boolean }[];
  children: DepartmentNode[];
}

/** The departments as a tree (SORT, then ID, at each level), each with its head and its people. */
function structure(state: PortalState) {
  const rows = departments(state).all().sort((a, b) => Number(a.SORT ?? 500) - Number(b.SORT ?? 500) || Number(a.ID) - Number(b.ID));
  const ids = new Set(rows.map((r) => Number(r.ID)));
  const users = state.listUsers();
  const node = (row: Row): DepartmentNode => {
    const id = Number(row.ID);
    const headId = Number(row.UF_HEAD ?? 0);
    return {
      id,
      name: String(row.NAME ?? ""),
      head: headId ? { id: headId, name: userName(state, headId) } : null,
      people: users
        .filter((u) => u.departments.includes(id))
          .map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim(), color: u.color, position: u.workPosition ?? "", active: u.active, head: u.id === headId }))
        .sort((a, b) => Number(b.head) - Number(a.head) || a.id - b.id),
      children: [],
    };
  };
  const nodes = new Map(rows.map((row) => [Number(row.ID), node(row)]));
  const roots: DepartmentNode[] = [];
  for (const row of rows) {
    const parent = Number(row.PARENT ?? 0);
    const target = parent !== Number(row.ID) && ids.has(parent) ? nodes.get(parent)!.children : roots;
    target.push(nodes.get(Number(row.ID))!);
  }
  // Users whose UF_DEPARTMENT names no department still show, so nobody is lost.
  const unplaced = users
    .filter((u) => !u.departments.some((id) => ids.has(id)))
    .map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim(), color: u.color, position: u.workPosition ?? "", active: u.active }));
  return { departments: roots, unplaced };
}

// ---- the news feed ----------------------------------------------------------------------------

interface FileRow {
  ID?: unknown;
  NAME?: unknown;
  SIZE?: unknown;
}

const files = (list: unknown) => (Array.isArray(list) ? (list as FileRow[]).map((f) => ({ id: Number(f.ID ?? 0), name: String(f.NAME ?? ""), size: Number(f.SIZE ?? 0) })) : []);

/** A destination code as Bitrix24 names it: "All employees", a user, a department (with those below it). */
function destination(state: PortalState, code: string): { code: string; name: string } {
  const id = Number(code.replace(/^\D+/, ""));
  const department = () => String(departments(state).get(id)?.NAME ?? `Department ${id}`);
  if (code === "UA") return { code, name: "All employees" };
  if (code.startsWith("U")) return { code, name: userName(state, id) };
  if (code.startsWith("DR")) return { code, name: `${department()} (with sub-departments)` };
  if (code.startsWith("D")) return { code, name: department() };
  if (code.startsWith("SG")) return { code, name: `Workgroup ${id}` };
  return { code, name: code };
}

/** The newest posts (FEED_POSTS at most), each with its comments oldest first (every post: the page is the portal's, not one user's). */
function feed(state: PortalState) {
  const all = posts(state).all().reverse(); // newest first, as log.blogpost.get lists them
  const shown = all.slice(0, FEED_POSTS);
  const wanted = new Set(shown.map((p) => Number(p.ID)));
  const byPost = new Map<number, Row[]>();
  for (const comment of comments(state).all()) {
    const postId = Number(comment.POST_ID);
    if (!wanted.has(postId)) continue;
    byPost.set(postId, [...(byPost.get(postId) ?? []), comment]);
  }
  return {
    total: all.length,
    posts: shown.map((post) => ({
      id: Number(post.ID),
      title: String(post.TITLE ?? ""),
      text: String(post.DETAIL_TEXT ?? ""),
      authorId: Number(post.AUTHOR_ID ?? 0),
      authorName: userName(state, post.AUTHOR_ID),
      authorColor: userColor(state, post.AUTHOR_ID),
      date: String(post.DATE_PUBLISH ?? ""),
      destinations: (Array.isArray(post.DEST) ? (post.DEST as unknown[]) : []).map((code) => destination(state, String(code))),
      important: post.IMPORTANT === "Y",
      importantUntil: post.IMPORTANT === "Y" && post.IMPORTANT_DATE_END ? String(post.IMPORTANT_DATE_END) : "",
      readers: (Array.isArray(post.IMPORTANT_READ) ? (post.IMPORTANT_READ as unknown[]) : []).map((id) => ({ id: Number(id), name: userName(state, id) })),
      files: files(post.FILES),
      comments: (byPost.get(Number(post.ID)) ?? []).map((c) => ({
        id: Number(c.ID),
        authorId: Number(c.AUTHOR_ID ?? 0),
        authorName: userName(state, c.AUTHOR_ID),
        authorColor: userColor(state, c.AUTHOR_ID),
        text: String(c.POST_TEXT ?? ""),
        date: String(c.DATE_CREATE ?? ""),
        files: files(c.FILES),
      })),
    })),
  };
}
