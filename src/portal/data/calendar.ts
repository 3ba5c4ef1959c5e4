// Calendars, declared: sections (calendars of users, groups and the company, with colours and
// access), events (time zones, all-day events, RRULE recurrence, reminders, meetings) and each
// user's calendar settings, as engine entities kept in engine stores (rows are REST-named plain
// JSON, so the generic persistence picks them up). A meeting is kept the way Bitrix24 keeps it:
// the host's event plus one copy per attendee (PARENT_ID = the host's event, OWNER_ID = the
// attendee, MEETING_STATUS Q / Y / N), so each attendee's calendar holds the meeting and their
// answer. The methods (methods/calendar.ts) read and write through the functions here.
import { storeFor } from "../engine/crud.js";
import type { AccessHook, EntityDef, Row } from "../engine/types.js";
import type { MethodContext } from "../http/registry.js";
import { canUseGroup } from "./workgroups.js";

import type { EntityStore } from "../engine/store.js";
import type { PortalState } from "./state.js";
import { instantOf, wallAt, wallFromMs, wallMs, type Rrule, type Wall } from "./calendar-time.js";
import { field as f } from "../engine/fields.js";

/**
 * Who may see and use a calendar: a group's (CAL_TYPE "group", OWNER_ID = the group) takes a member
 * of the group or an administrator (data/workgroups.ts); the others are everyone's to read.
 */
export function canSeeCalendar(ctx: MethodContext, type: string, ownerId: number): boolean {
  return type !== "group" || canUseGroup(ctx, ownerId);
}

/** Sections and events are guarded by their calendar (the row's CAL_TYPE and OWNER_ID). */
const calendarAccess: AccessHook = (ctx, _action, row) => row === undefined || canSeeCalendar(ctx, String(row.CAL_TYPE), Number(row.OWNER_ID));

export const sectionEntity: EntityDef = {
  name: "calendar.section",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    NAME: f("string", "Name", { required: true }),
    DESCRIPTION: f("string", "Description"),
    COLOR: f("string", "Colour"),
    TEXT_COLOR: f("string", "Text colour"),
    EXPORT: f("object", "Export"),
    CAL_TYPE: f("string", "Calendar type", { immutable: true }),
    OWNER_ID: f("integer", "Owner", { immutable: true }),
    CREATED_BY: f("user", "Created by", { readOnly: true }),
    DATE_CREATE: f("datetime", "Created", { readOnly: true }),
    TIMESTAMP_X: f("datetime", "Modified", { readOnly: true }),
    /** The owner's default calendar, made on first use (meetings land here). */
    IS_DEFAULT: f("boolean", "Default calendar", { readOnly: true }),
  },
  access: calendarAccess,
};

export const eventEntity: EntityDef = {
  name: "calendar.event",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    PARENT_ID: f("integer", "Host's event"),
    CAL_TYPE: f("string", "Calendar type"),
    OWNER_ID: f("integer", "Owner"),
    SECTION_ID: f("integer", "Calendar"),
    NAME: f("string", "Name", { required: true }),
    /** Wall time "YYYY-MM-DDTHH:MM:SS" in TZ_FROM (all-day: the first day at 00:00). */
    DATE_FROM: f("string", "Start"),
    /** Wall time in TZ_TO (all-day: the last day at 00:00). */
    DATE_TO: f("string", "End"),
    TZ_FROM: f("string", "Start time zone"),
    TZ_TO: f("string", "End time zone"),
    DT_SKIP_TIME: f("char", "All day"),
    DESCRIPTION: f("string", "Description"),
    COLOR: f("string", "Colour"),
    TEXT_COLOR: f("string", "Text colour"),
    ACCESSIBILITY: f("string", "Availability"),
    IMPORTANCE: f("string", "Importance"),
    PRIVATE_EVENT: f("char", "Private"),
    LOCATION: f("string", "Location"),
    REMIND: f("object", "Reminders", { multiple: true }),
    RRULE: f("object", "Recurrence"),
    IS_MEETING: f("char", "Meeting"),
    MEETING_STATUS: f("char", "Participation (H host, Y, N, Q)"),
    MEETING_HOST: f("user", "Host"),
    MEETING: f("object", "Meeting options"),
    /** The host's event only: every attendee's user ID, host first. */
    ATTENDEES: f("user", "Attendees", { multiple: true }),
    CREATED_BY: f("user", "Created by", { readOnly: true }),
    DATE_CREATE: f("datetime", "Created", { readOnly: true }),
    TIMESTAMP_X: f("datetime", "Modified", { readOnly: true }),
    DAV_XML_ID: f("string", "iCalendar UID", { readOnly: true }),
    VERSION: f("integer", "Version", { readOnly: true }),
  },
  access: calendarAccess,
};

export const calendarSettingsEntity: EntityDef = {
  name: "calendar.user.settings",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    USER_ID: f("user", "User"),
    SETTINGS: f("object", "Settings"),
  },
};

export const sections = (state: PortalState): EntityStore => storeFor(state, sectionEntity);
export const events = (state: PortalState): EntityStore => storeFor(state, eventEntity);
const settingsStore = (state: PortalState): EntityStore => storeFor(state, calendarSettingsEntity);

// ---- sections ------------------------------------------------------------------------------

export const DEFAULT_SECTION_COLOR = "#9dcf00";

/** The owner's sections of a type, oldest first. */
export function sectionsOf(state: PortalState, type: string, ownerId: number): Row[] {
  return sections(state).all().filter((s) => s.CAL_TYPE === type && s.OWNER_ID === ownerId);
}

/** A user's default calendar (meetings they are invited to land there), made on first use. */
export function defaultUserSection(state: PortalState, userId: number): Row {
  const own = sectionsOf(state, "user", userId);
  const found = own.find((s) => s.IS_DEFAULT) ?? own[0];
  if (found) return found;
  const user = state.getUser(userId);
  const now = state.now().toISOString();
  const id = sections(state).insert({
    NAME: user ? `${user.firstName} ${user.lastName}`.trim() : `User ${userId}`,
    DESCRIPTION: "",
    COLOR: DEFAULT_SECTION_COLOR,
    TEXT_COLOR: "",
    EXPORT: { ALLOW: true, SET: "all" },
    CAL_TYPE: "user",
    OWNER_ID: userId,
    CREATED_BY: userId,
    DATE_CREATE: now,
    TIMESTAMP_X: now,
    IS_DEFAULT: true,
  });
  return sections(state).get(id)!;
}

// ---- user settings --------------------------------------------------------------------------

/** A user's settings as calendar.user.settings.get prints them before any change (key order of the sample). */
export function defaultSettings(): Record<string, unknown> {
  return {
    view: "month",
    CalendarSelCont: false,
    SPCalendarSelCont: false,
    meetSection: false,
    crmSection: false,
    showDeclined: false,
    denyBusyInvitation: false,
    collapseOffHours: "Y",
    showWeekNumbers: "N",
    showTasks: "Y",
    syncTasks: "N",
    showCompletedTasks: "N",
    lastUsedSection: false,
    sendFromEmail: false,
    defaultSections: [],
    syncPeriodPast: 3,
    syncPeriodFuture: 12,
    defaultReminders: { fullDay: { type: "daybefore", before: 0, time: 480 }, withTime: { type: "min", count: 15 } },
    timezoneName: "UTC",
    timezoneOffsetUTC: 0,
    timezoneDefaultName: "",
  };
}

export function userSettings(state: PortalState, userId: number): Record<string, unknown> {
  const row = settingsStore(state).all().find((r) => r.USER_ID === userId);
  return { ...defaultSettings(), ...((row?.SETTINGS as Record<string, unknown>) ?? {}) };
}

export function saveUserSettings(state: PortalState, userId: number, changes: Record<string, unknown>): void {
  const store = settingsStore(state);
  const row = store.all().find((r) => r.USER_ID === userId);
  if (row) store.replace(Number(row.ID), { ...row, SETTINGS: { ...(row.SETTINGS as Record<string, unknown>), ...changes } });
  else store.insert({ USER_ID: userId, SETTINGS: changes });
}

/** The zone a user's calendar reads plain dates in. */
export function userTimeZone(state: PortalState, userId: number): string {
  return String(userSettings(state, userId).timezoneName || "UTC");
}

// ---- events -------------------------------------------------------------------------------

/** "YYYY-MM-DDTHH:MM:SS" for a wall time (how DATE_FROM / DATE_TO are stored). */
export function storeWall(w: Wall): string {
  return new Date(wallMs(w)).toISOString().slice(0, 19);
}

export function readWall(text: unknown): Wall {
  return wallFromMs(Date.parse(`${String(text)}Z`));
}

const DAY_MS = 86_400_000;

/** The zone a row's times are computed in (all-day events have none: their days are UTC days). */
export const zoneOf = (row: Row, which: "FROM" | "TO"): string => (row.DT_SKIP_TIME === "Y" ? "UTC" : String(row[`TZ_${which}`] || "UTC"));

/** The event's first occurrence as instants: start, and end (all-day: the end of the last day). */
export function span(row: Row): { from: number; to: number } {
  const from = instantOf(readWall(row.DATE_FROM), zoneOf(row, "FROM"));
  const to = instantOf(readWall(row.DATE_TO), zoneOf(row, "TO")) + (row.DT_SKIP_TIME === "Y" ? DAY_MS : 0);
  return { from, to: Math.max(to, from) };
}

/** The host's event of a meeting (or the event itself). */
export function rootOf(state: PortalState, row: Row): Row {
  const parentId = Number(row.PARENT_ID);
  if (parentId && parentId !== Number(row.ID)) return events(state).get(parentId) ?? row;
  return row;
}

/** The entries of an event: the host's first, then each attendee's copy. */
export function chainOf(state: PortalState, root: Row): Row[] {
  const id = Number(root.ID);
  return [root, ...events(state).all().filter((r) => Number(r.PARENT_ID) === id && Number(r.ID) !== id)];
}

/** What an attendee's copy shares with the host's event (everything but its own calendar and answer). */
const SHARED = ["CAL_TYPE", "NAME", "DATE_FROM", "DATE_TO", "TZ_FROM", "TZ_TO", "DT_SKIP_TIME", "DESCRIPTION", "COLOR", "TEXT_COLOR", "ACCESSIBILITY", "IMPORTANCE", "PRIVATE_EVENT", "LOCATION", "REMIND", "RRULE", "IS_MEETING", "MEETING_HOST", "MEETING", "CREATED_BY", "DATE_CREATE", "TIMESTAMP_X", "DAV_XML_ID", "VERSION"] as const;

/**
 * Brings the attendees' copies in line with the host's event: one per attendee other than the
 * owner (new ones invited: Q; removed ones deleted; a re-invite asks everyone again).
 */
export function syncAttendees(state: PortalState, root: Row, reinvite = false): void {
  const store = events(state);
  const rootId = Number(root.ID);
  const wanted = root.IS_MEETING === "Y" ? ((root.ATTENDEES as number[]) ?? []).filter((id) => !ownsRoot(root, id)) : [];
  const copies = chainOf(state, root).slice(1);
  for (const copy of copies) {
    if (!wanted.includes(Number(copy.OWNER_ID))) store.delete(Number(copy.ID));
  }
  for (const userId of wanted) {
    const copy = copies.find((c) => Number(c.OWNER_ID) === userId);
    const shared = Object.fromEntries(SHARED.map((key) => [key, root[key]]));
    if (copy) {
      store.replace(Number(copy.ID), { ...copy, ...shared, MEETING_STATUS: reinvite ? "Q" : copy.MEETING_STATUS });
    } else {
      store.insert({ ...shared, PARENT_ID: rootId, OWNER_ID: userId, CAL_TYPE: "user", SECTION_ID: Number(defaultUserSection(state, userId).ID), MEETING_STATUS: "Q" });
    }
  }
}

/** The status of each attendee, host first, with the entry that holds it. */
export function attendeeList(state: PortalState, root: Row): { id: number; entryId: number; status: string }[] {
  const chain = chainOf(state, root);
  if (root.IS_MEETING !== "Y") return [{ id: Number(root.OWNER_ID), entryId: Number(root.ID), status: String(root.MEETING_STATUS ?? "H") }];
  const attendees = ((root.ATTENDEES as number[]) ?? []).length > 0 ? (root.ATTENDEES as number[]) : [Number(root.OWNER_ID)];
  return attendees.map((id) => {
    const entry = ownsRoot(root, id) ? root : (chain.slice(1).find((r) => Number(r.OWNER_ID) === id) ?? root);
    return { id, entryId: Number(entry.ID), status: String(entry.MEETING_STATUS ?? "H") };
  });
}

/** The host's event is this user's own entry (a user calendar's owner). */
export const ownsRoot = (root: Row, userId: number): boolean => root.CAL_TYPE === "user" && Number(root.OWNER_ID) === userId;

/** The entry of an event chain that is this user's (theirs to answer), if any. */
export function entryOf(state: PortalState, root: Row, userId: number): Row | undefined {
  if (ownsRoot(root, userId)) return root;
  return chainOf(state, root).slice(1).find((r) => Number(r.OWNER_ID) === userId);
}

/** The user's wall time now, for defaults that depend on "today". */
export const nowIn = (state: PortalState, zone: string): Wall => wallAt(zone, state.now().getTime());

export type { Rrule };
