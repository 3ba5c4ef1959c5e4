// Declared indexes (EntityDef.indexes, EntityStore.where): a task's comments, checklist, time,
// results and history read through the TASK_ID index answer exactly what a scan would, among
// thousands of other tasks' rows, and keep doing so as rows are added, changed and deleted; the
// page's "My plan" and kanban boards read their tasks from the tasks' role and group indexes
// (synthetic tasks included). Then the store alone: each index kept through insert, replace
// (changing the value), delete, virtual rows, snapshot / restore and load, against a scan.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { StoreRegistry } from "../src/portal/engine/registry.js";
import { parseFilter, parseOrder, runQuery } from "../src/portal/engine/query.js";
import { EntityStore } from "../src/portal/engine/store.js";
import type { Row } from "../src/portal/engine/types.js";
import { commentEntity, taskEntity } from "../src/portal/data/tasks.js";

describe("a task's rows among thousands of other tasks' rows, over HTTP", () => {
  let portal: RunningPortal;
  const clients = new Map<number, Bitrix24Client>();
  const call = async (method: string, params: Record<string, unknown> = {}, user = 1): Promise<any> => {
    if (!clients.has(user)) clients.set(user, user === 1 ? new Bitrix24Client({ url: portal.webhookUrl, plan: "off" }) : new Bitrix24Client({ url: portal.url, token: portal.credentials.issueToken(user), plan: "off" }));
    return (await clients.get(user)!.call<any>(method, params)).result;
  };
  /** Up to 50 commands in one batch; each one's result, in order (a failed command fails the test). */
  const batch = async (commands: string[]): Promise<unknown[]> => {
    const res = await fetch(`${portal.webhookUrl}batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ halt: 1, cmd: commands }) });
    const body = (await res.json()) as any;
    assert.deepEqual(body.result.result_error, [], JSON.stringify(body.result.result_error));
    return body.result.result;
  };
  const section = async (path: string): Promise<any> => (await fetch(`${portal.url}/ui/api/section/tasks?path=${encodeURIComponent(path)}`)).json();
  const planTotal = async (user: number) => ((await section(`plan/${user}`)).columns as any[]).reduce((sum, c) => sum + c.total, 0);
  /** How many tasks tasks.task.list (a scan of the filter) finds with the user as a member. */
  const memberTotal = async (user: number) => {
    await call("server.time");
    return Number((await clients.get(1)!.call<any>("tasks.task.list", { filter: { MEMBER: user }, select: ["ID"] })).total);
  };

  const SYNTHETIC = 400;
  let target = 0;
  let other = 0;
  const targetComments: number[] = [];
  const targetChecklist: string[] = [];

  before(async () => {
    portal = await startPortal({ port: 0, tasks: SYNTHETIC });
    target = Number((await call("tasks.task.add", { fields: { TITLE: "The one", RESPONSIBLE_ID: 2, AUDITORS: [3] } })).task.id);
    other = Number((await call("tasks.task.add", { fields: { TITLE: "Another", RESPONSIBLE_ID: 4 } })).task.id);
    // 2,000 comments on other tasks (synthetic and stored), the target's own interleaved among them.
    for (let b = 0; b < 40; b++) {
      const commands = Array.from({ length: 50 }, (_, k) => {
        const task = k % 10 === 9 ? other : 1 + ((b * 50 + k) % SYNTHETIC);
        return `task.commentitem.add?TASKID=${task}&FIELDS[POST_MESSAGE]=noise%20${b}-${k}`;
      });
      await batch(commands);
      if (b % 8 === 3) targetComments.push(Number(await call("task.commentitem.add", { TASKID: target, FIELDS: { POST_MESSAGE: `mine ${b}` } })));
    }
    // 500 checklist items and 100 time records on other tasks, the target's among them.
    for (let b = 0; b < 10; b++) {
      await batch(Array.from({ length: 50 }, (_, k) => `task.checklistitem.add?TASKID=${1 + ((b * 50 + k) % SYNTHETIC)}&FIELDS[TITLE]=item%20${b}-${k}`));
      if (b % 3 === 0) {
        const title = `step ${b}`;
        await call("task.checklistitem.add", { TASKID: target, FIELDS: { TITLE: title } });
        targetChecklist.push(title);
      }
    }
    await batch(Array.from({ length: 50 }, (_, k) => `task.elapseditem.add?TASKID=${1 + k}&ARFIELDS[SECONDS]=60`));
    await call("task.elapseditem.add", { TASKID: target, ARFIELDS: { SECONDS: 5400, COMMENT_TEXT: "mine" } });
    await batch(Array.from({ length: 50 }, (_, k) => `task.elapseditem.add?TASKID=${other}&ARFIELDS[SECONDS]=${k + 1}`));
  });
  after(async () => {
    await portal?.close();
  });

  it("comments: the task's own, in order, as they are added and deleted", async () => {
    const list = async (id: number) => (await call("task.commentitem.getlist", { TASKID: id })) as any[];
    assert.equal(targetComments.length, 5);
    assert.deepEqual((await list(target)).map((c) => [Number(c.ID), c.POST_MESSAGE]), targetComments.map((id, i) => [id, `mine ${[3, 11, 19, 27, 35][i]}`]));
    assert.equal((await list(other)).length, 200);
    assert.equal((await list(7)).length, 5); // synthetic task 7: comments 6, 406, 806, 1206, 1606 of the round robin
    // A deleted comment leaves the list; one added later joins it; the counts follow.
    await call("task.commentitem.delete", { TASKID: target, ITEMID: targetComments[1] });
    const noise = (await list(7))[2];
    await call("task.commentitem.delete", { TASKID: 7, ITEMID: Number(noise.ID) });
    const late = Number(await call("task.commentitem.add", { TASKID: target, FIELDS: { POST_MESSAGE: "late" } }));
    const expected = [...targetComments.filter((_, i) => i !== 1), late];
    assert.deepEqual((await list(target)).map((c) => Number(c.ID)), expected);
    assert.equal((await list(7)).length, 4);
    assert.equal((await call("tasks.task.get", { taskId: target })).task.commentsCount, String(expected.length));
    // The page's task view shows the same comments.
    const view = await section(String(target));
    assert.deepEqual(view.comments.map((c: any) => c.id), expected);
    // A comment of the task turned into its result; the results list and the page show it alone.
    await call("tasks.task.result.addFromComment", { commentId: late });
    assert.deepEqual((await call("tasks.task.result.list", { taskId: target })).map((r: any) => r.commentId), [late]);
    assert.deepEqual((await call("tasks.task.result.list", { taskId: 7 })), []);
    await call("task.commentitem.delete", { TASKID: target, ITEMID: late });
    assert.deepEqual((await call("tasks.task.result.list", { taskId: target })), []);
  });

  it("checklist, time spent and history: the task's own only", async () => {
    const items = (await call("task.checklistitem.getlist", { TASKID: target })) as any[];
    assert.deepEqual(items.map((i) => i.TITLE), ["BX_CHECKLIST_1", ...targetChecklist]);
    assert.ok(items.every((i) => Number(i.TASK_ID) === target));
    const view = await section(String(target));
    assert.deepEqual(view.task.checklist, { done: 0, total: targetChecklist.length });
    const time = (await call("task.elapseditem.getlist", { TASKID: target })) as any[];
    assert.deepEqual(time.map((r) => [Number(r.TASK_ID), r.SECONDS, r.COMMENT_TEXT]), [[target, "5400", "mine"]]);
    assert.equal(((await call("task.elapseditem.getlist", { TASKID: other })) as any[]).length, 50);
    assert.equal(view.elapsed.length, 1);
    const history = (await call("tasks.task.history.list", { taskId: target })).list as any[];
    assert.deepEqual(history.filter((e) => e.field === "CHECKLIST_ITEM_CREATE").length, targetChecklist.length);
    assert.equal(view.history.length, history.length);
  });

  it("dependencies: a link found among others, a cycle refused, the link deleted", async () => {
    const a = Number((await call("tasks.task.add", { fields: { TITLE: "A" } })).task.id);
    for (let k = 1; k <= 30; k++) await call("task.dependence.add", { taskIdFrom: k, taskIdTo: k + 1, linkType: 2 });
    await call("task.dependence.add", { taskIdFrom: a, taskIdTo: target, linkType: 2 });
    await call("task.dependence.add", { taskIdFrom: 31, taskIdTo: a, linkType: 2 }); // 1 -> … -> 31 -> a -> target
    await assert.rejects(call("task.dependence.add", { taskIdFrom: target, taskIdTo: 5, linkType: 2 }), /Unable to add a link/); // a cycle through 30 links
    await assert.rejects(call("task.dependence.add", { taskIdFrom: a, taskIdTo: target, linkType: 2 }), /already exists/);
    assert.deepEqual((await call("tasks.task.list", { filter: { DEPENDS_ON: a }, select: ["ID"] })).tasks.map((t: any) => Number(t.id)), [target]);
    await call("task.dependence.delete", { taskIdFrom: a, taskIdTo: target });
    assert.deepEqual((await call("tasks.task.list", { filter: { DEPENDS_ON: a }, select: ["ID"] })).tasks, []);
    await call("task.dependence.add", { taskIdFrom: target, taskIdTo: 5, linkType: 2 }); // no cycle any more
  });

  it("My plan holds every task the user takes part in (synthetic ones too), as roles change", async () => {
    // Synthetic task N's responsible is user 1 + N % 5: user 2 has 80 of them, plus the target.
    assert.equal(await planTotal(2), 81);
    assert.equal(await planTotal(2), await memberTotal(2));
    const plan3 = await section("plan/3");
    assert.ok(plan3.columns.some((c: any) => c.cards.some((card: any) => card.id === target)), "the target is in its auditor's plan");
    // A synthetic task given to user 2, one taken from them, one deleted; the target's auditor changed.
    await call("tasks.task.update", { taskId: 2, fields: { RESPONSIBLE_ID: 2 } });
    await call("tasks.task.update", { taskId: 6, fields: { RESPONSIBLE_ID: 4 } });
    await call("tasks.task.delete", { taskId: 11 });
    await call("tasks.task.update", { taskId: 13, fields: { AUDITORS: [2] } });
    await call("tasks.task.update", { taskId: target, fields: { AUDITORS: [4] } });
    assert.equal(await planTotal(2), 81 + 1 - 1 - 1 + 1);
    assert.equal(await planTotal(2), await memberTotal(2));
    assert.equal(await planTotal(3), await memberTotal(3));
    const plan3After = await section("plan/3");
    assert.ok(!plan3After.columns.some((c: any) => c.cards.some((card: any) => card.id === target)), "no longer the target's auditor");
  });

  it("tasks.task.list: RESPONSIBLE_ID=N (read from the index) answers as @RESPONSIBLE_ID=[N] (a scan), page by page", async () => {
    const list = async (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const answer = await clients.get(1)!.call<any>("tasks.task.list", { filter, select: ["ID", "RESPONSIBLE_ID"], ...extra });
      return { ids: answer.result.tasks.map((t: any) => Number(t.id)), total: answer.total, next: answer.next };
    };
    for (const [filter, extra] of [
      [{}, {}],
      [{ ">ID": 120, "<=ID": 390 }, {}],
      [{}, { start: 50 }],
      [{}, { order: { TITLE: "DESC" }, start: 20 }],
      [{ REAL_STATUS: 2 }, {}],
      [{}, { order: { ID: "DESC" }, start: -1 }],
    ] as const) {
      for (const user of [2, 4]) {
        const viaIndex = await list({ ...filter, RESPONSIBLE_ID: user }, extra);
        assert.ok(viaIndex.ids.length > 0);
        assert.deepEqual(viaIndex, await list({ ...filter, "@RESPONSIBLE_ID": [user] }, extra), JSON.stringify({ filter, extra, user }));
      }
    }
    assert.deepEqual((await list({ RESPONSIBLE_ID: 77 })).ids, []);
  });

  it("a group's kanban holds the group's tasks as tasks move between groups", async () => {
    const ids: number[] = [];
    for (let k = 0; k < 4; k++) ids.push(Number((await call("tasks.task.add", { fields: { TITLE: `G ${k}`, GROUP_ID: 17 } })).task.id));
    await call("tasks.task.update", { taskId: 3, fields: { GROUP_ID: 17 } }); // a synthetic task joins
    const cards = async (group: number) => ((await section(`kanban/${group}`)).columns as any[]).flatMap((c) => c.cards.map((card: any) => card.id)).sort((x: number, y: number) => x - y);
    assert.deepEqual(await cards(17), [3, ...ids]);
    await call("tasks.task.update", { taskId: ids[1], fields: { GROUP_ID: 18 } });
    await call("tasks.task.delete", { taskId: ids[2] });
    assert.deepEqual(await cards(17), [3, ids[0], ids[3]]);
    assert.deepEqual(await cards(18), [ids[1]]);
  });
});

// ---- the store alone ---------------------------------------------------------------------------

/** What where() must answer: a scan, comparing by string form, array fields by element. */
function scan(store: EntityStore, field: string, value: unknown): number[] {
  const key = String(value);
  return store.all().filter((row) => (Array.isArray(row[field]) ? (row[field] as unknown[]).map(String) : row[field] === undefined || row[field] === null ? [] : [String(row[field])]).includes(key)).map((row) => Number(row.ID));
}
const idsOf = (rows: Row[]) => rows.map((row) => Number(row.ID));

describe("EntityStore indexes", () => {
  it("insert, replace changing the value, delete: where() answers what a scan does, ascending", () => {
    const store = new EntityStore("t", { indexes: ["TASK_ID", "TAGS"] });
    // Some rows before the index is first used (it is built then), more after (kept up to date).
    for (let i = 0; i < 30; i++) store.insert({ TASK_ID: i % 4, TAGS: [i % 3, "x"] });
    assert.deepEqual(idsOf(store.where("TASK_ID", 1)), [2, 6, 10, 14, 18, 22, 26, 30]);
    for (let i = 30; i < 60; i++) store.insert({ TASK_ID: i % 4, TAGS: [i % 3] });
    assert.deepEqual(idsOf(store.where("TASK_ID", 1)), scan(store, "TASK_ID", 1));
    store.replace(2, { TASK_ID: 3, TAGS: [] }); // moves from key 1 to key 3
    store.replace(7, { TASK_ID: 1 }); // moves into key 1, in ID order
    store.delete(10);
    assert.deepEqual(idsOf(store.where("TASK_ID", 1)), [6, 7, 14, 18, 22, 26, 30, 34, 38, 42, 46, 50, 54, 58]);
    assert.deepEqual(idsOf(store.where("TASK_ID", 3)), scan(store, "TASK_ID", 3));
    assert.ok(idsOf(store.where("TASK_ID", 3)).includes(2));
    // 5 and "5" are one key; an array field is found by each element; null and objects match nothing.
    assert.deepEqual(idsOf(store.where("TASK_ID", "1")), idsOf(store.where("TASK_ID", 1)));
    assert.deepEqual(idsOf(store.where("TAGS", "x")), scan(store, "TAGS", "x"));
    assert.deepEqual(idsOf(store.where("TAGS", 2)), scan(store, "TAGS", 2));
    assert.deepEqual(store.where("TASK_ID", null), []);
    assert.deepEqual(store.where("TASK_ID", { a: 1 }), []);
    assert.deepEqual(store.where("TASK_ID", 99), []);
    // A field without an index is scanned, with the same answer.
    store.insert({ TASK_ID: 1, OTHER: "a" });
    assert.deepEqual(idsOf(store.where("OTHER", "a")), [61]);
    assert.equal(store.indexedIds("OTHER", "a"), undefined);
    assert.deepEqual(store.indexedIds("TASK_ID", 1)?.at(-1), 61);
  });

  it("a random run of writes keeps every index equal to a scan", () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const store = new EntityStore("t", { indexes: ["K", "L"] });
    store.seedVirtual(200, (id) => ({ ID: id, K: id % 7, L: [id % 3, id % 5] }));
    assert.deepEqual(idsOf(store.where("K", 3)), scan(store, "K", 3)); // built over the virtual rows
    for (let step = 0; step < 2000; step++) {
      const op = rand(10);
      const id = 1 + rand(store.peek("ID") - 1);
      if (op < 4) store.insert({ K: rand(7), L: [rand(5), rand(5)] });
      else if (op < 8 && store.get(id)) store.replace(id, { ...store.get(id), K: rand(7), ...(rand(2) ? { L: [rand(5)] } : {}) });
      else store.delete(id);
      if (step % 250 === 0) for (let v = 0; v < 7; v++) assert.deepEqual(idsOf(store.where("K", v)), scan(store, "K", v), `step ${step} K=${v}`);
    }
    for (let v = 0; v < 7; v++) assert.deepEqual(idsOf(store.where("K", v)), scan(store, "K", v));
    for (let v = 0; v < 5; v++) assert.deepEqual(idsOf(store.where("L", v)), scan(store, "L", v));
  });

  it("virtual rows: indexed on first use; one replaced or deleted leaves its old key", () => {
    const store = new EntityStore("t", { indexes: ["K"] });
    store.seedVirtual(20, (id) => ({ ID: id, K: id % 2 }));
    assert.deepEqual(idsOf(store.where("K", 1)), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    store.replace(3, { K: 0 });
    store.delete(5);
    store.replace(8, { K: 1 });
    store.delete(8); // a written virtual row, then deleted
    assert.deepEqual(idsOf(store.where("K", 1)), [1, 7, 9, 11, 13, 15, 17, 19]);
    assert.deepEqual(idsOf(store.where("K", 0)), [2, 3, 4, 6, 10, 12, 14, 16, 18, 20]);
  });

  it("restore from a snapshot and load from saved rows: the index follows the restored rows", () => {
    const store = new EntityStore("t", { indexes: ["K"] });
    store.seedVirtual(10, (id) => ({ ID: id, K: id % 2 }));
    store.insert({ K: 1 });
    store.replace(2, { K: 1 });
    store.delete(1);
    const saved = store.snapshot();
    const before = idsOf(store.where("K", 1));
    assert.deepEqual(before, [2, 3, 5, 7, 9, 11]);
    store.insert({ K: 1 });
    store.replace(3, { K: 0 });
    store.restore(saved);
    assert.deepEqual(idsOf(store.where("K", 1)), before);
    store.insert({ K: 1 });
    assert.deepEqual(idsOf(store.where("K", 1)), [...before, 12]);

    // Into a fresh store, as persistence loads it (savedRow / counters), with the maker set again.
    const copy = new EntityStore("t", { indexes: ["K"] });
    copy.insert({ K: 1 }); // replaced by the load
    assert.deepEqual(idsOf(copy.where("K", 1)), [1]);
    copy.load(store.savedIds().map((id) => store.savedRow(id)!), store.counters());
    copy.setVirtualMaker((id) => ({ ID: id, K: id % 2 }));
    assert.deepEqual(idsOf(copy.where("K", 1)), [...before, 12]);
    assert.deepEqual(idsOf(copy.where("K", 0)), scan(store, "K", 0));
  });

  it("the query engine: an `=` on an indexed numeric field answers as the same query on an unindexed store", () => {
    const indexed = new EntityStore("q", { indexes: ["OWNER", "TAGS", "NAME"] });
    const plain = new EntityStore("q");
    for (const store of [indexed, plain]) {
      store.seedVirtual(300, (id) => ({ ID: id, OWNER: id % 6, NAME: `n${id % 4}`, TAGS: [id % 5] }));
      for (let i = 0; i < 200; i++) store.insert({ OWNER: i % 6, NAME: i % 2 ? "N1" : "n1", TAGS: [i % 5, 9] });
      for (let id = 1; id < 500; id += 7) store.replace(id, { ...store.get(id), OWNER: (id * 13) % 6 });
      for (let id = 3; id < 500; id += 11) store.delete(id);
    }
    const fields = { fields: { ID: { type: "integer", title: "" }, OWNER: { type: "integer", title: "" }, NAME: { type: "string", title: "" }, TAGS: { type: "integer", title: "", multiple: true } } } as const;
    const filters = [
      { OWNER: 2 }, { OWNER: "3" }, { OWNER: 2, ">ID": 250, "<ID": 450 }, { OWNER: 4, NAME: "N1" }, { TAGS: 9 }, { TAGS: 0, OWNER: 0 }, { NAME: "n1" },
      { OWNER: 7 }, { OWNER: [1, 2] }, { "!OWNER": 2 }, { LOGIC: "OR", OWNER: 1, NAME: "n2" },
    ];
    for (const filter of filters) {
      for (const [order, start] of [[{}, 0], [{}, 50], [{ ID: "DESC" }, -1], [{ NAME: "ASC" }, 10]] as const) {
        const query = (store: EntityStore) => runQuery(store, fields, { filter: parseFilter(filter, fields), order: parseOrder(order, fields), start });
        const page = query(indexed);
        assert.deepEqual({ ...page, rows: idsOf(page.rows) }, { ...query(plain), rows: idsOf(query(plain).rows) }, JSON.stringify({ filter, order, start }));
      }
    }
  });

  it("an entity's declared indexes are its store's (the task child tables by TASK_ID)", () => {
    const registry = new StoreRegistry();
    assert.deepEqual(registry.storeFor(commentEntity).indexedFields, ["TASK_ID"]);
    assert.ok(registry.storeFor(taskEntity).indexedFields.includes("RESPONSIBLE_ID"));
    // A store made elsewhere and registered gets them too.
    const made = new EntityStore("tasks.task.attachment");
    new StoreRegistry().add(made, { name: "x", version: 1, fields: {}, indexes: ["TASK_ID"] });
    assert.deepEqual(made.indexedFields, ["TASK_ID"]);
  });
});
