// Calendar time: wall times in IANA time zones, the date forms Bitrix24's calendar reads (ISO with
// or without an offset, "YYYY-MM-DD HH:MM:SS", the site formats "DD.MM.YYYY HH:MM:SS" and
// "MM/DD/YYYY HH:MM:SS [am|pm]"), the forms it prints (the portal's site format is the Russian one
// of the samples: "07.01.2026 14:25:00"), and recurrence (RRULE) expanded into occurrences the
// way the calendar does: in the event's own time zone, so 14:25 stays 14:25 across DST.

const DAY_MS = 86_400_000;

/** A wall-clock time (no zone): what DATE_FROM holds in the event's TZ_FROM. */
export interface Wall {
  y: number;
  mo: number; // 1..12
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether Node knows the IANA zone (Europe/Minsk, UTC, …). */
export function isTimeZone(name: string): boolean {
  try {
    zoneFormatter(name);
    return true;
  } catch {
    return false;
  }
}

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC in seconds at the instant `ms`. */
export function zoneOffset(zone: string, ms: number): number {
  const wall = wallAt(zone, ms);
  return Math.round((wallMs(wall) - Math.floor(ms / 1000) * 1000) / 1000);
}

/** The wall time in `zone` at the instant `ms`. */
export function wallAt(zone: string, ms: number): Wall {
  const parts = Object.fromEntries(zoneFormatter(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), mo: Number(parts.month), d: Number(parts.day), h: Number(parts.hour) % 24, mi: Number(parts.minute), s: Number(parts.second) };
}

/** The wall time read as if it were UTC (for day arithmetic). */
export function wallMs(w: Wall): number {
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
}

export function wallFromMs(ms: number): Wall {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

/** The instant a wall time in `zone` names (a time skipped by DST moves forward, as PHP does). */
export function instantOf(w: Wall, zone: string): number {
  const guess = wallMs(w);
  const first = guess - zoneOffset(zone, guess) * 1000;
  const second = guess - zoneOffset(zone, first) * 1000;
  return second;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "07.01.2026 14:25:00" (or "07.01.2026" for a date), the site format the samples show. */
export function siteDateTime(w: Wall, dateOnly = false): string {
  const date = `${pad(w.d)}.${pad(w.mo)}.${w.y}`;
  return dateOnly ? date : `${date} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
}

/** "2025-01-18 14:11:00", how calendar sections print DATE_CREATE. */
export function sqlDateTime(w: Wall): string {
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
}

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Wed Jan 07 2026 14:25:00" (DATE_FROM_FORMATTED). */
export function jsFormatted(w: Wall): string {
  const weekday = WEEKDAY_NAMES[new Date(wallMs(w)).getUTCDay()];
  return `${weekday} ${MONTH_NAMES[w.mo - 1]} ${pad(w.d)} ${w.y} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
}

/** A date or date-time as the calendar reads it: the wall time and the offset it came with (seconds), if any. */
export interface ParsedDate {
  wall: Wall;
  /** Given with the value ("Z", "+03:00"): then the value names one instant whatever the zone. */
  offset?: number;
  /** Only a date was given. */
  dateOnly: boolean;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?$/i;

/** Reads a date the way the calendar does; null when it is none of its forms (or not a real date). */
export function parseCalendarDate(value: unknown): ParsedDate | null {
  if (typeof value === "number" && Number.isFinite(value)) return null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  let m = ISO.exec(text);
  let parts: { y: number; mo: number; d: number; h?: string; mi?: string; s?: string } | null = null;
  let offset: number | undefined;
  if (m) {
    parts = { y: +m[1], mo: +m[2], d: +m[3], h: m[4], mi: m[5], s: m[6] };
    if (m[7]) offset = m[7].toUpperCase() === "Z" ? 0 : offsetSeconds(m[7]);
  } else if ((m = DOTTED.exec(text))) {
    parts = { y: +m[3], mo: +m[2], d: +m[1], h: m[4], mi: m[5], s: m[6] };
  } else if ((m = SLASHED.exec(text))) {
    let h = m[4] === undefined ? undefined : +m[4];
    if (h !== undefined && m[7]) h = (h % 12) + (m[7].toLowerCase() === "pm" ? 12 : 0);
    parts = { y: +m[3], mo: +m[1], d: +m[2], h: h === undefined ? undefined : String(h), mi: m[5], s: m[6] };
  }
  if (!parts) return null;
  const wall: Wall = { y: parts.y, mo: parts.mo, d: parts.d, h: Number(parts.h ?? 0), mi: Number(parts.mi ?? 0), s: Number(parts.s ?? 0) };
  const back = wallFromMs(wallMs(wall));
  if (back.y !== wall.y || back.mo !== wall.mo || back.d !== wall.d || wall.h > 23 || wall.mi > 59 || wall.s > 59) return null;
  return { wall, offset, dateOnly: parts.h === undefined };
}

function offsetSeconds(text: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text)!;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

// ---- recurrence --------------------------------------------------------------------------------

export type Freq = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
export const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;

/** An RRULE as stored: UNTIL a date (wall, inclusive) or none; COUNT or none. */
export interface Rrule {
  FREQ: Freq;
  INTERVAL: number;
  COUNT?: number;
  BYDAY?: string[];
  /** "YYYY-MM-DD", the last day an occurrence may start on. */
  UNTIL?: string;
}

/** Where the calendar stops a rule with neither COUNT nor UNTIL: 01.01.2038. */
export const FOREVER = "2038-01-01";

/**
 * The starts (as wall times, same time of day as the first) of every occurrence of a rule whose
 * first one starts at `first`, in order and lazily (a caller stops reading once past its window).
 * Weeks begin on Monday, as the portal's week_start says.
 */
export function* occurrences(first: Wall, rule: Rrule): Generator<{ index: number; start: Wall }> {
  const interval = Math.max(1, Math.floor(rule.INTERVAL || 1));
  const until = Date.parse(`${rule.UNTIL ?? FOREVER}T00:00:00Z`) + DAY_MS - 1;
  const startMs = wallMs(first);
  const limit = rule.COUNT && rule.COUNT > 0 ? rule.COUNT : Infinity;
  let index = 0;
  const emit = function* (ms: number) {
    if (ms < startMs || ms > until || index >= limit) return;
    yield { index: index++, start: wallFromMs(ms) };
  };
  const timeOfDay = startMs % DAY_MS;
  const dayOf = (ms: number) => ms - (ms % DAY_MS);
  for (let step = 0; index < limit; step++) {
    let candidates: number[];
    let period: number; // where this step's period begins: past UNTIL, the walk ends
    if (rule.FREQ === "DAILY") {
      period = startMs + step * interval * DAY_MS;
      candidates = [period];
    } else if (rule.FREQ === "WEEKLY") {
      const startDay = dayOf(startMs);
      const weekday = new Date(startDay).getUTCDay();
      period = startDay - ((weekday + 6) % 7) * DAY_MS + step * interval * 7 * DAY_MS;
      const monday = period;
      const days = rule.BYDAY && rule.BYDAY.length > 0 ? rule.BYDAY : [WEEKDAYS[weekday]];
      candidates = WEEKDAYS.map((code, i) => (days.includes(code) ? monday + ((i + 6) % 7) * DAY_MS + timeOfDay : NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    } else if (rule.FREQ === "MONTHLY") {
      const months = first.mo - 1 + step * interval;
      period = Date.UTC(first.y + Math.floor(months / 12), months % 12, 1);
      const ms = Date.UTC(first.y + Math.floor(months / 12), months % 12, first.d) + timeOfDay;
      candidates = wallFromMs(ms).d === first.d ? [ms] : []; // the 31st only in months that have one
    } else {
      period = Date.UTC(first.y + step * interval, 0, 1);
      const ms = Date.UTC(first.y + step * interval, first.mo - 1, first.d) + timeOfDay;
      candidates = wallFromMs(ms).mo === first.mo ? [ms] : [];
    }
    if (period > until) return;
    for (const ms of candidates) yield* emit(ms);
    if (step > 100_000) return; // a rule can only run this long past 2038
  }
}

/** The rule as the answers print it. */
export function ruleDescription(rule: Rrule, first: Wall): string {
  const n = rule.INTERVAL > 1 ? rule.INTERVAL : 1;
  const dayNames: Record<string, string> = { MO: "Mon", TU: "Tue", WE: "Wed", TH: "Thu", FR: "Fri", SA: "Sat", SU: "Sun" };
  let text: string;
  switch (rule.FREQ) {
    case "DAILY":
      text = n === 1 ? "every day" : `every ${n} days`;
      break;
    case "WEEKLY": {
      const days = (rule.BYDAY && rule.BYDAY.length > 0 ? rule.BYDAY : [WEEKDAYS[new Date(wallMs(first)).getUTCDay()]]).map((d) => dayNames[d]).join(", ");
      text = `${n === 1 ? "every week" : `every ${n} weeks`} on: ${days}`;
      break;
    }
    case "MONTHLY":
      text = n === 1 ? "every month" : `every ${n} months`;
      break;
    default:
      text = n === 1 ? "every year" : `every ${n} years`;
  }
  text += `, from ${siteDateTime(first, true)}`;
  if (rule.COUNT) text += `, ${rule.COUNT} times`;
  else if (rule.UNTIL && rule.UNTIL !== FOREVER) text += ` to ${siteDateTime(wallFromMs(Date.parse(`${rule.UNTIL}T00:00:00Z`)), true)}`;
  return text;
}
