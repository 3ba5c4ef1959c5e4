// calendar.* on the local portal, with the payloads OpenIntegrations sends (Calendars and Calendar
// events regions): sections of users with colours and access, events with time zones, all-day
// events, RRULE repetitions expanded into a date range, reminders, meetings whose host and
// attendees see them, answers Y / N / Q, busy intervals computed from the events, user settings;
// every answer against the real samples (test/fixtures/opi-samples).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { usePortal } from "./helpers.js";
import { assertLikeSample } from "./opi-sample-shape.js";

const ctx = usePortal();
/** User 1 through the webhook, or any user through an OAuth token (the other auth mode). */
const as = (userId = 1) =>
  userId === 1 ? new Bitrix24Client({ url: ctx.portal.webhookUrl }) : new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.credentials.issueToken(userId) });
const call = async (method: string, params: Record<string, unknown> = {}, userId = 1): Promise<any> => await as(userId).call(method, params);

// Where the samples show less than every answer: the docs cut GetCalendarList and GetCalendarEvents
// before their `time` block; ACCESS maps access codes of several kinds (G2, U1, SG4_A…); an RRULE
// has COUNT and BYDAY only when the rule has them.
const SECTION_LIST = { extra: ["time"], freeForm: ["result[].ACCESS"] };
const EVENT_LIST = { extra: ["time", "result[].RRULE.BYDAY"], optional: ["result[].RRULE.COUNT"] };

async function rejects(promise: Promise<unknown>, description: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof Bitrix24Error, String(e));
    assert.equal(e.code, "");
    assert.equal(e.description, description);
    assert.equal(e.status, 400);
    return true;
  });
}

/** What OpenIntegrations' CreateCalendarEvent sends for its docs' example (GetCalendarEventsStructure spread). */
const opiEvent = (section: number) => ({
  type: "user", ownerId: "1", from: "12/11/2025 20:03:17", to: "12/11/2025 21:03:17", section: String(section), name: "New event", skip_time: "N",
  timezone_from: "Europe/Minsk", timezone_to: "Europe/Minsk", description: "Event description", color: "%23000000>", text_color: "%23FFFFFF",
  accessibility: "quest", importance: "normal", private_event: "Y",
  rrule: { FREQ: "DAILY", COUNT: "3", INTERVAL: "10", BYDAY: ["SA", "MO"], UNTIL: "12/21/2025 20:03:17" },
  is_meeting: "Y", location: "Office", remind: [{ type: "day", count: "1" }], attendees: ["1", "2"], host: "1",
  meeting: { notify: "Y", reinvite: "N", allow_invite: "N", hide_guests: "N" },
});

describe("calendars (calendar.section.*)", () => {
  it("lists a user's calendars (the default one made on first look), adds, updates and deletes one, like the samples", async () => {
    const first = await call("calendar.section.get", { type: "user", ownerId: "1" });
    assert.equal(first.result.length, 1, "the default calendar");
    assert.equal(first.result[0].NAME, "Alex " + ctx.portal.state.getUser(1)!.lastName);
    // GetCalendarStructure spread, as CreateCalendar sends it (export.ALLOW as the text 'True').
    const added = await call("calendar.section.add", { type: "user", ownerId: "1", name: "Another calendar", description: "My other new calendar", color: "#FFFFFF", text_color: "#000000", export: { ALLOW: "True", SET: "all" } });
    assertLikeSample(added, "CreateCalendar");
    const list = await call("calendar.section.get", { type: "user", ownerId: "1" });
    assertLikeSample(list, "GetCalendarList", SECTION_LIST);
    const mine = list.result.find((s: any) => s.ID === String(added.result));
    assert.equal(mine.NAME, "Another calendar");
    assert.equal(mine.COLOR, "#FFFFFF");
    assert.equal(mine.TEXT_COLOR, "#000000");
    assert.equal(mine.OWNER_ID, "1");
    assert.match(mine.DATE_CREATE, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.deepEqual(mine.ACCESS, { G2: 31, U1: 39 });
    assert.equal(mine.PERM.edit, true);

    const updated = await call("calendar.section.update", { id: String(added.result), type: "user", ownerId: "1", name: "New calendar name", description: "This calendar has been changed" });
    assertLikeSample(updated, "UpdateCalendar");
    assert.equal(updated.result, added.result);
    const after = (await call("calendar.section.get", { type: "user", ownerId: "1" })).result.find((s: any) => s.ID === String(added.result));
    assert.deepEqual([after.NAME, after.DESCRIPTION, after.COLOR], ["New calendar name", "This calendar has been changed", "#FFFFFF"]);

    // Another user sees the calendar but may not change it.
    const seen = (await call("calendar.section.get", { type: "user", ownerId: "1" }, 2)).result.find((s: any) => s.ID === String(added.result));
    assert.equal(seen.PERM.edit, false);
    await rejects(call("calendar.section.update", { id: added.result, type: "user", ownerId: 1, name: "x" }, 2), "Access denied");
    await rejects(call("calendar.section.add", { type: "user", ownerId: 1, name: "Not mine" }, 2), "Access denied");

    const deleted = await call("calendar.section.delete", { id: String(added.result), ownerId: "1", type: "user" });
    assertLikeSample(deleted, "DeleteCalendar");
    assert.ok(!(await call("calendar.section.get", { type: "user", ownerId: 1 })).result.some((s: any) => s.ID === String(added.result)));
    await rejects(call("calendar.section.delete", { id: added.result, ownerId: 1, type: "user" }), "Access denied.");
  });

  it("refuses what Bitrix24 refuses, with its empty code and reason", async () => {
    await rejects(call("calendar.section.get", { ownerId: 1 }), 'The required parameter "type" for the method "calendar.section.get" is not set');
    await rejects(call("calendar.section.get", { type: "group" }), 'The required parameter "ownerId" for the method "calendar.section.get" is not set');
    await rejects(call("calendar.section.add", { type: "user", ownerId: 1 }), 'The required parameter "name" for the method "calendar.section.add" is not set');
    await rejects(call("calendar.section.update", { type: "user", ownerId: 1, name: "x" }), "Section ID is not set");
  });
});

describe("events (calendar.event.*)", () => {
  it("keeps OpenIntegrations' example event: time zone, colours, reminders, repetition, meeting; getbyid and get like the samples", async () => {
    const section = (await call("calendar.section.add", { type: "user", ownerId: "1", name: "Events" })).result;
    const added = await call("calendar.event.add", opiEvent(section));
    assertLikeSample(added, "CreateCalendarEvent");
    const one = await call("calendar.event.getbyid", { id: String(added.result) });
    assertLikeSample(one, "GetCalendarEvent");
    const e = one.result;
    assert.equal(e.DATE_FROM, "11.12.2025 20:03:17"); // 12/11/2025 is the portal's site format read as MM/DD
    assert.equal(e.DATE_TO, "11.12.2025 21:03:17");
    assert.equal(e.TZ_FROM, "Europe/Minsk");
    assert.equal(e.TZ_OFFSET_FROM, "10800");
    assert.equal(e.DATE_FROM_TS_UTC, String(Date.UTC(2025, 11, 11, 17, 3, 17) / 1000));
    assert.equal(e.DT_LENGTH, 3600);
    assert.equal(e.COLOR, "#230000"); // Bitrix24's colour clean-up of "%23000000>"
    assert.equal(e.PRIVATE_EVENT, "1");
    assert.deepEqual(e.REMIND, [{ type: "day", count: 1 }]);
    assert.deepEqual(e.RRULE, { FREQ: "DAILY", COUNT: 3, INTERVAL: 10, UNTIL: "21.12.2025", "~UNTIL": "21.12.2025", UNTIL_TS: Date.UTC(2025, 11, 21) / 1000 });
    assert.equal(e.SECTION_ID, String(section));
    assert.equal(e.MEETING_HOST, "1");
    assert.equal(e.MEETING.HOST_NAME, `Alex ${ctx.portal.state.getUser(1)!.lastName}`);
    assert.deepEqual(e.ATTENDEES_CODES, ["U1", "U2"]);
    assert.deepEqual(e.ATTENDEE_LIST.map((a: any) => [a.id, a.status]), [[1, "H"], [2, "Q"]]);
    assert.notEqual(e.ATTENDEE_LIST[1].entryId, e.ID, "the attendee's copy is an event of its own");

    // Until 21.12 every 10th day: the 11th and the 21st (COUNT 3 would allow a third).
    const got = await call("calendar.event.get", { type: "user", ownerId: "1", from: "2025-12-01", to: "2025-12-31", section: [String(section)] });
    assertLikeSample(got, "GetCalendarEvents", EVENT_LIST);
    assert.deepEqual(got.result.map((x: any) => [x.ID, x.DATE_FROM, x.RINDEX, x["~DATE_FROM"]]), [
      [String(added.result), "11.12.2025 20:03:17", 0, "11.12.2025 20:03:17"],
      [String(added.result), "21.12.2025 20:03:17", 1, "11.12.2025 20:03:17"],
    ]);

    const updated = await call("calendar.event.update", { id: String(added.result), ownerId: "1", type: "user", name: "Modified event", description: "New event description", importance: "low", private_event: "Y" });
    assertLikeSample(updated, "UpdateCalendarEvent");
    const changed = (await call("calendar.event.getbyid", { id: added.result })).result;
    assert.deepEqual([changed.NAME, changed.DESCRIPTION, changed.IMPORTANCE, changed.VERSION, changed.DATE_FROM], ["Modified event", "New event description", "low", "2", "11.12.2025 20:03:17"]);
    // The attendee's copy follows the host's event.
    const copy = (await call("calendar.event.getbyid", { id: changed.ATTENDEE_LIST[1].entryId }, 2)).result;
    assert.deepEqual([copy.NAME, copy.OWNER_ID, copy.PARENT_ID, copy.MEETING_STATUS], ["Modified event", "2", String(added.result), "Q"]);

    const deleted = await call("calendar.event.delete", { id: String(added.result) });
    assertLikeSample(deleted, "DeleteCalendarEvent");
    await rejects(call("calendar.event.getbyid", { id: copy.ID }, 2), "Access denied");
    await rejects(call("calendar.event.delete", { id: added.result }), "An error occurred while deleting the event");
  });

  it("a weekly meeting with two attendees: on the right days of a month, declined by one, busy for the other", async () => {
    // Mondays and Wednesdays at 10:00 in Berlin through March 2026 (summer time from the 29th).
    const meeting = (
      await call("calendar.event.add", {
        type: "user", ownerId: "1", name: "Weekly sync", from: "2026-03-02 10:00:00", to: "2026-03-02 11:00:00", timezone_from: "Europe/Berlin",
        rrule: { FREQ: "WEEKLY", BYDAY: ["MO", "WE"], INTERVAL: "1", UNTIL: "2026-03-31" }, is_meeting: "Y", attendees: ["2", "3"], accessibility: "busy",
      })
    ).result as number;
    const march = { from: "2026-03-01", to: "2026-03-31" };
    const days = (items: any[]) => items.map((x) => x.DATE_FROM);
    const expected = ["02", "04", "09", "11", "16", "18", "23", "25", "30"].map((d) => `${d}.03.2026 10:00:00`);
    const host = await call("calendar.event.get", { type: "user", ownerId: 1, ...march });
    assertLikeSample(host, "GetCalendarEvents", EVENT_LIST);
    assert.deepEqual(days(host.result.filter((x: any) => x.ID === String(meeting))), expected);
    const last = host.result.find((x: any) => x.DATE_FROM === "30.03.2026 10:00:00");
    assert.deepEqual([last.TZ_OFFSET_FROM, last.DATE_FROM_TS_UTC], ["7200", String(Date.UTC(2026, 2, 30, 8) / 1000)]);
    assert.equal(host.result[0].TZ_OFFSET_FROM, "3600");
    assert.deepEqual(host.result[0].RRULE.BYDAY, { MO: "MO", WE: "WE" });
    assert.equal(host.result[0]["~RRULE_DESCRIPTION"], "every week on: Mon, Wed, from 02.03.2026 to 31.03.2026");

    // Each attendee has the meeting in their own calendar, waiting for an answer.
    for (const userId of [2, 3]) {
      const theirs = (await call("calendar.event.get", { type: "user", ownerId: userId, ...march }, userId)).result;
      assert.deepEqual(days(theirs), expected);
      assert.ok(theirs.every((x: any) => x.PARENT_ID === String(meeting) && x.MEETING_STATUS === "Q"));
      assert.equal((await call("calendar.meeting.status.get", { eventId: String(meeting) }, userId)).result, "Q");
    }
    assertLikeSample(await call("calendar.meeting.status.get", { eventId: meeting }), "GetUserParticipationStatus");
    assert.equal((await call("calendar.meeting.status.get", { eventId: meeting })).result, "H");

    const declined = await call("calendar.meeting.status.set", { eventId: String(meeting), status: "N" }, 2);
    assertLikeSample(declined, "SetUserParticipationStatus");
    await call("calendar.meeting.status.set", { eventId: String(meeting), status: "Y" }, 3);
    assert.equal((await call("calendar.meeting.status.get", { eventId: meeting }, 2)).result, "N");
    const statuses = (await call("calendar.event.getbyid", { id: meeting })).result.ATTENDEE_LIST.map((a: any) => [a.id, a.status]);
    assert.deepEqual(statuses, [[1, "H"], [2, "N"], [3, "Y"]]);

    // Busy: the week of the 9th (OpenIntegrations sends yyyy-MM-dd) — nothing for the one who declined.
    const busy = await call("calendar.accessibility.get", { users: ["1", "2", "3"], from: "2026-03-09", to: "2026-03-15" });
    assertLikeSample(busy, "GetUserBusy");
    assert.deepEqual(busy.result["2"], []);
    assert.deepEqual(busy.result["3"].map((b: any) => [b.ID, b.DATE_FROM, b.DATE_TO, b.ACCESSIBILITY]), [
      [String(meeting), "09.03.2026 10:00:00", "09.03.2026 11:00:00", "busy"],
      [String(meeting), "11.03.2026 10:00:00", "11.03.2026 11:00:00", "busy"],
    ]);
    assert.equal(busy.result["1"].length, 2);
    assert.equal(busy.result["3"][0].DATE_FROM_TS_UTC, String(Date.UTC(2026, 2, 9, 9) / 1000));

    await rejects(call("calendar.meeting.status.set", { eventId: meeting, status: "X" }, 3), 'Invalid value for the parameter "status"');
    await rejects(call("calendar.meeting.status.get", { eventId: meeting }, 4), "An error occurred while retrieving the status");
  });

  it("all-day events, monthly and daily repetitions with a count, and what refuses an event", async () => {
    const allDay = (await call("calendar.event.add", { type: "user", ownerId: 1, name: "Holiday", from: "2026-05-01", to: "2026-05-02", skip_time: "Y", accessibility: "absent" })).result;
    const holiday = (await call("calendar.event.getbyid", { id: allDay })).result;
    assert.deepEqual([holiday.DATE_FROM, holiday.DATE_TO, holiday.DT_SKIP_TIME, holiday.DT_LENGTH], ["01.05.2026", "02.05.2026", "Y", 172800]);
    const busy = (await call("calendar.accessibility.get", { users: [1], from: "2026-05-02", to: "2026-05-02" })).result["1"];
    assert.deepEqual(busy.map((b: any) => [b.ID, b.ACCESSIBILITY]), [[String(allDay), "absent"]]);

    const monthly = (await call("calendar.event.add", { type: "user", ownerId: 1, name: "Report", from: "2026-01-31T09:00:00+00:00", to: "2026-01-31T09:30:00+00:00", rrule: { FREQ: "MONTHLY", UNTIL: "2026-06-30" } })).result;
    const reports = (await call("calendar.event.get", { type: "user", ownerId: 1, from: "2026-01-01", to: "2026-12-31" })).result.filter((x: any) => x.ID === String(monthly));
    assert.deepEqual(reports.map((x: any) => x.DATE_FROM), ["31.01.2026 09:00:00", "31.03.2026 09:00:00", "31.05.2026 09:00:00"]); // months with a 31st

    const daily = (await call("calendar.event.add", { type: "user", ownerId: 1, name: "Standup", from: "2026-02-02 09:00", to: "2026-02-02 09:15", rrule: { FREQ: "DAILY", COUNT: 4, INTERVAL: 2 } })).result;
    const standups = (await call("calendar.event.get", { type: "user", ownerId: 1, from: "2026-02-01", to: "2026-02-28" })).result.filter((x: any) => x.ID === String(daily));
    assert.deepEqual(standups.map((x: any) => x.DATE_FROM.slice(0, 5)), ["02.02", "04.02", "06.02", "08.02"]);
    assert.equal(standups[0].RRULE.UNTIL, "08.02.2026");

    await rejects(call("calendar.event.add", { type: "user", ownerId: 1, from: "2026-01-01", to: "2026-01-01" }), 'The required parameter "name" for the method "calendar.event.add" is not set');
    await rejects(call("calendar.event.add", { type: "user", ownerId: 1, name: "x", to: "2026-01-01" }), 'The required parameter "from" for the method "calendar.event.add" is not set');
    await rejects(call("calendar.event.add", { type: "user", ownerId: 1, name: "x", from: "soon", to: "2026-01-01" }), 'Invalid value for the parameter "from"');
    await rejects(call("calendar.event.add", { type: "user", ownerId: 1, name: "x", from: "2026-01-01", to: "2026-01-01", section: 999999 }), "You specified an invalid calendar section ID or the user does not have access to it");
    await rejects(call("calendar.event.add", { ownerId: 1, name: "x", from: "2026-01-01", to: "2026-01-01" }), 'The required parameter "type" for the method "calendar.event.add" is not set');
    await rejects(call("calendar.event.update", { id: allDay, type: "user", ownerId: 1, name: "Mine now" }, 2), "Access denied");
  });
});

describe("calendar settings", () => {
  it("user settings read and written (SetCustomCalendarSettings' payload); the portal's settings", async () => {
    const before = await call("calendar.user.settings.get", {}, 2);
    assertLikeSample(before, "GetCustomCalendarSettings");
    assert.match(before.result.meetSection, /^\d+$/);
    const set = await call("calendar.user.settings.set", { settings: { view: "week", showDeclined: "Y", collapseOffHours: "N", showCompletedTasks: "Y", nonsense: 1 } }, 2);
    assertLikeSample(set, "SetCustomCalendarSettings");
    const after = (await call("calendar.user.settings.get", {}, 2)).result;
    assert.deepEqual([after.view, after.showDeclined, after.collapseOffHours, after.showCompletedTasks, after.nonsense], ["week", true, "N", "Y", undefined]);
    assert.equal((await call("calendar.user.settings.get")).result.view, "month", "one user's settings are theirs");
    await rejects(call("calendar.user.settings.set", {}), 'The required parameter "settings" for the method "calendar.user.settings.set" is not set');
    assertLikeSample(await call("calendar.settings.get"), "GetCalendarSettingsStructure");
  });
});
