// Tasks on the local portal (tasks.task.*, task.checklistitem.*, task.commentitem.*,
// tasks.task.result.*, task.item.userfield.*, task.stages.*, task.dependence.*, task.planner.getlist)
// over HTTP, with the payloads OpenIntegrations sends, as several users (webhooks and OAuth tokens
// of users 1, 2 and 3): the life cycle with its history, Bitrix24's numeric refusals, approval
// under TASK_CONTROL, checklists, comments turned into results, kanban and "My plan" stages, custom
// fields, and tasks.task.list's filters, order, select and keyset walk. Answers against the samples.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { seedTasks } from "../src/portal/data/tasks.js";
import { addToDayPlan } from "../src/portal/methods/task-items.js";
import { PortalState, startPortal } from "../src/portal/index.js";
import { usePortal } from "./helpers.js";
import { assertLikeSample, assertSameShape, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
/** Clients of users 1 (admin, the webhook), 2 (a webhook of theirs) and 3 (an OAuth token), made on first use. */
const clients = new Map<number, Bitrix24Client>();
let token3 = "";
function as(user: 1 | 2 | 3): Bitrix24Client {
  if (clients.size === 0) {
    ctx.portal.credentials.addWebhook(2, "user2webhooksecret");
    token3 = ctx.portal.credentials.issueToken(3);
    clients.set(1, new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" }));
    clients.set(2, new Bitrix24Client({ url: `${ctx.portal.url}/rest/2/user2webhooksecret/`, plan: "off" }));
    clients.set(3, new Bitrix24Client({ url: ctx.portal.url, token: token3, plan: "off" }));
  }
  return clients.get(user)!;
}
const call = async (user: 1 | 2 | 3, method: string, params: Record<string, unknown> = {}) => (await as(user).call<any>(method, params)) as any;
/** The raw HTTP answer (status and body): Bitrix24's numeric error codes are checked as they arrive. */
async function raw(method: string, params: Record<string, unknown>, user: 1 | 2 | 3 = 1) {
  as(user);
  const url = user === 1 ? `${ctx.portal.webhookUrl}${method}` : user === 2 ? `${ctx.portal.url}/rest/2/user2webhooksecret/${method}` : `${ctx.portal.url}/rest/${method}`;
  const body = user === 3 ? { ...params, auth: token3 } : params;
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}
const newTask = async (fields: Record<string, unknown>, user: 1 | 2 | 3 = 1) => Number((await call(user, "tasks.task.add", { fields: { TITLE: "New task", ...fields } })).result.task.id);
const status = async (id: number, user: 1 | 2 | 3 = 1) => (await call(user, "tasks.task.get", { taskId: id })).result.task.status;

/** Where our users differ from the docs' portal: ours have a position (workPosition is text then). */
const PEOPLE = ["result.task.creator.workPosition", "result.task.responsible.workPosition"];

/**
 * Keys whose value is text or nothing depending on the task's data (a deadline or not, started or
 * not, commented or not) or on what the portal does not keep (views in the browser, dragging in the
 * list, the new task card's service comments): a sample's null or text there accepts either, as
 * rule 4 of opi-sample-shape.ts does for a description. Every other key is compared as it is.
 */
const TEXT_OR_NOTHING = [
  "description", "deadline", "startDatePlan", "endDatePlan", "dateStart", "closedBy", "closedDate", "statusChangedBy", "commentsCount",
  "serviceCommentsCount", "forumTopicId", "forumId", "viewedDate", "sorting", "deadlineOrig",
];
function likeSample(answer: any, name: string, options: Parameters<typeof assertSameShape>[2] = {}): void {
  const sample = opiSample(name);
  const tasks = sample.result?.task ? [sample.result.task] : (sample.result?.tasks ?? []);
  const ours = answer.result?.task ? [answer.result.task] : (answer.result?.tasks ?? []);
  tasks.forEach((task: any, i: number) => {
    const mine = ours[i] ?? ours[0] ?? {};
    for (const key of TEXT_OR_NOTHING) if (key in task && (task[key] === null || typeof task[key] === "string") && (mine[key] === null || typeof mine[key] === "string")) task[key] = mine[key];
  });
  assertSameShape(answer, sample, options);
}
/** The dates the docs' tasks had (a deadline and a planned span). */
const PLANNED = { DEADLINE: "2026-01-07T14:19:00+00:00", START_DATE_PLAN: "2026-01-06T14:19:48+00:00", END_DATE_PLAN: "2026-01-06T21:00:00+00:00" };

describe("the task life cycle", () => {
  it("a task created, started, paused, completed and renewed: the statuses and the history", async () => {
    // CreateTask's payload, English-site deadline format included.
    const created = await call(1, "tasks.task.add", { fields: { ...PLANNED, TITLE: "New task", DESCRIPTION: "New task description", PRIORITY: "2", DEADLINE: "12/11/2025 19:49:06", RESPONSIBLE_ID: "1" } });
    likeSample(created, "CreateTask", { alsoText: PEOPLE });
    const task = created.result.task;
    assert.equal(task.status, "2");
    assert.equal(task.priority, "2");
    assert.equal(task.deadline, "2025-12-11T19:49:06+00:00");
    assert.equal(task.action.start, true);
    const id = Number(task.id);

    const steps: [string, string, 1 | 3][] = [["tasks.task.start", "3", 1], ["tasks.task.pause", "2", 1], ["tasks.task.complete", "5", 1], ["tasks.task.renew", "2", 1]];
    for (const [method, expected] of steps) {
      const answer = await call(1, method, { taskId: id });
      assert.equal(answer.result.task.status, expected, method);
    }
    likeSample(await call(1, "tasks.task.start", { taskId: id }), "StartTask", { alsoText: PEOPLE });
    likeSample(await call(1, "tasks.task.pause", { taskId: id }), "PauseTask", { alsoText: PEOPLE });
    const completed = await call(1, "tasks.task.complete", { taskId: id });
    likeSample(completed, "CompleteTask", { alsoText: PEOPLE });
    assert.equal(completed.result.task.closedBy, "1");
    assert.equal(completed.result.task.action.renew, true);
    assert.equal(completed.result.task.action.complete, false);
    const renewed = await call(1, "tasks.task.renew", { taskId: id });
    likeSample(renewed, "RenewTask", { alsoText: PEOPLE });
    assert.equal(renewed.result.task.closedDate, null);
    likeSample(await call(1, "tasks.task.defer", { taskId: id }), "DeferTask", { alsoText: PEOPLE });
    assert.equal(await status(id), "6");

    const history = await call(1, "tasks.task.history.list", { taskId: id });
    assertLikeSample(history, "GetTaskHistory", { extra: ["time"] });
    const statuses = history.result.list.filter((e: any) => e.field === "STATUS").map((e: any) => `${e.value.from}>${e.value.to}`);
    assert.deepEqual(statuses, ["2>3", "3>2", "2>5", "5>2", "2>3", "3>2", "2>5", "5>2", "2>6"]);
    assert.equal(history.result.list[0].field, "NEW");
    const deadline = history.result.list.find((e: any) => e.field === "DEADLINE");
    assert.deepEqual(deadline.value, { from: "", to: String(Date.UTC(2025, 11, 11, 19, 49, 6) / 1000) });
  });

  it("an update is a history entry per field (UpdateTask's payload); get and delete like their samples", async () => {
    const id = await newTask({ ...PLANNED, PRIORITY: "2" });
    const updated = await call(1, "tasks.task.update", { taskId: id, fields: { TITLE: "Another task title", DESCRIPTION: "Another task description", PRIORITY: "1" } });
    likeSample(updated, "UpdateTask", { alsoText: PEOPLE });
    assert.equal(updated.result.task.title, "Another task title");
    const fields = (await call(1, "tasks.task.history.list", { taskId: id })).result.list.map((e: any) => [e.field, e.value.from, e.value.to]);
    assert.deepEqual(fields.slice(0, 4), [["NEW", null, null], ["DEADLINE", "", "1767795540"], ["START_DATE_PLAN", "", "1767709188"], ["END_DATE_PLAN", "", "1767733200"]]); // as GetTaskHistory's
    assert.deepEqual(fields.slice(4), [["TITLE", "New task", "Another task title"], ["DESCRIPTION", "", "Another task description"], ["PRIORITY", "2", "1"]]);
    likeSample(await call(1, "tasks.task.get", { taskId: id }), "GetTask", { alsoText: PEOPLE });
    assertLikeSample(await call(1, "tasks.task.delete", { taskId: id }), "DeleteTask");
    // tasks-task-get.md: a task that does not exist (or is not the caller's) is an empty result.
    const gone = await raw("tasks.task.get", { taskId: id });
    assert.equal(gone.status, 200);
    assert.deepEqual(gone.body.result, []);
  });

  it("an auditor may not complete (Bitrix24's error 0); a stranger's disapprove is DisapproveTask's 1048582; bad ids", async () => {
    const id = await newTask({ RESPONSIBLE_ID: 2, AUDITORS: [3] });
    // User 3 sees the task (an auditor) but completing it is not theirs to do.
    const seen = await call(3, "tasks.task.get", { taskId: id });
    assert.equal(seen.result.task.action.complete, false);
    assert.deepEqual(seen.result.task.auditors, ["3"]);
    const refused = await raw("tasks.task.complete", { taskId: id }, 3);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 0, error_description: "Action on the task is not allowed" });
    const disapproved = await raw("tasks.task.disapprove", { taskId: id }, 3);
    assertSameShape(disapproved.body, opiSample("DisapproveTask"));
    assert.equal(disapproved.body.error, 1048582);
    assert.equal(await status(id), "2");
    assert.deepEqual((await raw("tasks.task.start", {})).body, { error: 100, error_description: "CTaskItem All parameters in the constructor must have real class type" });
    assert.deepEqual((await raw("tasks.task.start", { taskId: "abc" })).body, { error: 0, error_description: "wrong task id" });
    assert.deepEqual((await raw("tasks.task.add", { fields: { TITLE: "" } })).body, { error: "ERROR_CORE", error_description: "Task title is not specified<br>" });
    // The responsible (user 2, through their webhook) does the work.
    assert.equal((await call(2, "tasks.task.complete", { taskId: id })).result.task.status, "5");
  });

  it("with TASK_CONTROL the responsible's completion awaits the creator's approval or disapproval", async () => {
    const id = await newTask({ ...PLANNED, DESCRIPTION: "Another task description", RESPONSIBLE_ID: 2, TASK_CONTROL: "Y" });
    await call(2, "task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "Done, please check" } });
    assert.equal((await call(2, "tasks.task.complete", { taskId: id })).result.task.status, "4");
    const notYours = await raw("tasks.task.approve", { taskId: id }, 3);
    assert.equal(notYours.body.error, 1048582);
    assert.equal((await call(1, "tasks.task.disapprove", { taskId: id })).result.task.status, "2");
    await call(2, "tasks.task.complete", { taskId: id });
    const approved = await call(1, "tasks.task.approve", { taskId: id });
    // The docs' ApproveTask block was cut inside checkListTree.fields and has no time; its creator had a photo.
    const sample = opiSample("ApproveTask");
    sample.result.task.createdByPhoto = null;
    for (const key of TEXT_OR_NOTHING) if (approved.result.task[key] === null || typeof approved.result.task[key] === "string") sample.result.task[key] = approved.result.task[key];
    assertSameShape(approved, sample, { extra: ["time"], alsoText: ["result.task.responsibleWorkPosition", "result.task.createdByWorkPosition", ...PEOPLE] });
    assert.equal(approved.result.task.status, "5");
    assert.equal(approved.result.task.statusComplete, "2");
    assert.equal((await raw("tasks.task.approve", { taskId: id })).body.error, 1048582); // not awaiting control any more
  });
});

describe("per-user marks, members and links", () => {
  it("favourites, mute, watching and delegation, each for the caller; getaccess per user", async () => {
    const id = await newTask({ ...PLANNED, RESPONSIBLE_ID: 1 });
    const watching = await call(1, "tasks.task.startwatch", { taskId: id });
    likeSample(watching, "StartWatchingTask", { alsoText: PEOPLE });
    assert.deepEqual(watching.result.task.auditors, []); // the creator follows the task anyway, as in the sample
    await call(1, "tasks.task.update", { taskId: id, fields: { ACCOMPLICES: [3] } });
    assert.deepEqual((await call(3, "tasks.task.startwatch", { taskId: id })).result.task.auditors, ["3"]);
    assert.deepEqual((await call(3, "tasks.task.stopwatch", { taskId: id })).result.task.auditors, []);
    await call(1, "tasks.task.update", { taskId: id, fields: { ACCOMPLICES: [] } });
    assertLikeSample(await call(1, "tasks.task.favorite.add", { taskId: id }), "AddTaskToFavorites");
    const muted = await call(1, "tasks.task.mute", { taskId: id });
    likeSample(muted, "MuteTask", { alsoText: PEOPLE });
    assert.equal(muted.result.task.isMuted, "Y");
    assert.equal((await call(2, "tasks.task.list", { filter: { ID: id } })).result.tasks.length, 0); // user 2 is no member: not theirs to see
    const mine = await call(1, "tasks.task.get", { taskId: id });
    assert.equal(mine.result.task.favorite, "Y");
    const favourites = await call(1, "tasks.task.list", { filter: { "::SUBFILTER-PARAMS": { FAVORITE: "Y" } }, select: ["ID"] });
    assert.deepEqual(favourites.result.tasks.map((t: any) => t.id), [String(id)]);
    likeSample(await call(1, "tasks.task.unmute", { taskId: id }), "UnmuteTask", { alsoText: PEOPLE });
    assertLikeSample(await call(1, "tasks.task.favorite.remove", { taskId: id }), "RemoveTaskFromFavorites");
    likeSample(await call(1, "tasks.task.stopwatch", { taskId: id }), "StopWatchingTask", { alsoText: PEOPLE });

    const delegated = await call(1, "tasks.task.delegate", { taskId: id, userId: 2 });
    likeSample(delegated, "DelegateTask", { alsoText: PEOPLE });
    assert.equal(delegated.result.task.responsibleId, "2");
    assert.deepEqual(delegated.result.task.auditors, []); // the creator delegated: they follow the task anyway
    // A responsible who is not the creator hands the task on and stays as an auditor.
    const handedOn = await call(2, "tasks.task.delegate", { taskId: id, userId: 3 });
    assert.deepEqual([handedOn.result.task.responsibleId, handedOn.result.task.auditors], ["3", ["2"]]);
    assert.deepEqual((await raw("tasks.task.delegate", { taskId: id, userId: 1 }, 2)).body, { error: 0, error_description: "Action on the task is not allowed" }); // an auditor now
    assert.equal((await raw("tasks.task.delegate", { taskId: id }, 3)).body.error, 100);
    await call(1, "tasks.task.update", { taskId: id, fields: { RESPONSIBLE_ID: 2, AUDITORS: [] } });
    const access = await call(1, "tasks.task.getaccess", { taskId: id, users: ["1", "2", "5"] });
    assertLikeSample(access, "CheckTaskAccesses");
    assert.equal(access.result.allowedActions["2"].START, true);
    assert.equal(access.result.allowedActions["5"].COMPLETE, false);
    assert.equal(access.result.allowedActions["1"].REMOVE, true);
  });

  it("dependencies (CreateTasksDependencies' payload), a Drive file attached, the day plan", async () => {
    const a = await newTask({});
    const b = await newTask({});
    const link = { taskIdFrom: String(a), taskIdTo: String(b), linkType: "2" };
    assertLikeSample(await call(1, "task.dependence.add", link), "CreateTasksDependencies");
    assert.equal((await raw("task.dependence.add", link)).body.error, "ILLEGAL_NEW_LINK");
    assert.equal((await raw("task.dependence.add", { taskIdFrom: b, taskIdTo: a, linkType: 2 })).body.error, "ACTION_NOT_ALLOWED"); // a cycle
    assert.deepEqual((await call(1, "tasks.task.list", { filter: { DEPENDS_ON: a }, select: ["ID"] })).result.tasks.map((t: any) => t.id), [String(b)]);
    assertLikeSample(await call(1, "task.dependence.delete", link), "DeleteTasksDependencies");
    assert.equal((await call(1, "tasks.task.list", { filter: { DEPENDS_ON: a }, select: ["ID"] })).result.tasks.length, 0);

    const disk = ctx.portal.state.disk as any;
    const folder = disk.chatFolder(1, 1);
    const token = disk.issueUpload({ folderId: Number(folder.ID ?? folder.id), userId: 1, uniqueName: true });
    const file = disk.completeUpload(token, "report.txt", Buffer.from("report")).file;
    const fileId = Number(file.ID ?? file.id);
    const attached = await call(1, "tasks.task.files.attach", { taskId: a, fileId });
    assertLikeSample(attached, "AttachFileToTopic");
    const withFiles = await call(1, "tasks.task.get", { taskId: a, select: ["ID", "UF_TASK_WEBDAV_FILES"] });
    assert.deepEqual(withFiles.result.task.ufTaskWebdavFiles, [String(attached.result.attachmentId)]);
    assert.equal(withFiles.result.task.ufCrmTask, false);
    assert.equal((await raw("tasks.task.files.attach", { taskId: a, fileId: 987654 })).body.error, "ERROR_CORE");

    assertLikeSample(await call(1, "task.planner.getlist"), "GetDailyPlan");
    addToDayPlan(ctx.portal.state, 1, b);
    assert.deepEqual((await call(1, "task.planner.getlist")).result, [b]);
  });
});

describe("checklists, comments and results", () => {
  it("a checklist completed item by item, in its sort order (OpenIntegrations' payloads)", async () => {
    const id = await newTask({});
    const first = await call(1, "task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: "First", IS_COMPLETE: "N" } });
    assertLikeSample(first, "AddTasksChecklistElement");
    const second = (await call(3, "task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: "Second" } }).catch((e) => e)) as any;
    assert.match(String(second.description ?? second), /action not allowed/); // user 3 has no part in the task
    const secondId = (await call(1, "task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: "Second", IS_COMPLETE: "N" } })).result;
    assertLikeSample(await call(1, "task.checklistitem.update", { TASKID: id, ITEMID: secondId, FIELDS: { TITLE: "Second, renamed" } }), "UpdateTasksChecklistElement");
    const list = await call(1, "task.checklistitem.getlist", { TASKID: id });
    assertLikeSample(list, "GetTasksChecklist");
    assert.deepEqual(list.result.map((i: any) => [i.TITLE, i.SORT_INDEX, i.PARENT_ID === 0 ? 0 : "child"]), [["BX_CHECKLIST_1", "0", 0], ["First", "0", "child"], ["Second, renamed", "1", "child"]]);
    for (const item of [first.result, secondId]) {
      assertLikeSample(await call(1, "task.checklistitem.complete", { TASKID: id, ITEMID: item }), "CompleteTasksChecklistElement");
      const got = await call(1, "task.checklistitem.get", { TASKID: id, ITEMID: item });
      assertLikeSample(got, "GetTasksChecklistElement", { alsoText: ["result.TOGGLED_BY"] });
      assert.equal(got.result.IS_COMPLETE, "Y");
      assert.equal(got.result.TOGGLED_BY, "1");
    }
    const task = (await call(1, "tasks.task.get", { taskId: id })).result.task;
    assert.equal(task.checkListTree.descendants[0].fields.completedCount, 2);
    assertLikeSample(await call(1, "task.checklistitem.renew", { TASKID: id, ITEMID: secondId }), "RenewTasksChecklistElement");
    assert.equal((await call(1, "task.checklistitem.get", { TASKID: id, ITEMID: secondId })).result.IS_COMPLETE, "N");
    assertLikeSample(await call(1, "task.checklistitem.delete", { TASKID: id, ITEMID: secondId }), "DeleteTasksChecklistElement");
    const history = (await call(1, "tasks.task.history.list", { taskId: id })).result.list.map((e: any) => e.field);
    assert.deepEqual(history.filter((f: string) => f.startsWith("CHECKLIST")), ["CHECKLIST_ITEM_CREATE", "CHECKLIST_ITEM_CREATE", "CHECKLIST_ITEM_RENAME", "CHECKLIST_ITEM_CHECK", "CHECKLIST_ITEM_CHECK", "CHECKLIST_ITEM_UNCHECK", "CHECKLIST_ITEM_REMOVE"]);
  });

  it("a comment turned into a result, and the result gone with its comment", async () => {
    const id = await newTask({ RESPONSIBLE_ID: 2 });
    const added = await call(2, "task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "Task uninpossible, don't split up" } });
    assertLikeSample(added, "AddTaskComment");
    const second = (await call(1, "task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "The task has been changed" } })).result;
    assertLikeSample(await call(2, "task.commentitem.update", { TASKID: id, ITEMID: added.result, FIELDS: { POST_MESSAGE: "The task has been changed, let's split up" } }), "UpdateTaskComment");
    const comments = await call(1, "task.commentitem.getlist", { TASKID: id });
    assertLikeSample(comments, "GetTaskCommentsList");
    assert.deepEqual(comments.result.map((c: any) => [c.AUTHOR_ID, c.POST_MESSAGE]), [["2", "The task has been changed, let's split up"], ["1", "The task has been changed"]]);
    assertLikeSample(await call(1, "task.commentitem.get", { TASKID: id, ITEMID: second }), "GetTaskComment");
    assert.equal((await call(1, "tasks.task.get", { taskId: id })).result.task.commentsCount, "2");

    const result = await call(2, "tasks.task.result.addFromComment", { commentId: added.result });
    assertLikeSample(result, "CreateResultFromComment");
    assert.equal(result.result.text, "The task has been changed, let's split up");
    assert.deepEqual((await raw("tasks.task.result.addFromComment", { commentId: added.result })).body, { error: 0, error_description: "Result already exists." });
    await call(1, "tasks.task.result.addFromComment", { commentId: second });
    const results = await call(1, "tasks.task.result.list", { taskId: id });
    assertLikeSample(results, "GetResultsList");
    assert.deepEqual(results.result.map((r: any) => r.commentId), [second, added.result]);
    assertLikeSample(await call(1, "tasks.task.result.deleteFromComment", { commentId: second }), "DeleteResultFromComment");
    assertLikeSample(await call(1, "task.commentitem.delete", { TASKID: id, ITEMID: second }), "DeleteTaskComment");
    assert.deepEqual((await call(1, "tasks.task.result.list", { taskId: id })).result.map((r: any) => r.commentId), [added.result]);
    const notTheAuthor = await raw("task.commentitem.delete", { TASKID: id, ITEMID: added.result }, 3);
    assert.equal(notTheAuthor.body.error, "ERROR_CORE");
  });
});

describe("kanban and My plan", () => {
  it("a task moved across a group's kanban stages (history kept) and across the caller's My plan", async () => {
    const id = await newTask({ GROUP_ID: 7, RESPONSIBLE_ID: 2 });
    const stages = await call(1, "task.stages.get", { entityId: "7", isAdmin: "Y" });
    // JSON.parse puts the sample's numeric keys in ascending order: its first entry there has no CAN_SORT_ITEMS.
    assertLikeSample(stages, "GetKanbanStages", { extra: ["time", "result.<n>.CAN_SORT_ITEMS"] });
    const columns = Object.values(stages.result) as any[];
    assert.deepEqual(columns.map((s) => [s.TITLE, s.ENTITY_TYPE, s.ENTITY_ID]), [["New", "G", "7"], ["In Progress", "G", "7"], ["Done", "G", "7"]]);
    const review = await call(1, "task.stages.add", { fields: { TITLE: "Review", COLOR: "0026FF", AFTER_ID: columns[1].ID, ENTITY_ID: 7, isAdmin: "Y" } });
    assertLikeSample(review, "AddKanbanStage");
    const titles = (Object.values((await call(1, "task.stages.get", { entityId: 7 })).result) as any[]).sort((x, y) => Number(x.SORT) - Number(y.SORT)).map((s) => s.TITLE);
    assert.deepEqual(titles, ["New", "In Progress", "Review", "Done"]);
    assertLikeSample(await call(1, "task.stages.update", { id: review.result, fields: { TITLE: "Peer review", COLOR: "000000" } }), "UpdateKanbansStage");

    assertLikeSample(await call(2, "task.stages.movetask", { id, stageId: review.result, after: "0" }), "MoveTaskToKanbanStage");
    assert.equal((await call(1, "tasks.task.get", { taskId: id })).result.task.stageId, String(review.result));
    assert.deepEqual((await call(1, "tasks.task.list", { filter: { STAGE_ID: review.result }, select: ["ID"] })).result.tasks.map((t: any) => t.id), [String(id)]);
    await call(2, "task.stages.movetask", { id, stageId: columns[2].ID });
    const moves = (await call(1, "tasks.task.history.list", { taskId: id })).result.list.filter((e: any) => e.field === "STAGE_ID").map((e: any) => [e.value.from, e.value.to]);
    assert.deepEqual(moves, [["0", String(review.result)], [String(review.result), String(columns[2].ID)]]);
    assert.equal((await raw("task.stages.movetask", { id, stageId: 999999 })).body.error, "NOT_FOUND");
    assert.equal((await raw("task.stages.delete", { id: columns[0].ID })).body.error, "IS_SYSTEM");
    assertLikeSample(await call(1, "task.stages.delete", { id: review.result, isAdmin: "N" }), "DeleteKanbanStage");

    // My plan: user 2's own columns (entityId 0), a column of their own added at the front.
    const plan = Object.values((await call(2, "task.stages.get", { entityId: "0" })).result) as any[];
    assert.deepEqual(plan.map((s) => [s.ENTITY_TYPE, s.ENTITY_ID]), [["U", "2"], ["U", "2"], ["U", "2"]]);
    assert.equal((await call(2, "task.stages.movetask", { id, stageId: plan[1].ID })).result, true);
    assert.equal((await raw("task.stages.movetask", { id, stageId: plan[1].ID })).body.error, "ACCESS_DENIED_MOVE"); // not user 1's plan
    assert.equal((await raw("task.stages.add", { fields: { TITLE: "" } })).body.error, "EMPTY_TITLE");
  });
});

describe("custom fields and tasks.task.list", () => {
  it("a custom field created (AddCustomTaskField's payload), listed by getFields, set on tasks and filtered on", async () => {
    const added = await call(1, "task.item.userfield.add", { PARAMS: { USER_TYPE_ID: "string", FIELD_NAME: "TEXT_FIELD", XML_ID: "BITRIX_TEXT_FIELD", LABEL: "Text field", EDIT_FORM_LABEL: { en: "Some field", ru: "Nekotoroe pole" } } });
    assertLikeSample(added, "AddCustomTaskField");
    assertLikeSample(await call(1, "task.item.userfield.update", { ID: added.result, DATA: { XML_ID: "NEW_TEXT_FIELD", EDIT_FORM_LABEL: { en: "Updated field", ru: "Izmenennoe pole" } } }), "UpdateCustomTaskField");
    const field = await call(1, "task.item.userfield.get", { ID: added.result });
    assertLikeSample(field, "GetCustomTaskField");
    assert.equal(field.result.FIELD_NAME, "UF_TEXT_FIELD");
    assert.equal(field.result.EDIT_FORM_LABEL.en, "Updated field");
    assertLikeSample(await call(1, "task.item.userfield.getlist"), "GetCustomTaskFieldsList");
    assert.equal((await raw("task.item.userfield.add", { PARAMS: { USER_TYPE_ID: "string", FIELD_NAME: "TEXT_FIELD" } })).body.error_description, "The field UF_TEXT_FIELD for the object TASKS_TASK already exists.");

    const fields = await call(1, "tasks.task.getFields");
    assertLikeSample(fields, "GetTaskFieldsStructure", { extra: ["time", ...Object.keys(fields.result.fields).filter((k) => !(k in opiSample("GetTaskFieldsStructure").result.fields)).map((k) => `result.fields.${k}`), "result.fields.ACTIVITY_DATE.type", "result.fields.ACTIVITY_DATE.default"] });
    assert.deepEqual(fields.result.fields.UF_TEXT_FIELD, { title: "Updated field", type: "string" });
    assert.deepEqual(fields.result.fields.STATUS.values, { 2: "Pending", 3: "In Progress", 4: "Awaiting Review", 5: "Completed", 6: "Deferred" });

    const red = await newTask({ TITLE: "Red", UF_TEXT_FIELD: "red" });
    const blue = await newTask({ TITLE: "Blue" });
    await call(1, "tasks.task.update", { taskId: blue, fields: { UF_TEXT_FIELD: "blue" } });
    const found = await call(1, "tasks.task.list", { filter: { UF_TEXT_FIELD: "blue" }, select: ["ID", "TITLE", "UF_*"] });
    assert.deepEqual(found.result.tasks, [{ id: String(blue), title: "Blue", ufCrmTask: false, ufTaskWebdavFiles: false, ufMailMessage: null, ufTextField: "blue" }]);
    assert.deepEqual((await call(1, "tasks.task.get", { taskId: red, select: ["UF_TEXT_FIELD"] })).result.task, { id: String(red), ufTextField: "red" });
    assertLikeSample(await call(1, "task.item.userfield.delete", { ID: added.result }), "DeleteCustomTaskField");
    assert.equal((await call(1, "tasks.task.getFields")).result.fields.UF_TEXT_FIELD, undefined);
  });

  it("tasks.task.list: its own filter keys, order, select, start paging and the result.tasks shape (both auth modes)", async () => {
    const ids = [await newTask({ ...PLANNED, TITLE: "Alpha", DESCRIPTION: "First", RESPONSIBLE_ID: 3 }, 1), await newTask({ ...PLANNED, TITLE: "Beta", DESCRIPTION: "Second", RESPONSIBLE_ID: 3, PRIORITY: 2 }, 1)];
    // As the docs' tasks were: reopened once (closedBy "0"), started, commented.
    for (const id of ids) {
      await call(3, "tasks.task.complete", { taskId: id });
      await call(3, "tasks.task.renew", { taskId: id });
      await call(3, "tasks.task.start", { taskId: id });
      await call(3, "tasks.task.pause", { taskId: id });
      await call(3, "task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "On it" } });
    }
    const listed = await call(3, "tasks.task.list", { filter: { RESPONSIBLE_ID: 3, ">=ID": ids[0] }, order: { TITLE: "desc" } });
    likeSample(listed, "GetTasksList", { extra: ["time", "total"], alsoText: ["result.tasks[].creator.workPosition", "result.tasks[].responsible.workPosition"] });
    assert.deepEqual(listed.result.tasks.map((t: any) => t.title), ["Beta", "Alpha"]);
    assert.equal(listed.total, 2);
    await call(1, "tasks.task.update", { taskId: ids[0], fields: { ACCOMPLICES: [2] } });
    const byAccomplice = await call(1, "tasks.task.list", { filter: { ACCOMPLICE: 2, REAL_STATUS: 2, "%TITLE": "alp" }, select: ["ID", "TITLE", "RESPONSIBLE_ID"] });
    assert.deepEqual(byAccomplice.result.tasks.map((t: any) => [t.id, t.title, t.responsibleId, t.responsible.id]), [[String(ids[0]), "Alpha", "3", "3"]]);
    // User 3 sees only their tasks; user 1 (an administrator) sees all, newest first by default.
    const all = await call(1, "tasks.task.list", { select: ["ID"] });
    const theirs = await call(3, "tasks.task.list", { select: ["ID"] });
    assert.ok(all.total > theirs.total);
    const allIds = all.result.tasks.map((t: any) => Number(t.id));
    assert.deepEqual(allIds, [...allIds].sort((a, b) => b - a));
  });

  it("N synthetic tasks cost nothing and the keyset walk (ID order, >ID, start=-1) reads them all, page by page", async () => {
    const state = new PortalState();
    seedTasks(state, 1234);
    const portal = await startPortal({ port: 0, state });
    try {
      const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
      const first = await client.call<any>("tasks.task.list", { start: 50, order: { ID: "ASC" }, select: ["ID", "TITLE", "STATUS"] });
      assert.equal((first as any).total, 1234);
      assert.equal((first as any).next, 100);
      assert.deepEqual(first.result.tasks[0], { id: "51", title: "Task #51", status: "3" });
      let last = 0;
      let pages = 0;
      const seen: number[] = [];
      for (;;) {
        const page = (await client.call<any>("tasks.task.list", { order: { ID: "ASC" }, filter: { ">ID": last }, select: ["ID"], start: -1 })) as any;
        assert.equal(page.total, undefined);
        pages++;
        if (page.result.tasks.length === 0) break;
        for (const t of page.result.tasks) seen.push(Number(t.id));
        last = seen.at(-1)!;
      }
      assert.equal(seen.length, 1234);
      assert.deepEqual(seen.slice(0, 3), [1, 2, 3]);
      assert.equal(new Set(seen).size, 1234);
      assert.equal(pages, Math.ceil(1234 / 50) + 1);
      // A synthetic task is a task like any other: task 1 is in progress; paused, it keeps the change.
      const paused = await client.call<any>("tasks.task.pause", { taskId: 1 });
      assert.equal(paused.result.task.status, "2");
      const history = await client.call<any>("tasks.task.history.list", { taskId: 1 });
      assert.deepEqual(history.result.list.map((e: any) => [e.field, e.value.from, e.value.to]), [["STATUS", "3", "2"]]);
    } finally {
      await portal.close();
    }
  });
});
