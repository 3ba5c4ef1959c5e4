// The tasks family's documented answers for what goes wrong, over HTTP, one row per answer: a task
// or item that does not exist or is not the caller's, a missing or mistyped parameter, an order or
// filter key a method does not take. Each row names the page of the official docs
// (api-reference/tasks/…, "Returned Data" / "Error Handling") whose status, code and text it checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { usePortal } from "./helpers.js";

const ctx = usePortal();
const SECRETS = { 2: "user2errorssecret", 3: "user3errorssecret" } as const;
type User = 1 | 2 | 3;

/** The raw HTTP answer of `method` called by `user` through their webhook. */
async function raw(method: string, params: Record<string, unknown>, user: User = 1) {
  const url = user === 1 ? `${ctx.portal.webhookUrl}${method}` : `${ctx.portal.url}/rest/${user}/${SECRETS[user]}/${method}`;
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
  return { status: response.status, body: (await response.json()) as any };
}
async function result(method: string, params: Record<string, unknown>, user: User = 1) {
  const answer = await raw(method, params, user);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.result;
}

/** What the rows act on, made once: user 1's task (user 2 responsible, user 3 no part), a checklist item, comments. */
const made = { task: 0, gone: 0, item: 0, comment: 0, theirs: 0 };
const MISSING = 999999;

let setUp: Promise<void> | undefined;
/** Makes them on first use (the portal starts in usePortal's hook). */
const setup = () => (setUp ??= make());
async function make(): Promise<void> {
  ctx.portal.credentials.addWebhook(2, SECRETS[2]);
  ctx.portal.credentials.addWebhook(3, SECRETS[3]);
  made.task = Number((await result("tasks.task.add", { fields: { TITLE: "Errors", RESPONSIBLE_ID: 2 } })).task.id);
  made.gone = Number((await result("tasks.task.add", { fields: { TITLE: "Deleted" } })).task.id);
  await result("tasks.task.delete", { taskId: made.gone });
  made.item = await result("task.checklistitem.add", { TASKID: made.task, FIELDS: { TITLE: "Item" } });
  made.comment = await result("task.commentitem.add", { TASKID: made.task, FIELDS: { POST_MESSAGE: "First" } });
  made.theirs = await result("task.commentitem.add", { TASKID: made.task, FIELDS: { POST_MESSAGE: "Second" } }, 2);
}

interface Row {
  /** The page (under api-reference/tasks/) that documents the answer. */
  doc: string;
  what: string;
  method: string;
  params: () => Record<string, unknown>;
  user?: User;
  status: number;
  /** The whole body for an error; `result` for a 200 answer. */
  body?: { error: string | number; error_description: string };
  result?: unknown;
}

const NOT_ALLOWED = "Action on the task is not allowed";
const CTASKITEM = "CTaskItem All parameters in the constructor must have real class type";
const core = (text: string) => ({ error: "ERROR_CORE", error_description: `${text}<br>` });

const ROWS: Row[] = [
  // ---- tasks.task.* ----
  { doc: "tasks-task-get.md", what: "a task that does not exist is an empty result", method: "tasks.task.get", params: () => ({ taskId: made.gone }), status: 200, result: [] },
  { doc: "tasks-task-get.md", what: "a task the caller may not see is an empty result", method: "tasks.task.get", params: () => ({ taskId: made.task }), user: 3, status: 200, result: [] },
  { doc: "tasks-task-get.md", what: "no taskId", method: "tasks.task.get", params: () => ({}), status: 400, body: { error: 100, error_description: `${CTASKITEM} (internal error)` } },
  { doc: "tasks-task-get.md", what: "a taskId of the wrong type", method: "tasks.task.get", params: () => ({ taskId: "abc" }), status: 400, body: { error: 0, error_description: "wrong task id" } },
  {
    doc: "tasks-task-get.md", what: "an empty select", method: "tasks.task.get", params: () => ({ taskId: made.task, select: "" }), status: 400,
    body: { error: 100, error_description: "Invalid value {} to match with parameter {select}. Should be value of type array. (internal error)" },
  },
  { doc: "tasks-task-list.md", what: "an order key that is no field", method: "tasks.task.list", params: () => ({ order: { FOO: "asc" } }), status: 400, body: { error: 0, error_description: "Invalid sorting key (internal error)" } },
  { doc: "tasks-task-list.md", what: "an order key that cannot be sorted by", method: "tasks.task.list", params: () => ({ order: { RESPONSIBLE_ID: "asc" } }), status: 400, body: { error: 0, error_description: "Invalid sorting key (internal error)" } },
  { doc: "tasks-task-add.md", what: "no fields", method: "tasks.task.add", params: () => ({}), status: 400, body: { error: 100, error_description: "Could not find value for parameter {fields} (internal error)" } },
  { doc: "tasks-task-update.md", what: "no fields", method: "tasks.task.update", params: () => ({ taskId: made.task }), status: 400, body: { error: 100, error_description: "Could not find value for parameter {fields} (internal error)" } },
  { doc: "tasks-task-update.md", what: "no taskId", method: "tasks.task.update", params: () => ({ fields: { TITLE: "x" } }), status: 400, body: { error: 100, error_description: `${CTASKITEM} (internal error)` } },
  {
    doc: "tasks-task-update.md", what: "a task the caller may not see", method: "tasks.task.update", params: () => ({ taskId: made.task, fields: { TITLE: "x" } }), user: 3, status: 400,
    body: { error: 0, error_description: `${NOT_ALLOWED} (internal error)` },
  },
  {
    doc: "tasks-task-update.md", what: "a task that does not exist", method: "tasks.task.update", params: () => ({ taskId: MISSING, fields: { TITLE: "x" } }), status: 400,
    body: { error: 0, error_description: `${NOT_ALLOWED} (internal error)` },
  },
  { doc: "tasks-task-delete.md", what: "a task that does not exist", method: "tasks.task.delete", params: () => ({ taskId: MISSING }), status: 400, body: { error: 1048582, error_description: "No access to delete the task" } },
  { doc: "tasks-task-delete.md", what: "no taskId", method: "tasks.task.delete", params: () => ({}), status: 400, body: { error: 100, error_description: CTASKITEM } },
  { doc: "status/tasks-task-complete.md", what: "a task that does not exist", method: "tasks.task.complete", params: () => ({ taskId: MISSING }), status: 400, body: { error: 0, error_description: NOT_ALLOWED } },
  { doc: "status/tasks-task-pause.md", what: "a task that does not exist", method: "tasks.task.pause", params: () => ({ taskId: MISSING }), status: 400, body: { error: 1048582, error_description: NOT_ALLOWED } },
  { doc: "tasks-task-disapprove.md", what: "a task the caller may not see", method: "tasks.task.disapprove", params: () => ({ taskId: made.task }), user: 3, status: 400, body: { error: 1048582, error_description: NOT_ALLOWED } },
  { doc: "tasks-task-delegate.md", what: "a task that does not exist", method: "tasks.task.delegate", params: () => ({ taskId: MISSING, userId: 2 }), status: 400, body: { error: 0, error_description: NOT_ALLOWED } },
  { doc: "tasks-task-delegate.md", what: "no userId", method: "tasks.task.delegate", params: () => ({ taskId: made.task }), status: 400, body: { error: 100, error_description: "Could not find value for parameter {userId}" } },
  { doc: "user-actions/tasks-task-mute.md", what: "a task that does not exist is an empty result", method: "tasks.task.mute", params: () => ({ taskId: MISSING }), status: 200, result: [] },
  { doc: "user-actions/tasks-task-unmute.md", what: "a task the caller may not see is an empty result", method: "tasks.task.unmute", params: () => ({ taskId: made.task }), user: 3, status: 200, result: [] },
  { doc: "user-actions/tasks-task-start-watch.md", what: "a task that does not exist", method: "tasks.task.startwatch", params: () => ({ taskId: MISSING }), status: 400, body: { error: 1048584, error_description: "a:0:{}" } },
  { doc: "user-actions/tasks-task-stop-watch.md", what: "a task the caller may not see", method: "tasks.task.stopwatch", params: () => ({ taskId: made.task }), user: 3, status: 400, body: { error: 1048584, error_description: "a:0:{}" } },
  {
    doc: "user-actions/tasks-task-favorite-add.md", what: "a task that does not exist", method: "tasks.task.favorite.add", params: () => ({ taskId: MISSING }), status: 400,
    body: { error: 1, error_description: "Task not found or not accessible" },
  },
  {
    doc: "user-actions/tasks-task-favorite-remove.md", what: "a task the caller may not see", method: "tasks.task.favorite.remove", params: () => ({ taskId: made.task }), user: 3, status: 400,
    body: { error: 1, error_description: "Task not found or not accessible" },
  },
  { doc: "tasks-task-history-list.md", what: "a task that does not exist is an empty list", method: "tasks.task.history.list", params: () => ({ taskId: made.gone }), status: 200, result: { list: [] } },
  { doc: "tasks-task-history-list.md", what: "a task the caller may not see", method: "tasks.task.history.list", params: () => ({ taskId: made.task }), user: 3, status: 400, body: { error: 0, error_description: "Access denied. (internal error)" } },
  { doc: "tasks-task-history-list.md", what: "a taskId of the wrong type", method: "tasks.task.history.list", params: () => ({ taskId: "abc" }), status: 400, body: { error: 0, error_description: "wrong task id (internal error)" } },
  { doc: "tasks-task-get-access.md", what: "a task the caller may not see: no actions", method: "tasks.task.getaccess", params: () => ({ taskId: made.task }), user: 3, status: 200, result: { allowedActions: [] } },
  {
    doc: "tasks-task-get-access.md", what: "users that is no list", method: "tasks.task.getaccess", params: () => ({ taskId: made.task, users: "" }), status: 400,
    body: { error: 100, error_description: "Invalid value {} to match with parameter {users}. Should be value of type array." },
  },
  {
    doc: "tasks-task-files-attach.md", what: "no fileId", method: "tasks.task.files.attach", params: () => ({ taskId: made.task }), status: 400,
    body: { error: 100, error_description: "Could not find value for parameter {fileId} (internal error)" },
  },
  {
    doc: "tasks-task-files-attach.md", what: "a fileId of the wrong type", method: "tasks.task.files.attach", params: () => ({ taskId: made.task, fileId: "abc" }), status: 400,
    body: { error: 100, error_description: "Invalid value {abc} to match with parameter {fileId}. Should be value of type int. (internal error)" },
  },
  { doc: "tasks-task-files-attach.md", what: "a task the caller may not change", method: "tasks.task.files.attach", params: () => ({ taskId: made.task, fileId: 1 }), user: 3, status: 400, body: { error: 0, error_description: "Access denied (internal error)" } },
  { doc: "result/tasks-task-result-list.md", what: "a task that does not exist", method: "tasks.task.result.list", params: () => ({ taskId: MISSING }), status: 400, body: { error: 0, error_description: "Access denied." } },
  {
    doc: "result/tasks-task-result-add-from-comment.md", what: "a commentId of the wrong type", method: "tasks.task.result.addFromComment", params: () => ({ commentId: "abc" }), status: 400,
    body: { error: 100, error_description: "Invalid value {abc} to match with parameter {commentId}. Should be value of type int." },
  },

  // ---- task.checklistitem.* ----
  {
    doc: "checklist-item/task-checklist-item-get.md", what: "an item that does not exist", method: "task.checklistitem.get", params: () => ({ TASKID: made.task, ITEMID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE"),
  },
  {
    doc: "checklist-item/task-checklist-item-get.md", what: "a task the caller may not see", method: "task.checklistitem.get", params: () => ({ TASKID: made.task, ITEMID: made.item }), user: 3, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE"),
  },
  {
    doc: "checklist-item/task-checklist-item-delete.md", what: "an item that does not exist", method: "task.checklistitem.delete", params: () => ({ TASKID: made.task, ITEMID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#8; Deleting item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"),
  },
  {
    doc: "checklist-item/task-checklist-item-delete.md", what: "a task the caller may not see", method: "task.checklistitem.delete", params: () => ({ TASKID: made.task, ITEMID: made.item }), user: 3, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#8; Deleting item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"),
  },
  {
    doc: "checklist-item/task-checklist-item-get-list.md", what: "a task that does not exist", method: "task.checklistitem.getlist", params: () => ({ TASKID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"),
  },
  {
    doc: "checklist-item/task-checklist-item-get-list.md", what: "an ORDER key it does not sort by", method: "task.checklistitem.getlist", params: () => ({ TASKID: made.task, ORDER: { IS_COMPLETED: "asc" } }), status: 400,
    body: core('TASKS_ERROR_EXCEPTION_#256; Param #1 (arOrder) for method ctaskchecklistitem::getlist() must not contain key "IS_COMPLETED".; 256/TE/WRONG_ARGUMENTS'),
  },
  {
    doc: "checklist-item/task-checklist-item-update.md", what: "a task the caller may not edit", method: "task.checklistitem.update", params: () => ({ TASKID: made.task, ITEMID: made.item, FIELDS: { TITLE: "x" } }), user: 3, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#4; No access to edit the task; 4/TE/ACTION_NOT_ALLOWED"),
  },
  {
    doc: "checklist-item/task-checklist-item-add.md", what: "a task the caller may not see", method: "task.checklistitem.add", params: () => ({ TASKID: made.task, FIELDS: { TITLE: "x" } }), user: 3, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#8; Adding item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"),
  },

  // ---- task.commentitem.* ----
  {
    doc: "comment-item/task-comment-item-get.md", what: "a comment that does not exist", method: "task.commentitem.get", params: () => ({ TASKID: made.task, ITEMID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE"),
  },
  {
    doc: "comment-item/task-comment-item-update.md", what: "a comment that does not exist", method: "task.commentitem.update", params: () => ({ TASKID: made.task, ITEMID: MISSING, FIELDS: { POST_MESSAGE: "x" } }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED"),
  },
  {
    doc: "comment-item/task-comment-item-update.md", what: "another user's comment", method: "task.commentitem.update", params: () => ({ TASKID: made.task, ITEMID: made.comment, FIELDS: { POST_MESSAGE: "x" } }), user: 2, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED"),
  },
  {
    doc: "comment-item/task-comment-item-update.md", what: "an empty POST_MESSAGE", method: "task.commentitem.update", params: () => ({ TASKID: made.task, ITEMID: made.comment, FIELDS: { POST_MESSAGE: "" } }), status: 400,
    body: core("Comment text not specified."),
  },
  {
    doc: "comment-item/task-comment-item-delete.md", what: "a comment that does not exist", method: "task.commentitem.delete", params: () => ({ TASKID: made.task, ITEMID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED"),
  },
  {
    doc: "comment-item/task-comment-item-delete.md", what: "a task the caller may not see", method: "task.commentitem.delete", params: () => ({ TASKID: made.task, ITEMID: made.comment }), user: 3, status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED"),
  },
  {
    doc: "comment-item/task-comment-item-get-list.md", what: "a task that does not exist", method: "task.commentitem.getlist", params: () => ({ TASKID: MISSING }), status: 400,
    body: core("TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED"),
  },
  {
    doc: "comment-item/task-comment-item-get-list.md", what: "an ORDER key it does not sort by", method: "task.commentitem.getlist", params: () => ({ TASKID: made.task, ORDER: { ">=POST_DATE": "asc" } }), status: 400,
    body: core('TASKS_ERROR_EXCEPTION_#256; Param #1 (arOrder) for method ctaskcommentitem::getlist() must not contain key ">=POST_DATE".; 256/TE/WRONG_ARGUMENTS'),
  },
  {
    doc: "comment-item/task-comment-item-get-list.md", what: "a FILTER key it does not filter by", method: "task.commentitem.getlist", params: () => ({ TASKID: made.task, FILTER: { "%POST_DATE": "2025" } }), status: 400,
    body: core('TASKS_ERROR_EXCEPTION_#256; Param #2 (arFilter) for method ctaskcommentitem::getlist() must not contain key "%POST_DATE".; 256/TE/WRONG_ARGUMENTS'),
  },
];

describe("the tasks family's documented answers", () => {
  for (const row of ROWS) {
    it(`${row.method}: ${row.what} (${row.doc})`, async () => {
      await setup();
      const answer = await raw(row.method, row.params(), row.user);
      assert.equal(answer.status, row.status, JSON.stringify(answer.body));
      if (row.body) assert.deepEqual(answer.body, row.body);
      else assert.deepEqual(answer.body.result, row.result);
    });
  }
});

describe("what the refused calls leave, and the keys the pages allow", () => {
  it("tasks.task.list sorts by a documented key that is no stored field (STATUS_COMPLETE, REAL_STATUS)", async () => {
    await setup();
    const done = Number((await result("tasks.task.add", { fields: { TITLE: "Done", STATUS: 5 } })).task.id);
    const open = Number((await result("tasks.task.add", { fields: { TITLE: "Open" } })).task.id);
    const order = async (key: string, direction: string) =>
      (await result("tasks.task.list", { filter: { ID: [done, open] }, order: { [key]: direction }, select: ["ID"] })).tasks.map((t: any) => Number(t.id));
    assert.deepEqual(await order("STATUS_COMPLETE", "desc"), [done, open]);
    assert.deepEqual(await order("status_complete", "asc"), [open, done]);
    assert.deepEqual(await order("REAL_STATUS", "desc"), [done, open]);
  });

  it("task.commentitem.getlist takes the documented ORDER and FILTER keys", async () => {
    await setup();
    const list = async (params: Record<string, unknown>) => (await result("task.commentitem.getlist", { TASKID: made.task, ...params })).map((c: any) => Number(c.ID));
    assert.deepEqual(await list({}), [made.comment, made.theirs]); // oldest first, as GetTaskCommentsList's real answer
    assert.deepEqual(await list({ ORDER: { ID: "desc" } }), [made.theirs, made.comment]);
    assert.deepEqual(await list({ ORDER: { ID: "asc" }, FILTER: { AUTHOR_ID: 2 } }), [made.theirs]);
    assert.deepEqual(await list({ ORDER: { ID: "asc" }, FILTER: { "!AUTHOR_ID": 2, ">=POST_DATE": "2000-01-01" } }), [made.comment]);
  });

  it("a refused comment update or delete changes nothing", async () => {
    await setup();
    await raw("task.commentitem.update", { TASKID: made.task, ITEMID: made.comment, FIELDS: { POST_MESSAGE: "x" } }, 2);
    await raw("task.commentitem.delete", { TASKID: made.task, ITEMID: made.comment }, 3);
    assert.equal((await result("task.commentitem.get", { TASKID: made.task, ITEMID: made.comment })).POST_MESSAGE, "First");
  });
});
