// Safe-to-replay samples of the calendars, calendar events and work-day regions.
import { Bitrix24Client } from "../../src/index.js";
import type { ReplayContext, SafeSample } from "./samples.js";

/** A new calendar of user 1's. */
async function calendar(c: ReplayContext): Promise<number> {
  return (await c.client().call<number>("calendar.section.add", { type: "user", ownerId: 1, name: "Replay calendar" })).result;
}

/** A meeting in February 2026 hosted by `host` with users 1 and 2 (the other one invited, no answer yet). */
async function meeting(c: ReplayContext, host = 1): Promise<number> {
  const as = host === 1 ? c.client() : new Bitrix24Client({ url: c.portal.url, token: c.portal.credentials.issueToken(host) });
  const section = (await as.call<number>("calendar.section.add", { type: "user", ownerId: host, name: "Replay meetings" })).result;
  const event = { type: "user", ownerId: host, section, name: "Replay meeting", from: "2026-02-02 10:00:00", to: "2026-02-02 11:00:00", is_meeting: "Y", host, attendees: [1, 2] };
  return (await as.call<number>("calendar.event.add", event)).result;
}

export const CALENDAR_SAMPLES: Record<string, SafeSample> = {
  GetCalendarList: { values: () => ({ owner: 1, type: "user" }) },
  UpdateCalendar: { values: async (c) => ({ calendarId: await calendar(c), fields: { type: "user", ownerId: "1", name: "Renamed calendar", color: "#AABBCC" } }), write: true },
  GetUserBusy: { values: () => ({ users: [1, 2], from: "2026-02-01", to: "2026-02-28" }) },
  GetCustomCalendarSettings: { values: () => ({}) },
  SetCustomCalendarSettings: { values: () => ({ settings: { view: "week", showDeclined: "Y" } }), write: true },
  GetCalendarSettingsStructure: { values: () => ({}) },
  GetCalendarEvent: { values: async (c) => ({ eventId: await meeting(c) }) },
  GetCalendarEvents: { values: () => ({ owner: 1, type: "user", filter: { from: "2026-02-01", to: "2026-02-28" } }) },
  GetUserParticipationStatus: { values: async (c) => ({ eventId: await meeting(c, 2) }) },
  // User 1 answers user 2's invitation.
  SetUserParticipationStatus: { values: async (c) => ({ eventId: await meeting(c, 2), status: "Y" }), write: true },
  GetTimekeepingStatus: { values: () => ({}) },
  GetTimekeepingSettings: { values: () => ({}) },
};
