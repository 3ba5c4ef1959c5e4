// The page's "Calendar" section in headless Chromium: a week of a user's calendar (events placed by
// day and time, all-day ones on top, repetitions expanded as calendar.event.get expands them,
// meetings with the user's own answer and every attendee's), the user switcher and the previous /
// next week, and today's work day of every user as timeman.status reads it; live as answers and work
// days change over REST. The portal's clock is the state's `now`, pinned here, so "this week" and
// "today" do not depend on when the test runs.
// OINT_UPDATE_SCREENSHOT=1 also saves the week as docs/portal-calendar.png (README).
import assert from "node:assert/strict";
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { PortalState } from "../src/portal/data/state.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";
import { callAs, CHROMIUM, CHROMIUM_ARGS, noChromium, openPage } from "./web-browser.js";

const README_SCREENSHOT = join(import.meta.dirname, "..", "docs", "portal-calendar.png");

// Wednesday 11 March 2026, 10:30 UTC (the seeded users' calendars are in UTC).
const clock = { ms: Date.parse("2026-03-11T10:30:00Z") };
const at = (iso: string) => void (clock.ms = Date.parse(iso));

describe("the Calendar section in a browser", { skip: noChromium }, () => {
  const scratch = useScratchDir();
  let portal: RunningPortal;
  let browser: Browser;
  let page: Page;
  const call = (method: string, params: Record<string, unknown>, userId = 1) => callAs(portal, method, params, userId);
  /** A fresh load of the page at `hash` (not just a hash change of the page already open). */
  const open = (hash: string) => openPage(page, portal, hash);
  const event = (date: string, name: string) => page.locator(`.cal-day[data-date="${date}"] .cal-event`, { has: page.locator(".cal-event-name", { hasText: name }) });

  before(async () => {
    portal = await startPortal({ port: 0, state: new PortalState({ now: () => new Date(clock.ms) }) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 1000 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await portal?.close();
  });

  it("shows this week of the first user: events by day and time, all-day ones on top, repetitions expanded, meeting answers live", async () => {
    const user = { type: "user", ownerId: 1 };
    await call("calendar.event.add", { ...user, name: "Planning", from: "2026-03-10 09:00", to: "2026-03-10 10:30", location: "Room 3" });
    await call("calendar.event.add", { ...user, name: "Standup", from: "2026-03-05 09:30", to: "2026-03-05 09:45", rrule: { FREQ: "DAILY", COUNT: 9 } });
    await call("calendar.event.add", { ...user, name: "Conference", from: "2026-03-12", to: "2026-03-13", skip_time: "Y" });
    await call("calendar.event.add", { ...user, name: "Retro", from: "2026-03-17 16:00", to: "2026-03-17 17:00" });
    // 13:00 in Berlin is 12:00 UTC: placed at the user's (UTC) time.
    const meeting = await call("calendar.event.add", {
      ...user, name: "Weekly sync", from: "2026-03-11 13:00", to: "2026-03-11 14:00", timezone_from: "Europe/Berlin", timezone_to: "Europe/Berlin", is_meeting: "Y", attendees: [1, 2, 3], host: 1,
    });
    await call("calendar.meeting.status.set", { eventId: meeting, status: "Y" }, 3);

    await open("#calendar");
    assert.equal(await page.locator(".cal-owner").textContent(), "Alex Morgan", "the first user's calendar by default");
    assert.equal(await page.locator(".cal-title").textContent(), "9 – 15 March 2026");
    assert.deepEqual(await page.locator(".cal-day-head").allTextContents(), ["Mon 9", "Tue 10", "Wed 11", "Thu 12", "Fri 13", "Sat 14", "Sun 15"]);
    assert.equal(await page.locator(".cal-day-head.today").getAttribute("data-date"), "2026-03-11", "today is the portal's clock's day");

    const planning = event("2026-03-10", "Planning");
    assert.equal(await planning.locator(".cal-event-time").textContent(), "09:00–10:30");
    assert.equal(await planning.locator(".cal-event-location").textContent(), "Room 3");
    // Placed by its time: 09:00 is one hour below the grid's first hour (08:00), 1.5 hours tall.
    const hour = await page.locator(".cal-hour").first().evaluate((el) => el.getBoundingClientRect().height);
    const box = (await planning.boundingBox())!;
    const column = (await page.locator('.cal-day[data-date="2026-03-10"]').boundingBox())!;
    assert.ok(Math.abs(box.y - column.y - hour) < 3, `09:00 sits an hour below 08:00 (${box.y - column.y} vs ${hour})`);
    assert.ok(Math.abs(box.height - 1.5 * hour) < 4, `an hour and a half tall (${box.height})`);

    // The daily repetition started the Thursday before: its 5th to 9th occurrences fall on Mon..Fri of this week.
    assert.equal(await page.locator(".cal-day .cal-event", { hasText: "Standup" }).count(), 5);
    assert.equal(await event("2026-03-13", "Standup").count(), 1);
    assert.equal(await event("2026-03-14", "Standup").count(), 0);

    const conference = page.locator(".cal-allday .cal-event", { hasText: "Conference" });
    assert.equal(await conference.locator(".cal-event-time").textContent(), "all day");
    assert.equal(await conference.evaluate((el) => getComputedStyle(el).gridColumnStart + "/" + getComputedStyle(el).gridColumnEnd), "4/6", "Thursday and Friday");
    assert.equal(await page.locator(".cal-day .cal-event", { hasText: "Conference" }).count(), 0, "all-day events only on top");
    assert.equal(await page.locator(".cal-event", { hasText: "Retro" }).count(), 0, "next week's event is not in this week");

    const sync = event("2026-03-11", "Weekly sync");
    assert.equal(await sync.locator(".cal-event-time").textContent(), "12:00–13:00 host");
    assert.equal(await sync.getAttribute("data-status"), "H");
    assert.equal(await sync.locator(".cal-status").textContent(), "host");
    assert.deepEqual(await sync.locator(".cal-attendee").allTextContents(), ["Alex Morgan: host", "Maria Ivanova: no answer yet", "Daniel Kim: accepted"]);

    // Maria declines over REST: the page shows it without a reload.
    await call("calendar.meeting.status.set", { eventId: meeting, status: "N" }, 2);
    await sync.locator(".cal-attendee", { hasText: "Maria Ivanova: declined" }).waitFor();

    // Maria's calendar: her copy of the meeting, with her answer.
    await page.locator('.cal-user[data-user-id="2"]').click();
    await page.locator(".cal-owner", { hasText: "Maria Ivanova" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), "#calendar/2");
    const hers = event("2026-03-11", "Weekly sync");
    assert.equal(await hers.getAttribute("data-status"), "N");
    assert.equal(await hers.locator(".cal-status").textContent(), "declined");
    assert.equal(await page.locator(".cal-event", { hasText: "Planning" }).count(), 0, "Alex's own events are not in Maria's calendar");
    await call("calendar.meeting.status.set", { eventId: meeting, status: "Q" }, 2);
    await page.locator('.cal-day[data-date="2026-03-11"] .cal-event[data-status="Q"]').waitFor();

    // Next week and back.
    await open("#calendar/1");
    await page.locator(".cal-next").click();
    await page.locator(".cal-title", { hasText: "16 – 22 March 2026" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), "#calendar/1/2026-03-16");
    assert.equal(await event("2026-03-17", "Retro").locator(".cal-event-time").textContent(), "16:00–17:00");
    assert.equal(await page.locator(".cal-day-head.today").count(), 0);
    await page.locator(".cal-prev").click();
    // Wait for the redraw: a second click on the old week's link would go to the same week again.
    await page.locator(".cal-title", { hasText: "9 – 15 March 2026" }).waitFor();
    await page.locator(".cal-prev").click();
    await page.locator(".cal-title", { hasText: "2 – 8 March 2026" }).waitFor();
    assert.equal(await page.locator(".cal-day .cal-event", { hasText: "Standup" }).count(), 4, "Thursday to Sunday of the week before");
    // A day in the middle of a week shows that week.
    await open("#calendar/1/2026-03-19");
    assert.equal(await page.locator(".cal-title").textContent(), "16 – 22 March 2026");
  });

  it("shows today's work day of every user: state, start, breaks and time worked, live", async () => {
    at("2026-03-11T08:00:00Z");
    await call("timeman.open", {}, 3);
    at("2026-03-11T08:30:00Z");
    await call("timeman.open", {}, 4);
    at("2026-03-11T09:00:00Z");
    await call("timeman.open", {}, 2);
    at("2026-03-11T10:00:00Z");
    await call("timeman.pause", {}, 3);
    await call("timeman.close", {}, 4);
    at("2026-03-11T10:30:00Z");

    await open("#calendar");
    const day = (userId: number) => page.locator(`.cal-workday[data-user-id="${userId}"]`);
    assert.equal(await page.locator(".cal-workdays h2").textContent(), "Today's work day · 2026-03-11");
    assert.equal(await day(1).getAttribute("data-state"), "NONE");
    assert.match((await day(1).textContent()) ?? "", /no work day today/);
    assert.equal(await day(2).getAttribute("data-state"), "OPENED");
    assert.deepEqual([await day(2).locator(".cal-wd-start").textContent(), await day(2).locator(".cal-wd-worked").textContent()], ["09:00", "1:30"]);
    assert.equal(await day(3).getAttribute("data-state"), "PAUSED");
    assert.equal(await day(3).locator(".cal-wd-state").textContent(), "on a break");
    assert.deepEqual([await day(3).locator(".cal-wd-start").textContent(), await day(3).locator(".cal-wd-worked").textContent()], ["08:00", "2:00"]);
    assert.equal(await day(4).getAttribute("data-state"), "CLOSED");
    assert.deepEqual([await day(4).locator(".cal-wd-start").textContent(), await day(4).locator(".cal-wd-worked").textContent()], ["08:30", "1:30"]);
    assert.match((await day(4).textContent()) ?? "", /closed at 10:00/);

    // Daniel comes back from his break: 30 minutes of breaks, working again.
    await call("timeman.open", {}, 3);
    await page.locator('.cal-workday[data-user-id="3"][data-state="OPENED"]').waitFor();
    assert.equal(await day(3).locator(".cal-wd-breaks").textContent(), "0:30");

    // The next day, yesterday's closed day is not today's.
    at("2026-03-12T07:00:00Z");
    await call("timeman.status", {}, 4);
    await page.locator('.cal-workday[data-user-id="4"][data-state="NONE"]').waitFor();
    assert.match((await day(4).textContent()) ?? "", /last: 2026-03-11/);
    assert.equal(await day(2).locator(".cal-wd-state").textContent(), "not closed in time");
    at("2026-03-11T10:30:00Z");
  });

  it("shows an event's name with markup as text", async () => {
    await call("calendar.event.add", { type: "user", ownerId: 1, name: `<img src=x onerror="window.__xss=1">Lunch`, from: "2026-03-13 12:00", to: "2026-03-13 13:00", location: "<b>Canteen</b>" });
    await open("#calendar");
    const lunch = page.locator('.cal-day[data-date="2026-03-13"] .cal-event', { hasText: "Lunch" });
    assert.equal(await lunch.locator(".cal-event-name").textContent(), `<img src=x onerror="window.__xss=1">Lunch`);
    assert.equal(await lunch.locator(".cal-event-location").textContent(), "<b>Canteen</b>");
    assert.equal(await page.locator(".cal img, .cal-event b").count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);

    const shot = join(scratch.path, "portal-calendar.png");
    await page.locator(".cal-workdays").scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector("#section-view")!.scrollTo(0, 0));
    await page.screenshot({ path: shot, animations: "disabled" });
    assert.ok(statSync(shot).size > 10_000);
    if (process.env.OINT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
  });
});
