// Safe-to-replay samples of the task family: Tasks management, custom task fields, checklists,
// comments and results, kanban, and task time accounting. Each makes the task (and what goes with
// it) it acts on through the webhook client first; a safe write run again changes nothing more
// (no history entry, no new row) and answers the same.
import type { ReplayContext, SafeSample } from "./samples.js";

const call = async <T = any>(c: ReplayContext, method: string, params: Record<string, unknown>) => (await c.client().call<T>(method, params)).result;
const newTask = async (c: ReplayContext, fields: Record<string, unknown> = {}) =>
  String((await call(c, "tasks.task.add", { fields: { TITLE: "Replayed task", RESPONSIBLE_ID: 1, ...fields } })).task.id);
const newComment = async (c: ReplayContext, taskId: string) => call<number>(c, "task.commentitem.add", { TASKID: taskId, FIELDS: { POST_MESSAGE: "A comment" } });
const newItem = async (c: ReplayContext, taskId: string) => call<number>(c, "task.checklistitem.add", { TASKID: taskId, FIELDS: { TITLE: "An item" } });
const newRecord = async (c: ReplayContext, taskId: string) => call<number>(c, "task.elapseditem.add", { TASKID: taskId, ARFIELDS: { SECONDS: 600 } });
const newStage = async (c: ReplayContext) => {
  const stages = Object.values(await call(c, "task.stages.get", { entityId: 0 })) as { ID: string; SORT: string }[];
  const first = stages.sort((a, b) => Number(a.SORT) - Number(b.SORT))[0];
  return call<number>(c, "task.stages.add", { fields: { TITLE: "Replayed stage", AFTER_ID: first.ID } });
};
let fields = 0;
const newField = async (c: ReplayContext) => call<number>(c, "task.item.userfield.add", { PARAMS: { USER_TYPE_ID: "string", FIELD_NAME: `REPLAY_FIELD_${++fields}` } });

export const TASK_SAMPLES: Record<string, SafeSample> = {
  // Tasks management
  GetTask: { values: async (c) => ({ taskId: await newTask(c) }) },
  GetTasksList: { values: async (c) => ({ filter: { ID: await newTask(c) } }) },
  GetTaskHistory: { values: async (c) => ({ taskId: await newTask(c) }) },
  CheckTaskAccesses: { values: async (c) => ({ taskId: await newTask(c), users: ["1", "2"] }) },
  MuteTask: { values: async (c) => ({ taskId: await newTask(c) }), write: true },
  UnmuteTask: { values: async (c) => ({ taskId: await newTask(c) }), write: true },
  GetDailyPlan: { values: () => ({}) },
  GetTaskFieldsStructure: { values: () => ({}) },
  // Custom task fields
  GetCustomTaskFieldsList: { values: () => ({}) },
  GetCustomTaskField: { values: async (c) => ({ fieldId: await newField(c) }) },
  UpdateCustomTaskField: { values: async (c) => ({ fieldId: await newField(c), externalId: "REPLAYED", title: "Replayed", label: { en: "Replayed", ru: "Povtor" } }), write: true },
  // Checklists
  GetTasksChecklist: { values: async (c) => ({ taskId: await newTask(c) }) },
  GetTasksChecklistElement: { values: async (c) => itemOf(c) },
  UpdateTasksChecklistElement: { values: async (c) => itemOf(c, { text: "Renamed item" }), write: true },
  CompleteTasksChecklistElement: { values: async (c) => itemOf(c), write: true },
  RenewTasksChecklistElement: { values: async (c) => itemOf(c), write: true },
  // Comments and results
  GetTaskCommentsList: { values: async (c) => ({ taskId: await newTask(c) }) },
  GetTaskComment: { values: async (c) => commentOf(c) },
  UpdateTaskComment: { values: async (c) => commentOf(c, { text: "Edited comment" }), write: true },
  GetResultsList: { values: async (c) => ({ taskId: await newTask(c) }) },
  // Kanban (the caller's My plan)
  GetKanbanStages: { values: () => ({ entityId: 0 }) },
  UpdateKanbansStage: { values: async (c) => ({ stageId: await newStage(c), title: "Renamed stage", color: "000000" }), write: true },
  MoveTaskToKanbanStage: { values: async (c) => ({ taskId: await newTask(c), stageId: await newStage(c) }), write: true },
  // Task time accounting
  GetTaskTimeAccountingList: { values: async (c) => recordOf(c, {}, false) },
  GetTaskTimeAccounting: { values: async (c) => recordOf(c) },
  UpdateTaskTimeAccounting: { values: async (c) => recordOf(c, { seconds: 1200, text: "Corrected", date: "2025-12-06T11:21:54" }), write: true },
};

async function itemOf(c: ReplayContext, more: Record<string, unknown> = {}) {
  const taskId = await newTask(c);
  return { taskId, elementId: await newItem(c, taskId), ...more };
}
async function commentOf(c: ReplayContext, more: Record<string, unknown> = {}) {
  const taskId = await newTask(c);
  return { taskId, commentId: await newComment(c, taskId), ...more };
}
async function recordOf(c: ReplayContext, more: Record<string, unknown> = {}, withId = true) {
  const taskId = await newTask(c);
  const recordId = await newRecord(c, taskId);
  return { taskId, ...(withId ? { recordId } : {}), ...more };
}
