// The page's "Calendar" section: the JSON its view (assets/section-calendar.js) reads from
// /ui/api/section/calendar. The rest of the address (`path`) is "<userId>/<yyyy-mm-dd>": whose
// calendar, and a day of the week to show (by default the first user and this week). The week's
// events are calendar.event.get's own answer, asked as that user for their calendar (so repetitions
// are expanded and meeting answers read exactly as a REST client gets them), placed here by day and
// minute in the user's time zone; all-day events on top. Beside it, today's work day of every user
// as timeman.status answers it. "This week" and "today" are the portal's clock (state.now).
import { parseCalendarDate, wallAt, wallFromMs, wallMs, type Wall } from "../../data/calendar-time.js";
import { sections, userTimeZone } from "../../data/calendar.js";
import { dateAt } from "../../data/timeman.js";
import type { PortalState } from "../../data/state.js";
import type { WebDeps } from "../api.js";

const DAY_MS = 86_400_000;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** The hours the week shows at least (more when an event is earlier or later). */
const DAY_FROM_HOUR = 8;
const DAY_TO_HOUR = 19;

const pad = (n: number) => String(n).padStart(2, "0");
const isoDate = (w: Wall) => `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
const hhmm = (w: Wall) => `${pad(w.h)}:${pad(w.mi)}`;
const midnight = (w: Wall): Wall => ({ ...w, h: 0, mi: 0, s: 0 });

interface CalendarEvent {
  ID?: string;
  PARENT_ID?: string;
  NAME?: unknown;
  DATE_FROM?: string;
  DATE_TO?: string;
  DATE_FROM_TS_UTC?: string;
  DATE_TO_TS_UTC?: string;
  DT_SKIP_TIME?: string;
  SECTION_ID?: string;
  LOCATION?: unknown;
  COLOR?: unknown;
  IS_MEETING?: boolean;
  MEETING_STATUS?: string;
  MEETING_HOST?: string;
  RRULE?: unknown;
  ACCESSIBILITY?: unknown;
  IMPORTANCE?: unknown;
  ATTENDEE_LIST?: { id: number; status: string }[];
}

export async function calendarSection(deps: WebDeps, query: URLSearchParams): Promise<unknown> {
  const { state } = deps;
  const [userPart = "", datePart = ""] = (query.get("path") ?? "").split("/");
  const users = state.listUsers();
  const chosen = state.getUser(Number(userPart)) ?? users.find((u) => u.active) ?? users[0];
  if (!chosen) return { users: [], user: null, workdays: [] };
  const zone = userTimeZone(state, chosen.id);
  const now = state.now().getTime();
  const today = midnight(wallAt(zone, now));
  const asked = parseCalendarDate(datePart);
  const anchor = asked?.dateOnly ? asked.wall : today;
  const weekday = (new Date(wallMs(anchor)).getUTCDay() + 6) % 7;
  const monday = wallFromMs(wallMs(midnight(anchor)) - weekday * DAY_MS);
  const days = WEEKDAYS.map((name, i) => {
    const day = wallFromMs(wallMs(monday) + i * DAY_MS);
    return { date: isoDate(day), weekday: name, label: `${name} ${day.d}`, today: isoDate(day) === isoDate(today) };
  });
  const sunday = wallFromMs(wallMs(monday) + 6 * DAY_MS);
  const answer = await ask(deps, "calendar.event.get", chosen.id, { type: "user", ownerId: chosen.id, from: days[0].date, to: days[6].date });
  const placed = placeEvents(state, Array.isArray(answer) ? (answer as CalendarEvent[]) : [], monday, zone);
  return {
    users: users.map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim(), active: u.active })),
    user: { id: chosen.id, name: `${chosen.firstName} ${chosen.lastName}`.trim(), timeZone: zone },
    today: isoDate(today),
    week: {
      title: weekTitle(monday, sunday),
      days,
      prev: isoDate(wallFromMs(wallMs(monday) - 7 * DAY_MS)),
      next: isoDate(wallFromMs(wallMs(monday) + 7 * DAY_MS)),
      thisWeek: days.some((d) => d.today),
    },
    ...placed,
    workdays: await workdays(deps, now),
  };
}

function weekTitle(a: Wall, b: Wall): string {
  if (a.y !== b.y) return `${a.d} ${MONTHS[a.mo - 1]} ${a.y} – ${b.d} ${MONTHS[b.mo - 1]} ${b.y}`;
  if (a.mo !== b.mo) return `${a.d} ${MONTHS[a.mo - 1]} – ${b.d} ${MONTHS[b.mo - 1]} ${b.y}`;
  return `${a.d} – ${b.d} ${MONTHS[a.mo - 1]} ${a.y}`;
}

/** Runs a REST method as `userId` (the portal's own handler, as the dialog view does); null when it fails. */
async function ask(deps: WebDeps, method: string, userId: number, params: Record<string, unknown>): Promise<unknown> {
  const handler = deps.registry.get(method);
  if (!handler) return null;
  try {
    return await handler({ method, params, userId, auth: { type: "webhook" }, state: deps.state, portalUrl: deps.portalUrl() });
  } catch {
    return null;
  }
}

const userName = (state: PortalState, id: number) => {
  const user = state.getUser(id);
  return user ? `${user.firstName} ${user.lastName}`.trim() : `User ${id}`;
};

interface Placed {
  id: number;
  parentId: number;
  name: string;
  location: string;
  color: string;
  time: string;
  recurring: boolean;
  meeting: boolean;
  /** The user's own answer: H (host), Y, N, Q. */
  status: string;
  host: string;
  attendees: { id: number; name: string; status: string }[];
}

interface Segment {
  event: number;
  day: number;
  start: number;
  end: number;
  lane: number;
  lanes: number;
}

/** The events as the week shows them: all-day ones by first and last day, timed ones cut into one segment per day. */
function placeEvents(state: PortalState, list: CalendarEvent[], monday: Wall, zone: string) {
  const weekStart = wallMs(monday);
  const events: Placed[] = [];
  const allDay: { event: number; from: number; to: number }[] = [];
  const segments: Segment[] = [];
  for (const e of list) {
    const index = events.length;
    const skip = e.DT_SKIP_TIME === "Y";
    const first = parseCalendarDate(String(e.DATE_FROM ?? ""));
    const last = parseCalendarDate(String(e.DATE_TO ?? ""));
    if (!first || !last) continue;
    events.push({
      id: Number(e.ID),
      parentId: Number(e.PARENT_ID ?? e.ID),
      name: String(e.NAME ?? ""),
      location: String(e.LOCATION ?? ""),
      // Without a colour of its own, an event takes its calendar's (as Bitrix24 draws it).
      color: String(e.COLOR || sections(state).get(Number(e.SECTION_ID))?.COLOR || ""),
      time: skip ? "all day" : `${hhmm(wallAt(zone, Number(e.DATE_FROM_TS_UTC) * 1000))}–${hhmm(wallAt(zone, Number(e.DATE_TO_TS_UTC) * 1000))}`,
      recurring: e.RRULE !== "" && e.RRULE !== undefined && e.RRULE !== null,
      meeting: e.IS_MEETING === true,
      status: String(e.MEETING_STATUS ?? "H"),
      host: userName(state, Number(e.MEETING_HOST)),
      attendees: e.IS_MEETING === true ? (e.ATTENDEE_LIST ?? []).map((a) => ({ id: Number(a.id), name: userName(state, Number(a.id)), status: String(a.status) })) : [],
    });
    if (skip) {
      // DATE_FROM / DATE_TO are its first and last days.
      const from = Math.max(0, Math.floor((wallMs(first.wall) - weekStart) / DAY_MS));
      const to = Math.min(6, Math.floor((wallMs(last.wall) - weekStart) / DAY_MS));
      if (to >= from) allDay.push({ event: index, from, to });
      continue;
    }
    // DATE_FROM / DATE_TO are wall times in the event's zone; the week is the user's: place by the instants.
    const start = Number(e.DATE_FROM_TS_UTC) * 1000;
    const end = Math.max(start, Number(e.DATE_TO_TS_UTC) * 1000);
    const a = wallMs(wallAt(zone, start));
    const b = wallMs(wallAt(zone, end));
    for (let day = 0; day < 7; day++) {
      const lo = weekStart + day * DAY_MS;
      const hi = lo + DAY_MS;
      if (b < lo || a >= hi || (b === lo && a < lo)) continue;
      const s = Math.max(a, lo);
      const t = Math.min(b, hi);
      segments.push({ event: index, day, start: Math.round((s - lo) / 60_000), end: Math.round((t - lo) / 60_000), lane: 0, lanes: 1 });
    }
  }
  layLanes(segments);
  const starts = segments.map((s) => Math.floor(s.start / 60));
  const ends = segments.map((s) => Math.ceil(Math.max(s.end, s.start + 30) / 60));
  return {
    events,
    allDay,
    segments,
    hours: { from: Math.min(DAY_FROM_HOUR, ...starts), to: Math.max(DAY_TO_HOUR, ...ends) },
  };
}

/** Side by side where segments of a day overlap: each gets a lane, and every segment of an overlapping group the group's lane count. */
function layLanes(segments: Segment[]): void {
  const visible = (s: Segment) => Math.max(s.end, s.start + 30); // a short event still takes half an hour's height
  for (let day = 0; day < 7; day++) {
    const today = segments.filter((s) => s.day === day).sort((a, b) => a.start - b.start || visible(b) - visible(a));
    let group: Segment[] = [];
    let groupEnd = -1;
    const close = () => {
      const lanes = Math.max(1, ...group.map((s) => s.lane + 1));
      for (const s of group) s.lanes = lanes;
      group = [];
    };
    for (const segment of today) {
      if (segment.start >= groupEnd) close();
      const taken = new Set(group.filter((s) => visible(s) > segment.start).map((s) => s.lane));
      let lane = 0;
      while (taken.has(lane)) lane++;
      segment.lane = lane;
      group.push(segment);
      groupEnd = Math.max(groupEnd, visible(segment));
    }
    close();
  }
}

// ---- today's work day ---------------------------------------------------------------------

interface DayStatus {
  STATUS?: string;
  TIME_START?: string;
  TIME_FINISH?: string | null;
  DURATION?: string;
  TIME_LEAKS?: string;
  TZ_OFFSET?: number;
}

const seconds = (hms: unknown): number => {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(String(hms ?? ""));
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
};
const duration = (total: number): string => {
  const s = Math.max(0, Math.floor(total));
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}`;
};
/** "HH:MM" of an instant seen at an offset (seconds east of UTC). */
const clockAt = (ms: number, offset: number): string => new Date(ms + offset * 1000).toISOString().slice(11, 16);

/**
 * Every active user's work day as timeman.status answers it (asked as the user), read for today:
 * its state, when it started, the breaks, the time worked so far and, paused or closed, since when.
 */
async function workdays(deps: WebDeps, now: number) {
  const out = [];
  for (const user of deps.state.listUsers().filter((u) => u.active)) {
    const status = ((await ask(deps, "timeman.status", user.id, {})) ?? {}) as DayStatus;
    const state = String(status.STATUS ?? "CLOSED");
    const base = { userId: user.id, name: `${user.firstName} ${user.lastName}`.trim(), color: user.color };
    const start = Date.parse(String(status.TIME_START ?? ""));
    if (Number.isNaN(start)) {
      out.push({ ...base, state, today: false, date: "", start: "", finish: "", breaks: "", worked: "" });
      continue;
    }
    const offset = Number(status.TZ_OFFSET ?? 0);
    const finish = status.TIME_FINISH ? Date.parse(status.TIME_FINISH) : NaN;
    const leaks = seconds(status.TIME_LEAKS);
    // A closed day has its DURATION; a running (or paused) one has worked until now (or the pause).
    const worked = state === "CLOSED" ? seconds(status.DURATION) : ((Number.isNaN(finish) ? now : finish) - start) / 1000 - leaks;
    const today = dateAt(start, offset) === dateAt(now, offset);
    out.push({
      ...base,
      state,
      today,
      date: dateAt(start, offset),
      start: clockAt(start, offset),
      finish: Number.isNaN(finish) ? "" : clockAt(finish, offset),
      breaks: duration(leaks),
      worked: duration(worked),
    });
  }
  return out;
}
