// Tasks, declared: Bitrix24's task (tasks.task.getFields, api-reference/tasks/fields.md) and the
// rows that go with it (checklist items, comments, results, history, kanban / "My plan" stages,
// dependencies, Drive attachments, task user-field definitions), each an engine entity kept in
// its engine store (REST-named rows, sequences in the store) so generic persistence can pick them
// up. The life cycle is data: which action is allowed in which status, to whom, and where it
// leads (LIFE_CYCLE); every change to a tracked field leaves a history entry (recordChanges).
import { randomUUID } from "node:crypto";
import { storeFor } from "../engine/crud.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, FieldDef, FieldType, Row } from "../engine/types.js";
import type { MethodContext } from "../http/registry.js";
import type { PortalState, UserRecord } from "./state.js";

/** The getFields metadata of a field: Bitrix24's own type name, enum values, default, primary/required. */
export interface TaskFieldMeta {
  restType?: string;
  values?: Record<string, string> | string[];
  default?: unknown;
  primary?: boolean;
  /** Not printed by tasks.task.getFields (kept for filters, per-user state). */
  unlisted?: boolean;
  /** Kept in the row for the portal only: never printed in a task. */
  hidden?: boolean;
}

const f = (type: FieldType, title: string | null, meta: TaskFieldMeta = {}, extra: Partial<FieldDef> = {}): FieldDef => ({
  type,
  title: title ?? "",
  attributes: { ...meta, titleText: title },
  ...extra,
});
const YN = { Y: "Yes", N: "No" };
const flag = (title: string | null, dflt: "Y" | "N" | null = "N", extra: Partial<FieldDef> = {}) =>
  f("char", title, { restType: "enum", values: YN, default: dflt }, dflt === null ? extra : { default: { value: dflt }, ...extra });
const readOnly = { readOnly: true } as const;

/** Task statuses (api-reference/tasks/fields.md). 1 and 7 are the old "new" and "declined". */
export const STATUS = { NEW: 1, PENDING: 2, IN_PROGRESS: 3, SUPPOSEDLY_COMPLETED: 4, COMPLETED: 5, DEFERRED: 6, DECLINED: 7 } as const;

export const taskEntity: EntityDef = {
  name: "tasks.task",
  ufCode: "TASKS_TASK",
  version: 1,
  // Synthetic tasks (seedTasks) are computed again from their ID after a restart with --data.
  virtualRow: (id) => syntheticTask(id),
  // A group's kanban and a user's "My plan" read their tasks from these (built on the first board
  // view, synthetic tasks included).
  indexes: ["GROUP_ID", "CREATED_BY", "RESPONSIBLE_ID", "ACCOMPLICES", "AUDITORS"],
  // In tasks.task.getFields' order; the answer's order of a task is TASK_PRINT_ORDER.
  fields: {
    ID: f("integer", "ID", { primary: true }, readOnly),
    PARENT_ID: f("integer", "Base Task ID", { default: 0 }),
    TITLE: f("string", "Title", {}, { required: true }),
    DESCRIPTION: f("string", "Description", {}, { default: { value: "" } }),
    MARK: f("string", "Rating", { restType: "enum", values: { N: "Negative", P: "Positive" }, default: null }),
    PRIORITY: f("integer", "Priority", { restType: "enum", values: { 2: "High", 1: "Medium", 0: "Low" }, default: 1 }, { default: { value: 1 } }),
    STATUS: f("integer", "Status", { restType: "enum", values: { 2: "Pending", 3: "In Progress", 4: "Awaiting Review", 5: "Completed", 6: "Deferred" }, default: 2 }, { default: { value: 2 } }),
    MULTITASK: flag("Multitask", "N", readOnly),
    NOT_VIEWED: flag(null, "N", readOnly),
    REPLICATE: flag("Recurring Task"),
    GROUP_ID: f("integer", "Project", { default: 0 }, { default: { value: 0 } }),
    STAGE_ID: f("integer", "Stage", { default: 0 }, { default: { value: 0 } }),
    SPRINT_ID: f("integer", "Sprint", { default: 0 }),
    BACKLOG_ID: f("integer", "Backlog", { default: 0 }),
    CREATED_BY: f("user", "Creator", { restType: "integer" }, { required: true, default: "caller" }),
    CREATED_DATE: f("datetime", null, {}, readOnly),
    RESPONSIBLE_ID: f("user", "Participant", { restType: "integer" }, { required: true, default: "caller" }),
    ACCOMPLICES: f("user", null, { restType: "array" }, { multiple: true }),
    AUDITORS: f("user", null, { restType: "array" }, { multiple: true }),
    CHANGED_BY: f("user", "Modified By", { restType: "integer" }, readOnly),
    CHANGED_DATE: f("datetime", "Modification Date", {}, readOnly),
    STATUS_CHANGED_BY: f("user", "Status Changed By", { restType: "integer" }, readOnly),
    STATUS_CHANGED_DATE: f("datetime", "Status Change Date", {}, readOnly),
    CLOSED_BY: f("user", "Closed By", { restType: "integer", default: null }, readOnly),
    CLOSED_DATE: f("datetime", "Closure Date", { default: null }, readOnly),
    ACTIVITY_DATE: f("datetime", null, { default: null }, readOnly),
    DATE_START: f("datetime", "Start Date", { default: null }, readOnly),
    DEADLINE: f("datetime", "Deadline", { default: null }),
    START_DATE_PLAN: f("datetime", "Planned Start", { default: null }),
    END_DATE_PLAN: f("datetime", "Planned Completion", { default: null }),
    GUID: f("string", "GUID", { default: null }, readOnly),
    XML_ID: f("string", "XML_ID", { default: null }),
    COMMENTS_COUNT: f("integer", "Number of Comments", { default: 0 }, readOnly),
    SERVICE_COMMENTS_COUNT: f("integer", null, { default: 0 }, readOnly),
    NEW_COMMENTS_COUNT: f("integer", null, { default: 0 }, { readOnly: true, filterable: false }),
    ALLOW_CHANGE_DEADLINE: flag(null),
    ALLOW_TIME_TRACKING: flag(null),
    TASK_CONTROL: flag("Accept Work"),
    ADD_IN_REPORT: flag("Add to Report"),
    FORKED_BY_TEMPLATE_ID: f("integer", "Created from Template", { restType: "enum", values: YN, default: "N" }, readOnly),
    TIME_ESTIMATE: f("integer", "Estimated Time", {}, { default: { value: 0 } }),
    TIME_SPENT_IN_LOGS: f("integer", "Time Spent from Change History", {}, readOnly),
    MATCH_WORK_TIME: f("char", "Skip Weekends", { restType: "integer" }, { default: { value: "N" } }),
    FORUM_TOPIC_ID: f("integer", "FORUM_TOPIC_ID", {}, readOnly),
    FORUM_ID: f("integer", "FORUM_ID", {}, readOnly),
    SITE_ID: f("string", "SITE_ID", {}, { default: { value: "s1" } }),
    SUBORDINATE: f("char", "Subordinate Task", { restType: "enum", values: YN, default: null }, { readOnly: true, default: { value: "Y" } }),
    FAVORITE: f("char", null, { restType: "enum", values: YN, default: null }, { readOnly: true, filterable: false }),
    EXCHANGE_MODIFIED: f("datetime", "EXCHANGE_MODIFIED", { default: null }, readOnly),
    EXCHANGE_ID: f("integer", "EXCHANGE_ID", { default: null }, readOnly),
    OUTLOOK_VERSION: f("integer", "OUTLOOK_VERSION", { default: null }, readOnly),
    VIEWED_DATE: f("datetime", "Last Viewed Date", {}, readOnly),
    SORTING: f("double", "Sorting Index", {}, readOnly),
    DURATION_PLAN: f("integer", "Spent (planned)"),
    DURATION_FACT: f("integer", "Spent (actual)", {}, readOnly),
    CHECKLIST: f("object", null, { restType: "array" }, { readOnly: true, filterable: false, sortable: false }),
    DURATION_TYPE: f("string", "DURATION_TYPE", { restType: "enum", values: ["secs", "mins", "hours", "days", "weeks", "months", "years"], default: "days" }, { default: { value: "days" } }),
    IS_MUTED: flag(null, "N", { readOnly: true, filterable: false }),
    IS_PINNED: flag(null, "N", readOnly),
    IS_PINNED_IN_GROUP: flag(null, "N", readOnly),
    FLOW_ID: f("integer", "Flow", { default: 0 }),
    CHAT_ID: f("integer", null, { unlisted: true }, readOnly),
    DESCRIPTION_IN_BBCODE: flag(null, "Y", readOnly),
    // Bitrix24's system user fields of tasks (always there, printed in camelCase when selected).
    UF_CRM_TASK: f("string", "CRM Entities", { restType: "crm" }, { multiple: true, isDynamic: true }),
    UF_TASK_WEBDAV_FILES: f("integer", "Upload Files", { restType: "disk_file" }, { multiple: true, isDynamic: true }),
    UF_MAIL_MESSAGE: f("integer", null, { restType: "mail_message" }, { isDynamic: true }),
    // The portal's own bookkeeping: per-user marks and links, filterable, never printed as such.
    FAVORITE_USERS: f("user", null, { unlisted: true, hidden: true }, { multiple: true, readOnly: true }),
    MUTED_USERS: f("user", null, { unlisted: true, hidden: true }, { multiple: true, readOnly: true }),
    DEPENDS_ON: f("integer", null, { unlisted: true, hidden: true }, { multiple: true, readOnly: true }),
    PLAN_STAGES: f("object", null, { unlisted: true, hidden: true }, { readOnly: true, filterable: false, sortable: false }),
  },
  filterOnly: {
    REAL_STATUS: { type: "integer", value: (row) => row.STATUS },
    ACCOMPLICE: { type: "user", value: (row) => row.ACCOMPLICES },
    AUDITOR: { type: "user", value: (row) => row.AUDITORS },
    MEMBER: { type: "user", value: (row) => members(row) },
    ONLY_ROOT_TASKS: { type: "char", value: (row) => (Number(row.PARENT_ID ?? 0) > 0 ? "N" : "Y") },
    FAVORITE_USER: { type: "user", value: (row) => row.FAVORITE_USERS },
  },
};

/** The keys of a task as tasks.task.get / list print them (camelCase of these, in this order). */
export const TASK_PRINT_ORDER = [
  "ID", "PARENT_ID", "TITLE", "DESCRIPTION", "MARK", "PRIORITY", "MULTITASK", "NOT_VIEWED", "REPLICATE", "STAGE_ID", "SPRINT_ID",
  "BACKLOG_ID", "CREATED_BY", "CREATED_DATE", "RESPONSIBLE_ID", "CHANGED_BY", "CHANGED_DATE", "STATUS_CHANGED_BY", "CLOSED_BY",
  "CLOSED_DATE", "ACTIVITY_DATE", "DATE_START", "DEADLINE", "START_DATE_PLAN", "END_DATE_PLAN", "GUID", "XML_ID", "COMMENTS_COUNT",
  "SERVICE_COMMENTS_COUNT", "ALLOW_CHANGE_DEADLINE", "ALLOW_TIME_TRACKING", "TASK_CONTROL", "ADD_IN_REPORT", "FORKED_BY_TEMPLATE_ID",
  "TIME_ESTIMATE", "TIME_SPENT_IN_LOGS", "MATCH_WORK_TIME", "FORUM_TOPIC_ID", "FORUM_ID", "SITE_ID", "SUBORDINATE", "EXCHANGE_MODIFIED",
  "EXCHANGE_ID", "OUTLOOK_VERSION", "VIEWED_DATE", "SORTING", "DURATION_FACT", "IS_MUTED", "IS_PINNED", "IS_PINNED_IN_GROUP", "FLOW_ID",
  "CHAT_ID", "DESCRIPTION_IN_BBCODE", "STATUS", "STATUS_CHANGED_DATE", "DURATION_PLAN", "DURATION_TYPE", "FAVORITE", "GROUP_ID",
  "AUDITORS", "ACCOMPLICES",
] as const;

/** The system user fields: selecting one selects all three (fields.md). */
export const SYSTEM_UF = ["UF_CRM_TASK", "UF_TASK_WEBDAV_FILES", "UF_MAIL_MESSAGE"] as const;

// ---- the rows that go with tasks ------------------------------------------------------------

const plain = (type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ type, title: "", ...extra });

/** task.checklistitem.* (ctaskchecklistitem): keys in the order the answers print them. */
export const checklistEntity: EntityDef = {
  name: "task.checklistitem",
  version: 1,
  indexes: ["TASK_ID"],
  fields: {
    ID: plain("integer", readOnly),
    TASK_ID: plain("integer", readOnly),
    PARENT_ID: plain("integer"),
    CREATED_BY: plain("user", readOnly),
    TITLE: plain("string", { required: true }),
    SORT_INDEX: plain("integer"),
    IS_COMPLETE: plain("char", { default: { value: "N" } }),
    IS_IMPORTANT: plain("char", { default: { value: "N" } }),
    TOGGLED_BY: plain("user", readOnly),
    TOGGLED_DATE: plain("datetime", readOnly),
    MEMBERS: plain("object", { readOnly: true, default: { value: [] } }),
    ATTACHMENTS: plain("object", { readOnly: true, default: { value: [] } }),
  },
};

/** task.commentitem.* (ctaskcommentitem), in the answers' key order. */
export const commentEntity: EntityDef = {
  name: "task.commentitem",
  version: 1,
  indexes: ["TASK_ID"],
  fields: {
    POST_MESSAGE_HTML: plain("string", readOnly),
    ID: plain("integer", readOnly),
    TASK_ID: plain("integer", readOnly),
    AUTHOR_ID: plain("user"),
    AUTHOR_NAME: plain("string", readOnly),
    AUTHOR_EMAIL: plain("string", readOnly),
    POST_DATE: plain("datetime", readOnly),
    POST_MESSAGE: plain("string", { required: true }),
  },
};

/** tasks.task.result.*: a comment pinned as the task's result. */
export const resultEntity: EntityDef = {
  name: "tasks.task.result",
  version: 1,
  indexes: ["TASK_ID", "COMMENT_ID"],
  fields: {
    ID: plain("integer", readOnly),
    TASK_ID: plain("integer"),
    COMMENT_ID: plain("integer"),
    CREATED_BY: plain("user"),
    CREATED_AT: plain("datetime"),
    UPDATED_AT: plain("datetime"),
    STATUS: plain("integer"),
  },
};

/** tasks.task.history.list entries. */
export const historyEntity: EntityDef = {
  name: "tasks.task.history",
  version: 1,
  indexes: ["TASK_ID"],
  fields: {
    ID: plain("integer", readOnly),
    TASK_ID: plain("integer"),
    CREATED_DATE: plain("datetime"),
    FIELD: plain("string"),
    FROM: plain("string"),
    TO: plain("string"),
    USER_ID: plain("user"),
  },
};

/** Kanban stages of a group (ENTITY_TYPE G) and "My plan" stages of a user (U). */
export const stageEntity: EntityDef = {
  name: "task.stages",
  version: 1,
  indexes: ["ENTITY_ID"],
  fields: {
    ID: plain("integer", readOnly),
    TITLE: plain("string", { required: true }),
    SORT: plain("integer"),
    COLOR: plain("string"),
    SYSTEM_TYPE: plain("string"),
    ENTITY_ID: plain("integer"),
    ENTITY_TYPE: plain("string"),
  },
};

/** task.dependence.*: task TASK_ID depends on DEPENDS_ON_ID (link type 0..3). */
export const dependenceEntity: EntityDef = {
  name: "task.dependence",
  version: 1,
  indexes: ["TASK_ID"],
  fields: { ID: plain("integer", readOnly), TASK_ID: plain("integer"), DEPENDS_ON_ID: plain("integer"), TYPE: plain("integer") },
};

/** A Drive file attached to a task: the attachment ID is what UF_TASK_WEBDAV_FILES holds. */
export const attachmentEntity: EntityDef = {
  name: "tasks.task.attachment",
  version: 1,
  indexes: ["TASK_ID"],
  fields: { ID: plain("integer", readOnly), TASK_ID: plain("integer"), OBJECT_ID: plain("integer"), CREATED_BY: plain("user") },
};

/** task.item.userfield.*: user-field definitions of TASKS_TASK (the engine's UF registry is fed from them). */
export const userFieldEntity: EntityDef = {
  name: "task.item.userfield",
  version: 1,
  fields: {
    ID: plain("integer", readOnly),
    ENTITY_ID: plain("string"),
    FIELD_NAME: plain("string"),
    USER_TYPE_ID: plain("string"),
    XML_ID: plain("string"),
    SORT: plain("integer"),
    MULTIPLE: plain("char"),
    MANDATORY: plain("char"),
    SHOW_FILTER: plain("char"),
    SHOW_IN_LIST: plain("char"),
    EDIT_IN_LIST: plain("char"),
    IS_SEARCHABLE: plain("char"),
    SETTINGS: plain("object"),
    EDIT_FORM_LABEL: plain("object"),
    LIST_COLUMN_LABEL: plain("object"),
    LIST_FILTER_LABEL: plain("object"),
    ERROR_MESSAGE: plain("object"),
    HELP_MESSAGE: plain("object"),
  },
};

/**
 * task.elapseditem.*: time spent on a task by a user (SECONDS; MINUTES follows). CREATED_DATE is
 * the date the work is booked on (given, or the time of adding); DATE_START / DATE_STOP the moment
 * the record was made, as Bitrix24 fills them for time entered by hand (SOURCE 2). The task's
 * TIME_SPENT_IN_LOGS (seconds) and DURATION_FACT (minutes) are the sums of its records.
 */
export const elapsedEntity: EntityDef = {
  name: "task.elapseditem",
  version: 1,
  indexes: ["TASK_ID"],
  fields: {
    ID: plain("integer", readOnly),
    TASK_ID: plain("integer", readOnly),
    USER_ID: plain("user"),
    COMMENT_TEXT: plain("string"),
    SECONDS: plain("integer", { required: true }),
    MINUTES: plain("integer", readOnly),
    SOURCE: plain("integer", readOnly),
    CREATED_DATE: plain("datetime"),
    DATE_START: plain("datetime", readOnly),
    DATE_STOP: plain("datetime", readOnly),
  },
};

/** A user's day plan (task.planner.getlist): the task IDs, per user. */
export const plannerEntity: EntityDef = {
  name: "task.planner",
  version: 1,
  indexes: ["USER_ID"],
  fields: { ID: plain("integer", readOnly), USER_ID: plain("user"), TASK_ID: plain("integer") },
};

export const tasksOf = (state: PortalState): EntityStore => storeFor(state, taskEntity);
export const storeOf = (state: PortalState, entity: EntityDef): EntityStore => storeFor(state, entity);

// ---- roles and the life cycle ---------------------------------------------------------------

export type Role = "creator" | "responsible" | "accomplice" | "auditor" | "admin";

export const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number).filter((n) => Number.isInteger(n) && n > 0) : []);

export function members(row: Row): number[] {
  return [...new Set([Number(row.CREATED_BY), Number(row.RESPONSIBLE_ID), ...ids(row.ACCOMPLICES), ...ids(row.AUDITORS)].filter((n) => n > 0))];
}

export function rolesOf(state: PortalState, row: Row, userId: number): Set<Role> {
  const roles = new Set<Role>();
  if (Number(row.CREATED_BY) === userId) roles.add("creator");
  if (Number(row.RESPONSIBLE_ID) === userId) roles.add("responsible");
  if (ids(row.ACCOMPLICES).includes(userId)) roles.add("accomplice");
  if (ids(row.AUDITORS).includes(userId)) roles.add("auditor");
  if (state.getUser(userId)?.isAdmin) roles.add("admin");
  return roles;
}

export const canRead = (state: PortalState, row: Row, userId: number): boolean => rolesOf(state, row, userId).size > 0;

/** A status-changing action: the statuses it starts from, who may do it, and the status it leads to. */
interface Transition {
  from: readonly number[];
  who: readonly Role[];
  to: (row: Row, userId: number) => number;
  /** The numeric code Bitrix24 answers a refusal with (the method's docs): 0 or 1048582. */
  refusal: number;
}

const { NEW, PENDING, IN_PROGRESS, SUPPOSEDLY_COMPLETED, COMPLETED, DEFERRED, DECLINED } = STATUS;

/** Which action is allowed in which status, to whom (an administrator may do what a creator may). */
export const LIFE_CYCLE = {
  start: { from: [NEW, PENDING], who: ["responsible", "accomplice", "admin"], to: () => IN_PROGRESS, refusal: 0 },
  pause: { from: [IN_PROGRESS], who: ["responsible", "accomplice", "admin"], to: () => PENDING, refusal: 1048582 },
  // With TASK_CONTROL the creator has to accept the work: completing by anyone else awaits control.
  complete: {
    from: [NEW, PENDING, IN_PROGRESS, DEFERRED],
    who: ["responsible", "accomplice", "creator", "admin"],
    to: (row, userId) => (row.TASK_CONTROL === "Y" && Number(row.CREATED_BY) !== userId ? SUPPOSEDLY_COMPLETED : COMPLETED),
    refusal: 0,
  },
  defer: { from: [NEW, PENDING, IN_PROGRESS], who: ["responsible", "creator", "admin"], to: () => DEFERRED, refusal: 1048582 },
  renew: { from: [SUPPOSEDLY_COMPLETED, COMPLETED, DEFERRED, DECLINED], who: ["responsible", "creator", "admin"], to: () => PENDING, refusal: 1048582 },
  approve: { from: [SUPPOSEDLY_COMPLETED], who: ["creator", "admin"], to: () => COMPLETED, refusal: 1048582 },
  disapprove: { from: [SUPPOSEDLY_COMPLETED], who: ["creator", "admin"], to: () => PENDING, refusal: 1048582 },
} satisfies Record<string, Transition>;

export type LifeCycleAction = keyof typeof LIFE_CYCLE;

export function mayDo(state: PortalState, row: Row, userId: number, action: LifeCycleAction): boolean {
  const rule: Transition = LIFE_CYCLE[action];
  const roles = rolesOf(state, row, userId);
  return rule.from.includes(Number(row.STATUS)) && rule.who.some((role) => roles.has(role));
}

const OPEN = [NEW, PENDING, IN_PROGRESS, DEFERRED];

/** The task's `action` map for a user (tasks.task.get) and tasks.task.getaccess, in Bitrix24's key order. */
export function allowedActions(state: PortalState, row: Row, userId: number): Record<string, boolean> {
  const roles = rolesOf(state, row, userId);
  const has = (...list: Role[]) => list.some((r) => roles.has(r));
  const status = Number(row.STATUS);
  const open = OPEN.includes(status as 1);
  const editor = has("creator", "admin");
  const worker = has("creator", "responsible", "accomplice", "admin");
  const favorite = ids(row.FAVORITE_USERS).includes(userId);
  return {
    accept: false,
    decline: false,
    complete: mayDo(state, row, userId, "complete"),
    approve: mayDo(state, row, userId, "approve"),
    disapprove: mayDo(state, row, userId, "disapprove"),
    start: mayDo(state, row, userId, "start"),
    pause: mayDo(state, row, userId, "pause"),
    delegate: open && has("responsible", "creator", "admin"),
    remove: editor,
    edit: editor,
    defer: mayDo(state, row, userId, "defer"),
    renew: mayDo(state, row, userId, "renew"),
    create: true,
    changeDeadline: editor || (has("responsible") && row.ALLOW_CHANGE_DEADLINE === "Y"),
    checklistAddItems: worker,
    addFavorite: !favorite,
    deleteFavorite: favorite,
    rate: editor,
    take: false,
    "edit.originator": editor,
    "checklist.reorder": worker,
    "elapsedtime.add": worker,
    "dayplan.timer.toggle": false,
    "edit.plan": editor,
    "checklist.add": worker,
    "favorite.add": !favorite,
    "favorite.delete": favorite,
  };
}

/** tasks.task.getaccess prints the same map with its own key names. */
export const ACCESS_KEY: Record<string, string> = {
  changeDeadline: "CHANGE_DEADLINE",
  checklistAddItems: "CHECKLIST_ADD_ITEMS",
  addFavorite: "ADD_FAVORITE",
  deleteFavorite: "DELETE_FAVORITE",
};

// ---- history --------------------------------------------------------------------------------

/** Fields whose changes the history keeps, and how their values print there (dates as unix seconds). */
const TRACKED = [
  "TITLE", "DESCRIPTION", "STATUS", "PRIORITY", "RESPONSIBLE_ID", "CREATED_BY", "DEADLINE", "START_DATE_PLAN", "END_DATE_PLAN",
  "ACCOMPLICES", "AUDITORS", "GROUP_ID", "PARENT_ID", "STAGE_ID", "TASK_CONTROL", "ALLOW_CHANGE_DEADLINE", "ALLOW_TIME_TRACKING",
  "MARK", "ADD_IN_REPORT", "TIME_ESTIMATE", "DURATION_PLAN", "UF_TASK_WEBDAV_FILES", "UF_CRM_TASK",
];

function historyValue(def: FieldDef | undefined, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(",");
  if (def && (def.type === "datetime" || def.type === "date")) {
    const ms = Date.parse(String(value));
    return Number.isNaN(ms) ? "" : String(Math.floor(ms / 1000));
  }
  return String(value);
}

export function addHistory(ctx: MethodContext, taskId: number, field: string, from: string | null, to: string | null): void {
  storeOf(ctx.state, historyEntity).insert({ TASK_ID: taskId, CREATED_DATE: ctx.state.now().toISOString(), FIELD: field, FROM: from, TO: to, USER_ID: ctx.userId });
}

/** One entry per tracked field that changed (or "NEW" and the filled ones for a new task). */
export function recordChanges(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>, taskId: number, after: Row, before?: Row): void {
  if (!before) addHistory(ctx, taskId, "NEW", null, null);
  for (const name of [...TRACKED, ...Object.keys(fields).filter((n) => fields[n].isDynamic && !TRACKED.includes(n))]) {
    const from = historyValue(fields[name], before?.[name]);
    const to = historyValue(fields[name], after[name]);
    if (from === to) continue;
    // A new task's history names the fields filled besides title, creator, responsible and status.
    if (!before && ["TITLE", "STATUS", "CREATED_BY", "RESPONSIBLE_ID", "PRIORITY", "DESCRIPTION", "GROUP_ID", "STAGE_ID", "TASK_CONTROL", "ALLOW_CHANGE_DEADLINE", "ALLOW_TIME_TRACKING", "ADD_IN_REPORT", "TIME_ESTIMATE"].includes(name)) continue;
    addHistory(ctx, taskId, name, from, to);
  }
}

// ---- writing a task -------------------------------------------------------------------------

/** Values the portal keeps up to date on every write of a task. */
export function touch(ctx: MethodContext, row: Row, before?: Row): void {
  const now = ctx.state.now().toISOString();
  if (!before) {
    row.CREATED_BY ??= ctx.userId;
    row.CREATED_DATE = now;
    row.GUID = `{${randomUUID()}}`;
    row.OUTLOOK_VERSION = 1;
    row.STATUS_CHANGED_DATE = now;
  } else {
    row.OUTLOOK_VERSION = Number(before.OUTLOOK_VERSION ?? 0) + 1;
  }
  row.CHANGED_BY = ctx.userId;
  row.CHANGED_DATE = now;
  row.ACTIVITY_DATE = now;
  if (before && Number(before.STATUS) !== Number(row.STATUS)) {
    row.STATUS_CHANGED_BY = ctx.userId;
    row.STATUS_CHANGED_DATE = now;
    const status = Number(row.STATUS);
    if (status === COMPLETED || status === SUPPOSEDLY_COMPLETED) {
      row.CLOSED_BY = ctx.userId;
      row.CLOSED_DATE = now;
    } else {
      row.CLOSED_BY = 0;
      delete row.CLOSED_DATE;
    }
    if (status === IN_PROGRESS && !row.DATE_START) row.DATE_START = now;
  }
}

/** Replaces a task with `row` (already changed), keeping the dates and the history. */
export function saveTask(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>, id: number, row: Row, before: Row): Row {
  touch(ctx, row, before);
  tasksOf(ctx.state).replace(id, row);
  recordChanges(ctx, fields, id, row, before);
  return tasksOf(ctx.state).get(id)!;
}

// ---- users as tasks print them ----------------------------------------------------------------

export const fullName = (user: UserRecord | undefined): string => (user ? `${user.firstName} ${user.lastName}`.trim() : "");

// ---- synthetic tasks ------------------------------------------------------------------------

const SYNTHETIC_EPOCH = Date.UTC(2024, 0, 1);
const SYNTHETIC_STATUSES = [PENDING, IN_PROGRESS, COMPLETED, PENDING, DEFERRED];

/** Synthetic task `id` as a stored row would hold it (computed, never stored). */
export function syntheticTask(id: number): Row {
  const created = new Date(SYNTHETIC_EPOCH + id * 60_000).toISOString();
  const status = SYNTHETIC_STATUSES[id % SYNTHETIC_STATUSES.length];
  return {
    ID: id,
    TITLE: `Task #${id}`,
    DESCRIPTION: "",
    PRIORITY: id % 7 === 0 ? 2 : 1,
    STATUS: status,
    MULTITASK: "N",
    NOT_VIEWED: "N",
    REPLICATE: "N",
    GROUP_ID: 0,
    STAGE_ID: 0,
    CREATED_BY: 1,
    CREATED_DATE: created,
    RESPONSIBLE_ID: 1 + (id % 5),
    CHANGED_BY: 1,
    CHANGED_DATE: created,
    STATUS_CHANGED_DATE: created,
    ACTIVITY_DATE: created,
    ...(status === COMPLETED ? { CLOSED_BY: 1, CLOSED_DATE: created } : {}),
    GUID: `{00000000-0000-4000-8000-${String(id).padStart(12, "0")}}`,
    ALLOW_CHANGE_DEADLINE: "N",
    ALLOW_TIME_TRACKING: "N",
    TASK_CONTROL: "N",
    ADD_IN_REPORT: "N",
    TIME_ESTIMATE: 0,
    MATCH_WORK_TIME: "N",
    SITE_ID: "s1",
    SUBORDINATE: "Y",
    OUTLOOK_VERSION: 1,
    IS_MUTED: "N",
    IS_PINNED: "N",
    IS_PINNED_IN_GROUP: "N",
    DESCRIPTION_IN_BBCODE: "Y",
    DURATION_TYPE: "days",
  };
}

/** Makes tasks 1..count exist, each computed when read (100,000 cost nothing). Call before any task is added. */
export function seedTasks(state: PortalState, count: number): void {
  tasksOf(state).seedVirtual(count, syntheticTask);
}
