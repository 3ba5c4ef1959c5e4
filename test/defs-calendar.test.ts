// The calendar definitions (calendars, events, participation, settings): each function sends what
// OpenIntegrations' code sends for the docs' CLI example values, over HTTP to a local portal that
// echoes the payload; the templates print what OpenIntegrations prints.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { execute } from "../src/catalogue/invoke.js";
import { calendarEventFunctions } from "../src/catalogue/regions/calendar-events.js";
import { calendarFunctions } from "../src/catalogue/regions/calendars.js";
import { InputError } from "../src/index.js";
import { useEchoPortal } from "./defs-echo.js";
import { runCli } from "./helpers.js";

const fn = (name: string): Definition => findFunction(name)!;
const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "opi-samples", `${name}.json`), "utf8")) as unknown;
const json = (text: string) => JSON.parse(text.replaceAll("'", '"')) as Record<string, unknown>;

/** The sample with the docs' masked values ("***") replaced by ours at the same place. */
function unmasked(theirs: unknown, ours: unknown): unknown {
  if (theirs === "***") return ours;
  if (Array.isArray(theirs)) return theirs.map((v, i) => unmasked(v, (ours as unknown[])?.[i]));
  if (theirs && typeof theirs === "object") return Object.fromEntries(Object.entries(theirs).map(([k, v]) => [k, unmasked(v, (ours as Record<string, unknown>)?.[k])]));
  return theirs;
}

/** Every leaf of a structure emptied, its shape kept. */
const emptied = (v: unknown): unknown => (Array.isArray(v) ? v.map(emptied) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, emptied(x)])) : "");

const echo = useEchoPortal([...calendarFunctions, ...calendarEventFunctions]);

describe("calendars", () => {
  const fields = "{'type':'user','ownerId':'1','name':'Another calendar','description':'My other new calendar','color':'#FFFFFF','text_color':'#000000','export':{'ALLOW':'True','SET':'all'}}";

  it("GetCalendarList and DeleteCalendar send type and ownerId (and the calendar as id)", async () => {
    assert.deepEqual(await echo.sent(fn("GetCalendarList"), { owner: 1, type: "user" }), { ownerId: "1", type: "user" });
    assert.deepEqual(await echo.sent(fn("DeleteCalendar"), { calendarId: 1896, owner: 1, type: "user" }), { id: "1896", ownerId: "1", type: "user" });
  });

  it("CreateCalendar and UpdateCalendar spread the fields to the top level", async () => {
    assert.deepEqual(await echo.sent(fn("CreateCalendar"), { fields }), json(fields));
    const update = "{'type':'user','ownerId':'1','name':'New calendar name','description':'This calendar has been changed'}";
    assert.deepEqual(await echo.sent(fn("UpdateCalendar"), { calendarId: 1896, fields: update }), { id: "1896", ...json(update) });
  });

  it("GetUserBusy: users as a list, the period as yyyy-MM-dd", async () => {
    assert.deepEqual(await echo.sent(fn("GetUserBusy"), { users: "1", from: "2026-01-06T10:11:59.3752918", to: "2026-01-13T10:11:59.3752918" }), { users: ["1"], from: "2026-01-06", to: "2026-01-13" });
    assert.deepEqual((await echo.sent(fn("GetUserBusy"), { users: [1, 10], from: new Date(2026, 0, 6, 12), to: "13.01.2026" })).users, [1, 10]);
  });

  it("the settings: GET reads, settings under settings", async () => {
    assert.deepEqual(await echo.sent(fn("GetCustomCalendarSettings")), {});
    assert.equal(echo.portal.requests.at(-1)!.httpMethod, "GET");
    assert.deepEqual(await echo.sent(fn("GetCalendarSettingsStructure")), {});
    assert.equal(echo.portal.requests.at(-1)!.httpMethod, "GET");
    const settings = "{'view':'month','showDeclined':'Y','collapseOffHours':'N','showCompletedTasks':'N'}";
    assert.deepEqual(await echo.sent(fn("SetCustomCalendarSettings"), { settings }), { settings: json(settings) });
  });

  it("the templates print OpenIntegrations' structures, nested, or emptied with --empty true", async () => {
    for (const name of ["GetCalednarCustomSettingsStructure", "GetCalendarStructure"]) {
      const template = await execute(fn(name), {});
      assert.deepEqual(template, unmasked(sample(name), template), name);
      assert.deepEqual(await execute(fn(name), { empty: "true" }), emptied(sample(name)), name);
    }
  });

  it("GetCalednarCustomSettingsStructure answers to OpenIntegrations' earlier Russian spelling too", () => {
    assert.equal(findFunction("ПолучитьСтруктуруПользовательскихНастроекКаледнаря"), fn("GetCalednarCustomSettingsStructure"));
  });
});

describe("calendar events", () => {
  const fields =
    "{'type':'user','ownerId':'1','from':'12/11/2025 20:03:17','to':'12/11/2025 21:03:17','section':'1780','name':'New event','skip_time':'N','timezone_from':'Europe/Minsk','timezone_to':'Europe/Minsk','description':'Event description','color':'%23000000>','text_color':'%23FFFFFF','accessibility':'quest','importance':'normal','private_event':'Y','rrule':{'FREQ':'DAILY','COUNT':'3','INTERVAL':'10','BYDAY':['SA','MO'],'UNTIL':'12/21/2025 20:03:17'},'is_meeting':'Y','location':'Office','remind':[{'type':'day','count':'1'}],'attendees':['1','10'],'host':'1','meeting':{'notify':'Y','reinvite':'N','allow_invite':'N','hide_guests':'N'}}";

  it("CreateCalendarEvent and UpdateCalendarEvent spread the event's fields as given", async () => {
    assert.deepEqual(await echo.sent(fn("CreateCalendarEvent"), { fields }), json(fields));
    const update = "{'ownerId':'1','type':'user','name':'Modified event','description':'New event description','importance':'low','private_event':'Y'}";
    assert.deepEqual(await echo.sent(fn("UpdateCalendarEvent"), { eventId: 3540, fields: update }), { id: "3540", ...json(update) });
  });

  it("an event by ID goes as id; to the meeting functions as eventId", async () => {
    assert.deepEqual(await echo.sent(fn("GetCalendarEvent"), { eventId: 3540 }), { id: "3540" });
    assert.deepEqual(await echo.sent(fn("DeleteCalendarEvent"), { eventId: 3540 }), { id: "3540" });
    assert.deepEqual(await echo.sent(fn("GetUserParticipationStatus"), { eventId: 3540 }), { eventId: "3540" });
    assert.deepEqual(await echo.sent(fn("SetUserParticipationStatus"), { eventId: 3308, status: "Y" }), { eventId: "3308", status: "Y" });
  });

  it("GetCalendarEvents copies only from, to (as dates) and section (as a list) from the filter", async () => {
    const filter = "{'from':'2026-01-07T10:11:51','to':'2026-01-08 10:11:51','section':['1894','1896'],'name':'dropped'}";
    assert.deepEqual(await echo.sent(fn("GetCalendarEvents"), { owner: 1, type: "user", filter }), { ownerId: "1", type: "user", from: "2026-01-07", to: "2026-01-08", section: ["1894", "1896"] });
    assert.deepEqual(await echo.sent(fn("GetCalendarEvents"), { owner: 1, type: "user", filter: { section: "1894" } }), { ownerId: "1", type: "user", section: ["1894"] });
    assert.deepEqual(await echo.sent(fn("GetCalendarEvents"), { owner: 1, type: "group" }), { ownerId: "1", type: "group" });
  });

  it("GetCalendarEvents refuses a filter date it cannot read (OpenIntegrations would send it empty), before sending", async () => {
    const before = echo.portal.requests.length;
    await assert.rejects(echo.sent(fn("GetCalendarEvents"), { owner: 1, type: "user", filter: "{'from':'01/07/2026 10:11:51'}" }), (error: unknown) => error instanceof InputError && error.parameter === "filter.from");
    assert.equal(echo.portal.requests.length, before);
  });

  it("the templates print OpenIntegrations' structures, nested, or emptied with --empty true", async () => {
    for (const name of ["GetCalendarEventsStructure", "GetCalendarEventsFilterStructure"]) {
      const template = await execute(fn(name), {});
      assert.deepEqual(template, unmasked(sample(name), template), name);
      assert.deepEqual(await execute(fn(name), { empty: true }), emptied(sample(name)), name);
    }
    const events = (await execute(fn("GetCalendarEventsStructure"), {})) as { rrule: { BYDAY: string[] }; meeting: Record<string, string> };
    assert.deepEqual(events.rrule.BYDAY, ["<days of the week: SU, MO, TU, WE, TH, FR, SA>"]); // masked in the sample
    assert.equal(events.meeting.reinvite, "<flag for requesting re-confirmation of participation when editing an event>");
  });
});

describe("through the CLI", () => {
  it("--help names OpenIntegrations' options", async () => {
    const run = await runCli(["bitrix24", "GetCalendarEvents", "--help"]);
    assert.equal(run.code, 0, run.stderr);
    for (const line of [/-o, --owner/, /-t, --type/, /-f, --filter/, /-k, --token/]) assert.match(run.stdout, line);
  });

  it("GetUserBusy from the command line", async () => {
    const run = await runCli(["bitrix24", "GetUserBusy", "--url", echo.portal.webhookUrl, "--users", "[1,10]", "--from", "2026-01-06", "--to", "2026-01-13T10:11:59"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).result, { users: [1, 10], from: "2026-01-06", to: "2026-01-13" });
  });
});
