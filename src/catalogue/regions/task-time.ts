// Timekeeping, the task part (OpenIntegrations region `УчетРабочегоВремени`), opi-bitrix24.md §2.8:
// task.elapseditem.* with TASKID, ITEMID and the record's fields under ARFIELDS (the seconds as
// text, the date as ISO `yyyy-MM-ddTHH:mm:ss`, each only when filled).
import { rest, tokenParam, urlParam } from "../define.js";
import { idParam, taskParam } from "../params.js";

const region = "Timekeeping";

/** A time record as task.elapseditem.* print it (fixtures GetTaskTimeAccounting.json). */
export interface TaskTimeRecord {
  ID: string;
  TASK_ID: string;
  USER_ID: string;
  COMMENT_TEXT: string;
  SECONDS: string;
  MINUTES: string;
  SOURCE: string;
  CREATED_DATE: string;
  DATE_START: string | null;
  DATE_STOP: string | null;
  [key: string]: unknown;
}

const record = idParam("recordId", "record", "r", "ITEMID", "Time record ID");
const amount = { name: "seconds", option: "amount", short: "a", kind: "string", field: "ARFIELDS.SECONDS", required: true, description: "Time spent, in seconds" } as const;
const text = { name: "text", option: "text", short: "x", kind: "string", field: "ARFIELDS.COMMENT_TEXT", default: "", description: "Comment text" } as const;
const date = { name: "date", option: "date", short: "d", kind: "datetime", field: "ARFIELDS.CREATED_DATE", default: "", description: "Date the record was made (yyyy-MM-ddTHH:mm:ss; sent without fractions or zone)" } as const;

export const addTaskTimeAccounting = rest<number>()({
  name: "AddTaskTimeAccounting",
  ru: "ДобавитьТрудозатратыЗадачи",
  region,
  summary: "Records time spent on a task; the result is the new record ID",
  method: "task.elapseditem.add",
  replay: "unsafe",
  params: [
    urlParam,
    taskParam("TASKID", "ID of the task the time was spent on"),
    amount,
    { name: "userId", option: "user", short: "s", kind: "string", field: "ARFIELDS.USER_ID", default: "", description: "ID of the user who spent the time (default: the current user)" },
    text,
    date,
    tokenParam("k"),
  ],
});

export const deleteTaskTimeAccounting = rest<null>()({
  name: "DeleteTaskTimeAccounting",
  ru: "УдалитьТрудозатратыЗадачи",
  region,
  summary: "Deletes a time record of a task; the result is null",
  method: "task.elapseditem.delete",
  replay: "unsafe",
  params: [urlParam, taskParam("TASKID"), record, tokenParam("k")],
});

export const getTaskTimeAccountingList = rest<TaskTimeRecord[]>()({
  name: "GetTaskTimeAccountingList",
  ru: "ПолучитьСписокТрудозатратЗадачи",
  region,
  summary: "Returns the time records of a task",
  method: "task.elapseditem.getlist",
  replay: "safe",
  readOnly: true,
  params: [urlParam, taskParam("TASKID"), tokenParam("k")],
});

export const getTaskTimeAccounting = rest<TaskTimeRecord>()({
  name: "GetTaskTimeAccounting",
  ru: "ПолучитьТрудозатратыЗадачи",
  region,
  summary: "Returns a time record of a task by ID",
  method: "task.elapseditem.get",
  replay: "safe",
  readOnly: true,
  params: [urlParam, taskParam("TASKID"), record, tokenParam("k")],
});

export const updateTaskTimeAccounting = rest<null>()({
  name: "UpdateTaskTimeAccounting",
  ru: "ИзменитьТрудозатратыЗадачи",
  region,
  summary: "Changes a time record of a task; the result is null",
  method: "task.elapseditem.update",
  replay: "safe",
  params: [urlParam, taskParam("TASKID"), record, amount, text, date, tokenParam("k")],
});

export const taskTimeFunctions = [addTaskTimeAccounting, deleteTaskTimeAccounting, getTaskTimeAccountingList, getTaskTimeAccounting, updateTaskTimeAccounting] as const;
