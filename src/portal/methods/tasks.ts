// tasks.task.*: the task entity (data/tasks.ts) on the engine's store and query engine, in the
// tasks family's own ways: camelCase parameters (taskId, fields, select), answers wrapped in
// `{task}` / `{tasks}` and printed by data/tasks-render.ts, numeric error codes (0, 100, 1048582)
// as Bitrix24 answers them, each method's answer for a task it cannot have and its texts as the
// method's page of the docs writes them (TASK_PAGES), the life cycle from LIFE_CYCLE and a history
// entry for each change.
import { anyCase } from "../engine/dialect.js";
import { coerce, toInstant, toNumber } from "../engine/fields.js";
import { parseFilter, parseOrder, readStart, runQuery } from "../engine/query.js";
import type { RowSource } from "../engine/store.js";
import type { FieldDef, FieldType, Row } from "../engine/types.js";
import { allFields } from "../engine/uf.js";
import { paged } from "../http/envelope.js";
import { RestError } from "../http/errors.js";
import { scoped, type MethodContext, type MethodHandler } from "../http/registry.js";
import {
  ACCESS_KEY, addHistory, allowedActions, attachmentEntity, canRead, historyEntity, ids, LIFE_CYCLE, mayDo, recordChanges, rolesOf,
  saveTask, STATUS, storeOf, taskEntity, tasksOf, touch, type LifeCycleAction,
} from "../data/tasks.js";
import { renderTask, renderTaskFull, selectedNames, taskFieldsAnswer, upperName } from "../data/tasks-render.js";

/** An error of the tasks family: numeric codes print as JSON numbers (DisapproveTask's real answer: `"error": 1048582`). */
export class TaskError extends RestError {
  override envelope() {
    const numeric = /^\d+$/.test(this.code);
    return { error: (numeric ? Number(this.code) : this.code) as string, error_description: this.description };
  }
}

export const taskError = (code: number | string, description: string) => new TaskError(String(code), description, 400);
export const NOT_ALLOWED = "Action on the task is not allowed";
const coreError = (description: string) => taskError("ERROR_CORE", `${description}<br>`);

/** The tail some pages write after a text (tasks-task-get.md, -update.md, -add.md, -list.md…); others do not. */
const INTERNAL = " (internal error)";
/** The texts a page may write with INTERNAL: taskId missing, taskId not a number, another parameter's error. */
type TextKind = "noId" | "wrongId" | "params";
/** What a page answers for a task: an error [code, text], or a 200 answer. */
type Outcome = readonly [code: number, text: string] | { readonly answer: unknown };

/**
 * Each method as its page (api-reference/tasks/…: "Returned Data" and "Error Handling") answers:
 * `internal`, the kinds of text it writes with " (internal error)"; `hidden`, a task the caller may
 * not see or act on (and one that does not exist, unless `missing` says otherwise). A method not
 * listed answers [0, "Access denied."] without the tail.
 */
const TASK_PAGES: Readonly<Record<string, { internal?: readonly TextKind[]; hidden?: Outcome; missing?: Outcome }>> = {
  "tasks.task.add": { internal: ["params"] },
  "tasks.task.get": { internal: ["noId", "params"], hidden: { answer: [] } },
  "tasks.task.update": { internal: ["noId", "params"], hidden: [0, NOT_ALLOWED + INTERNAL] },
  "tasks.task.delete": { hidden: [1048582, "No access to delete the task"] },
  "tasks.task.list": { internal: ["params"] },
  // status/*.md, tasks-task-approve.md, -disapprove.md: the code is the life cycle's (0 or 1048582).
  ...Object.fromEntries(Object.entries(LIFE_CYCLE).map(([action, rule]) => [`tasks.task.${action}`, { hidden: [rule.refusal, NOT_ALLOWED] as const }])),
  "tasks.task.delegate": { hidden: [0, NOT_ALLOWED] },
  // user-actions/*.md
  "tasks.task.startwatch": { hidden: [1048584, "a:0:{}"] },
  "tasks.task.stopwatch": { hidden: [1048584, "a:0:{}"] },
  "tasks.task.mute": { hidden: { answer: [] } },
  "tasks.task.unmute": { hidden: { answer: [] } },
  "tasks.task.favorite.add": { hidden: [1, "Task not found or not accessible"] },
  "tasks.task.favorite.remove": { hidden: [1, "Task not found or not accessible"] },
  "tasks.task.history.list": { internal: ["noId", "wrongId"], hidden: [0, "Access denied." + INTERNAL], missing: { answer: { list: [] } } },
  "tasks.task.getaccess": { hidden: { answer: { allowedActions: [] } } },
  "tasks.task.files.attach": { internal: ["noId", "wrongId", "params"], hidden: [0, "Access denied" + INTERNAL] },
  "tasks.task.result.list": { hidden: [0, "Access denied."] },
};

/** A page's 200 answer in place of an error: thrown where the task is looked up, returned by the handler's wrapper (t). */
class PageAnswer {
  constructor(readonly value: unknown) {}
}

/** `text` as the calling method's page writes it: with " (internal error)" or without. */
const pageText = (ctx: MethodContext, kind: TextKind, text: string) => (TASK_PAGES[ctx.method]?.internal?.includes(kind) ? text + INTERNAL : text);

/** The calling method's answer for a task the caller may not see or act on (`missing`: one that does not exist). */
function refusal(ctx: MethodContext, missing = false): RestError | PageAnswer {
  const page = TASK_PAGES[ctx.method];
  const outcome = (missing ? page?.missing : undefined) ?? page?.hidden ?? [0, "Access denied."];
  return "answer" in outcome ? new PageAnswer(structuredClone(outcome.answer)) : taskError(outcome[0], outcome[1]);
}

/** A parameter of the wrong type: Bitrix24 prints the value in braces, unquoted ("{}" for an empty one). */
export function typeError(ctx: MethodContext, name: string, value: unknown, type: "array" | "int"): RestError {
  const shown = value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  return taskError(100, pageText(ctx, "params", `Invalid value {${shown}} to match with parameter {${name}}. Should be value of type ${type}.`));
}

/** A required parameter not given. */
const missingParam = (ctx: MethodContext, name: string) => taskError(100, pageText(ctx, "params", `Could not find value for parameter {${name}}`));

const fieldsOf = (ctx: MethodContext) => allFields(ctx.state, taskEntity);
const param = (ctx: MethodContext, name: string) => anyCase(ctx.params, name);

/** taskId as the tasks.task.* methods read it: missing -> 100, not a positive integer -> 0 "wrong task id". */
export function taskIdParam(ctx: MethodContext, name = "taskId"): number {
  const raw = param(ctx, name);
  if (raw === undefined || raw === null || raw === "") throw taskError(100, pageText(ctx, "noId", "CTaskItem All parameters in the constructor must have real class type"));
  const id = toNumber(raw);
  if (id === null || !Number.isInteger(id) || id <= 0) throw taskError(0, pageText(ctx, "wrongId", "wrong task id"));
  return id;
}

/** The task, when the caller may see it; else the calling method's answer for it (refusal). */
export function readableTask(ctx: MethodContext, id: number): Row {
  const row = tasksOf(ctx.state).get(id);
  if (!row || !canRead(ctx.state, row, ctx.userId)) throw refusal(ctx, !row);
  return row;
}

/** A date as tasks accept it: ISO 8601, the site format "DD.MM.YYYY HH:MM:SS" or an English portal's "MM/DD/YYYY HH:MM:SS". */
function taskDate(value: unknown): unknown {
  const us = typeof value === "string" ? /^\s*(\d\d)\/(\d\d)\/(\d{4})(?:\s+(\d\d):(\d\d)(?::(\d\d))?)?\s*$/.exec(value) : null;
  if (us) return new Date(Date.UTC(+us[3], +us[1] - 1, +us[2], +(us[4] ?? 0), +(us[5] ?? 0), +(us[6] ?? 0))).toISOString();
  const ms = toInstant(value);
  return ms === null ? value : new Date(ms).toISOString();
}

/** Writes `given` (UPPER or camelCase keys) into `row`: read-only and unknown fields are left alone. */
function applyTaskFields(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>, row: Row, given: Record<string, unknown>): Row {
  for (const [rawName, raw] of Object.entries(given)) {
    const name = upperName(rawName);
    const def = fields[name];
    if (!def || def.readOnly || name === "ID" || (def.attributes as { hidden?: boolean } | undefined)?.hidden) continue;
    const value = def.type === "datetime" || def.type === "date" ? taskDate(raw) : raw;
    const coerced = coerce(def, value);
    if (coerced === undefined) continue;
    // An emptied text that defaults to "" (DESCRIPTION) stays "", as Bitrix24 prints it.
    if (coerced === null && def.default && typeof def.default === "object" && def.default.value === "") row[name] = "";
    else if (coerced === null || (name === "PARENT_ID" && coerced === 0)) delete row[name];
    else row[name] = coerced;
  }
  if (row.STATUS !== undefined && !Object.values(STATUS).includes(Number(row.STATUS) as 1)) throw coreError("Invalid status");
  for (const name of ["ACCOMPLICES", "AUDITORS"]) if (row[name] !== undefined) row[name] = [...new Set(ids(row[name]))];
  return row;
}

function validateTask(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>, row: Row, id?: number): void {
  if (!String(row.TITLE ?? "").trim()) throw coreError("Task title is not specified");
  if (!ctx.state.getUser(Number(row.RESPONSIBLE_ID))) throw coreError(row.RESPONSIBLE_ID ? 'User specified in the "Responsible" field not found' : "Responsible person not specified");
  if (!ctx.state.getUser(Number(row.CREATED_BY))) throw coreError('User specified in the "Creator" field not found');
  for (const user of [...ids(row.ACCOMPLICES), ...ids(row.AUDITORS)]) if (!ctx.state.getUser(user)) throw coreError(`User ${user} not found`);
  if (row.PARENT_ID !== undefined) {
    if (Number(row.PARENT_ID) === id) throw coreError("Cannot bind the node to itself");
    if (!tasksOf(ctx.state).get(Number(row.PARENT_ID))) throw coreError('Task specified in the "Parent Task" field not found');
  }
  if (row.START_DATE_PLAN && row.END_DATE_PLAN && Date.parse(String(row.END_DATE_PLAN)) < Date.parse(String(row.START_DATE_PLAN))) {
    throw coreError("The end date in scheduling is earlier than the start date");
  }
  for (const [name, def] of Object.entries(fields)) {
    if (def.isDynamic && def.required && (row[name] === undefined || (Array.isArray(row[name]) && (row[name] as unknown[]).length === 0))) {
      throw coreError(`Required field ${name} value not entered`);
    }
  }
}

function fieldsParam(ctx: MethodContext): Record<string, unknown> {
  const given = param(ctx, "fields");
  if (typeof given !== "object" || given === null || Array.isArray(given) || Object.keys(given).length === 0) throw missingParam(ctx, "fields");
  return given as Record<string, unknown>;
}

const answerTask = (ctx: MethodContext, row: Row) => ({ task: renderTask(ctx, row, fieldsOf(ctx), "get") });

// ---- add / get / update / delete / list / getFields ----------------------------------------

const add = (ctx: MethodContext) => {
  const fields = fieldsOf(ctx);
  const row = applyTaskFields(ctx, fields, {}, fieldsParam(ctx));
  for (const [name, def] of Object.entries(fields)) {
    if (row[name] !== undefined || def.default === undefined) continue;
    row[name] = def.default === "caller" ? ctx.userId : def.default === "now" ? ctx.state.now().toISOString() : structuredClone(def.default.value);
  }
  validateTask(ctx, fields, row);
  touch(ctx, row);
  if (Number(row.STATUS) === STATUS.COMPLETED) Object.assign(row, { CLOSED_BY: ctx.userId, CLOSED_DATE: row.CREATED_DATE });
  const id = tasksOf(ctx.state).insert(row);
  const stored = tasksOf(ctx.state).get(id)!;
  recordChanges(ctx, fields, id, stored);
  return answerTask(ctx, stored);
};

/** tasks.task.get: `select` must be a list (tasks-task-get.md: empty or not a list is error 100); a task not there or not the caller's is `[]`. */
const get = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const select = param(ctx, "select");
  if (select !== undefined && select !== null && typeof select !== "object") throw typeError(ctx, "select", select, "array");
  const row = readableTask(ctx, id);
  const fields = fieldsOf(ctx);
  const names = selectedNames(select, fields);
  return { task: renderTask(ctx, row, fields, "get", names) };
};

const update = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const given = fieldsParam(ctx);
  const before = readableTask(ctx, id);
  const roles = rolesOf(ctx.state, before, ctx.userId);
  if (!roles.has("creator") && !roles.has("admin")) throw refusal(ctx);
  const fields = fieldsOf(ctx);
  const row = applyTaskFields(ctx, fields, structuredClone(before), given);
  validateTask(ctx, fields, row, id);
  return answerTask(ctx, saveTask(ctx, fields, id, row, before));
};

const remove = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const roles = rolesOf(ctx.state, readableTask(ctx, id), ctx.userId);
  if (!roles.has("creator") && !roles.has("admin")) throw refusal(ctx);
  tasksOf(ctx.state).delete(id);
  return { task: true };
};

/** The filter keys of tasks.task.list that are no field: `::SUBFILTER-PARAMS` {FAVORITE: Y} is the caller's favourites. */
function taskFilter(ctx: MethodContext, filter: unknown): unknown {
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) return filter;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.toUpperCase() === "::SUBFILTER-PARAMS" && value && typeof value === "object") {
      const favorite = Object.entries(value).find(([k]) => k.toUpperCase() === "FAVORITE")?.[1];
      if (favorite !== undefined) out[String(favorite).toUpperCase() === "Y" ? "FAVORITE_USER" : "!FAVORITE_USER"] = ctx.userId;
    } else if (/^(!|=)?FAVORITE$/i.test(key.trim())) {
      const negate = key.trim().startsWith("!") !== (String(value).toUpperCase() !== "Y");
      out[negate ? "!FAVORITE_USER" : "FAVORITE_USER"] = ctx.userId;
    } else out[key] = value;
  }
  return out;
}

/** A sort key of tasks.task.list that is no stored field: its type and value for the caller. */
interface SortColumn {
  type: FieldType;
  value: (row: Row, ctx: MethodContext) => unknown;
}
const lastName = (field: string) => ({ type: "string", value: (row: Row, ctx: MethodContext) => ctx.state.getUser(Number(row[field]))?.lastName ?? "" }) as const;

/**
 * tasks.task.list's sort keys (tasks-task-list.md, `order`): the stored field each sorts by, or how
 * it is computed. Any other key is Bitrix24's code 0 "Invalid sorting key (internal error)".
 */
const ORDER_KEYS: Readonly<Record<string, string | SortColumn>> = {
  ...Object.fromEntries(
    [
      "ID", "TITLE", "TIME_SPENT_IN_LOGS", "DATE_START", "CREATED_DATE", "CHANGED_DATE", "CLOSED_DATE", "ACTIVITY_DATE", "START_DATE_PLAN",
      "END_DATE_PLAN", "DEADLINE", "PRIORITY", "MARK", "GROUP_ID", "TIME_ESTIMATE", "ALLOW_CHANGE_DEADLINE", "ALLOW_TIME_TRACKING",
      "MATCH_WORK_TIME", "SORTING", "IS_PINNED", "IS_PINNED_IN_GROUP",
    ].map((name) => [name, name]),
  ),
  REAL_STATUS: "STATUS",
  // 2 for a task completed or awaiting control, else 1 (the task's statusComplete).
  STATUS_COMPLETE: { type: "integer", value: (row) => ([STATUS.COMPLETED, STATUS.SUPPOSEDLY_COMPLETED] as number[]).includes(Number(row.STATUS)) ? 2 : 1 },
  CREATED_BY_LAST_NAME: lastName("CREATED_BY"),
  RESPONSIBLE_LAST_NAME: lastName("RESPONSIBLE_ID"),
  FAVORITE: { type: "char", value: (row, ctx) => (ids(row.FAVORITE_USERS).includes(ctx.userId) ? "Y" : "N") },
};

/** `order` read against ORDER_KEYS: the keys, the fields to sort by and the tasks with any computed key added. */
function listOrder(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>) {
  const given = param(ctx, "order");
  const named: Record<string, unknown> = {};
  const computed: Record<string, SortColumn> = {};
  for (const [raw, direction] of given && typeof given === "object" && !Array.isArray(given) ? Object.entries(given) : []) {
    const key = raw.trim().toUpperCase();
    const column = Object.hasOwn(ORDER_KEYS, key) ? ORDER_KEYS[key] : undefined;
    if (column === undefined) throw taskError(0, pageText(ctx, "params", "Invalid sorting key"));
    const name = typeof column === "string" ? column : `~ORDER_${key}`;
    if (typeof column !== "string") computed[name] = column;
    named[name] = direction;
  }
  const sortFields = { ...fields, ...Object.fromEntries(Object.entries(computed).map(([name, c]) => [name, { type: c.type, title: "" }])) };
  const order = parseOrder(named, { fields: sortFields });
  const store = tasksOf(ctx.state);
  const source: RowSource =
    Object.keys(computed).length === 0
      ? store
      : {
          idsBetween: (lo, hi) => store.idsBetween(lo, hi),
          indexedIds: (field, value) => store.indexedIds?.(field, value),
          get: (id) => {
            const row = store.get(id);
            return row && { ...row, ...Object.fromEntries(Object.entries(computed).map(([name, c]) => [name, c.value(row, ctx)])) };
          },
        };
  return { order, sortFields, source };
}

const list = (ctx: MethodContext) => {
  const fields = fieldsOf(ctx);
  const { order, sortFields, source } = listOrder(ctx, fields);
  const queryFields = { fields: sortFields, filterOnly: taskEntity.filterOnly };
  const page = runQuery(source, queryFields, {
    filter: parseFilter(taskFilter(ctx, param(ctx, "filter")), queryFields),
    // Bitrix24 lists tasks newest first unless told otherwise.
    order: order.length > 0 ? order : [{ field: "ID", desc: true }],
    start: readStart(param(ctx, "start")),
    visible: (row) => canRead(ctx.state, row, ctx.userId),
  });
  const names = selectedNames(param(ctx, "select"), fields);
  const start = readStart(param(ctx, "start"));
  return paged({ tasks: page.rows.map((row) => renderTask(ctx, row, fields, "list", names)) }, start === -1 ? undefined : page.total, page.next);
};

// ---- the life cycle and the other per-task actions -----------------------------------------

/** A status action: allowed by LIFE_CYCLE, or refused with that method's code. */
function transition(action: LifeCycleAction, full = false) {
  return (ctx: MethodContext) => {
    const id = taskIdParam(ctx);
    const before = readableTask(ctx, id);
    if (!mayDo(ctx.state, before, ctx.userId, action)) throw refusal(ctx);
    const row = { ...before, STATUS: LIFE_CYCLE[action].to(before, ctx.userId) };
    const saved = saveTask(ctx, fieldsOf(ctx), id, row, before);
    return full ? { task: renderTaskFull(ctx, saved, fieldsOf(ctx)) } : answerTask(ctx, saved);
  };
}

/** A change of the task for the caller (watching, mute): any user who can see the task. */
function change(edit: (row: Row, ctx: MethodContext) => void, history = true) {
  return (ctx: MethodContext) => {
    const id = taskIdParam(ctx);
    const before = readableTask(ctx, id);
    const row = structuredClone(before);
    edit(row, ctx);
    if (history) return answerTask(ctx, saveTask(ctx, fieldsOf(ctx), id, row, before));
    tasksOf(ctx.state).replace(id, row);
    return answerTask(ctx, tasksOf(ctx.state).get(id)!);
  };
}

const withUser = (list: unknown, user: number) => [...new Set([...ids(list), user])];
const withoutUser = (list: unknown, user: number) => ids(list).filter((id) => id !== user);

const delegate = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const raw = param(ctx, "userId");
  if (raw === undefined || raw === "") throw missingParam(ctx, "userId");
  const before = readableTask(ctx, id);
  const userId = toNumber(raw);
  if (!allowedActions(ctx.state, before, ctx.userId).delegate || userId === null || !ctx.state.getUser(userId)) throw refusal(ctx);
  // The new responsible takes over and the task waits again; the former responsible keeps watching
  // (unless they created it: the creator follows the task anyway, as DelegateTask's sample shows).
  const row: Row = { ...before, RESPONSIBLE_ID: userId, STATUS: Number(before.STATUS) === STATUS.IN_PROGRESS ? STATUS.PENDING : before.STATUS };
  const former = Number(before.RESPONSIBLE_ID);
  if (former !== userId && former !== Number(before.CREATED_BY)) row.AUDITORS = withUser(before.AUDITORS, former);
  row.ACCOMPLICES = withoutUser(before.ACCOMPLICES, userId);
  return answerTask(ctx, saveTask(ctx, fieldsOf(ctx), id, row, before));
};

const favorite = (on: boolean) => (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const row = structuredClone(readableTask(ctx, id));
  row.FAVORITE_USERS = on ? withUser(row.FAVORITE_USERS, ctx.userId) : withoutUser(row.FAVORITE_USERS, ctx.userId);
  tasksOf(ctx.state).replace(id, row);
  return true;
};

const history = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  readableTask(ctx, id);
  const entries = storeOf(ctx.state, historyEntity).where("TASK_ID", id);
  return {
    list: entries.map((e) => {
      const user = ctx.state.getUser(Number(e.USER_ID));
      return {
        id: Number(e.ID),
        createdDate: new Date(Date.parse(String(e.CREATED_DATE))).toISOString().replace(/\.\d{3}Z$/, "+00:00"),
        field: e.FIELD,
        value: { from: e.FROM ?? null, to: e.TO ?? null },
        user: { id: Number(e.USER_ID), name: user?.firstName ?? "", lastName: user?.lastName ?? "", secondName: "", login: user?.email ?? "" },
      };
    }),
  };
};

const getAccess = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const given = param(ctx, "users");
  if (given !== undefined && given !== null && typeof given !== "object") throw typeError(ctx, "users", given, "array");
  const row = readableTask(ctx, id);
  const users = given && typeof given === "object" ? ids(Object.values(given)) : [ctx.userId];
  const upper = (key: string) => ACCESS_KEY[key] ?? key.toUpperCase();
  return {
    allowedActions: Object.fromEntries(
      (users.length > 0 ? users : [ctx.userId]).map((user) => [
        String(user),
        Object.fromEntries(Object.entries(allowedActions(ctx.state, row, user)).map(([key, value]) => [upper(key), value])),
      ]),
    ),
  };
};

/** tasks.task.files.attach {taskId, fileId}: a Drive file becomes an attachment listed in UF_TASK_WEBDAV_FILES. */
const attachFile = (ctx: MethodContext) => {
  const id = taskIdParam(ctx);
  const raw = param(ctx, "fileId");
  if (raw === undefined || raw === "") throw missingParam(ctx, "fileId");
  const fileId = toNumber(raw);
  if (fileId === null || !Number.isInteger(fileId)) throw typeError(ctx, "fileId", raw, "int");
  const before = readableTask(ctx, id);
  const roles = rolesOf(ctx.state, before, ctx.userId);
  if (!["creator", "responsible", "accomplice", "admin"].some((r) => roles.has(r as "admin"))) throw refusal(ctx);
  const file = ctx.state.disk.getFile(fileId);
  if (!file) throw coreError("Insufficient permissions.");
  const attachmentId = storeOf(ctx.state, attachmentEntity).insert({ TASK_ID: id, OBJECT_ID: fileId, CREATED_BY: ctx.userId });
  const row = { ...before, UF_TASK_WEBDAV_FILES: [...ids(before.UF_TASK_WEBDAV_FILES), attachmentId] };
  saveTask(ctx, fieldsOf(ctx), id, row, before);
  return { attachmentId };
};

/** A tasks method: a page's 200 answer for a task (PageAnswer) is its result. */
export const t = (handler: (ctx: MethodContext) => unknown) =>
  scoped("task", (ctx: MethodContext) => {
    try {
      return handler(ctx);
    } catch (error) {
      if (error instanceof PageAnswer) return error.value;
      throw error;
    }
  });

export const taskMethods: Record<string, MethodHandler> = {
  "tasks.task.add": t(add),
  "tasks.task.get": t(get),
  "tasks.task.update": t(update),
  "tasks.task.delete": t(remove),
  "tasks.task.list": t(list),
  "tasks.task.getFields": t((ctx) => taskFieldsAnswer(fieldsOf(ctx))),
  "tasks.task.start": t(transition("start")),
  "tasks.task.pause": t(transition("pause")),
  "tasks.task.complete": t(transition("complete")),
  "tasks.task.defer": t(transition("defer")),
  "tasks.task.renew": t(transition("renew")),
  "tasks.task.approve": t(transition("approve", true)),
  "tasks.task.disapprove": t(transition("disapprove")),
  "tasks.task.delegate": t(delegate),
  // The creator and the responsible follow the task anyway: watching adds no auditor for them (StartWatchingTask's sample).
  "tasks.task.startwatch": t(change((row, ctx) => void ([row.CREATED_BY, row.RESPONSIBLE_ID].map(Number).includes(ctx.userId) || (row.AUDITORS = withUser(row.AUDITORS, ctx.userId))))),
  "tasks.task.stopwatch": t(change((row, ctx) => void (row.AUDITORS = withoutUser(row.AUDITORS, ctx.userId)))),
  "tasks.task.mute": t(change((row, ctx) => void (row.MUTED_USERS = withUser(row.MUTED_USERS, ctx.userId)), false)),
  "tasks.task.unmute": t(change((row, ctx) => void (row.MUTED_USERS = withoutUser(row.MUTED_USERS, ctx.userId)), false)),
  "tasks.task.favorite.add": t(favorite(true)),
  "tasks.task.favorite.remove": t(favorite(false)),
  "tasks.task.history.list": t(history),
  "tasks.task.getaccess": t(getAccess),
  "tasks.task.files.attach": t(attachFile),
};

export { addHistory };
