// Calendars, calendar events and the work day, every function run through the CLI in both auth modes
// (test/sample-rows.ts) against the real answers in fixtures/opi-samples; then each function once
// through the library, and the StopTimekeeping sample itself: Bitrix24's refusal of the `…Z` time
// OpenIntegrations sends, where oint sends the offset. Inputs are made through the library over
// HTTP: a calendar per mode and OpenIntegrations' example event in it (a meeting of users 1 and 2).
// The portal's clock stands at 2026-01-06 12:00 UTC, so "today" is known to the work-day rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bitrix24, Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { catalogue } from "../src/catalogue/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { PortalState } from "../src/portal/data/state.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";
import { assertRegionsCovered, authModes, describeSampleRows, type SampleMode, type SampleRow } from "./sample-rows.js";

const NOW = Date.parse("2026-01-06T12:00:00Z");
let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ port: 0, state: new PortalState({ now: () => new Date(NOW) }) });
});
after(async () => portal?.close());

interface Mode extends SampleMode {
  /** A calendar of user 1's. */
  section: number;
  /** OpenIntegrations' example event in it: a meeting hosted by user 1 with user 2. */
  eventId: number;
}
type Row = SampleRow<Mode>;

// ---- inputs ---------------------------------------------------------------------------------------

/** GetCalendarStructure's example, as OpenIntegrations' docs fill it. */
const CALENDAR = "{'type':'user','ownerId':'1','name':'New calendar','description':'My new calendar','color':'#FFFFFF','text_color':'#000000','export':{'ALLOW':'True','SET':'all'}}";
/** GetCalendarEventsStructure's example, as OpenIntegrations' docs fill it (their test's dates and colours). */
const eventFields = (section: number) =>
  `{'type':'user','ownerId':'1','from':'12/11/2025 20:03:17','to':'12/11/2025 21:03:17','section':'${section}','name':'New event','skip_time':'N','timezone_from':'Europe/Minsk','timezone_to':'Europe/Minsk','description':'Event description','color':'%23000000>','text_color':'%23FFFFFF','accessibility':'quest','importance':'normal','private_event':'Y','rrule':{'FREQ':'DAILY','COUNT':'3','INTERVAL':'10','BYDAY':['SA','MO'],'UNTIL':'12/21/2025 20:03:17'},'is_meeting':'Y','location':'Office','remind':[{'type':'day','count':'1'}],'attendees':['1','2'],'host':'1','meeting':{'notify':'Y','reinvite':'N','allow_invite':'N','hide_guests':'N'}}`;
const EVENT_UPDATE = "{'ownerId':'1','type':'user','name':'Modified event','description':'New event description','importance':'low','private_event':'Y'}";
const json = (text: string) => JSON.parse(text.replaceAll("'", '"'));

const client = (m: Mode | SampleMode) => new Bitrix24Client({ url: m.url, token: m.token || undefined });
async function newCalendar(m: SampleMode): Promise<number> {
  return (await bitrix24.createCalendar(m.url, json(CALENDAR), m.token)).result;
}
async function newEvent(m: SampleMode, section: number): Promise<number> {
  return (await client(m as Mode).createCalendarEvent({ fields: json(eventFields(section)) })).result;
}
let usersMade = 0;
/** A new employee, whose work day the caller (an administrator) runs with --userid. */
async function newUser(m: SampleMode): Promise<string> {
  const n = ++usersMade;
  return String((await bitrix24.createUser(m.url, { EMAIL: `worker${n}@example.org`, NAME: "Worker", LAST_NAME: `No${n}`, UF_DEPARTMENT: "1" }, m.token)).result);
}
/** A time of the portal's today (2026-01-06) in Minsk's offset. */
const today = (hhmmss: string) => `2026-01-06T${hhmmss}+03:00`;

let prepared: Promise<Mode[]> | undefined;
const modes = () => (prepared ??= makeInputs());
async function makeInputs(): Promise<Mode[]> {
  const out: Mode[] = [];
  for (const base of authModes(portal)) {
    const section = await newCalendar(base);
    out.push({ ...base, section, eventId: await newEvent(base, section) });
  }
  return out;
}

// ---- one row per function ------------------------------------------------------------------------

// Where the samples show less than every answer (as in portal-calendar.test.ts): the docs cut
// GetCalendarList and GetCalendarEvents before their `time` block; ACCESS maps access codes of any
// kind; an RRULE has BYDAY only when the rule has it.
const SECTION_LIST = { extra: ["time"], freeForm: ["result[].ACCESS"] };
const EVENT_LIST = { extra: ["time", "result[].RRULE.BYDAY"], optional: ["result[].RRULE.COUNT"] };

const rows: Row[] = [
  // Calendars management
  { fn: "GetCalendarList", args: () => ["--owner", "1", "--type", "user"], shape: SECTION_LIST },
  { fn: "CreateCalendar", args: () => ["--fields", CALENDAR] },
  { fn: "UpdateCalendar", args: async (m) => ["--calendar", String(await newCalendar(m)), "--fields", "{'type':'user','ownerId':'1','name':'New calendar name','description':'This calendar has been changed'}"] },
  { fn: "DeleteCalendar", args: async (m) => ["--calendar", String(await newCalendar(m)), "--owner", "1", "--type", "user"] },
  { fn: "GetUserBusy", args: () => ["--users", "[1,2]", "--from", "2025-12-01", "--to", "2025-12-31"] },
  { fn: "GetCustomCalendarSettings", args: () => [] },
  { fn: "SetCustomCalendarSettings", args: () => ["--settings", "{'view':'month','showDeclined':'Y','collapseOffHours':'N'}"] },
  { fn: "GetCalendarSettingsStructure", args: () => [] },
  { fn: "GetCalednarCustomSettingsStructure", once: true, args: () => ["--empty", "false"] },
  { fn: "GetCalendarStructure", once: true, args: () => ["--empty", "false"] },

  // Calendar events management
  { fn: "CreateCalendarEvent", args: (m) => ["--fields", eventFields(m.section)] },
  { fn: "UpdateCalendarEvent", args: async (m) => ["--event", String(await newEvent(m, m.section)), "--fields", EVENT_UPDATE] },
  { fn: "GetCalendarEvent", args: (m) => ["--event", String(m.eventId)] },
  { fn: "GetCalendarEvents", args: (m) => ["--owner", "1", "--type", "user", "--filter", `{'from':'2025-12-01','to':'2025-12-31','section':['${m.section}']}`], shape: EVENT_LIST },
  { fn: "DeleteCalendarEvent", args: async (m) => ["--event", String(await newEvent(m, m.section))] },
  { fn: "GetUserParticipationStatus", args: (m) => ["--event", String(m.eventId)] },
  { fn: "SetUserParticipationStatus", args: async (m) => ["--event", String(await newEvent(m, m.section)), "--status", "Y"] },
  { fn: "GetCalendarEventsStructure", once: true, args: () => ["--empty", "false"] },
  { fn: "GetCalendarEventsFilterStructure", once: true, args: () => ["--empty", "false"] },

  // The work day (Timekeeping), each row on an employee of its own
  { fn: "StartTimekeeping", args: async (m) => ["--userid", await newUser(m), "--time", today("09:04:38"), "--report", "Late"] },
  {
    fn: "StopTimekeeping",
    // The StopTimekeeping sample is Bitrix24's WRONG_DATETIME_FORMAT for the `…Z` OpenIntegrations sends
    // (checked below through a raw call). oint sends the offset, and the day closes: its answer is the
    // work day with a finish time, as PauseTimekeeping's sample shows it.
    sample: "PauseTimekeeping",
    title: "the time sent with its offset closes the day",
    args: async (m) => {
      const user = await newUser(m);
      await bitrix24.startTimekeeping(m.url, user, today("09:04:38"), "Late", m.token);
      return ["--userid", user, "--time", today("14:00:00"), "--report", "Time off"];
    },
  },
  {
    fn: "PauseTimekeeping",
    args: async (m) => {
      const user = await newUser(m);
      await client(m).startTimekeeping({ userid: user });
      return ["--userid", user];
    },
  },
  {
    fn: "GetTimekeepingStatus",
    args: async (m) => {
      const user = await newUser(m);
      await bitrix24.startTimekeeping(m.url, user, "", "", m.token);
      await bitrix24.pauseTimekeeping(m.url, user, m.token);
      return ["--userid", user];
    },
  },
  { fn: "GetTimekeepingSettings", args: () => [] },
];

const WORK_DAY = ["StartTimekeeping", "StopTimekeeping", "PauseTimekeeping", "GetTimekeepingStatus", "GetTimekeepingSettings"];

it("every function of these regions and of the work day has a row", () => {
  assertRegionsCovered(["Calendars management", "Calendar events management"], rows);
  // Timekeeping's task time-accounting functions have their rows with the tasks.
  const named = new Set(rows.map((r) => r.fn));
  assert.deepEqual(WORK_DAY.filter((name) => !named.has(name)), []);
  assert.ok(WORK_DAY.every((name) => catalogue.some((d) => d.name === name && d.region === "Timekeeping")));
});

describeSampleRows("calendars, events and the work day, through the CLI", rows, { portal: () => portal, modes });

// ---- the library ---------------------------------------------------------------------------------

describe("each function once through the library (client-bound), in both auth modes", () => {
  for (const name of ["webhook", "token"] as const) {
    it(`${name}: calendars, events and the work day answer like their samples`, async () => {
      const m = (await modes()).find((x) => x.name === name)!;
      const b24 = client(m);
      const calendar = (await b24.createCalendar({ fields: json(CALENDAR) })).result;
      assertLikeSample(await b24.updateCalendar({ calendar: calendar, fields: { type: "user", ownerId: "1", name: "Renamed" } }), "UpdateCalendar");
      const list = await b24.getCalendarList({ owner: 1, type: "user" });
      assertLikeSample(list, "GetCalendarList", SECTION_LIST);
      assert.equal(list.result.find((c) => c.ID === String(calendar))?.NAME, "Renamed");

      const event = (await b24.createCalendarEvent({ fields: json(eventFields(calendar)) })).result;
      assertLikeSample(await b24.updateCalendarEvent({ event: event, fields: json(EVENT_UPDATE) }), "UpdateCalendarEvent");
      const got = await b24.getCalendarEvent({ event: event });
      assertLikeSample(got, "GetCalendarEvent");
      assert.equal(got.result.NAME, "Modified event");
      const events = await b24.getCalendarEvents({ owner: 1, type: "user", filter: { from: "2025-12-01", to: "2025-12-31", section: [String(calendar)] } });
      assertLikeSample(events, "GetCalendarEvents", EVENT_LIST);
      assert.deepEqual([...new Set(events.result.map((e) => e.ID))], [String(event)]);
      const busy = await b24.getUserBusy({ users: [1, 2], from: "2025-12-01", to: "2025-12-31" });
      assertLikeSample(busy, "GetUserBusy");
      assert.ok(busy.result["1"].some((b) => b.ID === String(event)));
      assert.equal((await b24.getUserParticipationStatus({ event: event })).result, "H");
      assertLikeSample(await b24.setUserParticipationStatus({ event: event, status: "Y" }), "SetUserParticipationStatus");
      assertLikeSample(await b24.deleteCalendarEvent({ event: event }), "DeleteCalendarEvent");
      assertLikeSample(await b24.deleteCalendar({ calendar: calendar, owner: 1, type: "user" }), "DeleteCalendar");

      assertLikeSample(await b24.setCustomCalendarSettings({ settings: { view: "week" } }), "SetCustomCalendarSettings");
      const settings = await b24.getCustomCalendarSettings();
      assertLikeSample(settings, "GetCustomCalendarSettings");
      assert.equal(settings.result.view, "week");
      assertLikeSample(await b24.getCalendarSettingsStructure(), "GetCalendarSettingsStructure");
      for (const template of ["getCalendarStructure", "getCalednarCustomSettingsStructure", "getCalendarEventsStructure", "getCalendarEventsFilterStructure"] as const) {
        assert.equal(typeof b24[template]({ empty: true }), "object", template);
      }

      const user = await newUser(m);
      const opened = await b24.startTimekeeping({ userid: user, time: today("09:00:00"), report: "Late" });
      assertLikeSample(opened, "StartTimekeeping");
      assert.deepEqual([opened.result.STATUS, opened.result.TIME_START, opened.result.TZ_OFFSET], ["OPENED", today("09:00:00"), 10800]);
      assertLikeSample(await b24.pauseTimekeeping({ userid: user }), "PauseTimekeeping");
      assert.equal((await b24.getTimekeepingStatus({ userid: user })).result.STATUS, "PAUSED");
      // A time in UTC is sent as +00:00 and read in the day's zone.
      const closed = await b24.stopTimekeeping({ userid: user, time: "2026-01-06T11:30:00Z", report: "Time off" });
      assert.deepEqual([closed.result.STATUS, closed.result.TIME_FINISH], ["CLOSED", today("14:30:00")]);
      assertLikeSample(await b24.getTimekeepingSettings(), "GetTimekeepingSettings");
    });
  }
});

// ---- the StopTimekeeping sample ------------------------------------------------------------------

describe("StopTimekeeping's sample: Bitrix24 refuses OpenIntegrations' `…Z` time", () => {
  for (const name of ["webhook", "token"] as const) {
    it(`${name}: timeman.close with TIME "…Z" (a raw call) answers the sample's envelope; the day stays open`, async () => {
      const m = (await modes()).find((x) => x.name === name)!;
      const user = await newUser(m);
      await bitrix24.startTimekeeping(m.url, user, today("09:00:00"), "Late", m.token);
      await assert.rejects(client(m).call("timeman.close", { USER_ID: user, TIME: "2026-01-06T11:00:00Z", REPORT: "Time off" }), (error: unknown) => {
        assert.ok(error instanceof Bitrix24Error, String(error));
        assert.deepEqual(error.envelope, opiSample("StopTimekeeping"));
        return true;
      });
      assert.equal((await bitrix24.getTimekeepingStatus(m.url, user, m.token)).result.STATUS, "OPENED");
    });
  }
});
