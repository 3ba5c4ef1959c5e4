// Kanban (OpenIntegrations region `Канбан`), opi-bitrix24.md §2.7: task.stages.* of a group's kanban or
// a user's My Plan. As OpenIntegrations' code sends them: isAdmin as "Y"/"N" except in
// UpdateKanbansStage (a real boolean, only when true); GetKanbanStages sends entityId "0" by default;
// MoveTaskToKanbanStage sends one anchor, `before` when filled, else `after` ("0" by default).
import { rest, tokenParam, urlParam } from "../define.js";
import { idParam } from "../params.js";

const region = "Kanban";

/** A stage as task.stages.get prints it (fixtures GetKanbanStages.json), keyed by its ID in SORT order. */
export interface KanbanStage {
  ID: string;
  TITLE: string;
  SORT: string;
  COLOR: string;
  SYSTEM_TYPE: string;
  ENTITY_ID: string;
  ENTITY_TYPE: string;
  ADDITIONAL_FILTER: unknown[];
  TO_UPDATE: unknown[];
  TO_UPDATE_ACCESS: unknown;
  CAN_SORT_ITEMS?: boolean;
  [key: string]: unknown;
}

const stage = (description: string) => idParam("stageId", "stage", "s", "id", description);
const title = (description: string, field: string) => ({ name: "title", option: "title", short: "t", kind: "string", field, required: true, description }) as const;
const prevStage = (description: string) => ({ name: "prevStageId", option: "prevstage", short: "p", kind: "string", field: "fields.AFTER_ID", default: 0, description }) as const;
const adminFlag = (field: string, description = "true: skip the permission check (administrators)") => ({ name: "asAdmin", option: "admin", short: "a", kind: "flag", field, default: false, description }) as const;

export const addKanbanStage = rest<number>()({
  name: "AddKanbanStage",
  ru: "ДобавитьСтадиюКанбана",
  region,
  summary: "Adds a stage to a group's kanban or a user's My Plan; the result is the new stage ID",
  method: "task.stages.add",
  replay: "unsafe",
  params: [
    urlParam,
    title("Name of the new stage", "fields.TITLE"),
    { name: "color", option: "color", short: "c", kind: "string", field: "fields.COLOR", default: "FFD800", description: "Stage colour as HEX (without #)" },
    prevStage("ID of the stage the new one goes after (default: at the beginning)"),
    { name: "entityId", option: "entityid", short: "e", kind: "string", field: "fields.ENTITY_ID", default: 0, description: "ID of the kanban's owner: a group, or a user for My Plan (default: the current user's My Plan)" },
    adminFlag("fields.isAdmin"),
    tokenParam("k"),
  ],
});

export const updateKanbansStage = rest<boolean>()({
  name: "UpdateKanbansStage",
  ru: "ИзменитьСтадиюКанбана",
  region,
  summary: "Changes a kanban stage's name, colour or place",
  method: "task.stages.update",
  replay: "safe",
  params: [
    urlParam,
    title("New name of the stage", "fields.TITLE"),
    stage("ID of the stage to change"),
    { name: "color", option: "color", short: "c", kind: "string", field: "fields.COLOR", default: "", description: "Stage colour as HEX (without #)" },
    prevStage("ID of the stage it goes after"),
    // OpenIntegrations sends this one as a real boolean, and only when true.
    { name: "asAdmin", option: "admin", short: "a", kind: "boolean", field: "fields.isAdmin", default: false, description: "true: skip the permission check (administrators)" },
    tokenParam("k"),
  ],
});

export const deleteKanbanStage = rest<boolean>()({
  name: "DeleteKanbanStage",
  ru: "УдалитьСтадиюКанбана",
  region,
  summary: "Deletes a kanban stage that holds no tasks",
  method: "task.stages.delete",
  replay: "unsafe",
  params: [urlParam, stage("ID of the stage to delete"), adminFlag("isAdmin"), tokenParam()],
});

export const getKanbanStages = rest<Record<string, KanbanStage>>()({
  name: "GetKanbanStages",
  ru: "ПолучитьСтадииКанбана",
  region,
  summary: "Returns the stages of a group's kanban or of My Plan, keyed by stage ID",
  method: "task.stages.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    // OpenIntegrations turns the number into text first, so the default 0 is sent as "0".
    { name: "entityId", option: "entityid", short: "e", kind: "string", field: "entityId", default: 0, keepEmpty: true, description: "ID of the kanban's owner: a group, or a user for My Plan (0: the current user's My Plan)" },
    adminFlag("isAdmin", "true: read without the permission check (administrators)"),
    tokenParam(),
  ],
});

export const moveTaskToKanbanStage = rest<boolean>()({
  name: "MoveTaskToKanbanStage",
  ru: "ПеренестиЗадачуВСтадиюКанбана",
  region,
  summary: "Moves a task to a kanban stage, before or after another task of it",
  method: "task.stages.movetask",
  replay: "safe",
  hook: "oneAnchor",
  params: [
    urlParam,
    idParam("taskId", "task", "t", "id", "ID of the task to move"),
    idParam("stageId", "stage", "s", "stageId", "ID of the target stage"),
    { name: "before", option: "before", short: "b", kind: "string", field: "before", default: 0, description: "ID of the task to put it in front of (wins over --after)" },
    { name: "after", option: "after", short: "a", kind: "string", field: "after", default: 0, keepEmpty: true, description: "ID of the task to put it after (when --before is not given; 0 by default)" },
    tokenParam("k"),
  ],
});

export const kanbanFunctions = [addKanbanStage, updateKanbansStage, deleteKanbanStage, getKanbanStages, moveTaskToKanbanStage] as const;
