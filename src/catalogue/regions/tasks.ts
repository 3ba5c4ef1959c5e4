// Tasks management (OpenIntegrations region `РаботаСЗадачами`), opi-bitrix24.md §2.3. Payloads as
// OpenIntegrations' code builds them: the task ID goes as text under `taskId` (tasks.task.*), lists
// and structures only when filled, a dependency's link type as text so that 0 is kept.
import { byId, rest, template, tokenParam, urlParam } from "../define.js";
import { fieldsParam, filterParam, idParam, offsetParam, taskParam } from "../params.js";

const region = "Tasks management";

/**
 * A task as tasks.task.* print it (fixtures/opi-samples/GetTask.json): camelCase fields, IDs, flags
 * and numbers as text, dates as ISO text with the offset. Only the common fields are typed.
 */
export interface Task {
  id: string;
  parentId: string | null;
  title: string;
  description: string;
  priority: string;
  status: string;
  stageId: string;
  groupId: string;
  createdBy: string;
  createdDate: string;
  responsibleId: string;
  changedBy: string | null;
  changedDate: string | null;
  closedBy: string | null;
  closedDate: string | null;
  deadline: string | null;
  startDatePlan: string | null;
  endDatePlan: string | null;
  favorite?: "Y" | "N";
  isMuted?: "Y" | "N";
  auditors?: string[];
  accomplices?: string[];
  [field: string]: unknown;
}

/** `{ task }`: what the task actions (get, add, update, start, complete, …) answer. */
export interface TaskAnswer {
  task: Task;
}

/** One change in tasks.task.history.list (fixtures GetTaskHistory.json). */
export interface TaskHistoryEntry {
  id: number;
  createdDate: string;
  field: string;
  value: { from: string | null; to: string | null };
  user: { id: number; name: string; lastName: string; secondName: string; login: string };
}

/** A field of tasks.task.getFields (fixtures GetTaskFieldsStructure.json). */
export interface TaskFieldInfo {
  title: string;
  type: string;
  primary?: boolean;
  required?: boolean;
  default?: unknown;
  values?: Record<string, string>;
}

const taskId = { name: "taskId", option: "task", short: "t", field: "taskId", description: "Task ID" } as const;

/** The (url, task, token) actions: tasks.task.<action>({ taskId }). */
function taskAction<R>() {
  return <const N extends string, const RU extends string, const M extends string, const P extends "safe" | "unsafe">(name: N, ru: RU, method: M, replay: P, summary: string) =>
    byId<R>()({ name, ru, region, summary, method, replay, id: taskId, tokenShort: "k" });
}

export const getTask = byId<TaskAnswer>()({
  name: "GetTask",
  ru: "ПолучитьЗадачу",
  region,
  summary: "Returns a task by ID: {\"task\": {…}}",
  method: "tasks.task.get",
  replay: "safe",
  readOnly: true,
  id: taskId,
  tokenShort: "k",
});

export const getTasksList = rest<{ tasks: Task[] }>()({
  name: "GetTasksList",
  ru: "ПолучитьСписокЗадач",
  region,
  summary: "Returns tasks, 50 per call, optionally filtered (see GetTasksFilterStructure): {\"tasks\": […]} with total and next",
  method: "tasks.task.list",
  replay: "safe",
  readOnly: true,
  // OpenIntegrations' order: the token before --select (it was added last).
  params: [
    urlParam,
    { ...filterParam("filter", "Task filter (see GetTasksFilterStructure): JSON object, e.g. {\"RESPONSIBLE_ID\":1}, or a path to a .json file"), short: "f" },
    { ...offsetParam, description: "Offset of the tasks list (Bitrix24 pages hold 50)" },
    tokenParam(),
    { name: "select", option: "select", short: "s", kind: "array", items: "scalar", field: "select", default: "", type: "readonly string[] | string", description: "Task fields in the answer: a JSON list or one field name (default: all that are not computed)" },
  ],
});

export const createTask = rest<TaskAnswer>()({
  name: "CreateTask",
  ru: "СоздатьЗадачу",
  region,
  summary: "Creates a task from a fields structure (see GetTaskFieldsStructure; TITLE and RESPONSIBLE_ID at least): {\"task\": {…}}",
  method: "tasks.task.add",
  replay: "unsafe",
  params: [urlParam, fieldsParam("fields", "Task fields: JSON object, e.g. {\"TITLE\":\"New task\",\"RESPONSIBLE_ID\":1}, or a path to a .json file"), tokenParam()],
});

export const updateTask = rest<TaskAnswer>()({
  name: "UpdateTask",
  ru: "ИзменитьЗадачу",
  region,
  summary: "Changes a task's fields: {\"task\": {…}}",
  method: "tasks.task.update",
  // Run again, Bitrix24 stamps the task anew (changedDate, outlookVersion): the second answer differs.
  replay: "unsafe",
  params: [urlParam, taskParam("taskId"), fieldsParam("fields", "Task fields to change: JSON object or a path to a .json file"), tokenParam("k")],
});

export const deleteTask = taskAction<{ task: boolean }>()("DeleteTask", "УдалитьЗадачу", "tasks.task.delete", "unsafe", "Deletes a task: {\"task\": true}");

export const attachFileToTopic = rest<{ attachmentId: number }>()({
  name: "AttachFileToTopic",
  ru: "ДобавитьФайлВЗадачу",
  region,
  summary: "Attaches a Drive file to a task: {\"attachmentId\": …}",
  method: "tasks.task.files.attach",
  replay: "unsafe",
  params: [urlParam, taskParam("taskId"), idParam("fileId", "fileid", "f", "fileId", "Drive file ID"), tokenParam("k")],
});

// Status changes: Bitrix24 refuses an action the task's state no longer allows (1048582, "action not
// allowed", e.g. completing a completed task), so a replay after an unknown outcome could turn a success
// into a failure; watching and favorites likewise, as far as is known.
export const approveTask = taskAction<TaskAnswer>()("ApproveTask", "ПринятьЗадачу", "tasks.task.approve", "unsafe", "Approves a task completed under control: {\"task\": {…}}");
export const disapproveTask = taskAction<TaskAnswer>()("DisapproveTask", "ОтклонитьЗадачу", "tasks.task.disapprove", "unsafe", "Returns a task completed under control to work: {\"task\": {…}}");
export const completeTask = taskAction<TaskAnswer>()("CompleteTask", "ЗавершитьЗадачу", "tasks.task.complete", "unsafe", "Completes a task: {\"task\": {…}}");
export const renewTask = taskAction<TaskAnswer>()("RenewTask", "ВозобновитьЗадачу", "tasks.task.renew", "unsafe", "Renews a completed or deferred task: {\"task\": {…}}");
export const deferTask = taskAction<TaskAnswer>()("DeferTask", "ОтложитьЗадачу", "tasks.task.defer", "unsafe", "Defers a task: {\"task\": {…}}");
export const pauseTask = taskAction<TaskAnswer>()("PauseTask", "ПриостановитьЗадачу", "tasks.task.pause", "unsafe", "Pauses a task in progress: {\"task\": {…}}");
export const startTask = taskAction<TaskAnswer>()("StartTask", "НачатьВыполнениеЗадачи", "tasks.task.start", "unsafe", "Starts work on a task: {\"task\": {…}}");
export const startWatchingTask = taskAction<TaskAnswer>()("StartWatchingTask", "НачатьНаблюдатьЗаЗадачей", "tasks.task.startwatch", "unsafe", "Makes the current user an auditor of a task: {\"task\": {…}}");
export const stopWatchingTask = taskAction<TaskAnswer>()("StopWatchingTask", "ПрекратитьНаблюдатьЗаЗадачей", "tasks.task.stopwatch", "unsafe", "Removes the current user from a task's auditors: {\"task\": {…}}");

export const delegateTask = rest<TaskAnswer>()({
  name: "DelegateTask",
  ru: "ДелегироватьЗадачу",
  region,
  summary: "Delegates a task to another user (the new responsible person): {\"task\": {…}}",
  method: "tasks.task.delegate",
  replay: "unsafe",
  params: [urlParam, taskParam("taskId"), idParam("userId", "user", "s", "userId", "ID of the new responsible user"), tokenParam("k")],
});

export const addTaskToFavorites = taskAction<boolean>()("AddTaskToFavorites", "ДобавитьЗадачуВИзбранное", "tasks.task.favorite.add", "unsafe", "Adds a task to the current user's favorites");
export const removeTaskFromFavorites = taskAction<boolean>()("RemoveTaskFromFavorites", "УбратьЗадачуИзИзбранного", "tasks.task.favorite.remove", "unsafe", "Removes a task from the current user's favorites");

export const getTaskHistory = byId<{ list: TaskHistoryEntry[] }>()({
  name: "GetTaskHistory",
  ru: "ПолучитьИсториюЗадачи",
  region,
  summary: "Returns a task's change history: {\"list\": [{field, value: {from, to}, user, …}]}",
  method: "tasks.task.history.list",
  replay: "safe",
  readOnly: true,
  id: taskId,
  tokenShort: "k",
});

export const checkTaskAccesses = rest<{ allowedActions: Record<string, Record<string, boolean | string>> }>()({
  name: "CheckTaskAccesses",
  ru: "ПроверитьДоступКЗадаче",
  region,
  summary: "Tells which actions on a task each user may take: {\"allowedActions\": {userId: {ACTION: true|false}}}",
  method: "tasks.task.getaccess",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    taskParam("taskId"),
    { name: "users", option: "users", short: "s", kind: "array", items: "scalar", field: "users", check: "userIds", default: "", description: "User IDs to check: a JSON list (['1','10']) or one ID (default: the current user)" },
    tokenParam("k"),
  ],
});

export const muteTask = taskAction<TaskAnswer>()("MuteTask", "ОтключитьЗвукЗадачи", "tasks.task.mute", "safe", "Mutes a task's notifications for the current user: {\"task\": {…}}");
export const unmuteTask = taskAction<TaskAnswer>()("UnmuteTask", "ВключитьЗвукЗадачи", "tasks.task.unmute", "safe", "Unmutes a task's notifications for the current user: {\"task\": {…}}");

/** task.dependence.*: the link type is sent as text, so type 0 (start>start) is kept. */
const dependenceParams = [
  urlParam,
  idParam("fromId", "taskfrom", "t", "taskIdFrom", "ID of the task the dependency starts from"),
  idParam("toId", "taskto", "s", "taskIdTo", "ID of the dependent task"),
  { ...idParam("linkType", "linktype", "l", "linkType", "Link type: 0 start>start, 1 start>finish, 2 finish>start, 3 finish>finish"), keepEmpty: true },
  tokenParam("k"),
] as const;

export const createTasksDependencies = rest<unknown[]>()({
  name: "CreateTasksDependencies",
  ru: "СоздатьЗависимостьЗадач",
  region,
  summary: "Makes one task depend on another (Gantt link); the result is an empty list",
  method: "task.dependence.add",
  replay: "unsafe",
  params: dependenceParams,
});

export const deleteTasksDependencies = rest<unknown[]>()({
  name: "DeleteTasksDependencies",
  ru: "УдалитьЗависимостьЗадач",
  region,
  summary: "Removes the dependency of one task on another; the result is an empty list",
  method: "task.dependence.delete",
  replay: "unsafe",
  params: dependenceParams,
});

export const getDailyPlan = rest<Array<number | string>>()({
  name: "GetDailyPlan",
  ru: "ПолучитьПланЗадачНаДень",
  region,
  summary: "Returns the IDs of the tasks in the current user's plan for the day",
  method: "task.planner.getlist",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

export const getTaskFieldsStructure = rest<{ fields: Record<string, TaskFieldInfo> }>()({
  name: "GetTaskFieldsStructure",
  ru: "ПолучитьСтруктуруЗадачи",
  region,
  summary: "Returns the task fields with their titles and types (for CreateTask and UpdateTask): {\"fields\": {…}}",
  method: "tasks.task.getFields",
  http: "GET",
  replay: "safe",
  readOnly: true,
  params: [urlParam, tokenParam()],
});

// OpenIntegrations' English template text (fixtures/opi-samples/GetTasksFilterStructure.json).
export const getTasksFilterStructure = template()({
  name: "GetTasksFilterStructure",
  ru: "ПолучитьСтруктуруФильтраЗадач",
  region,
  summary: "Builds a filter template for GetTasksList: field -> description (or empty values with --empty true); keys may carry the prefixes !, <, <=, >, >= (!ID: ID not equal)",
  emptyKind: "boolean",
  asMap: true,
  fields: {
    ID: "<task identifier>",
    PARENT_ID: "<parent task identifier>",
    GROUP_ID: "<workgroup identifier>",
    CREATED_BY: "<producer>",
    STATUS_CHANGED_BY: "<the user who last changed the task status>",
    PRIORITY: "<priority>",
    FORUM_TOPIC_ID: "<forum topic identifier>",
    RESPONSIBLE_ID: "<performer>",
    TITLE: "<task name (can be searched using the template [%_])>",
    TAG: "<tag>",
    REAL_STATUS: "<task status>",
    MARK: "<mark>",
    SITE_ID: "<site identifier>",
    ADD_IN_REPORT: "<task in the report (Y|N)>",
    DATE_START: "<start date>",
    DEADLINE: "<deadline>",
    CREATED_DATE: "<date of creation>",
    CLOSED_DATE: "<completion date>",
    CHANGED_DATE: "<date of last modification>",
    ACCOMPLICE: "<co-executor identifier>",
    AUDITOR: "<auditor identifier>",
    DEPENDS_ON: "<previous task identifier>",
    ONLY_ROOT_TASKS: "<only tasks that are not subtasks (Y|N)>",
    STAGE_ID: "<stage>",
    UF_CRM_TASK: "<CRM elements>",
    STATUS: "<status for sorting. Similar to REAL_STATUS, but has three additional meta-statuses>",
  },
});

export const taskFunctions = [
  getTask,
  getTasksList,
  createTask,
  updateTask,
  deleteTask,
  attachFileToTopic,
  approveTask,
  disapproveTask,
  completeTask,
  renewTask,
  deferTask,
  pauseTask,
  startTask,
  startWatchingTask,
  stopWatchingTask,
  delegateTask,
  addTaskToFavorites,
  removeTaskFromFavorites,
  getTaskHistory,
  checkTaskAccesses,
  muteTask,
  unmuteTask,
  createTasksDependencies,
  deleteTasksDependencies,
  getDailyPlan,
  getTaskFieldsStructure,
  getTasksFilterStructure,
] as const;
