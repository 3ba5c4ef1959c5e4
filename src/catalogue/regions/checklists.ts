// Tasks checklists management (OpenIntegrations region `РаботаСЧеклистамиЗадач`), opi-bitrix24.md
// §2.5: task.checklistitem.* with the task as TASKID and the element as ITEMID (upper case).
import { rest, tokenParam, urlParam } from "../define.js";
import { idParam, taskParam } from "../params.js";

const region = "Tasks checklists management";

/** A checklist element as task.checklistitem.* print it (fixtures GetTasksChecklistElement.json). */
export interface ChecklistElement {
  ID: string;
  TASK_ID: string;
  /** 0 (a number) for a root element, the parent's ID as text otherwise. */
  PARENT_ID: string | number;
  CREATED_BY: string;
  TITLE: string;
  SORT_INDEX: string;
  IS_COMPLETE: "Y" | "N";
  IS_IMPORTANT: "Y" | "N";
  TOGGLED_BY: string | null;
  TOGGLED_DATE: string | null;
  MEMBERS: unknown[];
  ATTACHMENTS: unknown[];
  [key: string]: unknown;
}

const task = taskParam("TASKID");
const element = (description: string) => idParam("elementId", "element", "e", "ITEMID", description);
const text = { name: "text", option: "text", short: "x", kind: "string", required: true, description: "Text (title) of the checklist element" } as const;

/** task.checklistitem.<action>({ TASKID, ITEMID }). */
function elementAction<R>() {
  return <const N extends string, const RU extends string, const M extends string, const P extends "safe" | "unsafe", const O extends true | undefined = undefined>(
    name: N,
    ru: RU,
    method: M,
    replay: P,
    summary: string,
    elementDescription: string,
    readOnly?: O,
  ) => rest<R>()({ name, ru, region, summary, method, replay, ...(readOnly ? { readOnly } : {}), params: [urlParam, task, element(elementDescription), tokenParam("k")] as const });
}

export const addTasksChecklistElement = rest<number>()({
  name: "AddTasksChecklistElement",
  ru: "ДобавитьЭлементЧеклистаЗадачи",
  region,
  summary: "Adds an element to a task's checklist; the result is the new element ID",
  method: "task.checklistitem.add",
  replay: "unsafe",
  params: [
    urlParam,
    task,
    { ...text, field: "FIELDS.TITLE" },
    { name: "complete", option: "complete", short: "c", kind: "flag", field: "FIELDS.IS_COMPLETE", default: false, description: "true: mark it as completed (IS_COMPLETE Y)" },
    tokenParam("k"),
  ],
});

export const updateTasksChecklistElement = rest<null>()({
  name: "UpdateTasksChecklistElement",
  ru: "ИзменитьЭлементЧеклистаЗадачи",
  region,
  summary: "Changes the text of a checklist element; the result is null",
  method: "task.checklistitem.update",
  replay: "safe",
  params: [urlParam, task, element("Checklist element ID"), { ...text, field: "FIELDS.TITLE" }, tokenParam("k")],
});

export const deleteTasksChecklistElement = elementAction<boolean>()("DeleteTasksChecklistElement", "УдалитьЭлементЧеклистаЗадачи", "task.checklistitem.delete", "unsafe", "Deletes a checklist element", "ID of the element to delete");

export const getTasksChecklist = rest<ChecklistElement[]>()({
  name: "GetTasksChecklist",
  ru: "ПолучитьЧеклистЗадачи",
  region,
  summary: "Returns the elements of a task's checklist",
  method: "task.checklistitem.getlist",
  replay: "safe",
  readOnly: true,
  params: [urlParam, task, tokenParam("k")],
});

export const getTasksChecklistElement = elementAction<ChecklistElement>()("GetTasksChecklistElement", "ПолучитьЭлементЧеклистаЗадачи", "task.checklistitem.get", "safe", "Returns a checklist element by ID", "Element ID", true);
// Marking an element done or not done again sets the same state (safe to repeat).
export const completeTasksChecklistElement = elementAction<boolean>()("CompleteTasksChecklistElement", "ВыполнитьЭлементЧеклистаЗадачи", "task.checklistitem.complete", "safe", "Marks a checklist element as completed", "Element ID");
export const renewTasksChecklistElement = elementAction<boolean>()("RenewTasksChecklistElement", "ВозобновитьЭлементЧеклистаЗадачи", "task.checklistitem.renew", "safe", "Marks a completed checklist element as not completed", "Element ID");

export const checklistFunctions = [
  addTasksChecklistElement,
  updateTasksChecklistElement,
  deleteTasksChecklistElement,
  getTasksChecklist,
  getTasksChecklistElement,
  completeTasksChecklistElement,
  renewTasksChecklistElement,
] as const;
