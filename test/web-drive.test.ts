// The page's "Drive" section in headless Chromium: the storages (every user's, the shared drive,
// the workgroup's, the application's, chat files), a folder's contents (folders first, then files
// by name, with size, modification time and a download link that downloads the file's exact
// bytes), a storage's trash; live as the Drive changes over REST, and names with markup shown as
// text.
// OINT_UPDATE_SCREENSHOT=1 also saves a folder as docs/portal-drive.png (README).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { usePortal, useScratchDir } from "./helpers.js";
import { callAs, CHROMIUM, CHROMIUM_ARGS, noChromium, openPage } from "./web-browser.js";

const README_SCREENSHOT = join(import.meta.dirname, "..", "docs", "portal-drive.png");

interface DiskObject {
  ID: string;
  NAME: string;
  DOWNLOAD_URL?: string;
}

describe("the Drive section in a browser", { skip: noChromium }, () => {
  const ctx = usePortal();
  const scratch = useScratchDir();
  let browser: Browser;
  let page: Page;
  const call = (method: string, params: Record<string, unknown>, userId = 1) => callAs(ctx.portal, method, params, userId);
  const upload = (folderId: string | number, name: string, bytes: Buffer, userId = 1): Promise<DiskObject> =>
    call("disk.folder.uploadfile", { id: Number(folderId), data: { NAME: name }, fileContent: [name, bytes.toString("base64")] }, userId);
  const open = (hash: string) => openPage(page, ctx.portal, hash);
  const entry = (id: string | number) => page.locator(`.drive-row[data-object-id="${id}"]`);

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true })).newPage();
  });
  after(async () => {
    await browser?.close();
  });

  it("shows every storage, with what it holds, live", async () => {
    await open("#drive");
    const names = await page.locator(".drive-storage-name").allTextContents();
    for (const name of ["Shared drive", "Workgroup", "Application", "Chat files", "Alex Morgan", "Maria Ivanova", "Thomas Weber"]) assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    const maria = (await call("disk.storage.getlist", { filter: { ENTITY_TYPE: "user", ENTITY_ID: 2 } }))[0];
    const card = page.locator(`.drive-storage[data-storage-id="${maria.ID}"]`);
    assert.equal(await card.locator(".drive-kind").textContent(), "User's drive");
    assert.equal(await card.locator(".drive-storage-name").getAttribute("href"), `#drive/folder/${maria.ROOT_OBJECT_ID}`);
    assert.equal(await card.locator(".drive-counts").textContent(), "0 folders · 0 files");

    // Maria uploads into her own drive: her card counts it at once.
    await upload(maria.ROOT_OBJECT_ID, "notes.txt", Buffer.from("twelve bytes"), 2);
    await card.locator(".drive-counts", { hasText: "0 folders · 1 file · 12 B" }).waitFor();
  });

  it("browses a folder: folders first, then files by name, with size, time and a working download link, live", async () => {
    const folder: DiskObject = await call("disk.storage.addfolder", { id: 1, data: { NAME: "Reports" } });
    const sub: DiskObject = await call("disk.folder.addsubfolder", { id: Number(folder.ID), data: { NAME: "Archive" } });
    const binary = randomBytes(3000); // not text: the download must bring back these very bytes
    const data = await upload(folder.ID, "q3-figures.bin", binary);
    const csv = await upload(folder.ID, "budget.csv", Buffer.from("item;sum\nrent;1200\n"));

    await open("#drive");
    await page.click('.drive-storage[data-storage-id="1"] .drive-storage-name');
    await page.click(`a.drive-name:text-is("Reports")`);
    await page.locator(`.drive-section[data-view="folder"][data-id="${folder.ID}"]`).waitFor();
    assert.deepEqual(await page.locator(".drive-path > *").allTextContents(), ["Drive", "/", "Shared drive", "/", "Reports"]);
    assert.deepEqual(await page.locator(".drive-row .drive-name").allTextContents(), ["Archive", "budget.csv", "q3-figures.bin"]);
    assert.equal(await entry(sub.ID).getAttribute("data-type"), "folder");
    assert.equal(await entry(sub.ID).locator(".drive-download").count(), 0);
    assert.equal(await entry(data.ID).locator(".drive-size").textContent(), "2.9 KB");
    assert.equal(await entry(csv.ID).locator(".drive-size").textContent(), "19 B");
    assert.match((await entry(csv.ID).locator(".drive-modified").textContent()) ?? "", /Alex Morgan$/);

    // The download link is the file's DOWNLOAD_URL on the page's own origin; the browser saves its exact bytes.
    const href = await entry(data.ID).locator(".drive-download").getAttribute("href");
    assert.equal(`${ctx.portal.url}${href}`, data.DOWNLOAD_URL);
    const [download] = await Promise.all([page.waitForEvent("download"), entry(data.ID).locator(".drive-download").click()]);
    assert.equal(download.suggestedFilename(), "q3-figures.bin");
    const saved = join(scratch.path, "downloaded.bin");
    await download.saveAs(saved);
    assert.deepEqual(readFileSync(saved), binary);

    // Live: a new file, a rename, a new version, one put in the trash.
    const added = await upload(folder.ID, "agenda.txt", Buffer.from("1. numbers"));
    await entry(added.ID).waitFor();
    assert.deepEqual(await page.locator(".drive-row .drive-name").allTextContents(), ["Archive", "agenda.txt", "budget.csv", "q3-figures.bin"]);
    await call("disk.file.rename", { id: Number(csv.ID), newName: "budget-2026.csv" });
    await entry(csv.ID).locator(".drive-name", { hasText: "budget-2026.csv" }).waitFor();
    await call("disk.file.uploadversion", { id: Number(csv.ID), fileContent: ["budget.csv", Buffer.from("item;sum\nrent;1300\nfood;400\n").toString("base64")] });
    await entry(csv.ID).locator(".drive-size", { hasText: "28 B" }).waitFor();
    const [second] = await Promise.all([page.waitForEvent("download"), entry(csv.ID).locator(".drive-download").click()]);
    await second.saveAs(join(scratch.path, "budget.csv"));
    assert.equal(readFileSync(join(scratch.path, "budget.csv"), "utf8"), "item;sum\nrent;1300\nfood;400\n", "the newest version downloads");
    await call("disk.file.markdeleted", { id: Number(added.ID) });
    await page.waitForFunction((id) => !document.querySelector(`.drive-row[data-object-id="${id}"]`), added.ID);

    await entry(data.ID).scrollIntoViewIfNeeded();
    const shot = join(scratch.path, "portal-drive.png");
    await page.screenshot({ path: shot, animations: "disabled" });
    assert.ok(statSync(shot).size > 10_000);
    if (process.env.OINT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
  });

  it("shows a storage's trash: what was deleted, from where, by whom; restored ones leave it live", async () => {
    const folder: DiskObject = await call("disk.storage.addfolder", { id: 1, data: { NAME: "Old plans" } });
    const inner = await upload(folder.ID, "plan.txt", Buffer.from("plan"));
    const single = await upload(folder.ID, "draft.txt", Buffer.from("draft"));
    await call("disk.file.markdeleted", { id: Number(single.ID) });
    await call("disk.folder.markdeleted", { id: Number(folder.ID) });

    await open("#drive");
    await page.click('.drive-storage[data-storage-id="1"] .drive-trash-link');
    await page.locator('.drive-section[data-view="trash"][data-id="1"]').waitFor();
    assert.equal(await page.locator(".drive-head h1").textContent(), "Trash · Shared drive");
    // Newest first; the file inside the trashed folder is not listed on its own.
    assert.deepEqual((await page.locator(".drive-row .drive-name").allTextContents()).slice(0, 2), ["Old plans", "draft.txt"]);
    assert.equal(await entry(inner.ID).count(), 0);
    assert.equal(await entry(folder.ID).locator("td").first().textContent(), "Old plans and 1 inside");
    assert.equal(await entry(single.ID).locator(".drive-from").textContent(), "/Old plans");
    assert.equal(await entry(folder.ID).locator(".drive-from").textContent(), "/");
    assert.match((await entry(single.ID).locator("td").nth(3).textContent()) ?? "", /Alex Morgan$/);

    await call("disk.folder.restore", { id: Number(folder.ID) });
    await page.waitForFunction((id) => !document.querySelector(`.drive-row[data-object-id="${id}"]`), folder.ID);
    assert.equal(await entry(single.ID).count(), 1, "the file trashed on its own stays in the trash");
  });

  it("shows names with markup as text", async () => {
    const evil = `<img src=x onerror="window.__pwned=1">`;
    const folder: DiskObject = await call("disk.storage.addfolder", { id: 1, data: { NAME: `Folder ${evil}` } });
    const file = await upload(folder.ID, `File ${evil}.txt`, Buffer.from("x"));
    const gone = await upload(folder.ID, `Gone ${evil}.txt`, Buffer.from("y"));
    await call("disk.file.markdeleted", { id: Number(gone.ID) });
    await open(`#drive/folder/${folder.ID}`);
    assert.equal(await page.locator(".drive-head h1").textContent(), `Folder ${evil}`);
    assert.equal(await entry(file.ID).locator(".drive-name").textContent(), `File ${evil}.txt`);
    assert.equal(await page.locator(".drive-section img").count(), 0);
    await open("#drive/trash/1");
    assert.equal(await entry(gone.ID).locator(".drive-name").textContent(), `Gone ${evil}.txt`);
    assert.equal(await page.locator(".drive-section img").count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it("says so for a folder that does not exist", async () => {
    await open("#drive/folder/999999");
    assert.equal(await page.locator(".drive-section .empty").textContent(), "Not found: folder 999999");
  });
});
