// The page's "Tasks" section: the JSON its view (assets/section-tasks.js) reads from
// /ui/api/section/tasks?path=…, from the same engine stores the task methods serve (data/tasks.ts):
//   ""  or "list?status=3&responsible=2&start=50"  the task list (newest first, 50 a page)
//   "<id>"                                          one task: people, checklist, comments, results, history, time
//   "kanban/<groupId>"                              a group's kanban: its stages in order, the group's tasks
//   "plan/<userId>"                                 a user's "My plan": their stages, the tasks they take part in
// A developer's view of the whole portal: every task is shown, whoever it belongs to. Stages are
// read through task.stages.get (which makes a board's default stages on first use, as Bitrix24
// does when a kanban is first opened).
import { parseFilter, parseOrder, runQuery, PAGE_SIZE } from "../../engine/query.js";
import type { Row } from "../../engine/types.js";
import { allFields } from "../../engine/uf.js";
import { atom } from "../../http/dates.js";
import { downloadPath } from "../../render/disk-render.js";
import type { PortalState } from "../../data/state.js";
import { checklistItems, subStatus } from "../../data/tasks-render.js";
import {
  attachmentEntity, commentEntity, elapsedEntity, fullName, historyEntity, ids, resultEntity, stageEntity, STATUS, storeOf, taskEntity,
  tasksOf,
} from "../../data/tasks.js";
import type { WebDeps } from "../api.js";

/** Status names as Bitrix24 shows them (tasks.task.getFields' STATUS values, and the two older codes). */
const STATUS_NAMES: Record<number, string> = {
  [STATUS.NEW]: "New",
  ...Object.fromEntries(Object.entries((taskEntity.fields.STATUS.attributes as { values: Record<string, string> }).values).map(([k, v]) => [Number(k), v])),
  [STATUS.DECLINED]: "Declined",
};
const PRIORITY_NAMES: Record<number, string> = { 0: "Low", 1: "Medium", 2: "High" };
/** Cards a kanban column shows (the rest are counted). */
const COLUMN_CARDS = 50;

const when = (value: unknown): string | null => {
  const ms = value === undefined || value === null || value === "" ? NaN : Date.parse(String(value));
  return Number.isNaN(ms) ? null : atom(ms);
};

function person(state: PortalState, id: unknown) {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) return null;
  return { id: n, name: fullName(state.getUser(n)) || `User ${n}` };
}

const statusOf = (row: Row) => ({ id: Number(row.STATUS), name: STATUS_NAMES[Number(row.STATUS)] ?? `Status ${String(row.STATUS)}` });

/** A task as a list row or kanban card shows it. */
function brief(state: PortalState, row: Row) {
  return {
    id: Number(row.ID),
    title: String(row.TITLE ?? ""),
    status: statusOf(row),
    overdue: subStatus(row, state.now()) === "-1",
    priority: Number(row.PRIORITY ?? 1),
    responsible: person(state, row.RESPONSIBLE_ID),
    deadline: when(row.DEADLINE),
    groupId: Number(row.GROUP_ID ?? 0),
    checklist: checklistCount(state, Number(row.ID)),
    comments: Number(row.COMMENTS_COUNT ?? 0),
  };
}

/** Bitrix24 keeps each checklist as a top-level node named BX_CHECKLIST_N, its items under it. */
const CHECKLIST_ROOT = /^BX_CHECKLIST_(\d+)$/;
const isChecklistRoot = (item: Row) => Number(item.PARENT_ID ?? 0) === 0 && CHECKLIST_ROOT.test(String(item.TITLE ?? ""));

/** Completed and all items of a task's checklists (their top-level nodes are not items). */
function checklistCount(state: PortalState, taskId: number) {
  const items = checklistItems(state, taskId).filter((i) => !isChecklistRoot(i));
  return { done: items.filter((i) => i.IS_COMPLETE === "Y").length, total: items.length };
}

/** "list?status=3&start=50" -> ["list", {status: "3", start: "50"}]. */
function splitPath(path: string): [string[], URLSearchParams] {
  const at = path.indexOf("?");
  const route = (at < 0 ? path : path.slice(0, at)).split("/").filter(Boolean);
  return [route, new URLSearchParams(at < 0 ? "" : path.slice(at + 1))];
}

const positive = (text: string | null | undefined): number | null => (text && /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : null);

export async function tasksSection(deps: WebDeps, query: URLSearchParams): Promise<unknown> {
  const [route, params] = splitPath(query.get("path") ?? "");
  const [head, arg] = route;
  if (head === undefined || head === "list") return taskList(deps.state, params);
  if (head === "kanban" && positive(arg)) return board(deps, "G", positive(arg)!);
  if (head === "plan" && positive(arg)) return board(deps, "U", positive(arg)!);
  if (positive(head) && route.length === 1) return taskDetail(deps, positive(head)!);
  return { ready: true, view: "missing", what: route.join("/") };
}

// ---- the list ---------------------------------------------------------------------------------

function taskList(state: PortalState, params: URLSearchParams) {
  const fields = allFields(state, taskEntity);
  const status = positive(params.get("status"));
  const responsible = positive(params.get("responsible"));
  const start = Math.max(0, Math.floor(Number(params.get("start")) || 0));
  const filter: Record<string, unknown> = {};
  if (status) filter.REAL_STATUS = status;
  if (responsible) filter.RESPONSIBLE_ID = responsible;
  const queryFields = { fields, filterOnly: taskEntity.filterOnly };
  const page = runQuery(tasksOf(state), queryFields, { filter: parseFilter(filter, queryFields), order: parseOrder({ ID: "DESC" }, queryFields), start });
  return {
    ready: true,
    view: "list",
    filter: { status, responsible },
    start,
    pageSize: PAGE_SIZE,
    total: page.total,
    tasks: page.rows.map((row) => brief(state, row)),
    statuses: Object.entries(STATUS_NAMES).map(([id, name]) => ({ id: Number(id), name })),
    users: state.listUsers().map((u) => ({ id: u.id, name: fullName(u) || `User ${u.id}` })),
    groups: groupsWithTasks(state),
  };
}

/** Groups that have tasks or a kanban (synthetic tasks have none: only stored rows are looked at). */
function groupsWithTasks(state: PortalState): number[] {
  const store = tasksOf(state);
  const groups = new Set<number>();
  for (const id of store.savedIds()) {
    const group = Number(store.get(id)?.GROUP_ID ?? 0);
    if (group > 0) groups.add(group);
  }
  for (const stage of storeOf(state, stageEntity).all()) if (stage.ENTITY_TYPE === "G") groups.add(Number(stage.ENTITY_ID));
  return [...groups].sort((a, b) => a - b);
}

// ---- one task ---------------------------------------------------------------------------------

/** How the history names its fields, as the task's history tab does. */
const HISTORY_LABELS: Record<string, string> = {
  NEW: "Task created",
  COMMENT: "Comment added",
  CHECKLIST_ITEM_CREATE: "Checklist item added",
  CHECKLIST_ITEM_RENAME: "Checklist item renamed",
  CHECKLIST_ITEM_REMOVE: "Checklist item removed",
  CHECKLIST_ITEM_CHECK: "Checklist item completed",
  CHECKLIST_ITEM_UNCHECK: "Checklist item reopened",
  TIME_SPENT_IN_LOGS: "Time spent",
  RESPONSIBLE_ID: "Responsible person",
  CREATED_BY: "Created by",
  ACCOMPLICES: "Participants",
  AUDITORS: "Observers",
  DESCRIPTION: "Description",
  STAGE_ID: "Stage",
  UF_TASK_WEBDAV_FILES: "Files",
  UF_CRM_TASK: "CRM items",
};
/** How a history value prints: dates (stored as unix seconds), statuses, people, durations. */
const HISTORY_KIND: Record<string, "date" | "status" | "priority" | "user" | "users" | "seconds"> = {
  DEADLINE: "date",
  START_DATE_PLAN: "date",
  END_DATE_PLAN: "date",
  STATUS: "status",
  PRIORITY: "priority",
  RESPONSIBLE_ID: "user",
  CREATED_BY: "user",
  ACCOMPLICES: "users",
  AUDITORS: "users",
  TIME_SPENT_IN_LOGS: "seconds",
  TIME_ESTIMATE: "seconds",
};

function historyValue(state: PortalState, field: string, value: unknown): { text: string; date?: string } {
  const text = value === undefined || value === null ? "" : String(value);
  if (text === "") return { text: "" };
  switch (HISTORY_KIND[field]) {
    case "date":
      return /^\d+$/.test(text) ? { text, date: atom(Number(text) * 1000) } : { text };
    case "status":
      return { text: STATUS_NAMES[Number(text)] ?? text };
    case "priority":
      return { text: PRIORITY_NAMES[Number(text)] ?? text };
    case "user":
      return { text: person(state, text)?.name ?? text };
    case "users":
      return { text: text.split(",").map((id) => person(state, id)?.name ?? id).join(", ") };
    case "seconds":
      return { text: duration(Number(text)) };
    default:
      return { text };
  }
}

/** 5400 -> "1:30:00". */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const s = Math.max(0, Math.floor(seconds));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/** A task's rows of a child table, by ascending ID (its TASK_ID index). */
const ofTask = (state: PortalState, entity: Parameters<typeof storeOf>[1], taskId: number) => storeOf(state, entity).where("TASK_ID", taskId);

function taskDetail(deps: WebDeps, id: number) {
  const { state } = deps;
  const row = tasksOf(state).get(id);
  if (!row) return { ready: true, view: "missing", what: `task ${id}` };
  const comments = ofTask(state, commentEntity, id);
  const commentText = new Map(comments.map((c) => [Number(c.ID), String(c.POST_MESSAGE ?? "")]));
  const results = ofTask(state, resultEntity, id);
  const items = checklistItems(state, id);
  const elapsed = ofTask(state, elapsedEntity, id);
  const attached = ids(row.UF_TASK_WEBDAV_FILES);
  const attachments = storeOf(state, attachmentEntity);
  const files = [...new Set(attached)].sort((a, b) => a - b)
    .map((a) => attachments.get(a))
    .filter((a): a is Row => a !== undefined)
    .map((a) => {
      const file = state.disk.getFile(Number(a.OBJECT_ID));
      return file ? { id: Number(file.ID), name: String(file.NAME), size: Number(file.SIZE ?? 0), url: downloadPath(file) } : { id: Number(a.OBJECT_ID), name: `File ${String(a.OBJECT_ID)}`, size: null, url: null };
    });
  const parentId = Number(row.PARENT_ID ?? 0);
  return {
    ready: true,
    view: "task",
    task: {
      ...brief(state, row),
      description: String(row.DESCRIPTION ?? ""),
      priorityName: PRIORITY_NAMES[Number(row.PRIORITY ?? 1)] ?? String(row.PRIORITY),
      creator: person(state, row.CREATED_BY),
      accomplices: ids(row.ACCOMPLICES).map((u) => person(state, u)),
      auditors: ids(row.AUDITORS).map((u) => person(state, u)),
      parent: parentId > 0 ? { id: parentId, title: String(tasksOf(state).get(parentId)?.TITLE ?? "") } : null,
      created: when(row.CREATED_DATE),
      changed: when(row.CHANGED_DATE),
      closed: when(row.CLOSED_DATE),
      startPlan: when(row.START_DATE_PLAN),
      endPlan: when(row.END_DATE_PLAN),
      taskControl: row.TASK_CONTROL === "Y",
      timeEstimate: Number(row.TIME_ESTIMATE ?? 0),
      timeSpent: Number(row.TIME_SPENT_IN_LOGS ?? 0),
    },
    checklist: items.map((item) => ({
      id: Number(item.ID),
      parentId: Number(item.PARENT_ID ?? 0),
      // A checklist's own node: "Checklist N", as the task form names it.
      group: isChecklistRoot(item),
      title: isChecklistRoot(item) ? `Checklist ${CHECKLIST_ROOT.exec(String(item.TITLE))![1]}` : String(item.TITLE ?? ""),
      complete: item.IS_COMPLETE === "Y",
      important: item.IS_IMPORTANT === "Y",
    })),
    comments: comments.map((c) => ({ id: Number(c.ID), author: person(state, c.AUTHOR_ID), date: when(c.POST_DATE), text: String(c.POST_MESSAGE ?? "") })),
    results: results.map((r) => ({ id: Number(r.ID), commentId: Number(r.COMMENT_ID), author: person(state, r.CREATED_BY), date: when(r.CREATED_AT), text: commentText.get(Number(r.COMMENT_ID)) ?? "" })),
    history: ofTask(state, historyEntity, id)
      .map((h) => {
        const field = String(h.FIELD ?? "");
        return {
          id: Number(h.ID),
          date: when(h.CREATED_DATE),
          user: person(state, h.USER_ID),
          field,
          label: HISTORY_LABELS[field] ?? (taskEntity.fields[field]?.title || field),
          from: historyValue(state, field, h.FROM),
          to: historyValue(state, field, h.TO),
        };
      }),
    elapsed: elapsed.map((e) => ({ id: Number(e.ID), user: person(state, e.USER_ID), seconds: Number(e.SECONDS ?? 0), comment: String(e.COMMENT_TEXT ?? ""), date: when(e.CREATED_DATE) })),
    files,
  };
}

// ---- kanban and "My plan" ---------------------------------------------------------------------

interface StageAnswer {
  ID: string;
  TITLE: string;
  COLOR: string;
}

/** The board's stages as task.stages.get answers them (made on first use), in order. */
async function stagesOf(deps: WebDeps, type: "G" | "U", entityId: number): Promise<StageAnswer[]> {
  const handler = deps.registry.get("task.stages.get");
  if (!handler) return [];
  const answer = (await handler({
    method: "task.stages.get",
    params: type === "G" ? { entityId, isAdmin: "Y" } : { entityId: 0 },
    userId: type === "G" ? adminId(deps.state) : entityId,
    auth: { type: "webhook" },
    state: deps.state,
    portalUrl: deps.portalUrl(),
  })) as Record<string, StageAnswer>;
  return Object.values(answer ?? {});
}

/** The IDs of the tasks a user takes part in, ascending: the union of the tasks' role indexes. */
function memberTaskIds(state: PortalState, userId: number): number[] {
  const store = tasksOf(state);
  const lists = ["CREATED_BY", "RESPONSIBLE_ID", "ACCOMPLICES", "AUDITORS"].map((field) => store.indexedIds(field, userId) ?? []);
  return mergeAscending(lists);
}

/** Ascending ID lists merged into one, without repeats. */
function mergeAscending(lists: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let min = Infinity;
    for (let k = 0; k < lists.length; k++) if (at[k] < lists[k].length && lists[k][at[k]] < min) min = lists[k][at[k]];
    if (min === Infinity) return out;
    out.push(min);
    for (let k = 0; k < lists.length; k++) if (lists[k][at[k]] === min) at[k]++;
  }
}

const adminId = (state: PortalState) => state.listUsers().find((u) => u.isAdmin)?.id ?? 1;

async function board(deps: WebDeps, type: "G" | "U", entityId: number) {
  const { state } = deps;
  if (type === "U" && !state.getUser(entityId)) return { ready: true, view: "missing", what: `user ${entityId}` };
  const stages = await stagesOf(deps, type, entityId);
  const columns = stages.map((s) => ({ id: Number(s.ID), title: String(s.TITLE), color: /^[0-9a-f]{6}$/i.test(String(s.COLOR)) ? `#${s.COLOR}` : null, total: 0, cards: [] as ReturnType<typeof brief>[] }));
  const byId = new Map(columns.map((c) => [c.id, c]));
  const store = tasksOf(state);
  // A group's tasks, or every task the user takes part in (creator, responsible, accomplice,
  // auditor: members()), from the tasks' indexes; newest first.
  const candidates = type === "G" ? store.indexedIds("GROUP_ID", entityId) ?? [] : memberTaskIds(state, entityId);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const row = store.get(candidates[i]);
    if (!row) continue;
    const stageId = type === "G" ? Number(row.STAGE_ID ?? 0) : Number(((row.PLAN_STAGES ?? {}) as Record<string, unknown>)[String(entityId)] ?? 0);
    const column = byId.get(stageId) ?? columns[0];
    if (!column) continue;
    column.total++;
    if (column.cards.length < COLUMN_CARDS) column.cards.push(brief(state, row));
  }
  const owner = type === "G" ? { id: entityId, name: `Group ${entityId}` } : person(state, entityId);
  return {
    ready: true,
    view: type === "G" ? "kanban" : "plan",
    owner,
    columns,
    users: state.listUsers().map((u) => ({ id: u.id, name: fullName(u) || `User ${u.id}` })),
    groups: groupsWithTasks(state),
  };
}
