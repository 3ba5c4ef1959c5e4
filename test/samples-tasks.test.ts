// The task family through the CLI, as a user runs it, against the real samples: Tasks management,
// Custom task fields, Tasks checklists, Comments and results, Kanban, and task time accounting
// (task.elapseditem.*), one row per OpenIntegrations function, in both auth modes (user 1's webhook,
// and the portal address with user 1's OAuth token). Each row makes what it acts on through the
// library over HTTP first (client-bound functions), the way OpenIntegrations' own test makes it;
// then every function once more through the library, and the scenario of issue #14: elapsed time
// added to a task and summed into the task's totals.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error, bitrix24 } from "../src/index.js";
import { catalogue } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { taskEntity } from "../src/portal/data/tasks.js";
import { join } from "node:path";
import { startPortal } from "../src/portal/index.js";
import { runCli, usePortal, useScratchDir } from "./helpers.js";
import { assertLikeSample, assertSameShape, opiSample, type ShapeOptions } from "./opi-sample-shape.js";
import { assertRegionsCovered, authModes, describeSampleRows, type SampleMode, type SampleRow } from "./sample-rows.js";

const ctx = usePortal();

const REGIONS = ["Tasks management", "Custom task fields management", "Tasks checklists management", "Comments and results management", "Kanban"];
/** Timekeeping's task part (its work-day functions are another table's). */
const TIME_FUNCTIONS = ["AddTaskTimeAccounting", "DeleteTaskTimeAccounting", "GetTaskTimeAccountingList", "GetTaskTimeAccounting", "UpdateTaskTimeAccounting"];

interface Mode extends SampleMode {
  /** The library, client-bound to this mode's connection. */
  lib: Bitrix24Client;
}
type Row = SampleRow<Mode>;

// ---- inputs, made through the library over HTTP ---------------------------------------------------

/** The dates the docs' tasks had (a deadline and a planned span). */
const PLANNED = { DEADLINE: "2026-01-07T14:19:00+00:00", START_DATE_PLAN: "2026-01-06T14:19:48+00:00", END_DATE_PLAN: "2026-01-06T21:00:00+00:00" };
/** User 2's own client (a webhook of theirs): the responsible who hands work in for approval. */
let user2: Bitrix24Client | undefined;
const asUser2 = () => (user2 ??= (ctx.portal.credentials.addWebhook(2, "user2samplessecret"), new Bitrix24Client({ url: `${ctx.portal.url}/rest/2/user2samplessecret/`, plan: "off" })));

async function newTask(m: Mode, fields: Record<string, unknown> = {}): Promise<string> {
  return (await m.lib.createTask({ fields: { TITLE: "New task", DESCRIPTION: "New task description", RESPONSIBLE_ID: "1", ...PLANNED, ...fields } })).result.task.id;
}
/** A task under the creator's control that user 2 (responsible) has completed: awaiting approval. */
async function awaitingControl(m: Mode): Promise<string> {
  const id = await newTask(m, { RESPONSIBLE_ID: "2", TASK_CONTROL: "Y" });
  await asUser2().completeTask({ task: id });
  return id;
}
async function newComment(m: Mode, taskId: string, text = "Task comment"): Promise<number> {
  return (await m.lib.addTaskComment({ task: taskId, text })).result;
}
async function newChecklistItem(m: Mode, taskId: string, text = "Checklist element"): Promise<number> {
  return (await m.lib.addTasksChecklistElement({ task: taskId, text })).result;
}
let fields = 0;
async function newCustomField(m: Mode): Promise<{ id: number; name: string }> {
  const name = `SAMPLE_FIELD_${++fields}`;
  return { id: (await m.lib.addCustomTaskField({ type: "string", fieldname: name, externalid: "BITRIX_TEXT_FIELD", title: "Text field" })).result, name: `UF_${name}` };
}
/** A Drive file of user 1 (in a chat's folder, as OpenIntegrations' test uploads one). */
async function newFile(m: Mode): Promise<number> {
  const chat = (await m.lib.createChat({ fields: { TYPE: "CHAT", TITLE: "Files", USERS: [2] } })).result;
  const folder = (await m.lib.getChatFilesFolder({ chat: chat })).result.ID;
  return (await m.lib.uploadFileToFolder({ title: "document.docx", file: Buffer.from("PK\x03\x04 a document").toString("base64"), folderid: folder })).result.ID;
}
/** A stage of the caller's My plan, after its first (the first one cannot be deleted). */
async function newStage(m: Mode, title = "New stage"): Promise<number> {
  const stages = Object.values((await m.lib.getKanbanStages({})).result) as { ID: string; SORT: string }[];
  const first = stages.sort((a, b) => Number(a.SORT) - Number(b.SORT))[0];
  return (await m.lib.addKanbanStage({ title, color: "0026FF", prevstage: first.ID })).result;
}
async function newTimeRecord(m: Mode, taskId: string, seconds = 3600): Promise<number> {
  return (await m.lib.addTaskTimeAccounting({ task: taskId, amount: seconds })).result;
}

let prepared: Promise<Mode[]> | undefined;
const modes = () =>
  (prepared ??= Promise.resolve(
    authModes(ctx.portal).map((mode) => ({ ...mode, lib: new Bitrix24Client({ url: mode.url, ...(mode.token ? { token: mode.token } : {}), plan: "off" }) })),
  ));

// ---- allowances ----------------------------------------------------------------------------------

/**
 * A task's keys whose value is text or null as the task's data has it (a deadline or not, started or
 * not, commented or not, time spent or not) or as the portal cannot have it (views in the browser,
 * dragging in the list, the new task card's service comments): each sample shows one task's state.
 */
const TEXT_OR_NOTHING = [
  "description", "deadline", "startDatePlan", "endDatePlan", "dateStart", "closedBy", "closedDate", "statusChangedBy", "commentsCount",
  "serviceCommentsCount", "forumTopicId", "forumId", "viewedDate", "sorting", "timeSpentInLogs", "durationFact", "deadlineOrig",
];
/** Our users have a position (the docs' had none): text where the sample has null. */
const PEOPLE = ["creator.workPosition", "responsible.workPosition"];
const taskShape = (at: string): ShapeOptions => ({ textOrNull: TEXT_OR_NOTHING.map((k) => `${at}.${k}`), alsoText: PEOPLE.map((k) => `${at}.${k}`) });
const TASK = taskShape("result.task");

// ---- one row per function ----------------------------------------------------------------------

const task = (m: Mode, fields?: Record<string, unknown>) => newTask(m, fields);
const json = (value: unknown) => JSON.stringify(value).replaceAll('"', "'");

const rows: Row[] = [
  // Tasks management
  { fn: "GetTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  {
    fn: "GetTasksList",
    // As the docs' tasks were: reopened once, started and paused, commented.
    args: async (m) => {
      const id = await task(m);
      for (const step of ["completeTask", "renewTask", "startTask", "pauseTask"] as const) await m.lib[step]({ task: id });
      await newComment(m, id);
      return ["--filter", json({ ID: id }), "--offset", "0"];
    },
    // The sample was cut after the tasks (Bitrix24 sends `total` and `time` with every list).
    shape: { ...taskShape("result.tasks[]"), extra: ["total", "time"] },
  },
  {
    fn: "CreateTask",
    args: () => ["--fields", json({ TITLE: "New task", DESCRIPTION: "New task description", PRIORITY: "2", DEADLINE: PLANNED.DEADLINE, RESPONSIBLE_ID: "1" })],
    shape: TASK,
  },
  { fn: "UpdateTask", args: async (m) => ["--task", await task(m), "--fields", json({ TITLE: "Another task title", DESCRIPTION: "Another task description", PRIORITY: "1" })], shape: TASK },
  { fn: "DeleteTask", args: async (m) => ["--task", await task(m)] },
  { fn: "AttachFileToTopic", args: async (m) => ["--task", await task(m), "--fileid", String(await newFile(m))] },
  {
    fn: "ApproveTask",
    args: async (m) => ["--task", await awaitingControl(m)],
    // The older full serializer: the docs' creator had a photo (ours have none: null), and their block has no time.
    shape: { ...TASK, textOrNull: [...TASK.textOrNull!, "result.task.createdByPhoto"], alsoText: [...TASK.alsoText!, "result.task.responsibleWorkPosition", "result.task.createdByWorkPosition"], extra: ["time"] },
  },
  {
    fn: "DisapproveTask",
    title: "work awaiting control sent back: the task answer, as RenewTask's (the docs' sample is a refusal, below)",
    sample: "RenewTask",
    args: async (m) => ["--task", await awaitingControl(m)],
    shape: TASK,
  },
  { fn: "CompleteTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  {
    fn: "RenewTask",
    args: async (m) => {
      const id = await task(m);
      await m.lib.completeTask({ task: id });
      return ["--task", id];
    },
    shape: TASK,
  },
  { fn: "DeferTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  {
    fn: "PauseTask",
    args: async (m) => {
      const id = await task(m);
      await m.lib.startTask({ task: id });
      return ["--task", id];
    },
    shape: TASK,
  },
  { fn: "StartTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  { fn: "StartWatchingTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  { fn: "StopWatchingTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  { fn: "DelegateTask", args: async (m) => ["--task", await task(m), "--user", "2"], shape: TASK },
  { fn: "AddTaskToFavorites", args: async (m) => ["--task", await task(m)] },
  {
    fn: "RemoveTaskFromFavorites",
    args: async (m) => {
      const id = await task(m);
      await m.lib.addTaskToFavorites({ task: id });
      return ["--task", id];
    },
  },
  {
    fn: "GetTaskHistory",
    args: async (m) => {
      const id = await task(m);
      await m.lib.updateTask({ task: id, fields: { TITLE: "Another task title" } });
      return ["--task", id];
    },
    shape: { extra: ["time"] }, // the docs' block was cut before `time`
  },
  { fn: "CheckTaskAccesses", args: async (m) => ["--task", await task(m), "--users", "['1','2']"] },
  { fn: "MuteTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  { fn: "UnmuteTask", args: async (m) => ["--task", await task(m)], shape: TASK },
  { fn: "CreateTasksDependencies", args: async (m) => ["--taskfrom", await task(m), "--taskto", await task(m), "--linktype", "2"] },
  {
    fn: "DeleteTasksDependencies",
    args: async (m) => {
      const [from, to] = [await task(m), await task(m)];
      await m.lib.createTasksDependencies({ taskfrom: from, taskto: to, linktype: 2 });
      return ["--taskfrom", from, "--taskto", to, "--linktype", "2"];
    },
  },
  { fn: "GetDailyPlan", args: () => [] },
  {
    fn: "GetTaskFieldsStructure",
    args: () => [],
    // Fields Bitrix24 added after the docs' run, and user fields the other rows make meanwhile.
    shape: {
      extra: [
        "time",
        ...Object.keys(taskEntity.fields).filter((k) => !(k in opiSample("GetTaskFieldsStructure").result.fields)).map((k) => `result.fields.${k}`),
        ...Array.from({ length: 100 }, (_, i) => `result.fields.UF_SAMPLE_FIELD_${i + 1}`),
        "result.fields.ACTIVITY_DATE.type",
        "result.fields.ACTIVITY_DATE.default",
      ],
    },
  },
  { fn: "GetTasksFilterStructure", once: true, args: () => ["--empty", "false"] },

  // Custom task fields
  { fn: "GetCustomTaskFieldsList", args: async (m) => (await newCustomField(m), []) },
  { fn: "AddCustomTaskField", args: () => ["--type", "string", "--fieldname", `SAMPLE_FIELD_${++fields}`, "--externalid", "BITRIX_TEXT_FIELD", "--title", "Text field", "--label", "{'en':'Some field','ru':'Nekotoroe pole'}"] },
  {
    fn: "UpdateCustomTaskField",
    args: async (m) => ["--fieldid", String((await newCustomField(m)).id), "--externalid", "NEW_TEXT_FIELD", "--title", "New title", "--label", "{'en':'Updated field','ru':'Izmenennoe pole'}"],
  },
  { fn: "GetCustomTaskField", args: async (m) => ["--fieldid", String((await newCustomField(m)).id)] },
  { fn: "DeleteCustomTaskField", args: async (m) => ["--fieldid", String((await newCustomField(m)).id)] },

  // Checklists
  { fn: "AddTasksChecklistElement", args: async (m) => ["--task", await task(m), "--text", "Checklist element", "--complete", "true"] },
  {
    fn: "UpdateTasksChecklistElement",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--element", String(await newChecklistItem(m, id)), "--text", "New element text"];
    },
  },
  {
    fn: "DeleteTasksChecklistElement",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--element", String(await newChecklistItem(m, id))];
    },
  },
  {
    fn: "GetTasksChecklist",
    args: async (m) => {
      const id = await task(m);
      await newChecklistItem(m, id);
      return ["--task", id];
    },
  },
  {
    fn: "GetTasksChecklistElement",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--element", String(await newChecklistItem(m, id))];
    },
  },
  {
    fn: "CompleteTasksChecklistElement",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--element", String(await newChecklistItem(m, id))];
    },
  },
  {
    fn: "RenewTasksChecklistElement",
    args: async (m) => {
      const id = await task(m);
      const item = await newChecklistItem(m, id);
      await m.lib.completeTasksChecklistElement({ task: id, element: item });
      return ["--task", id, "--element", String(item)];
    },
  },

  // Comments and results
  {
    fn: "GetTaskCommentsList",
    args: async (m) => {
      const id = await task(m);
      await newComment(m, id);
      return ["--task", id];
    },
  },
  {
    fn: "GetTaskComment",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--comment", String(await newComment(m, id))];
    },
  },
  { fn: "AddTaskComment", args: async (m) => ["--task", await task(m), "--text", "Task comment"] },
  {
    fn: "UpdateTaskComment",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--comment", String(await newComment(m, id)), "--text", "The task has been changed, let's split up"];
    },
  },
  {
    fn: "DeleteTaskComment",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--comment", String(await newComment(m, id))];
    },
  },
  {
    fn: "GetResultsList",
    args: async (m) => {
      const id = await task(m);
      await m.lib.createResultFromComment({ comment: await newComment(m, id) });
      return ["--task", id];
    },
  },
  { fn: "CreateResultFromComment", args: async (m) => ["--comment", String(await newComment(m, await task(m)))] },
  {
    fn: "DeleteResultFromComment",
    args: async (m) => {
      const comment = await newComment(m, await task(m));
      await m.lib.createResultFromComment({ comment: comment });
      return ["--comment", String(comment)];
    },
  },
  { fn: "GetCommentStructure", once: true, args: () => ["--empty", "false"] },

  // Kanban (the caller's My plan)
  { fn: "AddKanbanStage", args: () => ["--title", "New stage", "--color", "0026FF"] },
  { fn: "UpdateKanbansStage", args: async (m) => ["--title", "New stage name", "--stage", String(await newStage(m)), "--color", "000000"] },
  { fn: "DeleteKanbanStage", args: async (m) => ["--stage", String(await newStage(m, "Stage to delete"))] },
  // JSON.parse puts the sample's numeric keys in ascending order: its first entry there has no CAN_SORT_ITEMS.
  { fn: "GetKanbanStages", args: () => ["--entityid", "0"], shape: { extra: ["time", "result.<n>.CAN_SORT_ITEMS"] } },
  { fn: "MoveTaskToKanbanStage", args: async (m) => ["--task", await task(m), "--stage", String(await newStage(m))] },

  // Task time accounting
  { fn: "AddTaskTimeAccounting", args: async (m) => ["--task", await task(m), "--amount", "7200", "--user", "2", "--text", "Time spent on work", "--date", "2025-11-10T16:55:49"] },
  {
    fn: "DeleteTaskTimeAccounting",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--record", String(await newTimeRecord(m, id))];
    },
  },
  {
    fn: "GetTaskTimeAccountingList",
    args: async (m) => {
      const id = await task(m);
      await newTimeRecord(m, id);
      await m.lib.addTaskTimeAccounting({ task: id, amount: 7200, user: 2, text: "Time spent on work", date: "2025-12-06T11:21:54" });
      return ["--task", id];
    },
  },
  {
    fn: "GetTaskTimeAccounting",
    args: async (m) => {
      const id = await task(m);
      const record = (await m.lib.addTaskTimeAccounting({ task: id, amount: 7200, user: 2, text: "Time spent on work", date: "2025-11-10T16:55:49" })).result;
      return ["--task", id, "--record", String(record)];
    },
  },
  {
    fn: "UpdateTaskTimeAccounting",
    args: async (m) => {
      const id = await task(m);
      return ["--task", id, "--record", String(await newTimeRecord(m, id)), "--amount", "4800", "--text", "Time spent on work, corrected", "--date", "2025-12-06T11:21:54"];
    },
  },
];

it("every function of the task regions has a row, and the five task time-accounting functions too", () => {
  assertRegionsCovered(REGIONS, rows);
  const covered = new Set(rows.map((r) => r.fn));
  assert.deepEqual(TIME_FUNCTIONS.filter((fn) => !covered.has(fn)), []);
  const timekeeping = (catalogue as readonly Definition[]).filter((d) => d.region === "Timekeeping" && (d as { method?: string }).method?.startsWith("task.")).map((d) => d.name);
  assert.deepEqual(timekeeping.sort(), [...TIME_FUNCTIONS].sort(), "Timekeeping's task functions are these five");
});

describeSampleRows("the task family, through the CLI", rows, { portal: () => ctx.portal, modes });

describe("the task family: what the samples alone do not show", () => {
  it("DisapproveTask on a task not awaiting control: Bitrix24's refusal 1048582, shaped like the sample (exit 3)", async () => {
    for (const m of await modes()) {
      const run = await runCli(["bitrix24", "DisapproveTask", ...m.auth, "--task", await task(m)]);
      assert.equal(run.code, 3, run.stderr);
      const answer = JSON.parse(run.stdout);
      assertSameShape(answer, opiSample("DisapproveTask"));
      assert.equal(answer.error, 1048582);
      assert.ok(!(run.stdout + run.stderr).includes(ctx.portal.secret));
    }
  });

  it("elapsed time added to a task and summed: the task's TIME_SPENT_IN_LOGS and DURATION_FACT follow the records (issue #14)", async () => {
    for (const m of await modes()) {
      const id = await task(m);
      const totals = async () => {
        const t = (await m.lib.getTask({ task: id })).result.task;
        return [t.timeSpentInLogs, t.durationFact];
      };
      assert.deepEqual(await totals(), [null, null], "no time spent yet");
      const first = (await m.lib.addTaskTimeAccounting({ task: id, amount: 3600 })).result;
      const second = (await m.lib.addTaskTimeAccounting({ task: id, amount: 7200, user: 2, text: "Time spent on work", date: "2025-12-06T11:21:54" })).result;
      assert.deepEqual(await totals(), ["10800", "180"]);
      const list = await m.lib.getTaskTimeAccountingList({ task: id });
      assertLikeSample(list, "GetTaskTimeAccountingList");
      assert.equal(list.total, 2);
      assert.deepEqual(
        list.result.map((r) => [r.ID, r.TASK_ID, r.USER_ID, r.SECONDS, r.MINUTES, r.COMMENT_TEXT, r.SOURCE]),
        [[String(first), id, "1", "3600", "60", "", "2"], [String(second), id, "2", "7200", "120", "Time spent on work", "2"]],
      );
      // The date the work is booked on, as given (read in the portal's zone, UTC); the record's own moment in DATE_START/DATE_STOP.
      assert.equal(list.result[1].CREATED_DATE, "2025-12-06T11:21:54+00:00");
      assert.match(String(list.result[1].DATE_START), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

      assert.equal((await m.lib.updateTaskTimeAccounting({ task: id, record: second, amount: 1800, text: "Half an hour" })).result, null);
      const updated = (await m.lib.getTaskTimeAccounting({ task: id, record: second })).result;
      assert.deepEqual([updated.SECONDS, updated.MINUTES, updated.COMMENT_TEXT, updated.USER_ID], ["1800", "30", "Half an hour", "2"]);
      assert.deepEqual(await totals(), ["5400", "90"]);
      // tasks.task.list sees the totals too (filter and select).
      const listed = await m.lib.getTasksList({ filter: { ID: id, ">=TIME_SPENT_IN_LOGS": 5400 }, select: ["ID", "TIME_SPENT_IN_LOGS"] });
      assert.deepEqual(listed.result.tasks, [{ id, timeSpentInLogs: "5400" }]);

      assert.equal((await m.lib.deleteTaskTimeAccounting({ task: id, record: first })).result, null);
      assert.deepEqual(await totals(), ["1800", "30"]);
      await m.lib.deleteTaskTimeAccounting({ task: id, record: second });
      assert.deepEqual(await totals(), [null, null], "no record left: nothing spent");
      assert.deepEqual((await m.lib.getTaskTimeAccountingList({ task: id })).result, []);
      // Each change of the total is in the task's history.
      const history = (await m.lib.getTaskHistory({ task: id })).result.list.filter((e) => e.field === "TIME_SPENT_IN_LOGS").map((e) => [e.value.from, e.value.to]);
      assert.deepEqual(history, [["0", "3600"], ["3600", "10800"], ["10800", "5400"], ["5400", "1800"], ["1800", "0"]]);
    }
  });

  it("time records: Bitrix24's refusals (ERROR_CORE), each a Bitrix24Error and nothing changed", async () => {
    const [m] = await modes();
    const id = await task(m);
    const record = await newTimeRecord(m, id, 600);
    const refused = async (promise: Promise<unknown>, text: RegExp) => {
      const error = await promise.then(() => assert.fail("expected a refusal"), (e: unknown) => e);
      assert.ok(error instanceof Bitrix24Error, String(error));
      assert.equal(error.code, "ERROR_CORE");
      assert.equal(error.status, 400);
      assert.match(error.description, text);
    };
    await refused(m.lib.getTaskTimeAccounting({ task: id, record: 999999 }), /Action not allowed/);
    await refused(m.lib.addTaskTimeAccounting({ task: 999999, amount: 60 }), /Action not allowed/);
    await refused(m.lib.addTaskTimeAccounting({ task: id, amount: "an hour" }), /whole number of seconds/);
    await refused(m.lib.addTaskTimeAccounting({ task: id, amount: 60, user: 999 }), /User not found/);
    await refused(m.lib.updateTaskTimeAccounting({ task: await task(m), record: record, amount: 60 }), /Action not allowed/); // another task's record
    // User 2 sees nothing of a task they are no member of, and may not change user 1's record of a task they are.
    await refused(asUser2().getTaskTimeAccountingList({ task: id }), /Action not allowed/);
    const shared = await task(m, { ACCOMPLICES: [2] });
    const mine = await newTimeRecord(m, shared, 60);
    await refused(asUser2().deleteTaskTimeAccounting({ task: shared, record: mine }), /Action not allowed/);
    const theirs = (await asUser2().addTaskTimeAccounting({ task: shared, amount: 120 })).result;
    assert.equal((await asUser2().getTaskTimeAccounting({ task: shared, record: theirs })).result.USER_ID, "2");
    assert.deepEqual((await m.lib.getTask({ task: id })).result.task.timeSpentInLogs, "600");
    assert.deepEqual((await m.lib.getTask({ task: shared })).result.task.timeSpentInLogs, "180");
    // A TASKID that is not a number is the family's WRONG_ARGUMENTS; without one, getlist (ORDER first) reads every task the caller sees.
    await refused(m.lib.call("task.elapseditem.getlist", { TASKID: "abc" }), /Param #0 \(taskId\) for method ctaskelapseditem::getlist\(\) expected to be of type "integer"/);
    const across = await m.lib.call<any>("task.elapseditem.getlist", { ORDER: { ID: "desc" }, FILTER: { ">=ID": record }, SELECT: ["ID", "TASK_ID", "SECONDS"] });
    assert.deepEqual(across.result, [
      { ID: String(theirs), TASK_ID: shared, SECONDS: "120" },
      { ID: String(mine), TASK_ID: shared, SECONDS: "60" },
      { ID: String(record), TASK_ID: id, SECONDS: "600" },
    ]);
    const paged = await m.lib.call<any>("task.elapseditem.getlist", { 0: { ID: "asc" }, 1: { ">=ID": record }, 2: ["ID"], 3: { NAV_PARAMS: { nPageSize: 2, iNumPage: 2 } } }); // by position
    assert.deepEqual([paged.result, paged.total], [[{ ID: String(theirs) }], 3]);
  });
});

describe("synthetic tasks (startPortal({ tasks: N })) with --data", () => {
  const tmp = useScratchDir();
  it("stay computed after a restart; the ones changed or deleted stay so, with their time records and totals", async () => {
    const file = join(tmp.path, "tasks.db");
    const first = await startPortal({ data: file, tasks: 500 });
    try {
      const lib = new Bitrix24Client({ url: first.webhookUrl, plan: "off" });
      await lib.updateTask({ task: 7, fields: { TITLE: "Changed" } });
      await lib.deleteTask({ task: 5 });
      await lib.addTaskTimeAccounting({ task: 9, amount: 900, text: "Kept" });
    } finally {
      await first.close();
    }
    const second = await startPortal({ data: file }); // no `tasks`: the saved portal keeps its own
    try {
      const lib = new Bitrix24Client({ url: second.webhookUrl, plan: "off" });
      assert.equal((await lib.getTask({ task: 7 })).result.task.title, "Changed");
      assert.equal((await lib.getTask({ task: 400 })).result.task.title, "Task #400");
      assert.deepEqual((await lib.getTask({ task: 5 })).result, []); // deleted: tasks-task-get.md's empty result
      assert.equal((await lib.getTask({ task: 9 })).result.task.timeSpentInLogs, "900");
      assert.deepEqual((await lib.getTaskTimeAccountingList({ task: 9 })).result.map((r) => r.COMMENT_TEXT), ["Kept"]);
      assert.equal((await lib.getTasksList({ select: ["ID"] })).total, 499);
      assert.equal((await lib.createTask({ fields: { TITLE: "New", RESPONSIBLE_ID: 1 } })).result.task.id, "501");
    } finally {
      await second.close();
    }
  });
});

// ---- every function once through the library (client-bound in both modes; positional in the webhook mode) ----

/** One call per function, with a check of what it answers. */
const LIBRARY: Record<string, (m: Mode) => Promise<void>> = {
  GetTask: async (m) => assert.equal((await m.lib.getTask({ task: await task(m) })).result.task.title, "New task"),
  GetTasksList: async (m) => {
    const id = await task(m, { TITLE: "Listed" });
    assert.deepEqual((await m.lib.getTasksList({ filter: { ID: id }, select: ["ID", "TITLE"] })).result.tasks, [{ id, title: "Listed" }]);
  },
  CreateTask: async (m) => assert.equal((await m.lib.createTask({ fields: { TITLE: "Made", RESPONSIBLE_ID: 1 } })).result.task.title, "Made"),
  UpdateTask: async (m) => assert.equal((await m.lib.updateTask({ task: await task(m), fields: { TITLE: "Renamed" } })).result.task.title, "Renamed"),
  DeleteTask: async (m) => assert.equal((await m.lib.deleteTask({ task: await task(m) })).result.task, true),
  AttachFileToTopic: async (m) => assert.ok((await m.lib.attachFileToTopic({ task: await task(m), fileid: await newFile(m) })).result.attachmentId),
  ApproveTask: async (m) => assert.equal((await m.lib.approveTask({ task: await awaitingControl(m) })).result.task.status, "5"),
  DisapproveTask: async (m) => assert.equal((await m.lib.disapproveTask({ task: await awaitingControl(m) })).result.task.status, "2"),
  CompleteTask: async (m) => assert.equal((await m.lib.completeTask({ task: await task(m) })).result.task.status, "5"),
  RenewTask: async (m) => {
    const id = await task(m);
    await m.lib.completeTask({ task: id });
    assert.equal((await m.lib.renewTask({ task: id })).result.task.status, "2");
  },
  DeferTask: async (m) => assert.equal((await m.lib.deferTask({ task: await task(m) })).result.task.status, "6"),
  PauseTask: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.startTask({ task: id })).result.task.status, "3");
    assert.equal((await m.lib.pauseTask({ task: id })).result.task.status, "2");
  },
  StartTask: async (m) => assert.equal((await m.lib.startTask({ task: await task(m) })).result.task.status, "3"),
  StartWatchingTask: async (m) => {
    const id = await task(m, { RESPONSIBLE_ID: 2 });
    assert.deepEqual((await asUser2().startWatchingTask({ task: id })).result.task.auditors, []); // the responsible follows it anyway
    assert.ok((await m.lib.startWatchingTask({ task: id })).result.task);
  },
  StopWatchingTask: async (m) => assert.deepEqual((await m.lib.stopWatchingTask({ task: await task(m, { AUDITORS: [1] }) })).result.task.auditors, []),
  DelegateTask: async (m) => assert.equal((await m.lib.delegateTask({ task: await task(m), user: 3 })).result.task.responsibleId, "3"),
  AddTaskToFavorites: async (m) => {
    const id = await task(m);
    await m.lib.addTaskToFavorites({ task: id });
    assert.equal((await m.lib.getTask({ task: id })).result.task.favorite, "Y");
  },
  RemoveTaskFromFavorites: async (m) => {
    const id = await task(m);
    await m.lib.addTaskToFavorites({ task: id });
    await m.lib.removeTaskFromFavorites({ task: id });
    assert.equal((await m.lib.getTask({ task: id })).result.task.favorite, "N");
  },
  GetTaskHistory: async (m) => assert.equal((await m.lib.getTaskHistory({ task: await task(m) })).result.list[0].field, "NEW"),
  CheckTaskAccesses: async (m) => assert.equal((await m.lib.checkTaskAccesses({ task: await task(m), users: ["1", "2"] })).result.allowedActions["2"].EDIT, false),
  MuteTask: async (m) => assert.equal((await m.lib.muteTask({ task: await task(m) })).result.task.isMuted, "Y"),
  UnmuteTask: async (m) => {
    const id = await task(m);
    await m.lib.muteTask({ task: id });
    assert.equal((await m.lib.unmuteTask({ task: id })).result.task.isMuted, "N");
  },
  CreateTasksDependencies: async (m) => {
    const [from, to] = [await task(m), await task(m)];
    await m.lib.createTasksDependencies({ taskfrom: from, taskto: to, linktype: 0 });
    assert.deepEqual((await m.lib.getTasksList({ filter: { DEPENDS_ON: from }, select: ["ID"] })).result.tasks, [{ id: to }]);
  },
  DeleteTasksDependencies: async (m) => {
    const [from, to] = [await task(m), await task(m)];
    await m.lib.createTasksDependencies({ taskfrom: from, taskto: to, linktype: 3 });
    await m.lib.deleteTasksDependencies({ taskfrom: from, taskto: to, linktype: 3 });
    assert.deepEqual((await m.lib.getTasksList({ filter: { DEPENDS_ON: from }, select: ["ID"] })).result.tasks, []);
  },
  GetDailyPlan: async (m) => assert.ok(Array.isArray((await m.lib.getDailyPlan()).result)),
  GetTaskFieldsStructure: async (m) => assert.equal((await m.lib.getTaskFieldsStructure()).result.fields.TITLE.required, true),
  GetTasksFilterStructure: async (m) => assert.deepEqual(Object.keys(m.lib.getTasksFilterStructure({ empty: true })), Object.keys(opiSample("GetTasksFilterStructure"))),
  GetCustomTaskFieldsList: async (m) => {
    const field = await newCustomField(m);
    assert.ok((await m.lib.getCustomTaskFieldsList()).result.some((f: any) => f.FIELD_NAME === field.name));
  },
  AddCustomTaskField: async (m) => assert.equal(typeof (await newCustomField(m)).id, "number"),
  UpdateCustomTaskField: async (m) => {
    const field = await newCustomField(m);
    await m.lib.updateCustomTaskField({ fieldid: field.id, externalid: "NEW_XML" });
    assert.equal((await m.lib.getCustomTaskField({ fieldid: field.id })).result.XML_ID, "NEW_XML");
  },
  GetCustomTaskField: async (m) => {
    const field = await newCustomField(m);
    assert.equal((await m.lib.getCustomTaskField({ fieldid: field.id })).result.FIELD_NAME, field.name);
  },
  DeleteCustomTaskField: async (m) => {
    const field = await newCustomField(m);
    await m.lib.deleteCustomTaskField({ fieldid: field.id });
    assert.equal((await m.lib.getTaskFieldsStructure()).result.fields[field.name], undefined);
  },
  AddTasksChecklistElement: async (m) => {
    const id = await task(m);
    const item = (await m.lib.addTasksChecklistElement({ task: id, text: "Done already", complete: true })).result;
    assert.equal((await m.lib.getTasksChecklistElement({ task: id, element: item })).result.IS_COMPLETE, "Y");
  },
  UpdateTasksChecklistElement: async (m) => {
    const id = await task(m);
    const item = await newChecklistItem(m, id);
    await m.lib.updateTasksChecklistElement({ task: id, element: item, text: "Renamed item" });
    assert.equal((await m.lib.getTasksChecklistElement({ task: id, element: item })).result.TITLE, "Renamed item");
  },
  DeleteTasksChecklistElement: async (m) => {
    const id = await task(m);
    const item = await newChecklistItem(m, id);
    await m.lib.deleteTasksChecklistElement({ task: id, element: item });
    assert.ok(!(await m.lib.getTasksChecklist({ task: id })).result.some((i: any) => i.ID === String(item)));
  },
  GetTasksChecklist: async (m) => {
    const id = await task(m);
    await newChecklistItem(m, id, "Only item");
    assert.ok((await m.lib.getTasksChecklist({ task: id })).result.some((i: any) => i.TITLE === "Only item"));
  },
  GetTasksChecklistElement: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.getTasksChecklistElement({ task: id, element: await newChecklistItem(m, id, "Read me") })).result.TITLE, "Read me");
  },
  CompleteTasksChecklistElement: async (m) => {
    const id = await task(m);
    const item = await newChecklistItem(m, id);
    await m.lib.completeTasksChecklistElement({ task: id, element: item });
    assert.equal((await m.lib.getTasksChecklistElement({ task: id, element: item })).result.IS_COMPLETE, "Y");
  },
  RenewTasksChecklistElement: async (m) => {
    const id = await task(m);
    const item = (await m.lib.addTasksChecklistElement({ task: id, text: "Again", complete: true })).result;
    await m.lib.renewTasksChecklistElement({ task: id, element: item });
    assert.equal((await m.lib.getTasksChecklistElement({ task: id, element: item })).result.IS_COMPLETE, "N");
  },
  GetTaskCommentsList: async (m) => {
    const id = await task(m);
    await newComment(m, id, "First");
    assert.deepEqual((await m.lib.getTaskCommentsList({ task: id })).result.map((c: any) => c.POST_MESSAGE), ["First"]);
  },
  GetTaskComment: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.getTaskComment({ task: id, comment: await newComment(m, id, "Read") })).result.POST_MESSAGE, "Read");
  },
  AddTaskComment: async (m) => {
    const id = await task(m);
    await newComment(m, id);
    assert.equal((await m.lib.getTask({ task: id })).result.task.commentsCount, "1");
  },
  UpdateTaskComment: async (m) => {
    const id = await task(m);
    const comment = await newComment(m, id);
    await m.lib.updateTaskComment({ task: id, comment: comment, text: "Changed" });
    assert.equal((await m.lib.getTaskComment({ task: id, comment: comment })).result.POST_MESSAGE, "Changed");
  },
  DeleteTaskComment: async (m) => {
    const id = await task(m);
    await m.lib.deleteTaskComment({ task: id, comment: await newComment(m, id) });
    assert.deepEqual((await m.lib.getTaskCommentsList({ task: id })).result, []);
  },
  GetResultsList: async (m) => {
    const id = await task(m);
    const comment = await newComment(m, id, "The result");
    await m.lib.createResultFromComment({ comment: comment });
    assert.deepEqual((await m.lib.getResultsList({ task: id })).result.map((r: any) => r.text), ["The result"]);
  },
  CreateResultFromComment: async (m) => assert.equal((await m.lib.createResultFromComment({ comment: await newComment(m, await task(m), "Done") })).result.text, "Done"),
  DeleteResultFromComment: async (m) => {
    const id = await task(m);
    const comment = await newComment(m, id);
    await m.lib.createResultFromComment({ comment: comment });
    await m.lib.deleteResultFromComment({ comment: comment });
    assert.deepEqual((await m.lib.getResultsList({ task: id })).result, []);
  },
  GetCommentStructure: async (m) => assert.deepEqual(Object.keys(m.lib.getCommentStructure({ empty: true })), Object.keys(opiSample("GetCommentStructure"))),
  AddKanbanStage: async (m) => {
    const stage = await newStage(m, "Library stage");
    assert.equal((await m.lib.getKanbanStages({ entityid: 0 })).result[String(stage)].TITLE, "Library stage");
  },
  UpdateKanbansStage: async (m) => {
    const stage = await newStage(m);
    await m.lib.updateKanbansStage({ stage: stage, title: "Renamed stage" });
    assert.equal((await m.lib.getKanbanStages({})).result[String(stage)].TITLE, "Renamed stage");
  },
  DeleteKanbanStage: async (m) => {
    const stage = await newStage(m);
    await m.lib.deleteKanbanStage({ stage: stage });
    assert.equal((await m.lib.getKanbanStages({})).result[String(stage)], undefined);
  },
  GetKanbanStages: async (m) => assert.ok(Object.values((await m.lib.getKanbanStages({})).result).every((s: any) => s.ENTITY_TYPE === "U" && s.ENTITY_ID === "1")),
  MoveTaskToKanbanStage: async (m) => {
    const id = await task(m, { GROUP_ID: 7 });
    const first = Object.values((await m.lib.getKanbanStages({ entityid: 7, admin: true })).result)[1] as { ID: string };
    await m.lib.moveTaskToKanbanStage({ task: id, stage: first.ID });
    assert.equal((await m.lib.getTask({ task: id })).result.task.stageId, first.ID);
  },
  AddTaskTimeAccounting: async (m) => {
    const id = await task(m);
    await newTimeRecord(m, id, 90);
    assert.equal((await m.lib.getTask({ task: id })).result.task.timeSpentInLogs, "90");
  },
  DeleteTaskTimeAccounting: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.deleteTaskTimeAccounting({ task: id, record: await newTimeRecord(m, id) })).result, null);
  },
  GetTaskTimeAccountingList: async (m) => {
    const id = await task(m);
    await newTimeRecord(m, id, 120);
    assert.deepEqual((await m.lib.getTaskTimeAccountingList({ task: id })).result.map((r) => r.MINUTES), ["2"]);
  },
  GetTaskTimeAccounting: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.getTaskTimeAccounting({ task: id, record: await newTimeRecord(m, id, 60) })).result.SECONDS, "60");
  },
  UpdateTaskTimeAccounting: async (m) => {
    const id = await task(m);
    assert.equal((await m.lib.updateTaskTimeAccounting({ task: id, record: await newTimeRecord(m, id), amount: 30 })).result, null);
  },
};

describe("the task family through the library", () => {
  it("a check for every function of these regions", () => {
    const names = (catalogue as readonly Definition[]).filter((d) => REGIONS.includes(d.region)).map((d) => d.name);
    assert.deepEqual([...names, ...TIME_FUNCTIONS].filter((fn) => !(fn in LIBRARY)), []);
  });
  for (const name of ["webhook", "token"] as const) {
    it(`${name}: every function, client-bound`, async () => {
      const m = (await modes()).find((candidate) => candidate.name === name)!;
      for (const [fn, check] of Object.entries(LIBRARY)) await check(m).catch((error: unknown) => assert.fail(`${fn}: ${String(error)}`));
    });
  }
  it("positional functions with the token last, as OpenIntegrations' (a few)", async () => {
    const [, m] = await modes();
    const id = (await bitrix24.createTask(m.url, { TITLE: "Positional", RESPONSIBLE_ID: 1 }, m.token)).result.task.id;
    const record = (await bitrix24.addTaskTimeAccounting(m.url, id, 600, "", "By position", "", m.token)).result;
    assert.equal((await bitrix24.getTaskTimeAccounting(m.url, id, record, m.token)).result.COMMENT_TEXT, "By position");
    assert.equal((await bitrix24.getTask(m.url, id, m.token)).result.task.timeSpentInLogs, "600");
    const item = (await bitrix24.addTasksChecklistElement(m.url, id, "Positional item", false, m.token)).result;
    assert.equal((await bitrix24.getTasksChecklistElement(m.url, id, item, m.token)).result.TITLE, "Positional item");
  });
});
