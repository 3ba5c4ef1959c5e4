// The page's "CRM" section in headless Chromium: the deal board of a pipeline (a column per stage,
// cards with title, amount and responsible; a pipeline switcher), the leads list, the company
// structure with heads and people, and the feed with destinations, importance and readers, files
// and comments; each as the REST methods left the records, and live as they change over REST.
// 100,000 synthetic deals and leads are shown as a bounded page with counts, never all at once.
// OINT_UPDATE_SCREENSHOT=1 also saves the deal board as docs/portal-crm.png (README).
import assert from "node:assert/strict";
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";
import { callAs, CHROMIUM, CHROMIUM_ARGS, noChromium, openPage } from "./web-browser.js";

const README_SCREENSHOT = join(import.meta.dirname, "..", "docs", "portal-crm.png");
const XSS = `<img src=x onerror="window.__xss=1">`;

describe("the CRM section in a browser", { skip: noChromium }, () => {
  const scratch = useScratchDir();
  let portal: RunningPortal;
  let browser: Browser;
  let page: Page;
  const call = (method: string, params: Record<string, unknown>, userId = 1) => callAs(portal, method, params, userId);
  /** A fresh load of the page at `hash` on `on` (the CRM portal unless told). */
  const open = (hash: string, on: RunningPortal = portal) => openPage(page, on, hash);
  const stage = (id: string) => page.locator(`.crm-stage[data-stage-id="${id}"]`);
  const card = (title: string) => page.locator(".crm-card", { has: page.locator(".crm-card-title", { hasText: title }) });

  before(async () => {
    portal = await startPortal({ port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await portal?.close();
  });

  it("shows the deal board of the default pipeline by stage, switches pipelines, and moves cards live", async () => {
    const partners = await call("crm.dealcategory.add", { fields: { NAME: "Partners" } });
    await call("crm.deal.add", { fields: { TITLE: "Website redesign", OPPORTUNITY: 12500, CURRENCY_ID: "USD", ASSIGNED_BY_ID: 2 } });
    await call("crm.deal.add", { fields: { TITLE: "Support contract", STAGE_ID: "EXECUTING", OPPORTUNITY: 3000.5, CURRENCY_ID: "EUR", ASSIGNED_BY_ID: 3 } });
    await call("crm.deal.add", { fields: { TITLE: "Lost tender", STAGE_ID: "LOSE", OPPORTUNITY: 800, CURRENCY_ID: "EUR" } });
    await call("crm.deal.add", { fields: { TITLE: "Reseller deal", CATEGORY_ID: partners, OPPORTUNITY: 40000, CURRENCY_ID: "RUB", ASSIGNED_BY_ID: 4 } });

    await open("#crm");
    assert.deepEqual(await page.locator(".crm-stage .crm-stage-name").allTextContents(), [
      "New", "Preparing documents", "Invoice", "In progress", "Final invoice", "Deal won", "Deal lost", "Analyze failure",
    ]);
    assert.deepEqual(await page.locator(".crm-pipeline").allTextContents(), ["General", "Partners"]);
    assert.match((await page.locator(".crm-pipeline.selected").textContent()) ?? "", /General/);
    const redesign = stage("NEW").locator(".crm-card", { hasText: "Website redesign" });
    assert.equal(await redesign.locator(".crm-card-amount").textContent(), "12,500 USD");
    assert.equal(await redesign.locator(".crm-card-person span:last-child").textContent(), "Maria Ivanova");
    assert.equal(await stage("EXECUTING").locator(".crm-card-amount").textContent(), "3,000.5 EUR");
    assert.equal(await stage("EXECUTING").locator(".crm-stage-count").textContent(), "1");
    assert.equal(await stage("LOSE").locator(".crm-card-title").textContent(), "Lost tender");
    assert.equal(await card("Reseller deal").count(), 0, "another pipeline's deal is not on this board");

    // Moved over REST: the card changes column without a reload.
    const id = Number(await redesign.getAttribute("data-deal-id"));
    await call("crm.deal.update", { id, fields: { STAGE_ID: "WON" } });
    await stage("WON").locator(".crm-card", { hasText: "Website redesign" }).waitFor();
    assert.equal(await stage("NEW").locator(".crm-card").count(), 0);
    assert.equal(await stage("WON").locator(".crm-stage-sum").textContent(), "12,500 USD");

    await page.locator(".crm-pipeline", { hasText: "Partners" }).click();
    await stage(`C${partners}:NEW`).locator(".crm-card", { hasText: "Reseller deal" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), `#crm/deals/${partners}`);
    assert.equal(await card("Website redesign").count(), 0);
    assert.equal(await stage(`C${partners}:NEW`).locator(".crm-card-person span:last-child").textContent(), "Olga Sokolova");

    // A fuller board for the screenshot.
    for (const [TITLE, STAGE_ID, OPPORTUNITY, CURRENCY_ID, ASSIGNED_BY_ID] of [
      ["Consulting hours", "NEW", 1200, "USD", 3], ["CRM rollout", "PREPARATION", 8200, "USD", 5], ["Annual licence", "PREPAYMENT_INVOICE", 24000, "RUB", 2],
      ["Office chairs", "NEW", 950, "EUR", 4], ["Hardware order", "FINAL_INVOICE", 5400, "EUR", 4],
    ]) await call("crm.deal.add", { fields: { TITLE, STAGE_ID, OPPORTUNITY, CURRENCY_ID, ASSIGNED_BY_ID } });
    await open("#crm");
    assert.deepEqual(await stage("NEW").locator(".crm-card-title").allTextContents(), ["Office chairs", "Consulting hours"], "newest first");
    await page.setViewportSize({ width: 1680, height: 760 });
    const shot = join(scratch.path, "portal-crm.png");
    await page.screenshot({ path: shot, animations: "disabled" });
    assert.ok(statSync(shot).size > 10_000);
    if (process.env.OINT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("lists leads newest first with stage, name, phone and e-mail, live", async () => {
    await call("crm.lead.add", { fields: { TITLE: "Website enquiry", NAME: "John", LAST_NAME: "Smith", STATUS_ID: "IN_PROCESS", PHONE: [{ VALUE: "+1 555 0142", VALUE_TYPE: "WORK" }], EMAIL: [{ VALUE: "john@example.com", VALUE_TYPE: "WORK" }] } });
    await open("#crm/leads");
    const row = page.locator(".crm-table tbody tr", { hasText: "Website enquiry" });
    assert.equal(await row.locator(".crm-status").textContent(), "In progress");
    assert.equal(await row.locator(".crm-lead-name").textContent(), "John Smith");
    assert.deepEqual(await row.locator(".crm-lead-contacts div").allTextContents(), ["+1 555 0142", "john@example.com"]);
    assert.equal(await page.locator(".crm-total").textContent(), "1 lead");

    await call("crm.lead.add", { fields: { TITLE: "Trade show", NAME: "Ann", STATUS_ID: "CONVERTED" } });
    await page.locator(".crm-table tbody tr:first-child", { hasText: "Trade show" }).waitFor();
    assert.equal(await page.locator(".crm-table tbody tr:first-child .crm-status").textContent(), "Good lead");
    assert.equal(await page.locator(".crm-total").textContent(), "2 leads");
  });

  it("shows the company structure as a tree with each department's head and people, live", async () => {
    const support = await call("department.add", { NAME: "Support", PARENT: 3, UF_HEAD: 5 });
    await call("user.update", { ID: 5, UF_DEPARTMENT: [support] });
    await open("#crm/departments");
    const department = (id: number) => page.locator(`.crm-department[data-department-id="${id}"]`);
    const box = (id: number) => department(id).locator(":scope > .crm-department-box");
    assert.equal(await page.locator(".crm-tree-root > .crm-department").count(), 1, "one top-level department");
    assert.equal(await box(1).locator(".crm-department-name").textContent(), "Example Company");
    assert.deepEqual(await department(1).locator(":scope > .crm-tree > .crm-department > .crm-department-box .crm-department-name").allTextContents(), ["Sales", "Development", "Accounting"]);
    assert.equal(await department(3).locator(":scope > .crm-tree > .crm-department > .crm-department-box .crm-department-name").textContent(), "Support");
    assert.equal(await box(support).locator(".crm-department-head b").textContent(), "Thomas Weber");
    assert.deepEqual(await box(support).locator(".crm-person-name").allTextContents(), ["Thomas Weber"]);
    assert.deepEqual(await box(2).locator(".crm-person-name").allTextContents(), ["Maria Ivanova"]);
    assert.equal(await box(2).locator(".crm-department-head b").textContent(), "Maria Ivanova");
    assert.deepEqual(await box(1).locator(".crm-person-name").allTextContents(), ["Alex Morgan", "Maria Ivanova"]);

    await call("user.update", { ID: 4, UF_DEPARTMENT: [support] });
    await box(support).locator(".crm-person-name", { hasText: "Olga Sokolova" }).waitFor();
    assert.equal(await box(4).locator(".crm-person").count(), 0);
  });

  it("shows the feed newest first: destinations, importance and who read it, files and comments, live", async () => {
    const report = await call("log.blogpost.add", {
      POST_TITLE: "Quarterly results", POST_MESSAGE: "A [b]great[/b] quarter", DEST: ["UA"], IMPORTANT: "Y",
      FILES: [["report.txt", Buffer.from("numbers").toString("base64")]],
    });
    await call("log.blogpost.add", { POST_MESSAGE: "Sales meeting at noon", DEST: ["DR2", "U3"] }, 2);
    await call("socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: report } }, 2);
    await call("log.blogcomment.add", { POST_ID: report, TEXT: "Well done, [i]everyone[/i]" }, 3);

    await open("#crm/feed");
    const posts = page.locator(".crm-post");
    assert.deepEqual(await posts.locator(".crm-post-text").allTextContents(), ["Sales meeting at noon", "A great quarter"], "newest first");
    const meeting = posts.nth(0);
    assert.equal(await meeting.locator(".crm-post-author").textContent(), "Maria Ivanova");
    assert.deepEqual(await meeting.locator(".crm-dest").allTextContents(), ["Sales (with sub-departments)", "Daniel Kim"]);
    assert.equal(await meeting.locator(".crm-important").count(), 0);

    const results = page.locator(`.crm-post[data-post-id="${report}"]`);
    assert.equal(await results.locator(".crm-post-title").textContent(), "Quarterly results");
    assert.equal(await results.locator(".crm-post-text b").textContent(), "great");
    assert.deepEqual(await results.locator(".crm-dest").allTextContents(), ["All employees"]);
    assert.deepEqual(await results.locator(".crm-reader").allTextContents(), ["Maria Ivanova"]);
    assert.match((await results.locator(".crm-file").textContent()) ?? "", /report\.txt\s+7 B/);
    const comment = results.locator(".crm-comment");
    assert.equal(await comment.locator("b").first().textContent(), "Daniel Kim");
    assert.equal(await comment.locator(".crm-comment-text i").textContent(), "everyone");

    await call("socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: report } }, 4);
    await call("log.blogcomment.add", { POST_ID: report, TEXT: "Thanks!" }, 4);
    await results.locator(".crm-comment-text", { hasText: "Thanks!" }).waitFor();
    assert.deepEqual(await results.locator(".crm-reader").allTextContents(), ["Maria Ivanova", "Olga Sokolova"]);
    assert.equal(await results.locator(".crm-post-foot").textContent(), "2 comments");
  });

  it("shows record texts with markup as text, in every view", async () => {
    await call("crm.deal.add", { fields: { TITLE: `${XSS}Deal` } });
    await call("crm.lead.add", { fields: { TITLE: `${XSS}Lead`, NAME: `<b>Eve</b>` } });
    await call("department.add", { NAME: `${XSS}Dept`, PARENT: 1 });
    await call("log.blogpost.add", { POST_TITLE: `${XSS}Title`, POST_MESSAGE: `${XSS}Post`, DEST: ["UA"] });
    const noMarkup = async (selector: string, text: string) => {
      assert.equal(await page.locator(selector, { hasText: text }).first().textContent(), `${XSS}${text}`);
      assert.equal(await page.locator(".crm img").count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    };
    await open("#crm");
    await noMarkup(".crm-card-title", "Deal");
    await open("#crm/leads");
    await noMarkup(".crm-lead-title", "Lead");
    assert.equal(await page.locator(".crm-lead-name", { hasText: "Eve" }).textContent(), "<b>Eve</b>");
    await open("#crm/departments");
    await noMarkup(".crm-department-name", "Dept");
    await open("#crm/feed");
    await noMarkup(".crm-post-title", "Title");
    await noMarkup(".crm-post-text", "Post");
  });

  it("shows 100,000 synthetic deals and leads as a bounded page with their counts", async () => {
    const big = await startPortal({ port: 0, deals: 100_000, leads: 100_000 });
    try {
      await open("#crm", big);
      assert.equal(await page.locator(".crm-card").count(), 8 * 50, "50 newest deals a stage");
      assert.match((await page.locator(".crm-total").textContent()) ?? "", /^100,000 deals/);
      assert.equal(await stage("NEW").locator(".crm-stage-count").textContent(), "12,500");
      assert.equal(await stage("NEW").locator(".crm-more").textContent(), "and 12,450 more");
      assert.equal(await stage("NEW").locator(".crm-card").first().getAttribute("data-deal-id"), "100000", "newest first");

      await open("#crm/leads", big);
      assert.equal(await page.locator(".crm-table tbody tr").count(), 50);
      assert.equal(await page.locator(".crm-total").textContent(), "100,000 leads");
      assert.equal(await page.locator(".crm-pager span").textContent(), "page 1 of 2,000");
      await page.locator(".crm-pager a", { hasText: "older" }).click();
      await page.locator(".crm-pager span", { hasText: "page 2 of 2,000" }).waitFor();
      assert.equal(await page.locator(".crm-table tbody tr:first-child").getAttribute("data-lead-id"), "99950");
    } finally {
      await big.close();
    }
  });
});
