// Comments and results management (OpenIntegrations region `РаботаСКомментариямиИРезультатамиЗадач`),
// opi-bitrix24.md §2.6: task.commentitem.* (TASKID, ITEMID, FIELDS) and tasks.task.result.*
// (commentId). GetTaskCommentsList sends the task as `taskId`, as OpenIntegrations' code does.
import { byId, rest, template, tokenParam, urlParam } from "../define.js";
import { idParam, taskParam } from "../params.js";

const region = "Comments and results management";

/** A task comment as task.commentitem.* print it (fixtures GetTaskComment.json). */
export interface TaskComment {
  POST_MESSAGE_HTML: string | null;
  ID: string;
  AUTHOR_ID: string;
  AUTHOR_NAME: string;
  AUTHOR_EMAIL: string;
  POST_DATE: string;
  POST_MESSAGE: string;
  [key: string]: unknown;
}

/** A task result (fixtures GetResultsList.json; `files` is null right after CreateResultFromComment). */
export interface TaskResult {
  id: number;
  taskId: number;
  commentId: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  status: number;
  text: string;
  formattedText: string;
  files: unknown[] | null;
}

const task = taskParam("TASKID");
const comment = (description = "Comment ID") => idParam("commentId", "comment", "c", "ITEMID", description);
const text = { name: "text", option: "text", short: "x", kind: "string", field: "FIELDS.POST_MESSAGE", required: true, description: "Comment text" } as const;
const resultComment = idParam("commentId", "comment", "c", "commentId", "Comment ID");

export const getTaskCommentsList = byId<TaskComment[]>()({
  name: "GetTaskCommentsList",
  ru: "ПолучитьСписокКомментариевЗадачи",
  region,
  summary: "Returns a task's comments",
  method: "task.commentitem.getlist",
  replay: "safe",
  readOnly: true,
  id: { name: "taskId", option: "task", short: "t", field: "taskId", description: "Task ID" },
  tokenShort: "k",
});

export const getTaskComment = rest<TaskComment>()({
  name: "GetTaskComment",
  ru: "ПолучитьКомментарийЗадачи",
  aliases: ["ПолучитьКомменатрийЗадачи"], // (sic) OpenIntegrations' earlier spelling
  region,
  summary: "Returns a task comment by ID",
  method: "task.commentitem.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, task, comment(), tokenParam("k")],
});

export const addTaskComment = rest<number>()({
  name: "AddTaskComment",
  ru: "ДобавитьКомментарийЗадачи",
  region,
  summary: "Adds a comment to a task; the result is the new comment ID",
  method: "task.commentitem.add",
  replay: "unsafe",
  params: [urlParam, task, text, tokenParam("k")],
});

export const updateTaskComment = rest<boolean>()({
  name: "UpdateTaskComment",
  ru: "ИзменитьКомментарийЗадачи",
  region,
  summary: "Changes a task comment's text",
  method: "task.commentitem.update",
  replay: "safe",
  params: [urlParam, task, comment(), text, tokenParam("k")],
});

export const deleteTaskComment = rest<boolean>()({
  name: "DeleteTaskComment",
  ru: "УдалитьКомментарийЗадачи",
  region,
  summary: "Deletes a task comment",
  method: "task.commentitem.delete",
  replay: "unsafe",
  params: [urlParam, task, comment("ID of the comment to delete"), tokenParam("k")],
});

export const getResultsList = byId<TaskResult[]>()({
  name: "GetResultsList",
  ru: "ПолучитьСписокРезультатов",
  region,
  summary: "Returns a task's results (comments marked as the result)",
  method: "tasks.task.result.list",
  replay: "safe",
  readOnly: true,
  id: { name: "taskId", option: "task", short: "t", field: "taskId", description: "Task ID" },
  tokenShort: "k",
});

export const createResultFromComment = rest<TaskResult>()({
  name: "CreateResultFromComment",
  ru: "СоздатьРезультатИзКомментария",
  region,
  summary: "Marks a task comment as the task's result; the result is the new task result",
  method: "tasks.task.result.addFromComment",
  replay: "unsafe",
  params: [urlParam, resultComment, tokenParam()],
});

export const deleteResultFromComment = rest<null>()({
  name: "DeleteResultFromComment",
  ru: "УдалитьРезультатИзКомментария",
  region,
  summary: "Removes the task result made from a comment (the comment stays); the result is null",
  method: "tasks.task.result.deleteFromComment",
  replay: "unsafe",
  params: [urlParam, resultComment, tokenParam()],
});

// OpenIntegrations' English template text (fixtures/opi-samples/GetCommentStructure.json).
export const getCommentStructure = template()({
  name: "GetCommentStructure",
  ru: "ПолучитьСтруктуруКомментария",
  region,
  summary: "Builds the template of a task comment's fields: each key with a description, or empty with --empty true",
  emptyKind: "boolean",
  fields: {
    AUTHOR_ID: "<comment author identifier>",
    AUTHOR_NAME: "<Users name (optional)>",
    AUTHOR_EMAIL: "<Users email (optional)>",
    USE_SMILES: "<(Y|N) - parse comments for emoticons or not>",
    POST_MESSAGE: "<Message text>",
    UF_FORUM_MESSAGE_DOC: "<Array of files from disk to attach>",
  },
});

export const commentFunctions = [
  getTaskCommentsList,
  getTaskComment,
  addTaskComment,
  updateTaskComment,
  deleteTaskComment,
  getResultsList,
  createResultFromComment,
  deleteResultFromComment,
  getCommentStructure,
] as const;
