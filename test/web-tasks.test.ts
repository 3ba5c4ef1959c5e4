// The page's "Tasks" section in headless Chromium: the task list (title, status name, responsible,
// deadline; filtered by status and responsible), one task (description, people, checklist with its
// completion, comments, the result, time spent, history), a group's kanban and a user's "My plan"
// (columns = stages in order); everything live as tasks change over REST, and record texts with
// markup shown as text.
// OINT_UPDATE_SCREENSHOT=1 also saves the list as docs/portal-tasks.png (README).
import assert from "node:assert/strict";
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { usePortal, useScratchDir } from "./helpers.js";
import { callAs, CHROMIUM, CHROMIUM_ARGS, noChromium, openPage } from "./web-browser.js";

const README_SCREENSHOT = join(import.meta.dirname, "..", "docs", "portal-tasks.png");

describe("the Tasks section in a browser", { skip: noChromium }, () => {
  const ctx = usePortal();
  const scratch = useScratchDir();
  let browser: Browser;
  let page: Page;
  const call = (method: string, params: Record<string, unknown>, userId = 1) => callAs(ctx.portal, method, params, userId);
  const addTask = async (fields: Record<string, unknown>, userId = 1): Promise<number> => Number((await call("tasks.task.add", { fields }, userId)).task.id);
  /** A fresh load of the page at `hash`. */
  const open = (hash: string) => openPage(page, ctx.portal, hash);
  const row = (id: number) => page.locator(`.task-row[data-task-id="${id}"]`);

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
  });

  it("lists tasks with status, responsible and deadline, filters them, and follows changes live", async () => {
    const docs = await addTask({ TITLE: "Write the release notes", RESPONSIBLE_ID: 2, DEADLINE: "2030-05-20T15:00:00+00:00" });
    const review = await addTask({ TITLE: "Review the invoice run", RESPONSIBLE_ID: 3, DEADLINE: "2020-01-10T09:00:00+00:00" });
    const call1 = await addTask({ TITLE: "Call the supplier", RESPONSIBLE_ID: 2 });
    await call("tasks.task.start", { taskId: docs }, 2);

    await open("#tasks");
    assert.equal(await page.locator(".section-link.selected").textContent(), "Tasks");
    // Newest first.
    assert.deepEqual((await page.locator(".task-row").evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.taskId)))).slice(0, 3), [call1, review, docs]);
    assert.equal(await row(docs).locator(".task-title a").textContent(), "Write the release notes");
    assert.equal(await row(docs).locator(".task-title a").getAttribute("href"), `#tasks/${docs}`);
    assert.equal(await row(docs).locator(".task-status").textContent(), "In Progress");
    assert.equal(await row(docs).locator(".task-person-name").textContent(), "Maria Ivanova");
    assert.equal(await row(docs).locator(".task-deadline").getAttribute("datetime"), "2030-05-20T15:00:00+00:00");
    // Past its deadline and still open: overdue, as subStatus -1 says.
    assert.equal(await row(review).locator(".task-status").textContent(), "Pending · overdue");
    assert.match((await row(review).locator(".task-deadline").getAttribute("class")) ?? "", /\btask-overdue\b/);
    assert.equal(await row(call1).locator(".task-deadline").count(), 0);
    assert.equal(await row(call1).locator("td").nth(4).textContent(), "no deadline");

    // The filter by status, then by responsible too: the address says what is shown.
    await page.selectOption("#tasks-status", "3");
    await page.waitForFunction(() => location.hash === "#tasks/list?status=3");
    await page.locator(".task-row").first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll(".task-row").length === 1);
    assert.equal(await row(docs).count(), 1);
    await page.selectOption("#tasks-status", "");
    await page.selectOption("#tasks-responsible", "2");
    await page.waitForFunction(() => location.hash === "#tasks/list?responsible=2");
    await page.waitForFunction(() => document.querySelectorAll(".task-row").length === 2);
    assert.deepEqual(await page.locator(".task-row .task-person-name").allTextContents(), ["Maria Ivanova", "Maria Ivanova"]);
    assert.equal(await page.locator("#tasks-responsible").inputValue(), "2", "the filter stays chosen across redraws");

    // Live: a new task of Maria's appears, a completed one changes its status, Daniel's never shows.
    const added = await addTask({ TITLE: "Book the venue", RESPONSIBLE_ID: 2 });
    await row(added).waitFor();
    await addTask({ TITLE: "Not Maria's", RESPONSIBLE_ID: 3 });
    await call("tasks.task.complete", { taskId: call1 }, 2);
    await row(call1).locator(".task-status", { hasText: "Completed" }).waitFor();
    assert.equal(await page.locator(".task-row", { hasText: "Not Maria's" }).count(), 0);
    assert.equal(await page.locator("#tasks-total").textContent(), "3 in all");

    await page.selectOption("#tasks-responsible", "");
    await page.waitForFunction(() => location.hash === "#tasks");
    await page.locator(".task-row", { hasText: "Not Maria's" }).waitFor();
    const shot = join(scratch.path, "portal-tasks.png");
    await page.screenshot({ path: shot, animations: "disabled" });
    assert.ok(statSync(shot).size > 10_000);
    if (process.env.OINT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
  });

  it("shows a task: description, people, checklist with its completion, result, comments, time spent and history, live", async () => {
    const id = await addTask({
      TITLE: "Prepare the quarterly report",
      DESCRIPTION: "Numbers for [b]Q3[/b], see [url=https://example.com/q3]the draft[/url]",
      RESPONSIBLE_ID: 2,
      ACCOMPLICES: [3],
      AUDITORS: [4],
      DEADLINE: "2031-02-01T12:00:00+00:00",
      PRIORITY: 2,
    });
    const first = await call("task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: "Collect the numbers" } });
    await call("task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: "Write the summary" } });
    await call("task.checklistitem.complete", { TASKID: id, ITEMID: first });
    const comment = await call("task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "Draft is [i]ready[/i]" } });
    await call("tasks.task.result.addFromComment", { commentId: comment });
    await call("task.elapseditem.add", { TASKID: id, ARFIELDS: { SECONDS: 5400, COMMENT_TEXT: "First pass" } });

    await open(`#tasks/${id}`);
    const detail = page.locator(`.task-detail[data-task-id="${id}"]`);
    assert.equal(await detail.locator("h1").textContent(), "Prepare the quarterly report");
    assert.equal(await detail.locator(".task-description b").textContent(), "Q3");
    assert.equal(await detail.locator(".task-description a").getAttribute("href"), "https://example.com/q3");
    const side = detail.locator(".task-side");
    assert.equal(await side.locator("dt:text-is('Priority') + dd").textContent(), "High");
    assert.equal(await side.locator("dt:text-is('Responsible') + dd .task-person-name").textContent(), "Maria Ivanova");
    assert.equal(await side.locator("dt:text-is('Participants') + dd .task-person-name").textContent(), "Daniel Kim");
    assert.equal(await side.locator("dt:text-is('Observers') + dd .task-person-name").textContent(), "Olga Sokolova");
    assert.equal(await side.locator("dt:text-is('Created by') + dd .task-person-name").textContent(), "Alex Morgan");
    // The checklist as Bitrix24 keeps it: a "Checklist 1" node with its items.
    assert.equal(await detail.locator(".checklist-name").textContent(), "Checklist 1");
    assert.deepEqual(await detail.locator(".checklist-item > span").allTextContents(), ["Collect the numbers", "Write the summary"]);
    assert.equal(await detail.locator(`.checklist-item[data-item-id="${first}"] input`).isChecked(), true);
    assert.equal(await detail.locator(".checklist-count").textContent(), "1 of 2 done");
    assert.equal(await detail.locator(".task-result .task-text i").textContent(), "ready");
    assert.equal(await detail.locator(`.task-comment[data-comment-id="${comment}"] .task-person-name`).textContent(), "Alex Morgan");
    assert.equal(await detail.locator(".task-time-total").textContent(), "1 h 30 min");
    assert.equal(await detail.locator(".task-time td").nth(3).textContent(), "First pass");
    const history = await detail.locator(".task-history tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.field));
    assert.deepEqual(history, ["NEW", "DEADLINE", "ACCOMPLICES", "AUDITORS", "CHECKLIST_ITEM_CREATE", "CHECKLIST_ITEM_CREATE", "CHECKLIST_ITEM_CHECK", "COMMENT", "TIME_SPENT_IN_LOGS"]);
    assert.equal(await detail.locator('.task-history tr[data-field="ACCOMPLICES"] td').nth(3).textContent(), "Daniel Kim");
    assert.equal(await detail.locator('.task-history tr[data-field="TIME_SPENT_IN_LOGS"] td').nth(3).textContent(), "0:00:00 → 1:30:00");

    // Live: Maria starts it and writes a comment; the second item is ticked off.
    await call("tasks.task.start", { taskId: id }, 2);
    await call("task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: "On it" } }, 2);
    await call("task.checklistitem.complete", { TASKID: id, ITEMID: first + 1 });
    await detail.locator(".checklist-count", { hasText: "2 of 2 done" }).waitFor();
    await detail.locator(".task-comment", { hasText: "On it" }).waitFor();
    assert.equal(await side.locator(".task-status").textContent(), "In Progress");
    assert.equal(await detail.locator('.task-history tr[data-field="STATUS"] td').nth(3).textContent(), "Pending → In Progress");
  });

  it("shows a group's kanban and a user's 'My plan' by stage, following moves live", async () => {
    const first = await addTask({ TITLE: "Design the landing page", RESPONSIBLE_ID: 2, GROUP_ID: 9 });
    const second = await addTask({ TITLE: "Set up the analytics", RESPONSIBLE_ID: 3, GROUP_ID: 9 });
    await addTask({ TITLE: "Another group's task", RESPONSIBLE_ID: 2, GROUP_ID: 10 });

    await open("#tasks/kanban/9");
    const columns = page.locator(".kanban-column");
    assert.deepEqual(await columns.locator("h2").evaluateAll((hs) => hs.map((h) => h.firstChild?.textContent?.trim())), ["New", "In Progress", "Done"]);
    const stages = (await call("task.stages.get", { entityId: 9 })) as Record<string, { ID: string; TITLE: string }>;
    const done = Object.values(stages).find((s) => s.TITLE === "Done")!.ID;
    assert.deepEqual(await columns.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.stageId)), Object.keys(stages), "columns are the group's stages in order");
    assert.deepEqual(await columns.nth(0).locator(".kanban-card").evaluateAll((cs) => cs.map((c) => Number((c as HTMLElement).dataset.taskId))), [second, first]);
    assert.equal(await page.locator(".kanban-card", { hasText: "Another group's task" }).count(), 0);
    assert.equal(await page.locator(".tasks-tab.selected").textContent(), "Kanban · Group 9");

    await call("task.stages.movetask", { id: first, stageId: Number(done) });
    await page.locator(`.kanban-column[data-stage-id="${done}"] .kanban-card[data-task-id="${first}"]`).waitFor();
    assert.equal(await columns.nth(0).locator(".kanban-count").textContent(), "1");

    // Maria's plan: the tasks she takes part in, in her own stages.
    await open("#tasks/plan/2");
    assert.equal(await page.locator(".tasks-head h1").textContent(), "My plan · Maria Ivanova");
    const plan = (await call("task.stages.get", { entityId: 0 }, 2)) as Record<string, { ID: string; TITLE: string }>;
    assert.deepEqual(Object.values(plan).map((s) => s.TITLE), ["Not Planned", "I Will Do It This Week", "I Will Do It This Month"]);
    assert.deepEqual(await page.locator(".kanban-column h2").evaluateAll((hs) => hs.map((h) => h.firstChild?.textContent?.trim())), Object.values(plan).map((s) => s.TITLE));
    const week = Object.values(plan)[1].ID;
    await page.locator(`.kanban-column .kanban-card[data-task-id="${first}"]`).waitFor();
    assert.equal(await page.locator(`.kanban-card[data-task-id="${second}"]`).count(), 0, "Daniel's task is not in Maria's plan");
    await call("task.stages.movetask", { id: first, stageId: Number(week) }, 2);
    await page.locator(`.kanban-column[data-stage-id="${week}"] .kanban-card[data-task-id="${first}"]`).waitFor();
    // Another user's plan chosen from the picker.
    await page.selectOption("#tasks-plan", "3");
    await page.waitForFunction(() => location.hash === "#tasks/plan/3");
    await page.locator(`.kanban-card[data-task-id="${second}"]`).waitFor();
  });

  it("shows markup in a task's texts as text", async () => {
    const evil = `<img src=x onerror="window.__pwned=1">`;
    const id = await addTask({ TITLE: `Title ${evil}`, DESCRIPTION: `Description ${evil}`, RESPONSIBLE_ID: 2, GROUP_ID: 11 });
    await call("task.checklistitem.add", { TASKID: id, FIELDS: { TITLE: `Item ${evil}` } });
    await call("task.commentitem.add", { TASKID: id, FIELDS: { POST_MESSAGE: `Comment ${evil}` } });
    for (const hash of ["#tasks", `#tasks/${id}`, "#tasks/kanban/11"]) {
      await open(hash);
      assert.equal(await page.locator(".tasks-section img").count(), 0, hash);
    }
    assert.equal(await page.locator(".kanban-title").textContent(), `Title ${evil}`);
    await open(`#tasks/${id}`);
    assert.equal(await page.locator(".task-detail h1").textContent(), `Title ${evil}`);
    assert.equal(await page.locator(".task-description").textContent(), `Description ${evil}`);
    assert.equal(await page.locator(".checklist-item > span").textContent(), `Item ${evil}`);
    assert.equal(await page.locator(".task-comment .task-text").textContent(), `Comment ${evil}`);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it("says so for a task that does not exist", async () => {
    await open("#tasks/999999");
    assert.equal(await page.locator(".tasks-section .empty").textContent(), "Not found: task 999999");
  });
});

describe("the task list of a portal with many tasks, in a browser", { skip: noChromium }, () => {
  let portal: RunningPortal;
  let browser: Browser;
  before(async () => {
    portal = await startPortal({ port: 0, tasks: 120 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await portal?.close();
  });

  it("shows 50 a page, newest first, with a link to older ones; a filter counts its own matches", async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.url}/#tasks`);
    await page.waitForSelector("body[data-ready=true]");
    const ids = () => page.locator(".task-row").evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.taskId)));
    assert.equal(await page.locator(".tasks-pager span").textContent(), "1–50 of 120");
    assert.deepEqual((await ids()).slice(0, 2), [120, 119]);
    await page.click(".tasks-pager a:text-is('older →')");
    await page.locator(".tasks-pager span", { hasText: "51–100 of 120" }).waitFor();
    assert.deepEqual((await ids()).slice(0, 1), [70]);
    // Synthetic tasks cycle through Pending, In Progress, Completed, Pending, Deferred: 24 are Completed.
    await page.selectOption("#tasks-status", "5");
    await page.locator("#tasks-total", { hasText: "24 in all" }).waitFor();
    assert.equal(await page.locator(".tasks-pager").count(), 0);
    assert.deepEqual(new Set(await page.locator(".task-row .task-status").allTextContents()), new Set(["Completed"]));
  });
});
