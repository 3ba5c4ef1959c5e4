// Headless Chromium for the web page's tests (test/web*.test.ts): Debian's /usr/bin/chromium
// driven by playwright-core; the browser tests are skipped where it is not installed.
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { Bitrix24Client } from "../src/index.js";
import type { RunningPortal } from "../src/portal/index.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** false, or why the browser tests are skipped (for describe's `skip`). */
export const noChromium: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium); browser tests skipped`;

/** A REST call to `portal` as user 1 (its webhook) or another user (an OAuth token issued for them); the `result`. */
export async function callAs(portal: RunningPortal, method: string, params: Record<string, unknown>, userId = 1): Promise<any> {
  const client = userId === 1 ? new Bitrix24Client({ url: portal.webhookUrl }) : new Bitrix24Client({ url: portal.url, token: portal.credentials.issueToken(userId) });
  return (await client.call(method, params)).result;
}

/** A fresh load of `portal`'s page at `hash` (not just a hash change of the page already open), ready and live. */
export async function openPage(page: Page, portal: RunningPortal, hash: string): Promise<void> {
  await page.goto("about:blank");
  await page.goto(`${portal.url}/${hash}`);
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector("#live[data-state=live]");
}
