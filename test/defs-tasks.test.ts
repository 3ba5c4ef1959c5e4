// The task regions' definitions (tasks, custom task fields, checklists, comments and results, kanban,
// task time accounting): every function, called with the values of OpenIntegrations' own CLI example
// (fixtures/opi-cli-index.json), sends the payload OpenIntegrations' code builds for them, checked
// against a local portal that echoes what it received. The quirks are proved one by one, and the
// CLI shows the same payloads with --test.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import { execute } from "../src/catalogue/invoke.js";
import type { Definition } from "../src/catalogue/define.js";
import { checklistFunctions } from "../src/catalogue/regions/checklists.js";
import { commentFunctions } from "../src/catalogue/regions/comments.js";
import { kanbanFunctions } from "../src/catalogue/regions/kanban.js";
import { customTaskFieldFunctions } from "../src/catalogue/regions/task-fields.js";
import { taskTimeFunctions } from "../src/catalogue/regions/task-time.js";
import { taskFunctions } from "../src/catalogue/regions/tasks.js";
import { InputError } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { readOpiIndex } from "../scripts/opi-index.js";
import { runCli } from "./helpers.js";

const defs = [...taskFunctions, ...customTaskFieldFunctions, ...checklistFunctions, ...commentFunctions, ...kanbanFunctions, ...taskTimeFunctions] as readonly Definition[];
const index = readOpiIndex();

let portal: RunningPortal;
/** What each echo received, in order (the method and its parameters). */
const received: { method: string; params: Record<string, unknown> }[] = [];
before(async () => {
  const methods = Object.fromEntries(
    defs.flatMap((def) => (def.kind === "rest" ? [[def.method, (c: { method: string; params: Record<string, unknown> }) => (received.push({ method: c.method, params: c.params }), c.params)]] : [])),
  );
  portal = await startPortal({ port: 0, methods });
});
after(async () => portal?.close());

/** What the portal received when `name` ran with these values (url: the portal's webhook). */
async function sent(name: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const def = findFunction(name);
  assert.ok(def, name);
  const before = received.length;
  await execute(def, { url: portal.webhookUrl, ...values });
  assert.equal(received.length, before + 1, `${name}: one request`);
  return received[received.length - 1].params;
}

/** The docs' CLI example of a function as option -> text (url and token left out: ours are used). */
function exampleValues(def: Definition): Record<string, unknown> {
  const example = index.find((f) => f.en === def.name)?.cliExample ?? "";
  const values: Record<string, unknown> = {};
  for (const [, option, raw] of example.matchAll(/--(\w+)\s+("(?:[^"\\]|\\.)*"|\S+)/g)) {
    if (option === "url" || option === "token") continue;
    const param = def.params.find((p) => p.option === option);
    assert.ok(param, `${def.name}: the example's --${option} is one of its options`);
    values[param.name] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return values;
}

const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "opi-samples", `${name}.json`), "utf8"));

// What OpenIntegrations' code (OPI_Bitrix24.os) sends for each docs example: IDs and numbers as text,
// flags as "Y"/"N", empty values left out. Templates: what it prints (fixtures/opi-samples).
const EXPECTED: Record<string, unknown> = {
  GetTask: { taskId: "9350" },
  GetTasksList: { start: "1" },
  CreateTask: { fields: { TITLE: "New task", DESCRIPTION: "New task description", PRIORITY: "2", DEADLINE: "12/11/2025 19:49:06", RESPONSIBLE_ID: "1" } },
  UpdateTask: { fields: { TITLE: "Another task title", DESCRIPTION: "Another task description", PRIORITY: "1" }, taskId: "9350" },
  DeleteTask: { taskId: "9350" },
  AttachFileToTopic: { fileId: "49982", taskId: "9350" },
  ApproveTask: { taskId: "9048" },
  DisapproveTask: { taskId: "9350" },
  CompleteTask: { taskId: "9350" },
  RenewTask: { taskId: "9350" },
  DeferTask: { taskId: "9350" },
  PauseTask: { taskId: "9048" },
  StartTask: { taskId: "9350" },
  StartWatchingTask: { taskId: "9048" },
  StopWatchingTask: { taskId: "9350" },
  DelegateTask: { taskId: "9048", userId: "2960" },
  AddTaskToFavorites: { taskId: "9048" },
  RemoveTaskFromFavorites: { taskId: "9350" },
  GetTaskHistory: { taskId: "9350" },
  CheckTaskAccesses: { taskId: "9350", users: ["1", "10"] },
  MuteTask: { taskId: "9350" },
  UnmuteTask: { taskId: "9048" },
  CreateTasksDependencies: { taskIdFrom: "9350", taskIdTo: "9348", linkType: "2" },
  DeleteTasksDependencies: { taskIdFrom: "9350", taskIdTo: "9348", linkType: "2" },
  GetDailyPlan: {},
  GetTaskFieldsStructure: {},
  GetTasksFilterStructure: sample("GetTasksFilterStructure"),
  GetCustomTaskFieldsList: {},
  AddCustomTaskField: {
    PARAMS: { USER_TYPE_ID: "string", FIELD_NAME: "TEXT_FIELD", XML_ID: "BITRIX_TEXT_FIELD", LABEL: "Text field", EDIT_FORM_LABEL: { en: "Some field", ru: "Nekotoroe pole" } },
  },
  UpdateCustomTaskField: { ID: "261", DATA: { XML_ID: "NEW_TEXT_FIELD", EDIT_FORM_LABEL: { en: "Updated field", ru: "Izmenennoe pole" } } },
  GetCustomTaskField: { ID: "261" },
  DeleteCustomTaskField: { ID: "261" },
  AddTasksChecklistElement: { TASKID: "9350", FIELDS: { TITLE: "Checklist element", IS_COMPLETE: "N" } },
  UpdateTasksChecklistElement: { TASKID: "9048", ITEMID: "6426", FIELDS: { TITLE: "New elements text" } },
  DeleteTasksChecklistElement: { TASKID: "9048", ITEMID: "6426" },
  GetTasksChecklist: { TASKID: "9048" },
  GetTasksChecklistElement: { TASKID: "9048", ITEMID: "6426" },
  CompleteTasksChecklistElement: { TASKID: "9350", ITEMID: "6650" },
  RenewTasksChecklistElement: { TASKID: "9048", ITEMID: "6426" },
  GetTaskCommentsList: { taskId: "9050" },
  GetTaskComment: { TASKID: "9050", ITEMID: "20950" },
  AddTaskComment: { TASKID: "9352", FIELDS: { POST_MESSAGE: "Task uninpossible, don't split up" } },
  UpdateTaskComment: { TASKID: "9352", ITEMID: "74422", FIELDS: { POST_MESSAGE: "The task has been changed, let's split up" } },
  DeleteTaskComment: { TASKID: "9050", ITEMID: "20950" },
  GetResultsList: { taskId: "9050" },
  CreateResultFromComment: { commentId: "20950" },
  DeleteResultFromComment: { commentId: "20950" },
  GetCommentStructure: sample("GetCommentStructure"),
  AddKanbanStage: { fields: { TITLE: "New stage 2", COLOR: "0026FF", AFTER_ID: "3462", isAdmin: "Y" } },
  UpdateKanbansStage: { id: "3464", fields: { TITLE: "New stage name 2", COLOR: "000000", AFTER_ID: "6", isAdmin: true } },
  DeleteKanbanStage: { id: "3464", isAdmin: "N" },
  GetKanbanStages: { entityId: "0", isAdmin: "N" },
  MoveTaskToKanbanStage: { id: "9052", stageId: "3348", after: "0" },
  AddTaskTimeAccounting: { TASKID: "9054", ARFIELDS: { SECONDS: "7200", COMMENT_TEXT: "Time spent on work", USER_ID: "10", CREATED_DATE: "2025-11-10T19:55:49" } },
  DeleteTaskTimeAccounting: { TASKID: "9356", ITEMID: "3450" },
  GetTaskTimeAccountingList: { TASKID: "9356" },
  GetTaskTimeAccounting: { TASKID: "9054", ITEMID: "3334" },
  UpdateTaskTimeAccounting: { TASKID: "9356", ITEMID: "3450", ARFIELDS: { SECONDS: "4800", COMMENT_TEXT: "New time record", CREATED_DATE: "2025-12-06T10:04:29" } },
};

describe("the task regions: OpenIntegrations' payload for each docs example", () => {
  it("all 58 functions of the six regions are defined, each with an expected payload here", () => {
    assert.equal(defs.length, 58);
    assert.deepEqual(defs.map((d) => d.name).sort(), Object.keys(EXPECTED).sort());
  });

  for (const def of defs) {
    it(`${def.name}${def.kind === "rest" ? ` (${def.method})` : ""}`, async () => {
      const values = exampleValues(def);
      if (def.kind === "local") {
        assert.deepEqual(await execute(def, values), EXPECTED[def.name]);
        return;
      }
      assert.equal(def.kind, "rest");
      const before = received.length;
      await execute(def, { url: portal.webhookUrl, ...values });
      assert.equal(received.length, before + 1);
      const last = received[received.length - 1];
      assert.equal(last.method, def.method.toLowerCase());
      assert.deepEqual(last.params, EXPECTED[def.name]);
    });
  }
});

describe("the task regions' quirks, as OpenIntegrations' code has them", () => {
  it("GetTasksList: the token comes before --select; offset 0 by default is left out, a given \"0\" is sent; --select may be one field", async () => {
    assert.deepEqual(findFunction("GetTasksList")!.params.map((p) => `--${p.option} -${p.short}`), ["--url -u", "--filter -f", "--offset -o", "--token -t", "--select -s"]);
    assert.deepEqual(await sent("GetTasksList", {}), {});
    assert.deepEqual(await sent("GetTasksList", { offset: "0" }), { start: "0" });
    assert.deepEqual(await sent("GetTasksList", { filter: "{'!ID':3,'>=PRIORITY':1}", select: "ID" }), { filter: { "!ID": 3, ">=PRIORITY": 1 }, select: ["ID"] });
    assert.deepEqual(await sent("GetTasksList", { select: "['ID','TITLE']", offset: 50 }), { start: "50", select: ["ID", "TITLE"] });
  });

  it("task.dependence.*: link type 0 (start>start) is kept, as text or as a number", async () => {
    assert.deepEqual(await sent("CreateTasksDependencies", { fromId: "1", toId: "2", linkType: "0" }), { taskIdFrom: "1", taskIdTo: "2", linkType: "0" });
    assert.deepEqual(await sent("DeleteTasksDependencies", { fromId: 1, toId: 2, linkType: 0 }), { taskIdFrom: "1", taskIdTo: "2", linkType: "0" });
  });

  it("MoveTaskToKanbanStage: before when it is filled (the text \"0\" too), else after, \"0\" by default; an empty after is left out", async () => {
    const base = { taskId: "7", stageId: "3" };
    assert.deepEqual(await sent("MoveTaskToKanbanStage", { ...base, before: "5", after: "9" }), { id: "7", stageId: "3", before: "5" });
    assert.deepEqual(await sent("MoveTaskToKanbanStage", { ...base, after: "9" }), { id: "7", stageId: "3", after: "9" });
    assert.deepEqual(await sent("MoveTaskToKanbanStage", { ...base, before: "0" }), { id: "7", stageId: "3", before: "0" });
    assert.deepEqual(await sent("MoveTaskToKanbanStage", { ...base, before: 0 }), { id: "7", stageId: "3", after: "0" });
    assert.deepEqual(await sent("MoveTaskToKanbanStage", { ...base, after: "" }), { id: "7", stageId: "3" });
  });

  it("kanban: AddKanbanStage's defaults (colour FFD800, isAdmin N, no place or owner); UpdateKanbansStage sends isAdmin as a boolean, only when true", async () => {
    assert.deepEqual(await sent("AddKanbanStage", { title: "S" }), { fields: { TITLE: "S", COLOR: "FFD800", isAdmin: "N" } });
    assert.deepEqual(await sent("AddKanbanStage", { title: "S", color: "", entityId: "12" }), { fields: { TITLE: "S", ENTITY_ID: "12", isAdmin: "N" } });
    assert.deepEqual(await sent("UpdateKanbansStage", { title: "S", stageId: "4" }), { fields: { TITLE: "S" }, id: "4" });
    assert.deepEqual(await sent("UpdateKanbansStage", { title: "S", stageId: "4", asAdmin: "false" }), { fields: { TITLE: "S" }, id: "4" });
    assert.deepEqual(await sent("DeleteKanbanStage", { stageId: "4", asAdmin: "true" }), { id: "4", isAdmin: "Y" });
  });

  it("GetKanbanStages: the owner 0 goes as \"0\" (OpenIntegrations turns it into text), another one as given", async () => {
    assert.deepEqual(await sent("GetKanbanStages", { entityId: 0 }), { entityId: "0", isAdmin: "N" });
    assert.deepEqual(await sent("GetKanbanStages", { entityId: "12", asAdmin: true }), { entityId: "12", isAdmin: "Y" });
  });

  it("nested parts are sent only when something in them is filled", async () => {
    assert.deepEqual(await sent("UpdateCustomTaskField", { fieldId: "261" }), { ID: "261" });
    assert.deepEqual(await sent("AddCustomTaskField", { type: "double", fieldName: "SUM" }), { PARAMS: { USER_TYPE_ID: "double", FIELD_NAME: "SUM" } });
    assert.deepEqual(await sent("UpdateTaskTimeAccounting", { taskId: "1", recordId: "2", seconds: "60" }), { TASKID: "1", ITEMID: "2", ARFIELDS: { SECONDS: "60" } });
    assert.deepEqual(await sent("AddTasksChecklistElement", { taskId: "1", text: "Done", complete: "true" }), { TASKID: "1", FIELDS: { TITLE: "Done", IS_COMPLETE: "Y" } });
  });

  it("time records: the date as yyyy-MM-ddTHH:mm:ss (a date alone at midnight); a date that is none is refused, nothing sent", async () => {
    const at = async (date: unknown) => ((await sent("AddTaskTimeAccounting", { taskId: "1", seconds: 60, date })).ARFIELDS as Record<string, unknown>).CREATED_DATE;
    assert.equal(await at("2025-11-10"), "2025-11-10T00:00:00");
    assert.equal(await at("10.11.2025 19:55"), "2025-11-10T19:55:00");
    const count = received.length;
    await assert.rejects(at("yesterday"), (error: unknown) => error instanceof InputError && error.parameter === "date");
    assert.equal(received.length, count);
  });

  it("bad input is refused before anything is sent: a missing task, fields that are no object, an empty fields object", async () => {
    const count = received.length;
    await assert.rejects(sent("GetTask", {}), (error: unknown) => error instanceof InputError && error.parameter === "taskId");
    await assert.rejects(sent("CreateTask", { fields: "just text" }), (error: unknown) => error instanceof InputError && error.parameter === "fields");
    await assert.rejects(sent("UpdateTask", { taskId: "1", fields: "{}" }), (error: unknown) => error instanceof InputError && error.parameter === "fields");
    await assert.rejects(sent("AddCustomTaskField", { type: "string", fieldName: "X", label: "['en']" }), (error: unknown) => error instanceof InputError && error.parameter === "label");
    assert.equal(received.length, count);
  });

  it("templates: --empty true empties every value; --map gives the same JSON", async () => {
    const filter = findFunction("GetTasksFilterStructure")!;
    const emptied = (await execute(filter, { empty: "true", asMap: "true" })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(emptied), Object.keys(sample("GetTasksFilterStructure")));
    assert.ok(Object.values(emptied).every((v) => v === ""));
    assert.deepEqual(await execute(filter, { asMap: true }), sample("GetTasksFilterStructure"));
    const comment = (await execute(findFunction("GetCommentStructure")!, { empty: true })) as Record<string, unknown>;
    assert.deepEqual(comment, { AUTHOR_ID: "", AUTHOR_NAME: "", AUTHOR_EMAIL: "", USE_SMILES: "", POST_MESSAGE: "", UF_FORUM_MESSAGE_DOC: "" });
  });

  it("GetTaskComment also answers to OpenIntegrations' earlier RU spelling", () => {
    assert.equal(findFunction("ПолучитьКомменатрийЗадачи"), findFunction("GetTaskComment"));
  });
});

describe("the CLI", () => {
  it("--help lists OpenIntegrations' options in order, with short forms and defaults", async () => {
    const run = await runCli(["bitrix24", "GetTasksList", "--help"]);
    assert.equal(run.code, 0, run.stderr);
    const order = ["-u, --url", "-f, --filter", "-o, --offset", "-t, --token", "-s, --select"].map((o) => run.stdout.indexOf(o));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), run.stdout);
    const kanban = await runCli(["bitrix24", "AddKanbanStage", "--help"]);
    assert.equal(kanban.code, 0, kanban.stderr);
    assert.match(kanban.stdout, /-c, --color .*FFD800/);
  });

  it("--test shows OpenIntegrations' payload for the docs' examples, the token masked, nothing sent", async () => {
    const count = received.length;
    const secret = "oauthtoken1234567890abcdef";
    const move = await runCli(["bitrix24", "MoveTaskToKanbanStage", "--url", portal.url, "--task", "9052", "--stage", "3348", "--token", secret, "--test"]);
    assert.equal(move.code, 0, move.stderr);
    assert.ok(!move.stdout.includes(secret) && !move.stderr.includes(secret));
    assert.deepEqual(JSON.parse(move.stdout).body, { auth: "***", id: "9052", stageId: "3348", after: "0" });
    const link = await runCli(["bitrix24", "CreateTasksDependencies", "-u", portal.webhookUrl, "-t", "9350", "-s", "9348", "-l", "0", "--test"]);
    assert.equal(link.code, 0, link.stderr);
    assert.deepEqual(JSON.parse(link.stdout).body, { taskIdFrom: "9350", taskIdTo: "9348", linkType: "0" });
    assert.equal(received.length, count, "nothing reached the portal");
  });

  it("a missing required option: one line naming it, exit 4, nothing sent", async () => {
    const count = received.length;
    const run = await runCli(["bitrix24", "AddTaskTimeAccounting", "--url", portal.webhookUrl, "--task", "9054"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr.trim(), /^[^\n]*amount[^\n]*$/);
    assert.equal(received.length, count);
  });
});
