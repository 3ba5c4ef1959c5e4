// How tasks print (the "tasks" dialect): camelCase keys in Bitrix24's order, every scalar as a
// string or null, dates in ATOM, member lists as strings, per-user marks (favorite, isMuted) and
// the `action` map for the caller, plus the computed parts (creator, responsible, group, checklist
// tree). Three views, as the real answers show them: a task of tasks.task.get / add / update and the
// status actions, a task of tasks.task.list, and the older full serializer tasks.task.approve uses.
import { atom } from "../http/dates.js";
import type { MethodContext } from "../http/registry.js";
import type { FieldDef, Row } from "../engine/types.js";
import {
  allowedActions, attachmentEntity, checklistEntity, dependenceEntity, fullName, ids, SYSTEM_UF, STATUS, storeOf,
  TASK_PRINT_ORDER, type TaskFieldMeta,
} from "./tasks.js";
import type { PortalState } from "./state.js";

/** RESPONSIBLE_ID -> responsibleId, UF_CRM_TASK -> ufCrmTask. */
export const camel = (name: string): string => name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** responsibleId / subStatus / RESPONSIBLE_ID -> RESPONSIBLE_ID / SUB_STATUS (how select and fields may name a field). */
export const upperName = (name: string): string => (/[a-z]/.test(name) && !name.includes("_") ? name.replace(/([a-z0-9])([A-Z])/g, "$1_$2") : name).toUpperCase();

const meta = (def: FieldDef | undefined): TaskFieldMeta => (def?.attributes ?? {}) as TaskFieldMeta;
const empty = (v: unknown) => v === undefined || v === null || v === "";

/** A stored value as a task prints it. */
export function taskValue(def: FieldDef | undefined, value: unknown): unknown {
  if (def?.multiple) {
    const list = Array.isArray(value) ? value : [];
    if (def.isDynamic) return list.length === 0 ? false : list.map(String);
    return list.map(String);
  }
  if (value === "" && !def?.isDynamic) return "";
  if (empty(value)) return null;
  if (def?.type === "datetime") return atom(Date.parse(String(value)));
  if (def?.type === "date") return atom(Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`));
  if (typeof value === "object") return value;
  return String(value);
}

/** A user as tasks print one (creator, responsible, accomplicesData…). */
export function userBrief(state: PortalState, id: unknown): Record<string, unknown> {
  const user = state.getUser(Number(id));
  return {
    id: String(id),
    name: fullName(user),
    link: `/company/personal/user/${id}/`,
    icon: "/bitrix/images/tasks/default_avatar.png",
    workPosition: user?.workPosition ?? null,
  };
}

const usersData = (state: PortalState, list: unknown) => {
  const members = ids(list);
  return members.length === 0 ? [] : Object.fromEntries(members.map((id) => [String(id), userBrief(state, id)]));
};

const groupData = (row: Row) => {
  const id = Number(row.GROUP_ID ?? 0);
  return id > 0 ? { id: String(id), name: `Group ${id}`, opened: true, membersCount: 0, image: "", additionalData: [] } : [];
};

/** subStatus: -1 for an overdue task, else its status. */
export function subStatus(row: Row, now: Date): string {
  const deadline = empty(row.DEADLINE) ? NaN : Date.parse(String(row.DEADLINE));
  const open = [STATUS.NEW, STATUS.PENDING, STATUS.IN_PROGRESS].includes(Number(row.STATUS) as 1);
  return open && deadline < now.getTime() ? "-1" : String(row.STATUS);
}

/** Per-user and computed values of a task's standard keys. */
function standardValue(ctx: MethodContext, fields: Readonly<Record<string, FieldDef>>, row: Row, name: string): unknown {
  if (name === "FAVORITE") return ids(row.FAVORITE_USERS).includes(ctx.userId) ? "Y" : "N";
  if (name === "IS_MUTED") return ids(row.MUTED_USERS).includes(ctx.userId) ? "Y" : "N";
  return taskValue(fields[name], row[name]);
}

// ---- checklists ---------------------------------------------------------------------------

export function checklistItems(state: PortalState, taskId: number): Row[] {
  return storeOf(state, checklistEntity).where("TASK_ID", taskId)
    .sort((a, b) => Number(a.SORT_INDEX ?? 0) - Number(b.SORT_INDEX ?? 0) || Number(a.ID) - Number(b.ID));
}

function checklistMap(ctx: MethodContext, row: Row, canEdit: boolean): unknown {
  const items = checklistItems(ctx.state, Number(row.ID));
  if (items.length === 0) return [];
  return Object.fromEntries(
    items.map((item) => [
      String(item.ID),
      {
        id: String(item.ID),
        taskId: String(item.TASK_ID),
        createdBy: String(item.CREATED_BY),
        parentId: String(item.PARENT_ID ?? 0),
        title: String(item.TITLE ?? ""),
        sortIndex: String(item.SORT_INDEX ?? 0),
        isComplete: item.IS_COMPLETE === "Y" ? "Y" : "N",
        isImportant: item.IS_IMPORTANT === "Y" ? "Y" : "N",
        toggledBy: empty(item.TOGGLED_BY) ? null : String(item.TOGGLED_BY),
        toggledDate: empty(item.TOGGLED_DATE) ? null : atom(Date.parse(String(item.TOGGLED_DATE))),
        ufChecklistFiles: false,
        members: [],
        attachments: [],
        entityId: String(item.TASK_ID),
        action: { modify: canEdit, remove: canEdit, toggle: canEdit, add: canEdit, addAccomplice: canEdit },
      },
    ]),
  );
}

/** The checklist as a tree (checkListTree): the root node and the items under their parents. */
function checkListTree(ctx: MethodContext, row: Row, full: boolean): Record<string, unknown> {
  const items = checklistItems(ctx.state, Number(row.ID));
  const node = (item: Row | undefined, nodeId: number): Record<string, unknown> => {
    const children = items.filter((i) => Number(i.PARENT_ID ?? 0) === (item ? Number(item.ID) : 0));
    const fields: Record<string, unknown> = {
      id: item ? Number(item.ID) : null,
      copiedId: null,
      entityId: item ? Number(item.TASK_ID) : null,
      userId: ctx.userId,
      createdBy: item ? Number(item.CREATED_BY) : null,
      parentId: item ? Number(item.PARENT_ID ?? 0) : null,
      title: item ? String(item.TITLE ?? "") : "",
      sortIndex: item ? Number(item.SORT_INDEX ?? 0) : null,
      displaySortIndex: item ? String(Number(item.SORT_INDEX ?? 0) + 1) : "",
      isComplete: item ? item.IS_COMPLETE === "Y" : false,
    };
    if (!full) return { nodeId, fields };
    Object.assign(fields, {
      isImportant: item ? item.IS_IMPORTANT === "Y" : false,
      completedCount: children.filter((c) => c.IS_COMPLETE === "Y").length,
      members: [],
      attachments: [],
      nodeId: item ? nodeId : null,
    });
    return { nodeId, fields, action: [], descendants: children.map((child) => node(child, Number(child.ID))) };
  };
  return node(undefined, 0);
}

// ---- the views ----------------------------------------------------------------------------

export type TaskView = "get" | "list";

/** The REST names a `select` asks for (any case, camelCase too), or undefined for the default set. */
export function selectedNames(select: unknown, fields: Readonly<Record<string, FieldDef>>): Set<string> | undefined {
  const given = Array.isArray(select) ? select : select && typeof select === "object" ? Object.values(select) : typeof select === "string" && select ? [select] : [];
  if (given.length === 0) return undefined;
  const wanted = new Set<string>(["ID"]);
  for (const raw of given) {
    const name = upperName(String(raw).trim());
    if (name === "*") for (const key of TASK_PRINT_ORDER) wanted.add(key);
    else if (name === "UF_*") for (const [key, def] of Object.entries(fields)) def.isDynamic && wanted.add(key);
    else if ((SYSTEM_UF as readonly string[]).includes(name)) for (const key of SYSTEM_UF) wanted.add(key);
    else wanted.add(name);
  }
  return wanted;
}

/** A task as tasks.task.get (view "get") or tasks.task.list (view "list") prints it. */
export function renderTask(ctx: MethodContext, row: Row, fields: Readonly<Record<string, FieldDef>>, view: TaskView, select?: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const state = ctx.state;
  if (select) {
    for (const name of TASK_PRINT_ORDER) if (select.has(name)) out[camel(name)] = standardValue(ctx, fields, row, name);
    for (const [name, def] of Object.entries(fields)) if (def.isDynamic && select.has(name)) out[camel(name)] = taskValue(def, row[name]);
    if (select.has("NEW_COMMENTS_COUNT")) out.newCommentsCount = 0;
    if (select.has("GROUP_ID")) out.group = groupData(row);
    if (select.has("CREATED_BY")) out.creator = userBrief(state, row.CREATED_BY);
    if (select.has("RESPONSIBLE_ID")) out.responsible = userBrief(state, row.RESPONSIBLE_ID);
    if (select.has("ACCOMPLICES")) out.accomplicesData = usersData(state, row.ACCOMPLICES);
    if (select.has("AUDITORS")) out.auditorsData = usersData(state, row.AUDITORS);
    if (select.has("SUB_STATUS")) out.subStatus = subStatus(row, state.now());
    return out;
  }
  for (const name of TASK_PRINT_ORDER) out[camel(name)] = standardValue(ctx, fields, row, name);
  const actions = allowedActions(state, row, ctx.userId);
  if (view === "get") out.checklist = checklistMap(ctx, row, actions.checklistAddItems);
  if (view === "list") out.newCommentsCount = 0;
  out.group = groupData(row);
  out.creator = userBrief(state, row.CREATED_BY);
  out.responsible = userBrief(state, row.RESPONSIBLE_ID);
  out.accomplicesData = usersData(state, row.ACCOMPLICES);
  out.auditorsData = usersData(state, row.AUDITORS);
  if (view === "list") {
    out.subStatus = subStatus(row, state.now());
    return out;
  }
  out.newCommentsCount = 0;
  out.action = actions;
  out.checkListTree = checkListTree(ctx, row, true);
  out.checkListCanAdd = actions.checklistAddItems;
  return out;
}

/** "DD.MM.YYYY HH:MM:SS", the site format the older serializer adds (deadlineOrig). */
const siteDate = (value: unknown): string | null => {
  if (empty(value)) return null;
  const d = new Date(Date.parse(String(value)));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

/** A task as the older full serializer prints it (tasks.task.approve's answer). */
export function renderTaskFull(ctx: MethodContext, row: Row, fields: Readonly<Record<string, FieldDef>>): Record<string, unknown> {
  const state = ctx.state;
  const v = (name: string) => standardValue(ctx, fields, row, name);
  const person = (prefix: string, id: unknown) => {
    const user = state.getUser(Number(id));
    return {
      [`${prefix}Name`]: user?.firstName ?? null,
      [`${prefix}LastName`]: user?.lastName ?? null,
      [`${prefix}SecondName`]: null,
      [`${prefix}Login`]: user?.email ?? null,
      [`${prefix}WorkPosition`]: user?.workPosition ?? null,
      [`${prefix}Photo`]: null,
    };
  };
  const status = Number(row.STATUS);
  const files = ids(row.UF_TASK_WEBDAV_FILES);
  const attachments = storeOf(state, attachmentEntity).all().filter((a) => files.includes(Number(a.ID)));
  const dependsOn = storeOf(state, dependenceEntity).where("TASK_ID", Number(row.ID));
  const actions = allowedActions(state, row, ctx.userId);
  return {
    id: v("ID"),
    title: v("TITLE"),
    description: v("DESCRIPTION"),
    descriptionInBbcode: v("DESCRIPTION_IN_BBCODE"),
    declineReason: "",
    priority: v("PRIORITY"),
    notViewed: v("NOT_VIEWED"),
    statusComplete: status === STATUS.COMPLETED || status === STATUS.SUPPOSEDLY_COMPLETED ? "2" : "1",
    multitask: v("MULTITASK"),
    stageId: v("STAGE_ID"),
    responsibleId: v("RESPONSIBLE_ID"),
    ...person("responsible", row.RESPONSIBLE_ID),
    dateStart: v("DATE_START"),
    durationFact: v("DURATION_FACT"),
    timeEstimate: v("TIME_ESTIMATE"),
    timeSpentInLogs: v("TIME_SPENT_IN_LOGS"),
    replicate: v("REPLICATE"),
    deadline: v("DEADLINE"),
    deadlineOrig: siteDate(row.DEADLINE),
    startDatePlan: v("START_DATE_PLAN"),
    endDatePlan: v("END_DATE_PLAN"),
    createdBy: v("CREATED_BY"),
    ...person("createdBy", row.CREATED_BY),
    createdDate: v("CREATED_DATE"),
    changedBy: v("CHANGED_BY"),
    changedDate: v("CHANGED_DATE"),
    statusChangedBy: v("STATUS_CHANGED_BY"),
    closedBy: v("CLOSED_BY"),
    closedDate: v("CLOSED_DATE"),
    activityDate: v("ACTIVITY_DATE"),
    guid: v("GUID"),
    xmlId: v("XML_ID"),
    mark: v("MARK"),
    allowChangeDeadline: v("ALLOW_CHANGE_DEADLINE"),
    allowTimeTracking: v("ALLOW_TIME_TRACKING"),
    matchWorkTime: v("MATCH_WORK_TIME"),
    taskControl: v("TASK_CONTROL"),
    addInReport: v("ADD_IN_REPORT"),
    forumTopicId: v("FORUM_TOPIC_ID"),
    parentId: v("PARENT_ID"),
    commentsCount: v("COMMENTS_COUNT"),
    serviceCommentsCount: v("SERVICE_COMMENTS_COUNT"),
    forumId: v("FORUM_ID"),
    siteId: v("SITE_ID"),
    subordinate: v("SUBORDINATE"),
    exchangeModified: v("EXCHANGE_MODIFIED"),
    exchangeId: v("EXCHANGE_ID"),
    outlookVersion: v("OUTLOOK_VERSION"),
    viewedDate: v("VIEWED_DATE"),
    deadlineCounted: "0",
    forkedByTemplateId: v("FORKED_BY_TEMPLATE_ID"),
    sorting: v("SORTING"),
    durationPlanSeconds: null,
    durationTypeAll: v("DURATION_TYPE"),
    scenarioName: ["default"],
    isRegular: "N",
    flowId: v("FLOW_ID"),
    isMuted: v("IS_MUTED"),
    isPinned: v("IS_PINNED"),
    isPinnedInGroup: v("IS_PINNED_IN_GROUP"),
    ufCrmTask: taskValue(fields.UF_CRM_TASK, row.UF_CRM_TASK),
    ufTaskWebdavFiles: taskValue(fields.UF_TASK_WEBDAV_FILES, row.UF_TASK_WEBDAV_FILES),
    ufMailMessage: taskValue(fields.UF_MAIL_MESSAGE, row.UF_MAIL_MESSAGE),
    status: v("STATUS"),
    statusChangedDate: v("STATUS_CHANGED_DATE"),
    durationPlan: v("DURATION_PLAN"),
    durationType: v("DURATION_TYPE"),
    favorite: v("FAVORITE"),
    groupId: v("GROUP_ID"),
    auditors: v("AUDITORS"),
    accomplices: v("ACCOMPLICES"),
    tags: [],
    checklist: checklistItems(state, Number(row.ID)).map((item) => String(item.ID)),
    files: attachments.map((a) => String(a.OBJECT_ID)),
    dependsOn: dependsOn.map((d) => String(d.DEPENDS_ON_ID)),
    group: groupData(row),
    creator: userBrief(state, row.CREATED_BY),
    responsible: userBrief(state, row.RESPONSIBLE_ID),
    accomplicesData: usersData(state, row.ACCOMPLICES),
    auditorsData: usersData(state, row.AUDITORS),
    newCommentsCount: 0,
    action: actions,
    checkListTree: checkListTree(ctx, row, false),
  };
}

/** tasks.task.getFields: `{fields: {NAME: {title, type, primary?, required?, values?, default?}}}`. */
export function taskFieldsAnswer(fields: Readonly<Record<string, FieldDef>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(fields)) {
    const m = meta(def);
    if (m.unlisted || m.hidden) continue;
    const title = "titleText" in (def.attributes ?? {}) ? (def.attributes as { titleText: string | null }).titleText : def.isDynamic ? ((def.attributes as { formLabel?: string })?.formLabel ?? def.title) : def.title;
    const entry: Record<string, unknown> = { title, type: m.restType ?? (def.type === "user" ? "integer" : def.type === "char" ? "enum" : def.type) };
    if (m.primary) entry.primary = true;
    if (def.required) entry.required = true;
    if (m.values) entry.values = m.values;
    if ("default" in m) entry.default = m.default;
    out[name] = entry;
  }
  return { fields: out };
}
