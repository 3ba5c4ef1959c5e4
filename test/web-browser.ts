// Headless Chromium for the web page's tests (test/web*.test.ts): Debian's /usr/bin/chromium
// driven by playwright-core; the browser tests are skipped where it is not installed.
import { existsSync } from "node:fs";

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
