// What goes with a task: checklist items (task.checklistitem.*), comments (task.commentitem.*) and
// results made from them (tasks.task.result.*), task user fields (task.item.userfield.*), kanban
// and "My plan" stages (task.stages.*), dependencies (task.dependence.*), the day plan
// (task.planner.getlist) and time spent (task.elapseditem.*, summed into the task's
// TIME_SPENT_IN_LOGS and DURATION_FACT). The task.*item.* methods are Bitrix24's older family: parameters TASKID /
// ITEMID / FIELDS (any case, or by position), rows printed with UPPER keys and string values,
// errors as ERROR_CORE with the TASKS_ERROR_EXCEPTION text, each method's refusal as its page writes it (REFUSALS).
import { anyCase } from "../engine/dialect.js";
import { toInstant, toNumber } from "../engine/fields.js";
import type { Row } from "../engine/types.js";
import { defineUserField, removeUserField, USER_FIELD_TYPES } from "../engine/uf.js";
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { callerIsAdmin, type MethodContext, type MethodHandler } from "../http/registry.js";
import { yesNo } from "../http/params.js";
import type { PortalState } from "../data/state.js";
import {
  addHistory, allowedActions, canRead, checklistEntity, commentEntity, dependenceEntity, elapsedEntity, fullName, ids, plannerEntity, resultEntity,
  rolesOf, saveTask, stageEntity, storeOf, taskEntity, tasksOf, userFieldEntity,
} from "../data/tasks.js";
import { checklistItems } from "../data/tasks-render.js";
import { allFields } from "../engine/uf.js";
import { readableTask, t, taskError, taskIdParam, typeError } from "./tasks.js";
const empty = (v: unknown) => v === undefined || v === null || v === "";

// ---- the older task.*item.* family -----------------------------------------------------------

/** A parameter by name (any case) or by its position (`0`, `1`, … as arrays arrive in a query string). */
const legacyParam = (ctx: MethodContext, name: string, position: number): unknown => anyCase(ctx.params, name) ?? ctx.params[String(position)];

const coreError = (text: string) => taskError("ERROR_CORE", `${text}<br>`);
/** The tag Bitrix24 ends a TasksException's text with, by its code. */
const EXCEPTION_TAGS = { 4: "ACTION_NOT_ALLOWED", 8: "ACTION_FAILED_TO_BE_PROCESSED", 256: "WRONG_ARGUMENTS", 512: "ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE" } as const;
/** "TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED". */
const exception = (code: keyof typeof EXCEPTION_TAGS, text: string) => `TASKS_ERROR_EXCEPTION_#${code}; ${text}; ${code}/TE/${EXCEPTION_TAGS[code]}`;
const argError = (method: string, position: number, name: string, missing: boolean) =>
  coreError(
    exception(256, missing
      ? `Param #${position} (${name}) expected by method ${method}(), but not given.`
      : `Param #${position} (${name}) for method ${method}() expected to be of type "integer", but given something else.`),
  );
/** A key an ORDER or FILTER may not hold (task-checklist-item-get-list.md, task-comment-item-get-list.md). */
const keyError = (method: string, position: number, name: string, key: string) =>
  coreError(exception(256, `Param #${position} (${name}) for method ${method}() must not contain key "${key}".`));
const notAllowed = (what = "Action not allowed") => coreError(exception(8, what));

/**
 * What a task.*item.* method answers, by its page (api-reference/tasks/checklist-item/…,
 * comment-item/…, "Error Handling"), when the task is missing or not the caller's (`task`) and when
 * the item is missing or another task's (`item`, when it differs). Not listed: #8 "Action not allowed".
 */
const REFUSALS: Readonly<Record<string, { task: string; item?: string }>> = {
  "task.checklistitem.add": { task: exception(8, "Adding item: action not allowed") },
  "task.checklistitem.update": { task: exception(4, "No access to edit the task"), item: exception(8, "Action not allowed") },
  "task.checklistitem.delete": { task: exception(8, "Deleting item: action not allowed") },
  "task.checklistitem.get": { task: exception(512, "Check listitem not found or not accessible") },
  "task.checklistitem.getlist": { task: exception(8, "Action failed") },
  "task.commentitem.get": { task: exception(512, "Check listitem not found or not accessible") },
  // Also another user's comment, unless the caller is an administrator.
  "task.commentitem.update": { task: exception(4, "Action is not allowed") },
  "task.commentitem.delete": { task: exception(4, "Action is not allowed") },
  "task.commentitem.getlist": { task: exception(8, "Action failed") },
};
const refused = (ctx: MethodContext, of: "task" | "item" = "task") => {
  const refusal = REFUSALS[ctx.method];
  return refusal ? coreError((of === "item" && refusal.item) || refusal.task) : notAllowed();
};

/**
 * The ORDER and FILTER keys a getlist accepts (its page's lists): any other is refused with keyError.
 * FILTER keys may have an operator first (! < <= > >=).
 */
const LIST_KEYS = {
  checklist: { order: ["ID", "PARENT_ID", "CREATED_BY", "TITLE", "SORT_INDEX", "IS_COMPLETE", "IS_IMPORTANT", "TOGGLED_BY", "TOGGLED_DATE"] },
  comment: { order: ["ID", "AUTHOR_ID", "AUTHOR_NAME", "AUTHOR_EMAIL", "POST_DATE"], filter: ["ID", "AUTHOR_ID", "AUTHOR_NAME", "POST_DATE"] },
} as const;

/** ORDER as [KEY, 1 | -1] pairs, every key one of `allowed` (any case). */
function listOrder(given: unknown, allowed: readonly string[], method: string, position: number): (readonly [string, 1 | -1])[] {
  if (!given || typeof given !== "object" || Array.isArray(given)) return [];
  return Object.entries(given).map(([key, direction]) => {
    if (!allowed.includes(key.toUpperCase())) throw keyError(method, position, "arOrder", key);
    return [key.toUpperCase(), String(direction).toUpperCase() === "DESC" ? -1 : 1] as const;
  });
}

/** Sorts `rows` by `keys` (dates as instants, numbers as numbers, text as text), then by ID. */
function sortRows(rows: Row[], keys: readonly (readonly [string, 1 | -1])[], dates: readonly string[] = []): Row[] {
  const value = (row: Row, key: string) => (dates.includes(key) ? (empty(row[key]) ? 0 : Date.parse(String(row[key]))) : (row[key] ?? ""));
  return rows.sort((a, b) => {
    for (const [key, dir] of keys) {
      const x = value(a, key);
      const y = value(b, key);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return c * dir;
    }
    return Number(a.ID) - Number(b.ID);
  });
}

function legacyId(ctx: MethodContext, method: string, name: "TASKID" | "ITEMID", position: number): number {
  const raw = legacyParam(ctx, name, position);
  const label = name === "TASKID" ? "taskId" : "itemId";
  if (empty(raw)) throw argError(method, position, label, true);
  const id = toNumber(raw);
  if (id === null || !Number.isInteger(id)) throw argError(method, position, label, false);
  if (id <= 0) throw coreError("TASKS_ERROR_ASSERT_EXCEPTION");
  return id;
}

function legacyFields(ctx: MethodContext, method: string, position: number): Record<string, unknown> {
  const given = legacyParam(ctx, "FIELDS", position);
  if (typeof given !== "object" || given === null || Array.isArray(given) || Object.keys(given).length === 0) {
    throw coreError(`TASKS_ERROR_EXCEPTION_#256; Param #${position} (arFields) expected by method ${method}(), but not given.; 256/TE/WRONG_ARGUMENTS`);
  }
  return Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toUpperCase(), v]));
}

/** The task of a task.*item.* call, when the caller may see it (and, for `work`, change its items); else the method's refusal. */
function legacyTask(ctx: MethodContext, method: string, work: boolean): Row {
  const id = legacyId(ctx, method, "TASKID", 0);
  const task = tasksOf(ctx.state).get(id);
  if (!task || !canRead(ctx.state, task, ctx.userId)) throw refused(ctx);
  if (work && !allowedActions(ctx.state, task, ctx.userId).checklistAddItems) throw refused(ctx);
  return task;
}

const str = (v: unknown) => (empty(v) ? null : String(v));

// ---- checklist items ---------------------------------------------------------------------------

const CHECKLIST = "ctaskchecklistitem";
/** The checklist's root item Bitrix24 creates with the first item. */
const ROOT_TITLE = "BX_CHECKLIST_1";

function renderItem(item: Row): Record<string, unknown> {
  const parent = Number(item.PARENT_ID ?? 0);
  return {
    ID: String(item.ID),
    TASK_ID: String(item.TASK_ID),
    PARENT_ID: parent === 0 ? 0 : String(parent),
    CREATED_BY: String(item.CREATED_BY),
    TITLE: String(item.TITLE ?? ""),
    SORT_INDEX: String(item.SORT_INDEX ?? 0),
    IS_COMPLETE: item.IS_COMPLETE === "Y" ? "Y" : "N",
    IS_IMPORTANT: item.IS_IMPORTANT === "Y" ? "Y" : "N",
    TOGGLED_BY: str(item.TOGGLED_BY),
    TOGGLED_DATE: empty(item.TOGGLED_DATE) ? "" : atom(Date.parse(String(item.TOGGLED_DATE))),
    MEMBERS: [],
    ATTACHMENTS: [],
  };
}

function checklistItem(ctx: MethodContext, method: string, task: Row): Row {
  const itemId = legacyId(ctx, method, "ITEMID", 1);
  const item = storeOf(ctx.state, checklistEntity).get(itemId);
  if (!item || Number(item.TASK_ID) !== Number(task.ID)) throw refused(ctx, "item");
  return item;
}

const checklistAdd = (ctx: MethodContext) => {
  const method = `${CHECKLIST}::add`;
  const task = legacyTask(ctx, method, true);
  const given = legacyFields(ctx, method, 1);
  const title = typeof given.TITLE === "string" || typeof given.TITLE === "number" ? String(given.TITLE).trim() : "";
  if (!title) throw notAllowed("Item name not specified");
  const store = storeOf(ctx.state, checklistEntity);
  const taskId = Number(task.ID);
  let parent = toNumber(given.PARENT_ID) ?? 0;
  if (parent > 0 && Number(store.get(parent)?.TASK_ID) !== taskId) throw refused(ctx);
  if (parent === 0) {
    const root = checklistItems(ctx.state, taskId).find((i) => Number(i.PARENT_ID ?? 0) === 0);
    parent = root
      ? Number(root.ID)
      : store.insert({ TASK_ID: taskId, PARENT_ID: 0, CREATED_BY: ctx.userId, TITLE: ROOT_TITLE, SORT_INDEX: 0, IS_COMPLETE: "N", IS_IMPORTANT: "N", MEMBERS: [], ATTACHMENTS: [] });
  }
  const siblings = checklistItems(ctx.state, taskId).filter((i) => Number(i.PARENT_ID ?? 0) === parent);
  const sort = toNumber(given.SORT_INDEX) ?? siblings.reduce((max, i) => Math.max(max, Number(i.SORT_INDEX ?? 0) + 1), 0);
  const complete = yesNo(given.IS_COMPLETE, false);
  const now = ctx.state.now().toISOString();
  const id = store.insert({
    TASK_ID: taskId, PARENT_ID: parent, CREATED_BY: ctx.userId, TITLE: title, SORT_INDEX: sort, IS_COMPLETE: complete ? "Y" : "N",
    IS_IMPORTANT: yesNo(given.IS_IMPORTANT, false) ? "Y" : "N", ...(complete ? { TOGGLED_BY: ctx.userId, TOGGLED_DATE: now } : {}), MEMBERS: [], ATTACHMENTS: [],
  });
  addHistory(ctx, taskId, "CHECKLIST_ITEM_CREATE", "", title);
  return id;
};

const checklistUpdate = (ctx: MethodContext) => {
  const method = `${CHECKLIST}::update`;
  const task = legacyTask(ctx, method, true);
  const item = checklistItem(ctx, method, task);
  const given = legacyFields(ctx, method, 2);
  const next: Row = { ...item };
  if (given.TITLE !== undefined) {
    const title = String(given.TITLE).trim();
    if (!title) throw notAllowed("Item name not specified");
    next.TITLE = title;
  }
  if (given.SORT_INDEX !== undefined && toNumber(given.SORT_INDEX) !== null) next.SORT_INDEX = toNumber(given.SORT_INDEX);
  if (given.IS_IMPORTANT !== undefined) next.IS_IMPORTANT = yesNo(given.IS_IMPORTANT, false) ? "Y" : "N";
  if (given.IS_COMPLETE !== undefined) toggle(ctx, next, yesNo(given.IS_COMPLETE, false));
  storeOf(ctx.state, checklistEntity).replace(Number(item.ID), next);
  if (next.TITLE !== item.TITLE) addHistory(ctx, Number(task.ID), "CHECKLIST_ITEM_RENAME", String(item.TITLE), String(next.TITLE));
  if (next.IS_COMPLETE !== item.IS_COMPLETE) addHistory(ctx, Number(task.ID), next.IS_COMPLETE === "Y" ? "CHECKLIST_ITEM_CHECK" : "CHECKLIST_ITEM_UNCHECK", "", String(next.TITLE));
  return null;
};

function toggle(ctx: MethodContext, item: Row, complete: boolean): void {
  if ((item.IS_COMPLETE === "Y") === complete) return;
  item.IS_COMPLETE = complete ? "Y" : "N";
  item.TOGGLED_BY = ctx.userId;
  item.TOGGLED_DATE = ctx.state.now().toISOString();
}

const checklistToggle = (complete: boolean) => (ctx: MethodContext) => {
  const method = `${CHECKLIST}::${complete ? "complete" : "renew"}`;
  const task = legacyTask(ctx, method, true);
  const item = checklistItem(ctx, method, task);
  if ((item.IS_COMPLETE === "Y") !== complete) {
    const next = { ...item };
    toggle(ctx, next, complete);
    storeOf(ctx.state, checklistEntity).replace(Number(item.ID), next);
    addHistory(ctx, Number(task.ID), complete ? "CHECKLIST_ITEM_CHECK" : "CHECKLIST_ITEM_UNCHECK", "", String(item.TITLE));
  }
  return true;
};

const checklistDelete = (ctx: MethodContext) => {
  const method = `${CHECKLIST}::delete`;
  const task = legacyTask(ctx, method, true);
  const item = checklistItem(ctx, method, task);
  const store = storeOf(ctx.state, checklistEntity);
  const drop = (id: number) => {
    for (const child of checklistItems(ctx.state, Number(task.ID)).filter((i) => Number(i.PARENT_ID ?? 0) === id)) drop(Number(child.ID));
    store.delete(id);
  };
  drop(Number(item.ID));
  addHistory(ctx, Number(task.ID), "CHECKLIST_ITEM_REMOVE", String(item.TITLE), "");
  return true;
};

/** getlist {TASKID, ORDER}: by SORT_INDEX, as a real portal answers (or the ORDER given, its keys LIST_KEYS.checklist's). */
const checklistList = (ctx: MethodContext) => {
  const method = `${CHECKLIST}::getlist`;
  legacyId(ctx, method, "TASKID", 0);
  const order = listOrder(legacyParam(ctx, "ORDER", 1), LIST_KEYS.checklist.order, method, 1);
  const items = checklistItems(ctx.state, Number(legacyTask(ctx, method, false).ID));
  return (order.length > 0 ? sortRows(items, order, ["TOGGLED_DATE"]) : items).map(renderItem);
};

const checklistGet = (ctx: MethodContext) => {
  const method = `${CHECKLIST}::get`;
  const task = legacyTask(ctx, method, false);
  return renderItem(checklistItem(ctx, method, task));
};

// ---- comments and results --------------------------------------------------------------------

const COMMENTS = "ctaskcommentitem";

function renderComment(comment: Row): Record<string, unknown> {
  return {
    POST_MESSAGE_HTML: null,
    ID: String(comment.ID),
    AUTHOR_ID: String(comment.AUTHOR_ID),
    AUTHOR_NAME: String(comment.AUTHOR_NAME ?? ""),
    AUTHOR_EMAIL: String(comment.AUTHOR_EMAIL ?? ""),
    POST_DATE: atom(Date.parse(String(comment.POST_DATE))),
    POST_MESSAGE: String(comment.POST_MESSAGE ?? ""),
  };
}

const commentsOf = (state: PortalState, taskId: number) => storeOf(state, commentEntity).where("TASK_ID", taskId);

/** commentsCount follows the comments (not a change of the task: no history entry). */
function countComments(state: PortalState, taskId: number): void {
  const task = tasksOf(state).get(taskId);
  if (!task) return;
  const count = commentsOf(state, taskId).length;
  const row = { ...task };
  if (count > 0) row.COMMENTS_COUNT = count;
  else delete row.COMMENTS_COUNT;
  // The first comment opens the task's forum topic (Bitrix24 keeps task comments in forum 11).
  if (count > 0 && !row.FORUM_TOPIC_ID) Object.assign(row, { FORUM_ID: 11, FORUM_TOPIC_ID: taskId });
  tasksOf(state).replace(taskId, row);
}

function comment(ctx: MethodContext, method: string, task: Row): Row {
  const id = legacyId(ctx, method, "ITEMID", 1);
  const row = storeOf(ctx.state, commentEntity).get(id);
  if (!row || Number(row.TASK_ID) !== Number(task.ID)) throw refused(ctx, "item");
  return row;
}

/** A comment is changed by its author or an administrator (task-comment-item-update.md, -delete.md). */
function ownComment(ctx: MethodContext, row: Row): void {
  if (Number(row.AUTHOR_ID) !== ctx.userId && !callerIsAdmin(ctx)) throw refused(ctx, "item");
}

const commentAdd = (ctx: MethodContext) => {
  const method = `${COMMENTS}::add`;
  const id = legacyId(ctx, method, "TASKID", 0);
  const task = tasksOf(ctx.state).get(id);
  if (!task || !canRead(ctx.state, task, ctx.userId)) throw coreError("Insufficient permissions to add a comment.");
  const given = legacyFields(ctx, method, 1);
  const text = typeof given.POST_MESSAGE === "string" || typeof given.POST_MESSAGE === "number" ? String(given.POST_MESSAGE) : "";
  if (!text.trim()) throw coreError("Comment text is not specified");
  const authorId = toNumber(given.AUTHOR_ID) ?? ctx.userId;
  const author = ctx.state.getUser(authorId);
  if (!author) throw coreError("Insufficient permissions to add a comment.");
  const commentId = storeOf(ctx.state, commentEntity).insert({
    POST_MESSAGE_HTML: null, TASK_ID: id, AUTHOR_ID: authorId, AUTHOR_NAME: fullName(author), AUTHOR_EMAIL: author.email, POST_DATE: ctx.state.now().toISOString(), POST_MESSAGE: text,
  });
  countComments(ctx.state, id);
  addHistory(ctx, id, "COMMENT", "", String(commentId));
  return commentId;
};

const commentUpdate = (ctx: MethodContext) => {
  const method = `${COMMENTS}::update`;
  const task = legacyTask(ctx, method, false);
  const row = comment(ctx, method, task);
  ownComment(ctx, row);
  const given = legacyFields(ctx, method, 2);
  const text = given.POST_MESSAGE === undefined ? String(row.POST_MESSAGE) : String(given.POST_MESSAGE ?? "");
  if (!text.trim()) throw coreError("Comment text not specified.");
  storeOf(ctx.state, commentEntity).replace(Number(row.ID), { ...row, POST_MESSAGE: text });
  return true;
};

const commentDelete = (ctx: MethodContext) => {
  const method = `${COMMENTS}::delete`;
  const task = legacyTask(ctx, method, false);
  const row = comment(ctx, method, task);
  ownComment(ctx, row);
  storeOf(ctx.state, commentEntity).delete(Number(row.ID));
  const [result] = storeOf(ctx.state, resultEntity).where("COMMENT_ID", Number(row.ID));
  if (result) storeOf(ctx.state, resultEntity).delete(Number(result.ID));
  countComments(ctx.state, Number(task.ID));
  return true;
};

/**
 * getlist(TASKID, ORDER, FILTER): oldest first, as a real portal answers (GetTaskCommentsList), or
 * the ORDER given; FILTER by ID, AUTHOR_ID, AUTHOR_NAME, POST_DATE with ! < <= > >= (LIST_KEYS.comment).
 */
const commentList = (ctx: MethodContext) => {
  const method = `${COMMENTS}::getlist`;
  legacyId(ctx, method, "TASKID", 0);
  const order = listOrder(legacyParam(ctx, "ORDER", 1), LIST_KEYS.comment.order, method, 1);
  const filter = legacyParam(ctx, "FILTER", 2);
  const tests = filter && typeof filter === "object" && !Array.isArray(filter)
    ? Object.entries(filter).map(([key, wanted]) => {
        const field = /^(?:!|<=|>=|<|>)?(.*)$/.exec(key)![1].toUpperCase();
        if (!(LIST_KEYS.comment.filter as readonly string[]).includes(field)) throw keyError(method, 2, "arFilter", key);
        return filterTest(key, wanted, ["POST_DATE"]);
      })
    : [];
  const rows = commentsOf(ctx.state, Number(legacyTask(ctx, method, false).ID)).filter((row) => tests.every((test) => test(row)));
  return (order.length > 0 ? sortRows(rows, order, ["POST_DATE"]) : rows).map(renderComment);
};

const commentGet = (ctx: MethodContext) => {
  const method = `${COMMENTS}::get`;
  const task = legacyTask(ctx, method, false);
  return renderComment(comment(ctx, method, task));
};

function renderResult(state: PortalState, result: Row, files: unknown): Record<string, unknown> {
  const text = String(storeOf(state, commentEntity).get(Number(result.COMMENT_ID))?.POST_MESSAGE ?? "");
  return {
    id: Number(result.ID),
    taskId: Number(result.TASK_ID),
    commentId: Number(result.COMMENT_ID),
    createdBy: Number(result.CREATED_BY),
    createdAt: atom(Date.parse(String(result.CREATED_AT))),
    updatedAt: atom(Date.parse(String(result.UPDATED_AT))),
    status: Number(result.STATUS ?? 0),
    text,
    formattedText: text,
    files,
  };
}

function commentIdParam(ctx: MethodContext): number {
  const raw = anyCase(ctx.params, "commentId");
  const id = toNumber(raw);
  if (raw === undefined || id === null || !Number.isInteger(id)) throw typeError(ctx, "commentId", raw, "int");
  return id;
}

/** The comment of tasks.task.result.*FromComment, on a task the caller sees. */
function resultComment(ctx: MethodContext): Row {
  const row = storeOf(ctx.state, commentEntity).get(commentIdParam(ctx));
  if (!row) throw taskError(0, "Comment not found.");
  const task = tasksOf(ctx.state).get(Number(row.TASK_ID));
  if (!task || !canRead(ctx.state, task, ctx.userId)) throw taskError(0, "Access denied.");
  return row;
}

const resultAdd = (ctx: MethodContext) => {
  const row = resultComment(ctx);
  const task = tasksOf(ctx.state).get(Number(row.TASK_ID))!;
  const roles = rolesOf(ctx.state, task, ctx.userId);
  if (Number(row.AUTHOR_ID) !== ctx.userId && !roles.has("admin") && !roles.has("creator")) throw taskError(0, "Access denied.");
  const store = storeOf(ctx.state, resultEntity);
  if (store.where("COMMENT_ID", Number(row.ID)).length > 0) throw taskError(0, "Result already exists.");
  const now = ctx.state.now().toISOString();
  const id = store.insert({ TASK_ID: Number(row.TASK_ID), COMMENT_ID: Number(row.ID), CREATED_BY: ctx.userId, CREATED_AT: now, UPDATED_AT: now, STATUS: 0 });
  return renderResult(ctx.state, store.get(id)!, null);
};

const resultDelete = (ctx: MethodContext) => {
  const row = resultComment(ctx);
  const store = storeOf(ctx.state, resultEntity);
  const [result] = store.where("COMMENT_ID", Number(row.ID));
  if (result) store.delete(Number(result.ID));
  return null;
};

const resultList = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  readableTask(ctx, id); // result/tasks-task-result-list.md: [0, "Access denied."] (TASK_PAGES)
  return storeOf(ctx.state, resultEntity).where("TASK_ID", id)
    .reverse()
    .map((r) => renderResult(ctx.state, r, []));
};

// ---- task user fields -----------------------------------------------------------------------

const LANGUAGES = ["ar", "br", "de", "en", "fr", "id", "it", "ja", "la", "ms", "pl", "ru", "sc", "tc", "th", "tr", "ua", "vn"];
const everyLanguage = (text: string) => Object.fromEntries(LANGUAGES.map((l) => [l, text]));
const labelMap = (given: unknown, fallback: Record<string, string>) =>
  given && typeof given === "object" ? { ...Object.fromEntries(LANGUAGES.map((l) => [l, ""])), ...Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toLowerCase(), String(v)])) } : fallback;

const SETTINGS: Record<string, unknown> = {
  string: { SIZE: 20, ROWS: 1, REGEXP: "", MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: "" },
  integer: { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: "" },
  double: { PRECISION: 2, SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: "" },
  boolean: { DEFAULT_VALUE: 0, DISPLAY: "CHECKBOX", LABEL: ["", ""], LABEL_CHECKBOX: "" },
  date: { DEFAULT_VALUE: { TYPE: "NONE", VALUE: "" } },
  datetime: { DEFAULT_VALUE: { TYPE: "NONE", VALUE: "" }, USE_SECOND: "Y", USE_TIMEZONE: "N" },
};

/** The system user fields every portal has (their definitions are part of the task entity). */
const SYSTEM_FIELDS: Row[] = [
  { FIELD_NAME: "UF_CRM_TASK", USER_TYPE_ID: "crm", XML_ID: null, MULTIPLE: "Y", SHOW_IN_LIST: "Y", EDIT_IN_LIST: "Y", IS_SEARCHABLE: "N", SETTINGS: { LEAD: "Y", CONTACT: "Y", COMPANY: "Y", DEAL: "Y", ORDER: "Y", SMART_INVOICE: "Y" } },
  { FIELD_NAME: "UF_TASK_WEBDAV_FILES", USER_TYPE_ID: "disk_file", XML_ID: "TASK_WEBDAV_FILES", MULTIPLE: "Y", SHOW_IN_LIST: "Y", EDIT_IN_LIST: "Y", IS_SEARCHABLE: "Y", SETTINGS: [] },
  { FIELD_NAME: "UF_MAIL_MESSAGE", USER_TYPE_ID: "mail_message", XML_ID: "", MULTIPLE: "N", SHOW_IN_LIST: "N", EDIT_IN_LIST: "N", IS_SEARCHABLE: "N", SETTINGS: [] },
];

/** The definitions store, with the system fields added on first use. */
function userFieldStore(state: PortalState) {
  const store = storeOf(state, userFieldEntity);
  if (store.size === 0) {
    for (const row of SYSTEM_FIELDS) {
      const label = everyLanguage(String(row.FIELD_NAME));
      store.insert({ ENTITY_ID: "TASKS_TASK", SORT: 100, MANDATORY: "N", SHOW_FILTER: "N", ...row, EDIT_FORM_LABEL: label, LIST_COLUMN_LABEL: label, LIST_FILTER_LABEL: label, ERROR_MESSAGE: label, HELP_MESSAGE: label });
    }
  }
  return store;
}

const SHORT_KEYS = ["ID", "ENTITY_ID", "FIELD_NAME", "USER_TYPE_ID", "XML_ID", "SORT", "MULTIPLE", "MANDATORY", "SHOW_FILTER", "SHOW_IN_LIST", "EDIT_IN_LIST", "IS_SEARCHABLE", "SETTINGS"];
const LABEL_KEYS = ["EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE"];

function renderUserField(row: Row, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of full ? [...SHORT_KEYS, ...LABEL_KEYS] : SHORT_KEYS) {
    const value = row[key];
    out[key] = key === "SETTINGS" || LABEL_KEYS.includes(key) ? (value ?? []) : key === "XML_ID" ? (value ?? null) : String(value ?? "");
  }
  return out;
}

const ufParams = (ctx: MethodContext, name: string) => {
  const given = anyCase(ctx.params, name) ?? ctx.params["0"];
  return given && typeof given === "object" && !Array.isArray(given) ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toUpperCase(), v])) : undefined;
};

function userFieldById(ctx: MethodContext): Row {
  const raw = anyCase(ctx.params, "ID") ?? ctx.params["0"];
  const id = toNumber(raw);
  const row = id === null ? undefined : userFieldStore(ctx.state).get(id);
  if (!row) throw taskError("ERROR_CORE", "The user field is not found.");
  return row;
}

const adminOnly = (ctx: MethodContext) => {
  if (!callerIsAdmin(ctx)) throw taskError("ERROR_CORE", "Access denied");
};

const userFieldAdd = (ctx: MethodContext) => {
  adminOnly(ctx);
  const p = ufParams(ctx, "PARAMS") ?? {};
  const type = String(p.USER_TYPE_ID ?? "").trim();
  if (!type) throw taskError("ERROR_CORE", "The 'USER_TYPE_ID' field is not found.");
  if (!USER_FIELD_TYPES.includes(type)) throw taskError("ERROR_CORE", "Invalid user type specified.");
  const bare = String(p.FIELD_NAME ?? "").trim().toUpperCase();
  if (!bare) throw taskError("ERROR_CORE", "The 'FIELD_NAME' field is not found");
  if (!/^[A-Z0-9_]+$/.test(bare)) throw taskError("ERROR_CORE", "Invalid field name.");
  const name = bare.startsWith("UF_") ? bare : `UF_${bare}`;
  const store = userFieldStore(ctx.state);
  if (store.all().some((r) => r.FIELD_NAME === name) || name in taskEntity.fields) throw taskError("ERROR_CORE", `The field ${name} for the object TASKS_TASK already exists.`);
  const label = typeof p.LABEL === "string" && p.LABEL ? p.LABEL : name;
  const multiple = yesNo(p.MULTIPLE, false);
  const mandatory = yesNo(p.MANDATORY, false);
  const editLabel = labelMap(p.EDIT_FORM_LABEL, everyLanguage(label));
  const id = store.insert({
    ENTITY_ID: "TASKS_TASK", FIELD_NAME: name, USER_TYPE_ID: type, XML_ID: empty(p.XML_ID) ? null : String(p.XML_ID), SORT: toNumber(p.SORT) ?? 100,
    MULTIPLE: multiple ? "Y" : "N", MANDATORY: mandatory ? "Y" : "N", SHOW_FILTER: "N", SHOW_IN_LIST: "Y", EDIT_IN_LIST: "Y", IS_SEARCHABLE: "N",
    SETTINGS: SETTINGS[type] ?? [], EDIT_FORM_LABEL: editLabel, LIST_COLUMN_LABEL: everyLanguage(label), LIST_FILTER_LABEL: everyLanguage(label),
    ERROR_MESSAGE: everyLanguage(label), HELP_MESSAGE: everyLanguage(label),
  });
  defineUserField(ctx.state, "TASKS_TASK", { name, userTypeId: type, label: editLabel.en || label, multiple, mandatory });
  return id;
};

const userFieldUpdate = (ctx: MethodContext) => {
  adminOnly(ctx);
  const row = userFieldById(ctx);
  const data = ufParams(ctx, "DATA") ?? {};
  const next: Row = { ...row };
  if (data.XML_ID !== undefined) next.XML_ID = empty(data.XML_ID) ? null : String(data.XML_ID);
  if (data.SORT !== undefined && toNumber(data.SORT) !== null) next.SORT = toNumber(data.SORT);
  if (data.MANDATORY !== undefined) next.MANDATORY = yesNo(data.MANDATORY, false) ? "Y" : "N";
  if (typeof data.LABEL === "string" && data.LABEL) for (const key of LABEL_KEYS.slice(1)) next[key] = everyLanguage(data.LABEL);
  if (data.EDIT_FORM_LABEL !== undefined) next.EDIT_FORM_LABEL = labelMap(data.EDIT_FORM_LABEL, row.EDIT_FORM_LABEL as Record<string, string>);
  userFieldStore(ctx.state).replace(Number(row.ID), next);
  if (!(String(row.FIELD_NAME) in taskEntity.fields)) {
    const label = (next.EDIT_FORM_LABEL as Record<string, string>).en || String(next.FIELD_NAME);
    defineUserField(ctx.state, "TASKS_TASK", { name: String(next.FIELD_NAME), userTypeId: String(next.USER_TYPE_ID), label, multiple: next.MULTIPLE === "Y", mandatory: next.MANDATORY === "Y" });
  }
  return true;
};

const userFieldDelete = (ctx: MethodContext) => {
  adminOnly(ctx);
  const row = userFieldById(ctx);
  if (String(row.FIELD_NAME) in taskEntity.fields) throw taskError("ERROR_CORE", "Access denied");
  userFieldStore(ctx.state).delete(Number(row.ID));
  removeUserField(ctx.state, "TASKS_TASK", String(row.FIELD_NAME));
  return true;
};

// ---- kanban and "My plan" stages --------------------------------------------------------------

const STAGE_COLORS = ["00C4FB", "47D1E2", "75D900", "FFAB00", "FF5752"];
const PLAN_STAGES = ["Not Planned", "I Will Do It This Week", "I Will Do It This Month"];
const GROUP_STAGES = ["New", "In Progress", "Done"];

/** The stages of a group (G) or of a user's "My plan" (U), made on first use, by SORT. */
function stagesOf(state: PortalState, type: "G" | "U", entityId: number): Row[] {
  const store = storeOf(state, stageEntity);
  const own = () => store.where("ENTITY_ID", entityId).filter((s) => s.ENTITY_TYPE === type);
  let rows = own();
  if (rows.length === 0) {
    (type === "U" ? PLAN_STAGES : GROUP_STAGES).forEach((title, i) =>
      store.insert({ TITLE: title, SORT: (i + 1) * 100, COLOR: STAGE_COLORS[i], SYSTEM_TYPE: i === 0 ? "NEW" : type === "G" && i === 2 ? "FINISH" : "", ENTITY_ID: entityId, ENTITY_TYPE: type }),
    );
    rows = own();
  }
  return rows.sort((a, b) => Number(a.SORT) - Number(b.SORT) || Number(a.ID) - Number(b.ID));
}

const stageOwner = (ctx: MethodContext, entityId: unknown): ["G" | "U", number] => {
  const id = toNumber(entityId) ?? 0;
  return id > 0 ? ["G", id] : ["U", ctx.userId];
};

const stageError = (code: string, description: string) => taskError(code, description);

/** Whether the caller may manage these stages: their own "My plan", or a group's as an administrator or a member of its tasks. */
function mayManage(ctx: MethodContext, type: "G" | "U", entityId: number): boolean {
  if (type === "U") return entityId === ctx.userId;
  if (callerIsAdmin(ctx)) return true;
  return storeOf(ctx.state, taskEntity).where("GROUP_ID", entityId).some((task) => rolesOf(ctx.state, task, ctx.userId).size > 0);
}

/** Puts `stage` first (afterId 0) or right after `afterId`, renumbering SORT by 100s. */
function placeStage(state: PortalState, stage: Row, afterId: number): void {
  const store = storeOf(state, stageEntity);
  const others = stagesOf(state, stage.ENTITY_TYPE as "G" | "U", Number(stage.ENTITY_ID)).filter((s) => Number(s.ID) !== Number(stage.ID));
  const at = afterId > 0 ? others.findIndex((s) => Number(s.ID) === afterId) + 1 : 0;
  const ordered = [...others.slice(0, at), stage, ...others.slice(at)];
  ordered.forEach((s, i) => {
    const current = store.get(Number(s.ID));
    if (current && Number(current.SORT) !== (i + 1) * 100) store.replace(Number(s.ID), { ...current, SORT: (i + 1) * 100 });
  });
}

function renderStages(rows: Row[]): Record<string, unknown> {
  return Object.fromEntries(
    rows.map((s, i) => [
      String(s.ID),
      {
        ID: String(s.ID), TITLE: String(s.TITLE), SORT: String(s.SORT), COLOR: String(s.COLOR ?? ""), SYSTEM_TYPE: String(s.SYSTEM_TYPE ?? ""),
        ENTITY_ID: String(s.ENTITY_ID), ENTITY_TYPE: String(s.ENTITY_TYPE), ADDITIONAL_FILTER: [], TO_UPDATE: [], TO_UPDATE_ACCESS: null,
        ...(i === 0 ? { CAN_SORT_ITEMS: true } : {}),
      },
    ]),
  );
}

const stagesGet = (ctx: MethodContext) => {
  const [type, entityId] = stageOwner(ctx, anyCase(ctx.params, "entityId"));
  if (type === "G" && !mayManage(ctx, type, entityId) && !yesNo(anyCase(ctx.params, "isAdmin"), false)) throw stageError("ACCESS_DENIED", "Access denied");
  return renderStages(stagesOf(ctx.state, type, entityId));
};

const stageFields = (ctx: MethodContext) => {
  const given = anyCase(ctx.params, "fields");
  return given && typeof given === "object" && !Array.isArray(given) ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toUpperCase(), v])) : {};
};

const stagesAdd = (ctx: MethodContext) => {
  const fields = stageFields(ctx);
  const title = typeof fields.TITLE === "string" ? fields.TITLE.trim() : "";
  if (!title) throw stageError("EMPTY_TITLE", "Stage title is not specified");
  const [type, entityId] = stageOwner(ctx, fields.ENTITY_ID);
  if (!mayManage(ctx, type, entityId)) throw stageError("ACCESS_DENIED", "You do not have permission to manage stages");
  stagesOf(ctx.state, type, entityId);
  const store = storeOf(ctx.state, stageEntity);
  const id = store.insert({ TITLE: title, SORT: 0, COLOR: typeof fields.COLOR === "string" && fields.COLOR ? fields.COLOR.replace(/^#/, "") : STAGE_COLORS[0], SYSTEM_TYPE: "", ENTITY_ID: entityId, ENTITY_TYPE: type });
  placeStage(ctx.state, store.get(id)!, toNumber(fields.AFTER_ID) ?? 0);
  return id;
};

function stageById(ctx: MethodContext, raw: unknown): Row {
  const id = toNumber(raw);
  const stage = id === null ? undefined : storeOf(ctx.state, stageEntity).get(id);
  if (!stage) throw stageError("NOT_FOUND", "Stage not found");
  return stage;
}

const stagesUpdate = (ctx: MethodContext) => {
  const stage = stageById(ctx, anyCase(ctx.params, "id"));
  if (!mayManage(ctx, stage.ENTITY_TYPE as "G" | "U", Number(stage.ENTITY_ID))) throw stageError("ACCESS_DENIED", "You do not have permission to manage stages");
  const fields = stageFields(ctx);
  const next: Row = { ...stage };
  if (typeof fields.TITLE === "string" && fields.TITLE.trim()) next.TITLE = fields.TITLE.trim();
  if (typeof fields.COLOR === "string" && fields.COLOR) next.COLOR = fields.COLOR.replace(/^#/, "");
  storeOf(ctx.state, stageEntity).replace(Number(stage.ID), next);
  if (fields.AFTER_ID !== undefined && toNumber(fields.AFTER_ID) !== null) placeStage(ctx.state, next, toNumber(fields.AFTER_ID)!);
  return true;
};

const stagesDelete = (ctx: MethodContext) => {
  const stage = stageById(ctx, anyCase(ctx.params, "id"));
  const type = stage.ENTITY_TYPE as "G" | "U";
  if (!mayManage(ctx, type, Number(stage.ENTITY_ID))) throw stageError("ACCESS_DENIED", "You cannot manage stages");
  if (stage.SYSTEM_TYPE === "NEW") throw stageError("IS_SYSTEM", "The default stage cannot be deleted");
  if (Number(stagesOf(ctx.state, type, Number(stage.ENTITY_ID))[0].ID) === Number(stage.ID)) throw stageError("CANT_DELETE_FIRST", "Cannot delete the first stage. Move the stage to delete it.");
  // Tasks in the stage go back to the first one.
  const tasks = tasksOf(ctx.state);
  for (const task of tasks.all()) {
    const plan = (task.PLAN_STAGES ?? {}) as Record<string, number>;
    if (type === "G" && Number(task.STAGE_ID) === Number(stage.ID)) tasks.replace(Number(task.ID), { ...task, STAGE_ID: 0 });
    else if (type === "U" && plan[String(stage.ENTITY_ID)] === Number(stage.ID)) {
      const { [String(stage.ENTITY_ID)]: _, ...rest } = plan;
      tasks.replace(Number(task.ID), { ...task, PLAN_STAGES: rest });
    }
  }
  storeOf(ctx.state, stageEntity).delete(Number(stage.ID));
  return true;
};

/** task.stages.movetask {id, stageId, before | after}: a group's kanban column (STAGE_ID) or the caller's "My plan" column. */
const stagesMoveTask = (ctx: MethodContext) => {
  const taskId = toNumber(anyCase(ctx.params, "id"));
  const task = taskId === null ? undefined : tasksOf(ctx.state).get(taskId);
  if (!task || !canRead(ctx.state, task, ctx.userId)) throw stageError("TASK_NOT_FOUND", "Task not found or access to it is denied");
  const stage = stageById(ctx, anyCase(ctx.params, "stageId"));
  if (stage.ENTITY_TYPE === "G") {
    const roles = rolesOf(ctx.state, task, ctx.userId);
    if (Number(task.GROUP_ID) !== Number(stage.ENTITY_ID) || (roles.size === 1 && roles.has("auditor"))) throw stageError("ACCESS_DENIED_MOVE", "You cannot move this task");
    const first = Number(stagesOf(ctx.state, "G", Number(stage.ENTITY_ID))[0].ID);
    const target = Number(stage.ID) === first ? 0 : Number(stage.ID);
    if (Number(task.STAGE_ID ?? 0) !== target) saveTask(ctx, allFields(ctx.state, taskEntity), taskId!, { ...task, STAGE_ID: target }, task);
    return true;
  }
  if (Number(stage.ENTITY_ID) !== ctx.userId) throw stageError("ACCESS_DENIED_MOVE", "You cannot move this task");
  tasksOf(ctx.state).replace(taskId!, { ...task, PLAN_STAGES: { ...((task.PLAN_STAGES ?? {}) as object), [String(ctx.userId)]: Number(stage.ID) } });
  return true;
};

// ---- dependencies and the day plan ------------------------------------------------------------

function linkParams(ctx: MethodContext): { from: number; to: number; type: number } {
  const from = toNumber(anyCase(ctx.params, "taskIdFrom"));
  const to = toNumber(anyCase(ctx.params, "taskIdTo"));
  const type = toNumber(anyCase(ctx.params, "linkType") ?? 2);
  for (const id of [from, to]) {
    const task = id === null ? undefined : tasksOf(ctx.state).get(id);
    if (!task || !canRead(ctx.state, task, ctx.userId)) throw stageError("ACTION_NOT_ALLOWED", "Unable to add a link between tasks");
  }
  if (type === null || ![0, 1, 2, 3].includes(type)) throw stageError("ACTION_NOT_ALLOWED", "Unable to add a link between tasks");
  return { from: from!, to: to!, type };
}

/** Keeps the task's DEPENDS_ON (the filter key) in step with its links. */
function syncDependsOn(state: PortalState, taskId: number): void {
  const task = tasksOf(state).get(taskId);
  if (!task) return;
  const list = storeOf(state, dependenceEntity).where("TASK_ID", taskId).map((d) => Number(d.DEPENDS_ON_ID));
  tasksOf(state).replace(taskId, { ...task, DEPENDS_ON: list });
}

const dependenceAdd = (ctx: MethodContext) => {
  const { from, to, type } = linkParams(ctx);
  const links = storeOf(ctx.state, dependenceEntity);
  if (links.where("TASK_ID", to).some((d) => Number(d.DEPENDS_ON_ID) === from)) throw stageError("ILLEGAL_NEW_LINK", "A link between tasks already exists");
  // No link to itself, and no cycle: `from` must not (transitively) depend on `to`.
  const dependsOn = (task: number, seen = new Set<number>()): boolean =>
    links.where("TASK_ID", task).some((d) => Number(d.DEPENDS_ON_ID) === to || (!seen.has(task) && dependsOn(Number(d.DEPENDS_ON_ID), seen.add(task))));
  if (from === to || dependsOn(from)) throw stageError("ACTION_NOT_ALLOWED", "Unable to add a link between tasks");
  storeOf(ctx.state, dependenceEntity).insert({ TASK_ID: to, DEPENDS_ON_ID: from, TYPE: type });
  syncDependsOn(ctx.state, to);
  return [];
};

const dependenceDelete = (ctx: MethodContext) => {
  const { from, to } = linkParams(ctx);
  const link = storeOf(ctx.state, dependenceEntity).where("TASK_ID", to).find((d) => Number(d.DEPENDS_ON_ID) === from);
  if (!link) throw stageError("ACTION_NOT_ALLOWED", "Unable to delete the link between tasks");
  storeOf(ctx.state, dependenceEntity).delete(Number(link.ID));
  syncDependsOn(ctx.state, to);
  return [];
};

/** Adds a task to a user's day plan (Bitrix24 does it from its timeman widget, which has no REST method). */
export function addToDayPlan(state: PortalState, userId: number, taskId: number): void {
  const store = storeOf(state, plannerEntity);
  if (!store.where("USER_ID", userId).some((p) => Number(p.TASK_ID) === taskId)) store.insert({ USER_ID: userId, TASK_ID: taskId });
}

const plannerList = (ctx: MethodContext) =>
  storeOf(ctx.state, plannerEntity).where("USER_ID", ctx.userId)
    .filter((p) => tasksOf(ctx.state).get(Number(p.TASK_ID)))
    .map((p) => Number(p.TASK_ID));

// ---- elapsed time (task.elapseditem.*) -------------------------------------------------------

const ELAPSED = "ctaskelapseditem";
/** Time entered by hand (REST, the task form): Bitrix24's SOURCE 2. */
const SOURCE_MANUAL = 2;

const elapsedOf = (state: PortalState, taskId: number) => storeOf(state, elapsedEntity).where("TASK_ID", taskId);

function renderElapsed(row: Row, select?: Set<string>): Record<string, unknown> {
  const date = (v: unknown) => (empty(v) ? "" : atom(Date.parse(String(v))));
  const all: Record<string, unknown> = {
    ID: String(row.ID),
    TASK_ID: String(row.TASK_ID),
    USER_ID: String(row.USER_ID),
    COMMENT_TEXT: String(row.COMMENT_TEXT ?? ""),
    SECONDS: String(row.SECONDS ?? 0),
    MINUTES: String(row.MINUTES ?? 0),
    SOURCE: String(row.SOURCE ?? SOURCE_MANUAL),
    CREATED_DATE: date(row.CREATED_DATE),
    DATE_START: date(row.DATE_START),
    DATE_STOP: date(row.DATE_STOP),
  };
  return select ? Object.fromEntries(Object.entries(all).filter(([k]) => select.has(k))) : all;
}

/** The task's TIME_SPENT_IN_LOGS (seconds) and DURATION_FACT (minutes) follow its records, with a history entry. */
function sumElapsed(ctx: MethodContext, taskId: number): void {
  const task = tasksOf(ctx.state).get(taskId);
  if (!task) return;
  const records = elapsedOf(ctx.state, taskId);
  const seconds = records.reduce((sum, r) => sum + Number(r.SECONDS ?? 0), 0);
  const minutes = records.reduce((sum, r) => sum + Number(r.MINUTES ?? 0), 0);
  const before = Number(task.TIME_SPENT_IN_LOGS ?? 0);
  if (before === seconds && Number(task.DURATION_FACT ?? 0) === minutes) return;
  const row = { ...task };
  if (records.length > 0) Object.assign(row, { TIME_SPENT_IN_LOGS: seconds, DURATION_FACT: minutes });
  else {
    delete row.TIME_SPENT_IN_LOGS;
    delete row.DURATION_FACT;
  }
  tasksOf(ctx.state).replace(taskId, row);
  if (before !== seconds) addHistory(ctx, taskId, "TIME_SPENT_IN_LOGS", String(before), String(seconds));
}

/** ARFIELDS: SECONDS (or MINUTES) as a non-negative whole number, COMMENT_TEXT, USER_ID, CREATED_DATE. */
function elapsedFields(ctx: MethodContext, method: string, position: number, before?: Row): Row {
  const given = legacyParam(ctx, "ARFIELDS", position);
  if (typeof given !== "object" || given === null || Array.isArray(given) || Object.keys(given).length === 0) {
    throw coreError(`TASKS_ERROR_EXCEPTION_#256; Param #${position} (arFields) expected by method ${method}(), but not given.; 256/TE/WRONG_ARGUMENTS`);
  }
  const fields = Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toUpperCase(), v]));
  const row: Row = { ...before };
  if (fields.SECONDS !== undefined && fields.MINUTES !== undefined) throw coreError("TASKS_ERROR_EXCEPTION_#256; SECONDS and MINUTES cannot be given together; 256/TE/WRONG_ARGUMENTS");
  const amount = fields.SECONDS ?? fields.MINUTES;
  if (amount !== undefined || !before) {
    const n = toNumber(amount);
    if (n === null || !Number.isInteger(n) || n < 0) throw coreError("TASKS_ERROR_EXCEPTION_#256; Time spent must be a whole number of seconds; 256/TE/WRONG_ARGUMENTS");
    row.SECONDS = fields.SECONDS !== undefined ? n : n * 60;
    row.MINUTES = Math.round(Number(row.SECONDS) / 60);
  }
  if (fields.COMMENT_TEXT !== undefined) row.COMMENT_TEXT = fields.COMMENT_TEXT === null ? "" : String(fields.COMMENT_TEXT);
  if (!empty(fields.USER_ID)) {
    const userId = toNumber(fields.USER_ID);
    if (userId === null || !ctx.state.getUser(userId)) throw notAllowed("User not found");
    // Only an administrator books time for someone else.
    if (userId !== ctx.userId && !callerIsAdmin(ctx)) throw notAllowed();
    row.USER_ID = userId;
  }
  if (!empty(fields.CREATED_DATE)) {
    const ms = toInstant(fields.CREATED_DATE);
    if (ms === null) throw coreError("TASKS_ERROR_EXCEPTION_#256; CREATED_DATE is not a date; 256/TE/WRONG_ARGUMENTS");
    row.CREATED_DATE = new Date(ms).toISOString();
  }
  return row;
}

function elapsedItem(ctx: MethodContext, method: string, task: Row, write: boolean): Row {
  const id = legacyId(ctx, method, "ITEMID", 1);
  const row = storeOf(ctx.state, elapsedEntity).get(id);
  if (!row || Number(row.TASK_ID) !== Number(task.ID)) throw notAllowed();
  // A record is changed by its author or an administrator.
  if (write && Number(row.USER_ID) !== ctx.userId && !callerIsAdmin(ctx)) throw notAllowed();
  return row;
}

const elapsedAdd = (ctx: MethodContext) => {
  const method = `${ELAPSED}::add`;
  const task = legacyTask(ctx, method, false);
  if (!allowedActions(ctx.state, task, ctx.userId)["elapsedtime.add"]) throw notAllowed();
  const now = ctx.state.now().toISOString();
  const row = elapsedFields(ctx, method, 1);
  const taskId = Number(task.ID);
  const id = storeOf(ctx.state, elapsedEntity).insert({
    TASK_ID: taskId, USER_ID: row.USER_ID ?? ctx.userId, COMMENT_TEXT: row.COMMENT_TEXT ?? "", SECONDS: row.SECONDS, MINUTES: row.MINUTES,
    SOURCE: SOURCE_MANUAL, CREATED_DATE: row.CREATED_DATE ?? now, DATE_START: now, DATE_STOP: now,
  });
  sumElapsed(ctx, taskId);
  return id;
};

const elapsedUpdate = (ctx: MethodContext) => {
  const method = `${ELAPSED}::update`;
  const task = legacyTask(ctx, method, false);
  const item = elapsedItem(ctx, method, task, true);
  const row = elapsedFields(ctx, method, 2, item);
  storeOf(ctx.state, elapsedEntity).replace(Number(item.ID), row);
  sumElapsed(ctx, Number(task.ID));
  return null;
};

const elapsedDelete = (ctx: MethodContext) => {
  const method = `${ELAPSED}::delete`;
  const task = legacyTask(ctx, method, false);
  const item = elapsedItem(ctx, method, task, true);
  storeOf(ctx.state, elapsedEntity).delete(Number(item.ID));
  sumElapsed(ctx, Number(task.ID));
  return null;
};

const elapsedGet = (ctx: MethodContext) => {
  const method = `${ELAPSED}::get`;
  return renderElapsed(elapsedItem(ctx, method, legacyTask(ctx, method, false), false));
};

const ELAPSED_KEYS = ["ID", "TASK_ID", "USER_ID", "COMMENT_TEXT", "SECONDS", "MINUTES", "SOURCE", "CREATED_DATE", "DATE_START", "DATE_STOP"];
const ELAPSED_DATES = ["CREATED_DATE", "DATE_START", "DATE_STOP"];

/** A FILTER key's operator and field ("<=CREATED_DATE" -> ["<=", "CREATED_DATE"]); `dates` are compared as instants. */
function filterTest(key: string, wanted: unknown, dates: readonly string[] = ELAPSED_DATES): (row: Row) => boolean {
  const [, op, name] = /^(!|<=|>=|<|>|=)?(.*)$/.exec(key)!;
  const field = name.toUpperCase();
  const isDate = dates.includes(field);
  const value = (v: unknown) => (isDate ? (empty(v) ? null : toInstant(v)) : toNumber(v) ?? String(v ?? ""));
  const wants = (Array.isArray(wanted) ? wanted : [wanted]).map(value);
  return (row) => {
    const have = value(row[field]);
    if (op === "!") return !wants.includes(have);
    if (!op || op === "=") return wants.includes(have);
    const w = wants[0];
    if (have === null || w === null) return false;
    return op === "<" ? have < w : op === "<=" ? have <= w : op === ">" ? have > w : have >= w;
  };
}

/**
 * getlist(TASKID, ORDER, FILTER, SELECT, PARAMS): one task's records, or, without TASKID (ORDER
 * first), the records of every task the caller sees; FILTER by ID, USER_ID, dates with ! < <= > >=;
 * SELECT some keys; PARAMS.NAV_PARAMS {nPageSize (50 at most), iNumPage}. `total` counts them all.
 */
const elapsedList = (ctx: MethodContext) => {
  const method = `${ELAPSED}::getlist`;
  const first = legacyParam(ctx, "TASKID", 0);
  const byTask = first !== undefined && (typeof first !== "object" || first === null);
  const at = (name: string, position: number) => legacyParam(ctx, name, byTask ? position : position - 1);
  let rows: Row[];
  if (byTask) rows = elapsedOf(ctx.state, Number(legacyTask(ctx, method, false).ID));
  else {
    const visible = new Set<number>();
    rows = storeOf(ctx.state, elapsedEntity).all().filter((r) => {
      const taskId = Number(r.TASK_ID);
      if (!visible.has(taskId)) {
        const task = tasksOf(ctx.state).get(taskId);
        if (task && canRead(ctx.state, task, ctx.userId)) visible.add(taskId);
      }
      return visible.has(taskId);
    });
  }
  const filter = at("FILTER", 2);
  if (filter && typeof filter === "object") for (const [key, wanted] of Object.entries(filter)) rows = rows.filter(filterTest(key, wanted));
  const order = at("ORDER", 1);
  if (order && typeof order === "object" && !Array.isArray(order)) {
    const keys = Object.entries(order).map(([k, d]) => [k.toUpperCase(), String(d).toUpperCase() === "DESC" ? -1 : 1] as const);
    const key = (row: Row, name: string) => (["CREATED_DATE", "DATE_START", "DATE_STOP"].includes(name) ? Date.parse(String(row[name] ?? "")) || 0 : Number(row[name] ?? 0));
    rows.sort((a, b) => {
      for (const [name, dir] of keys) {
        const c = key(a, name) - key(b, name);
        if (c !== 0) return c * dir;
      }
      return Number(a.ID) - Number(b.ID);
    });
  }
  const selectGiven = at("SELECT", 3);
  const names = Array.isArray(selectGiven) ? selectGiven.map((n) => String(n).toUpperCase()) : [];
  const select = names.length === 0 || names.includes("*") ? undefined : new Set(names.filter((n) => ELAPSED_KEYS.includes(n)));
  const nav = (at("PARAMS", 4) as { NAV_PARAMS?: { nPageSize?: unknown; iNumPage?: unknown } } | undefined)?.NAV_PARAMS;
  const total = rows.length;
  if (nav && typeof nav === "object") {
    const size = Math.min(50, Math.max(1, toNumber(nav.nPageSize) ?? 50));
    const page = Math.max(1, toNumber(nav.iNumPage) ?? 1);
    rows = rows.slice((page - 1) * size, page * size);
  }
  return paged(rows.map((r) => renderElapsed(r, select)), total);
};

export const taskItemMethods: Record<string, MethodHandler> = {
  "task.checklistitem.add": t(checklistAdd),
  "task.checklistitem.update": t(checklistUpdate),
  "task.checklistitem.delete": t(checklistDelete),
  "task.checklistitem.get": t(checklistGet),
  "task.checklistitem.getlist": t(checklistList),
  "task.checklistitem.complete": t(checklistToggle(true)),
  "task.checklistitem.renew": t(checklistToggle(false)),
  "task.commentitem.add": t(commentAdd),
  "task.commentitem.update": t(commentUpdate),
  "task.commentitem.delete": t(commentDelete),
  "task.commentitem.get": t(commentGet),
  "task.commentitem.getlist": t(commentList),
  "tasks.task.result.list": t(resultList),
  "tasks.task.result.addFromComment": t(resultAdd),
  "tasks.task.result.deleteFromComment": t(resultDelete),
  "task.item.userfield.getlist": t((ctx) => paged(userFieldStore(ctx.state).all().map((r) => renderUserField(r, false)), 0)),
  "task.item.userfield.get": t((ctx) => paged(renderUserField(userFieldById(ctx), true), 0)),
  "task.item.userfield.add": t(userFieldAdd),
  "task.item.userfield.update": t(userFieldUpdate),
  "task.item.userfield.delete": t(userFieldDelete),
  "task.stages.get": t(stagesGet),
  "task.stages.add": t(stagesAdd),
  "task.stages.update": t(stagesUpdate),
  "task.stages.delete": t(stagesDelete),
  "task.stages.movetask": t(stagesMoveTask),
  "task.dependence.add": t(dependenceAdd),
  "task.dependence.delete": t(dependenceDelete),
  "task.planner.getlist": t(plannerList),
  "task.elapseditem.add": t(elapsedAdd),
  "task.elapseditem.update": t(elapsedUpdate),
  "task.elapseditem.delete": t(elapsedDelete),
  "task.elapseditem.get": t(elapsedGet),
  "task.elapseditem.getlist": t(elapsedList),
};
