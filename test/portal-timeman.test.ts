// timeman.* on the local portal with the payloads OpenIntegrations' Timekeeping functions send
// (StartTimekeeping / StopTimekeeping: USER_ID, TIME, REPORT; Pause / GetTimekeepingStatus /
// GetTimekeepingSettings: USER_ID): a work day opened, paused, resumed and closed with the
// durations adding up, Bitrix24's errors, and answers like the samples. The portal's clock is the
// state's `now`, stepped by hand here: no test waits for real time to pass.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { PortalState } from "../src/portal/data/state.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const clock = { ms: Date.parse("2026-03-10T07:00:00Z") };
const at = (iso: string) => void (clock.ms = Date.parse(iso));
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ port: 0, state: new PortalState({ now: () => new Date(clock.ms) }) });
});
after(async () => portal?.close());

/** User 1 through the webhook, other users through OAuth tokens (both auth modes). */
const call = async (method: string, params: Record<string, unknown> = {}, userId = 1): Promise<any> =>
  await (userId === 1 ? new Bitrix24Client({ url: portal.webhookUrl }) : new Bitrix24Client({ url: portal.url, token: portal.credentials.issueToken(userId) })).call(method, params);

async function rejects(promise: Promise<unknown>, code: string, description: string, status = 400): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof Bitrix24Error, String(e));
    assert.deepEqual([e.code, e.description, e.status], [code, description, status]);
    return true;
  });
}

describe("a work day", () => {
  it("opened, paused, resumed and closed: the times and durations add up; each answer like the samples", async () => {
    at("2026-03-10T07:00:00Z");
    assert.deepEqual((await call("timeman.status", {}, 3)).result, { STATUS: "CLOSED" }, "never opened: the state alone");
    const opened = await call("timeman.open", {}, 3); // StartTimekeeping without options
    assertLikeSample(opened, "StartTimekeeping");
    assert.deepEqual([opened.result.STATUS, opened.result.TIME_START, opened.result.TIME_FINISH, opened.result.ACTIVE], ["OPENED", "2026-03-10T07:00:00+00:00", null, true]);

    at("2026-03-10T09:00:00Z");
    const paused = await call("timeman.pause", { USER_ID: "3" }, 3);
    assertLikeSample(paused, "PauseTimekeeping");
    assert.deepEqual([paused.result.STATUS, paused.result.TIME_FINISH, paused.result.DURATION], ["PAUSED", "2026-03-10T09:00:00+00:00", "00:00:00"]);

    at("2026-03-10T09:30:00Z");
    const during = await call("timeman.status", {}, 3);
    assertLikeSample(during, "GetTimekeepingStatus");
    assert.equal(during.result.STATUS, "PAUSED");
    const resumed = (await call("timeman.open", {}, 3)).result;
    assert.deepEqual([resumed.STATUS, resumed.TIME_START, resumed.TIME_FINISH, resumed.TIME_LEAKS], ["OPENED", "2026-03-10T07:00:00+00:00", null, "00:30:00"]);
    assert.equal((await call("timeman.open", {}, 3)).result.TIME_LEAKS, "00:30:00", "opening an open day changes nothing");
    await call("timeman.pause", {}, 3); // a second break, 09:30–09:45
    await rejects(call("timeman.open", { TIME: "2026-03-10T09:30:00+00:00", REPORT: "x" }, 3), "TIME", "Unable to set time, work day is paused");
    // As Bitrix24, a paused day refuses any TIME before reading it.
    await rejects(call("timeman.open", { TIME: "9:30", REPORT: "x" }, 3), "TIME", "Unable to set time, work day is paused");
    at("2026-03-10T09:45:00Z");
    assert.equal((await call("timeman.open", {}, 3)).result.TIME_LEAKS, "00:45:00");

    at("2026-03-10T16:00:00Z");
    const closed = await call("timeman.close", {}, 3);
    assertLikeSample(closed, "GetTimekeepingStatus");
    // 07:00–16:00 is 9 hours, less 45 minutes of breaks.
    assert.deepEqual([closed.result.STATUS, closed.result.TIME_FINISH, closed.result.TIME_LEAKS, closed.result.DURATION], ["CLOSED", "2026-03-10T16:00:00+00:00", "00:45:00", "08:15:00"]);
    assert.equal((await call("timeman.status", {}, 3)).result.DURATION, "08:15:00");
    await rejects(call("timeman.close", {}, 3), "", "WD_NOT_OPEN");
    await rejects(call("timeman.close", {}, 4), "", "WD_NOT_OPEN"); // never opened either
    // Pausing a day that is not open changes nothing.
    assert.equal((await call("timeman.pause", {}, 3)).result.STATUS, "CLOSED");
  });

  it("TIME: ATOM with its offset, on the current date, with a reason; the day shown in that offset", async () => {
    at("2026-03-11T06:00:00Z");
    // OpenIntegrations' StopTimekeeping sends "…Z" (ДатаISOZ): the sample is Bitrix24's refusal. Without a zone, likewise.
    for (const TIME of ["2026-03-11T08:30:00Z", "2026-03-11T08:30:00", "2026-03-11T08:30:00.5+03:00"]) {
      await assert.rejects(call("timeman.open", { TIME, REPORT: "Late" }, 2), (e: unknown) => {
        const sample = opiSample("StopTimekeeping");
        return e instanceof Bitrix24Error && e.code === sample.error && e.description === sample.error_description;
      }, TIME);
    }
    await rejects(call("timeman.open", { TIME: "2026-03-10T08:30:00+03:00", REPORT: "Late" }, 2), "WRONG_DATETIME", "Day open date should correspond to the current date");
    await rejects(call("timeman.open", { TIME: "2026-03-11T08:30:00+03:00" }, 2), "REPORT_NEEDED", "Please specify the reason for changing the work time");
    assert.equal((await call("timeman.status", {}, 2)).result.STATUS, "CLOSED", "nothing was opened by the refused calls");

    const opened = (await call("timeman.open", { USER_ID: "2", TIME: "2026-03-11T08:30:00+03:00", REPORT: "Late", LAT: 53.5, LON: "9.98" }, 2)).result;
    assert.deepEqual([opened.STATUS, opened.TIME_START, opened.TZ_OFFSET, opened.ACTIVE, opened.LAT_OPEN, opened.LON_OPEN], ["OPENED", "2026-03-11T08:30:00+03:00", 10800, false, 53.5, 9.98]);
    at("2026-03-11T15:00:00Z");
    await rejects(call("timeman.close", { TIME: "2026-03-12T01:00:00+03:00", REPORT: "Late" }, 2), "WRONG_DATETIME", "Day close date should correspond to the day open date");
    await rejects(call("timeman.close", { TIME: "2026-03-11T14:45:00Z", REPORT: "Left early" }, 2), "WRONG_DATETIME_FORMAT", "Wrong datetime format");
    assert.equal((await call("timeman.status", {}, 2)).result.STATUS, "OPENED", "the refused Z left the day open");
    // 14:45 at +00:00 is 17:45 in the day's offset: the day is shown there.
    const closed = (await call("timeman.close", { TIME: "2026-03-11T14:45:00+00:00", REPORT: "Left early" }, 2)).result;
    assert.deepEqual([closed.STATUS, closed.TIME_FINISH, closed.DURATION], ["CLOSED", "2026-03-11T17:45:00+03:00", "09:15:00"]);
  });

  it("a day left open is EXPIRED the next day: closed only with a TIME on its own date", async () => {
    at("2026-03-12T08:00:00Z");
    await call("timeman.open", {}, 5);
    at("2026-03-13T08:00:00Z");
    const expired = await call("timeman.status", {}, 5);
    assertLikeSample(expired, "StartTimekeeping", { extra: ["result.TIME_FINISH_DEFAULT"] }); // a day still open: TIME_FINISH null
    assert.deepEqual([expired.result.STATUS, expired.result.TIME_FINISH_DEFAULT], ["EXPIRED", "2026-03-12T18:00:00+00:00"]);
    assert.equal((await call("timeman.open", {}, 5)).result.STATUS, "EXPIRED", "opening does not start over an expired day");
    await rejects(call("timeman.close", {}, 5), "WD_EXPIRED", "Workday is expired");
    const closed = (await call("timeman.close", { TIME: "2026-03-12T17:00:00+00:00", REPORT: "Forgot to close" }, 5)).result;
    assert.deepEqual([closed.STATUS, closed.DURATION], ["CLOSED", "09:00:00"]);
  });

  it("another user's day only for an administrator; settings like the sample, ADMIN only about oneself", async () => {
    at("2026-03-14T08:00:00Z");
    await rejects(call("timeman.status", { USER_ID: 1 }, 2), "ACCESS_DENIED", "User does not have access to managing other users work time", 403);
    await rejects(call("timeman.open", { USER_ID: "999" }), "", "User not found");
    assert.equal((await call("timeman.open", { USER_ID: "4" })).result.STATUS, "OPENED", "the administrator opens user 4's day");
    assert.equal((await call("timeman.status", {}, 4)).result.STATUS, "OPENED");

    const own = await call("timeman.settings");
    assertLikeSample(own, "GetTimekeepingSettings");
    assert.equal(own.result.ADMIN, true);
    assert.equal((await call("timeman.settings", {}, 2)).result.ADMIN, false);
    assert.equal("ADMIN" in (await call("timeman.settings", { USER_ID: 2 })).result, false);
  });
});
