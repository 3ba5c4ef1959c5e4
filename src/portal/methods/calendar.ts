// calendar.*: sections (calendar.section.get/add/update/delete), events (calendar.event.add/
// update/getbyid/get/delete), meeting answers (calendar.meeting.status.get/set), busy intervals
// (calendar.accessibility.get) and settings (calendar.user.settings.get/set, calendar.settings.get)
// over the entities of data/calendar.ts. Parameters as the calendar reads them (top-level, camelCase
// ownerId / eventId), errors with Bitrix24's empty code and the reason, and answers in the shapes
// of the real samples: IDs as strings, dates in the site format "07.01.2026 14:25:00", `~` keys,
// repetitions of an event expanded into the requested range. Rights: a group's calendars are its
// members' and administrators' (the section and event entities' access hook, data/calendar.ts);
// anyone else is answered "Access denied".
import { createHash, randomBytes } from "node:crypto";
import { anyCase } from "../engine/dialect.js";
import type { Row } from "../engine/types.js";
import { RestError } from "../http/errors.js";
import { callerIsAdmin, scoped, type MethodContext, type MethodHandler } from "../http/registry.js";
import { isBlank, textParam, toInt, yesNo } from "../http/params.js";
import {
  FOREVER,
  WEEKDAYS,
  instantOf,
  isTimeZone,
  jsFormatted,
  occurrences,
  parseCalendarDate,
  ruleDescription,
  siteDateTime,
  sqlDateTime,
  wallAt,
  wallFromMs,
  wallMs,
  zoneOffset,
  type Freq,
  type Rrule,
  type Wall,
} from "../data/calendar-time.js";
import {
  attendeeList,
  chainOf,
  DEFAULT_SECTION_COLOR,
  defaultUserSection,
  entryOf,
  eventEntity,
  events,
  ownsRoot,
  readWall,
  rootOf,
  saveUserSettings,
  sectionEntity,
  sections,
  sectionsOf,
  span,
  storeWall,
  syncAttendees,
  userSettings,
  userTimeZone,
  zoneOf,
} from "../data/calendar.js";

const DAY_MS = 86_400_000;
const calError = (description: string) => new RestError("", description, 400);
const notSet = (name: string, method: string) => calError(`The required parameter "${name}" for the method "${method}" is not set`);
const param = (ctx: MethodContext, name: string) => anyCase(ctx.params, name);
const calendar = (handler: (ctx: MethodContext) => unknown): MethodHandler => scoped("calendar", handler);

// ---- shared readers ------------------------------------------------------------------------

const TYPES = new Set(["user", "group", "company_calendar", "location"]);

function typeParam(ctx: MethodContext): string {
  const type = textParam(param(ctx, "type"));
  if (type === "") throw notSet("type", ctx.method);
  return type;
}

/** ownerId: required, but a user calendar's defaults to the caller. */
function ownerParam(ctx: MethodContext, type: string): number {
  const raw = param(ctx, "ownerId");
  if (isBlank(raw)) {
    if (type === "user") return ctx.userId;
    throw notSet("ownerId", ctx.method);
  }
  const owner = toInt(raw);
  if (owner === null) throw calError(`Invalid value for the parameter "ownerId"`);
  return owner;
}

function idParam(ctx: MethodContext, name: string, missing: RestError): number {
  const raw = param(ctx, name);
  if (isBlank(raw)) throw missing;
  const id = toInt(raw);
  if (id === null || id === 0) throw missing;
  return id;
}

/** Bitrix24's colour clean-up: letters and digits only, six of them, else the default ("%23FF0000" -> "#23FF00"). */
function clearColor(value: unknown, fallback: string): string {
  const text = textParam(value).replace(/[^\p{L}\p{N}_]/gu, "");
  if (text === "") return fallback;
  if (text.length < 6) return fallback;
  return `#${text.slice(0, 6)}`;
}

const text = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");

// ---- rights --------------------------------------------------------------------------------

/** Whether the caller may use the calendars of this type and owner (the section entity's access hook). */
const mayUse = (ctx: MethodContext, type: string, ownerId: number, action: "read" | "add" = "read") =>
  sectionEntity.access!(ctx, action, { CAL_TYPE: type, OWNER_ID: ownerId });

/** Refuses a calendar the caller may not use (a group's, to a non-member): "Access denied". */
function openCalendar(ctx: MethodContext, type: string, ownerId: number): void {
  if (!mayUse(ctx, type, ownerId)) throw calError("Access denied");
}

// ---- sections ------------------------------------------------------------------------------

/** Who may change a calendar: its user, a group calendar's creator, or an administrator. */
function canEditSection(ctx: MethodContext, section: Row): boolean {
  if (callerIsAdmin(ctx)) return true;
  if (!sectionEntity.access!(ctx, "update", section)) return false;
  if (section.CAL_TYPE === "user") return section.OWNER_ID === ctx.userId;
  if (section.CAL_TYPE === "group") return section.CREATED_BY === ctx.userId;
  return false;
}

function canAddTo(ctx: MethodContext, type: string, ownerId: number): boolean {
  if (callerIsAdmin(ctx)) return true;
  if (type === "user") return ownerId === ctx.userId;
  return type === "group" && mayUse(ctx, type, ownerId, "add");
}

function renderSection(ctx: MethodContext, s: Row): Record<string, unknown> {
  const edit = canEditSection(ctx, s);
  const owner = String(s.OWNER_ID);
  const exp = (s.EXPORT as { ALLOW?: boolean; SET?: string }) ?? {};
  const sign = createHash("md5").update(`${s.ID}:${owner}:${ctx.userId}`).digest("hex");
  const path = s.CAL_TYPE === "user" ? `/company/personal/user/${owner}/calendar/` : s.CAL_TYPE === "group" ? `/workgroups/group/${owner}/calendar/` : "/calendar/";
  return {
    ID: String(s.ID),
    NAME: s.NAME,
    GAPI_CALENDAR_ID: null,
    DESCRIPTION: s.DESCRIPTION ?? "",
    COLOR: s.COLOR,
    TEXT_COLOR: s.TEXT_COLOR ?? "",
    EXPORT: {
      ALLOW: exp.ALLOW !== false,
      PATH: `${ctx.portalUrl}${path}`,
      LINK: `&type=${s.CAL_TYPE}&owner=${owner}&ncc=1&user=${ctx.userId}&sec_id=${s.ID}&sign=${sign}&bx_hit_hash=${sign.slice(0, 32)}`,
    },
    CAL_TYPE: s.CAL_TYPE,
    OWNER_ID: owner,
    CREATED_BY: String(s.CREATED_BY),
    DATE_CREATE: sqlDateTime(wallFromMs(Date.parse(String(s.DATE_CREATE)))),
    TIMESTAMP_X: sqlDateTime(wallFromMs(Date.parse(String(s.TIMESTAMP_X)))),
    CAL_DAV_CON: null,
    SYNC_TOKEN: null,
    PAGE_TOKEN: null,
    EXTERNAL_TYPE: "local",
    // Access codes to access tasks: everyone (G2) sees busy times, the owner (or creator) manages.
    ACCESS: { G2: 31, [`U${s.CAL_TYPE === "user" ? owner : String(s.CREATED_BY)}`]: 39 },
    IS_COLLAB: false,
    PERM: { view_time: true, view_title: true, view_full: edit || s.CAL_TYPE !== "user", add: edit, edit, edit_section: edit, access: edit },
  };
}

/** Name, description, colours and export from the parameters (only those given). */
function sectionFields(ctx: MethodContext, row: Row, adding: boolean): Row {
  const name = param(ctx, "name");
  if (name !== undefined || adding) {
    if (typeof name !== "string" && typeof name !== "number") throw adding && isBlank(name) ? notSet("name", ctx.method) : calError(`Invalid value for the "name" parameter`);
    if (String(name).trim() === "") throw notSet("name", ctx.method);
    row.NAME = String(name).trim();
  }
  const description = param(ctx, "description");
  if (description !== undefined) {
    if (typeof description !== "string" && typeof description !== "number") throw calError(`Invalid value for the "description" parameter`);
    row.DESCRIPTION = String(description);
  }
  const color = param(ctx, "color");
  if (color !== undefined || adding) row.COLOR = clearColor(color, DEFAULT_SECTION_COLOR);
  const textColor = param(ctx, "text_color");
  if (textColor !== undefined || adding) row.TEXT_COLOR = clearColor(textColor, "");
  const exp = param(ctx, "export");
  if (exp && typeof exp === "object" && !Array.isArray(exp)) {
    const given = exp as Record<string, unknown>;
    const allow = anyCase(given, "ALLOW");
    const set = textParam(anyCase(given, "SET"));
    row.EXPORT = { ALLOW: yesNo(allow, true), SET: ["all", "3_9", "6_12"].includes(set) ? set : "all" };
  } else if (adding) row.EXPORT = { ALLOW: true, SET: "all" };
  return row;
}

/** The section an id names, if the caller may change it and it is of this type and owner. */
function editableSection(ctx: MethodContext, id: number, type: string, ownerId: number, denied: string): Row {
  const section = sections(ctx.state).get(id);
  if (!section || section.CAL_TYPE !== type || section.OWNER_ID !== ownerId || !canEditSection(ctx, section)) throw calError(denied);
  return section;
}

const sectionGet = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  openCalendar(ctx, type, ownerId);
  // A user's calendar list is never empty: their default calendar is made on first look.
  if (type === "user" && ctx.state.getUser(ownerId) && sectionsOf(ctx.state, "user", ownerId).length === 0) defaultUserSection(ctx.state, ownerId);
  return sectionsOf(ctx.state, type, ownerId).map((s) => renderSection(ctx, s));
});

const sectionAdd = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  if (!TYPES.has(type) || !canAddTo(ctx, type, ownerId) || (type === "user" && !ctx.state.getUser(ownerId))) throw calError("Access denied");
  if (type === "user") defaultUserSection(ctx.state, ownerId); // the first calendar of a user stays the default one
  const now = ctx.state.now().toISOString();
  const row = sectionFields(ctx, { CAL_TYPE: type, OWNER_ID: ownerId, CREATED_BY: ctx.userId, DATE_CREATE: now, TIMESTAMP_X: now }, true);
  return sections(ctx.state).insert(row);
});

const sectionUpdate = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  const id = idParam(ctx, "id", calError("Section ID is not set"));
  const section = editableSection(ctx, id, type, ownerId, "Access denied");
  const row = sectionFields(ctx, { ...section }, false);
  row.TIMESTAMP_X = ctx.state.now().toISOString();
  sections(ctx.state).replace(id, row);
  return id;
});

const sectionDelete = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  const id = idParam(ctx, "id", calError("Section ID is not set."));
  editableSection(ctx, id, type, ownerId, "Access denied.");
  // Its events go with it (a meeting hosted there takes the attendees' copies along).
  for (const row of events(ctx.state).all()) {
    if (Number(row.SECTION_ID) !== id) continue;
    for (const entry of rootOf(ctx.state, row) === row ? chainOf(ctx.state, row) : [row]) events(ctx.state).delete(Number(entry.ID));
  }
  sections(ctx.state).delete(id);
  return true;
});

// ---- events: reading the parameters --------------------------------------------------------

const ACCESSIBILITY = ["busy", "absent", "quest", "free"];
const IMPORTANCE = ["high", "normal", "low"];
const FREQS: Freq[] = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

/** A list parameter given as an array, an object of values or one value ("1,10" too). */
function listParam(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") return Object.values(value);
  if (isBlank(value)) return [];
  return String(value).split(",").map((v) => v.trim());
}

function userIds(value: unknown): number[] {
  return [...new Set(listParam(value).map((v) => toInt(typeof v === "string" ? v.trim() : v)).filter((v): v is number => v !== null && v > 0))];
}

/** One end of an event: its wall time in its zone, from `from`/`to`, `from_ts`/`to_ts`. */
function eventTime(ctx: MethodContext, which: "from" | "to", zone: string, skipTime: boolean): Wall | null {
  const ts = param(ctx, `${which}_ts`);
  const value = param(ctx, which);
  if (isBlank(value) && !isBlank(ts)) {
    const seconds = toInt(ts);
    if (seconds === null) throw calError(`Invalid value for the parameter "${which}"`);
    return wallAt(skipTime ? "UTC" : zone, seconds * 1000);
  }
  if (isBlank(value)) return null;
  const parsed = parseCalendarDate(value);
  if (!parsed) throw calError(`Invalid value for the parameter "${which}"`);
  if (skipTime) return { ...parsed.wall, h: 0, mi: 0, s: 0 };
  // A value with its offset names one instant: it is shown in the event's zone.
  if (parsed.offset !== undefined) return wallAt(zone, wallMs(parsed.wall) - parsed.offset * 1000);
  return parsed.wall;
}

function rruleParam(value: unknown, first: Wall): Rrule | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const given = value as Record<string, unknown>;
  const freq = textParam(anyCase(given, "FREQ")).toUpperCase() as Freq;
  if (!FREQS.includes(freq)) return undefined;
  const rule: Rrule = { FREQ: freq, INTERVAL: Math.max(1, toInt(anyCase(given, "INTERVAL")) ?? 1) };
  const count = toInt(anyCase(given, "COUNT"));
  if (count) rule.COUNT = count;
  const days = listParam(anyCase(given, "BYDAY")).map((d) => textParam(d).toUpperCase()).filter((d) => (WEEKDAYS as readonly string[]).includes(d));
  if (freq === "WEEKLY") rule.BYDAY = days.length > 0 ? WEEKDAYS.filter((d) => days.includes(d)) : [WEEKDAYS[new Date(wallMs(first)).getUTCDay()]];
  const until = parseCalendarDate(anyCase(given, "UNTIL"));
  if (until) rule.UNTIL = storeWall(until.wall).slice(0, 10);
  return rule;
}

function remindParam(value: unknown): { type: string; count: number }[] {
  return listParam(value)
    .filter((r): r is Record<string, unknown> => !!r && typeof r === "object")
    .map((r) => ({ type: textParam(anyCase(r, "type")), count: toInt(anyCase(r, "count")) ?? 0 }))
    .filter((r) => ["min", "hour", "day"].includes(r.type));
}

function meetingParam(value: unknown, current: Record<string, boolean> | undefined): Record<string, boolean> {
  const given = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const flag = (key: string) => yesNo(anyCase(given, key), current?.[key.toUpperCase()] ?? false);
  return { NOTIFY: flag("notify"), REINVITE: flag("reinvite"), ALLOW_INVITE: flag("allow_invite"), HIDE_GUESTS: flag("hide_guests") };
}

/**
 * Writes the event parameters given into `row` (all of them on add). Returns whether the time
 * changed (a re-invite asks the attendees again then).
 */
function applyEventParams(ctx: MethodContext, row: Row, adding: boolean): boolean {
  const given = (name: string) => param(ctx, name) !== undefined;
  const name = param(ctx, "name");
  if (adding || given("name")) {
    if (isBlank(name)) throw adding ? notSet("name", ctx.method) : calError(`Invalid value for the parameter "name"`);
    if (typeof name !== "string" && typeof name !== "number") throw calError(`Invalid value for the parameter "name"`);
    row.NAME = String(name).trim();
  }
  const description = param(ctx, "description");
  if (description !== undefined) {
    if (typeof description !== "string" && typeof description !== "number") throw calError(`Invalid value for the parameter "description"`);
    row.DESCRIPTION = String(description);
  } else if (adding) row.DESCRIPTION = "";

  // Times: the zone from timezone_from / timezone_to, else the caller's; a value with an offset wins.
  const userZone = userTimeZone(ctx.state, ctx.userId);
  const zoneFrom = [textParam(param(ctx, "timezone_from"))].find((z) => z && isTimeZone(z)) ?? (adding ? userZone : String(row.TZ_FROM || userZone));
  const zoneTo = [textParam(param(ctx, "timezone_to"))].find((z) => z && isTimeZone(z)) ?? (given("timezone_from") ? zoneFrom : adding ? zoneFrom : String(row.TZ_TO || zoneFrom));
  const skipTime = given("skip_time") ? yesNo(param(ctx, "skip_time"), false) : row.DT_SKIP_TIME === "Y";
  let from = eventTime(ctx, "from", zoneFrom, skipTime);
  let to = eventTime(ctx, "to", zoneTo, skipTime);
  if (adding && !from) throw notSet("from", ctx.method);
  if (adding && !to) throw notSet("to", ctx.method);
  const before = { from: row.DATE_FROM, to: row.DATE_TO, skip: row.DT_SKIP_TIME, tzFrom: row.TZ_FROM, tzTo: row.TZ_TO };
  if (from || to || given("skip_time") || given("timezone_from") || given("timezone_to")) {
    const old = adding ? undefined : span(row);
    if (!from) from = old ? wallAt(skipTime ? "UTC" : zoneFrom, old.from) : readWall(row.DATE_FROM);
    if (!to) to = old ? wallAt(skipTime ? "UTC" : zoneTo, Math.max(old.from, old.to - (row.DT_SKIP_TIME === "Y" ? DAY_MS : 0))) : readWall(row.DATE_TO);
    row.DT_SKIP_TIME = skipTime ? "Y" : "N";
    row.TZ_FROM = skipTime ? "" : zoneFrom;
    row.TZ_TO = skipTime ? "" : zoneTo;
    row.DATE_FROM = storeWall(from);
    // An end before the start is moved to the start, as the calendar does.
    const fromMs = instantOf(from, skipTime ? "UTC" : zoneFrom);
    const toMs = instantOf(to, skipTime ? "UTC" : zoneTo);
    row.DATE_TO = storeWall(toMs < fromMs ? wallAt(skipTime ? "UTC" : zoneTo, fromMs) : to);
  }
  const timeChanged = !adding && (before.from !== row.DATE_FROM || before.to !== row.DATE_TO || before.skip !== row.DT_SKIP_TIME || before.tzFrom !== row.TZ_FROM || before.tzTo !== row.TZ_TO);

  if (adding || given("color")) row.COLOR = clearColor(param(ctx, "color"), "");
  if (adding || given("text_color")) row.TEXT_COLOR = clearColor(param(ctx, "text_color"), "");
  if (adding || given("accessibility")) {
    const value = textParam(param(ctx, "accessibility")).toLowerCase();
    row.ACCESSIBILITY = ACCESSIBILITY.includes(value) ? value : "busy";
  }
  if (adding || given("importance")) {
    const value = textParam(param(ctx, "importance")).toLowerCase();
    row.IMPORTANCE = IMPORTANCE.includes(value) ? value : "normal";
  }
  if (adding || given("private_event")) row.PRIVATE_EVENT = yesNo(param(ctx, "private_event"), false) ? "Y" : "N";
  if (adding || given("location")) row.LOCATION = text(param(ctx, "location"));
  if (adding || given("remind")) row.REMIND = remindParam(param(ctx, "remind"));
  if (adding || given("rrule") || timeChanged) {
    const rule = given("rrule") ? rruleParam(param(ctx, "rrule"), readWall(row.DATE_FROM)) : (row.RRULE as Rrule | undefined);
    if (rule) row.RRULE = rule;
    else delete row.RRULE;
  }
  if (adding || given("meeting")) row.MEETING = meetingParam(param(ctx, "meeting"), row.MEETING as Record<string, boolean> | undefined);

  // Meetings: the host is the caller who made it and always attends.
  if (adding || given("is_meeting") || given("attendees")) {
    const meeting = given("is_meeting") ? yesNo(param(ctx, "is_meeting"), false) : adding ? false : row.IS_MEETING === "Y";
    const host = Number(row.MEETING_HOST ?? ctx.userId);
    const attendees = given("attendees") || given("is_meeting") ? userIds(param(ctx, "attendees")).filter((id) => ctx.state.getUser(id)) : ((row.ATTENDEES as number[]) ?? []);
    row.IS_MEETING = meeting ? "Y" : "N";
    row.ATTENDEES = meeting ? [host, ...attendees.filter((id) => id !== host)] : [];
  }
  return timeChanged;
}

function newDavId(ctx: MethodContext, row: Row): string {
  const start = new Date(instantOf(readWall(row.DATE_FROM), zoneOf(row, "FROM"))).toISOString().replace(/[-:]/g, "").slice(0, 15);
  return `${start}Z-${randomBytes(16).toString("hex")}@${new URL(ctx.portalUrl || "http://127.0.0.1").hostname}`;
}

/** The section an event goes to: the one named (it must be the owner's and writable), else the owner's default. */
function targetSection(ctx: MethodContext, type: string, ownerId: number, required: boolean): number {
  const given = param(ctx, "section");
  const invalid = () => calError("You specified an invalid calendar section ID or the user does not have access to it");
  if (!isBlank(given)) {
    const id = toInt(given);
    const section = id === null ? undefined : sections(ctx.state).get(id);
    if (!section || section.CAL_TYPE !== type || section.OWNER_ID !== ownerId || !canEditSection(ctx, section)) throw invalid();
    return id!;
  }
  if (required) throw invalid();
  if (type === "user") return Number(defaultUserSection(ctx.state, ownerId).ID);
  const own = sectionsOf(ctx.state, type, ownerId).find((s) => canEditSection(ctx, s));
  if (!own) throw invalid();
  return Number(own.ID);
}

// ---- events: methods -----------------------------------------------------------------------

const eventAdd = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  if (!TYPES.has(type) || !canAddTo(ctx, type, ownerId) || (type === "user" && !ctx.state.getUser(ownerId))) throw calError("Access denied");
  const row: Row = { CAL_TYPE: type, OWNER_ID: ownerId, MEETING_HOST: ctx.userId, MEETING_STATUS: "H", CREATED_BY: ctx.userId };
  applyEventParams(ctx, row, true);
  const explicit = textParam(param(ctx, "auto_detect_section")).toUpperCase() === "N";
  row.SECTION_ID = targetSection(ctx, type, ownerId, explicit);
  const now = ctx.state.now().toISOString();
  Object.assign(row, { DATE_CREATE: now, TIMESTAMP_X: now, VERSION: 1, DAV_XML_ID: newDavId(ctx, row) });
  const store = events(ctx.state);
  const id = store.insert(row);
  store.replace(id, { ...store.get(id)!, PARENT_ID: id });
  syncAttendees(ctx.state, store.get(id)!);
  return id;
});

/** May the caller change (or delete) the event whose host's entry is `root`? */
function mayEdit(ctx: MethodContext, root: Row): boolean {
  if (!eventEntity.access!(ctx, "update", root)) return false;
  if (callerIsAdmin(ctx) || Number(root.MEETING_HOST) === ctx.userId || ownsRoot(root, ctx.userId)) return true;
  const section = sections(ctx.state).get(Number(root.SECTION_ID));
  return root.CAL_TYPE !== "user" && !!section && canEditSection(ctx, section);
}

const eventUpdate = calendar((ctx) => {
  const id = idParam(ctx, "id", notSet("id", ctx.method));
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  const entry = events(ctx.state).get(id);
  if (!entry) throw calError("Access denied");
  const root = rootOf(ctx.state, entry);
  // Someone other than the host updates a meeting by naming its host (`host`), as Bitrix24 asks.
  const hostGiven = toInt(param(ctx, "host"));
  if (!mayEdit(ctx, root) && !(hostGiven !== null && hostGiven === Number(root.MEETING_HOST) && entryOf(ctx.state, root, ctx.userId))) throw calError("Access denied");
  const row = { ...root };
  const timeChanged = applyEventParams(ctx, row, false);
  if (!isBlank(param(ctx, "section"))) row.SECTION_ID = targetSection(ctx, String(root.CAL_TYPE), Number(root.OWNER_ID), true);
  void type;
  void ownerId;
  row.TIMESTAMP_X = ctx.state.now().toISOString();
  row.VERSION = Number(row.VERSION ?? 1) + 1;
  events(ctx.state).replace(Number(root.ID), row);
  syncAttendees(ctx.state, row, timeChanged && (row.MEETING as Record<string, boolean> | undefined)?.REINVITE === true);
  return id;
});

const eventDelete = calendar((ctx) => {
  const id = idParam(ctx, "id", calError("Event id not specified"));
  const failed = calError("An error occurred while deleting the event");
  const entry = events(ctx.state).get(id);
  if (!entry) throw failed;
  const root = rootOf(ctx.state, entry);
  if (entry !== root && Number(entry.OWNER_ID) === ctx.userId && !mayEdit(ctx, root)) {
    // An attendee deleting a meeting from their calendar declines it.
    events(ctx.state).replace(id, { ...entry, MEETING_STATUS: "N" });
    return true;
  }
  if (!mayEdit(ctx, root)) throw failed;
  for (const row of chainOf(ctx.state, root)) events(ctx.state).delete(Number(row.ID));
  return true;
});

/** One occurrence of an event: its start and end instants, its index in the repetition. */
interface Occurrence {
  from: number;
  to: number;
  index: number;
}

/** Every occurrence of an event overlapping [lo, hi] (ms), repetitions expanded. */
function occurrencesIn(row: Row, lo: number, hi: number): Occurrence[] {
  const { from, to } = span(row);
  const length = to - from;
  const rule = row.RRULE as Rrule | undefined;
  if (!rule) return from <= hi && to >= lo ? [{ from, to, index: 0 }] : [];
  const zone = zoneOf(row, "FROM");
  const out: Occurrence[] = [];
  for (const { index, start } of occurrences(readWall(row.DATE_FROM), rule)) {
    const s = instantOf(start, zone);
    if (s > hi) break;
    if (s + length >= lo) out.push({ from: s, to: s + length, index });
  }
  return out;
}

/** The last day a rule runs (for a rule with COUNT and no UNTIL: the day of its last occurrence). */
function untilOf(row: Row, rule: Rrule): string {
  if (rule.UNTIL) return rule.UNTIL;
  if (!rule.COUNT) return FOREVER;
  let last = readWall(row.DATE_FROM);
  for (const { start } of occurrences(last, rule)) last = start;
  return storeWall(last).slice(0, 10);
}

function renderRule(row: Row): Record<string, unknown> | "" {
  const rule = row.RRULE as Rrule | undefined;
  if (!rule) return "";
  const until = untilOf(row, rule);
  const untilWall = wallFromMs(Date.parse(`${until}T00:00:00Z`));
  return {
    FREQ: rule.FREQ,
    ...(rule.COUNT ? { COUNT: rule.COUNT } : {}),
    INTERVAL: rule.INTERVAL,
    ...(rule.BYDAY ? { BYDAY: Object.fromEntries(rule.BYDAY.map((d) => [d, d])) } : {}),
    UNTIL: siteDateTime(untilWall, true),
    "~UNTIL": siteDateTime(untilWall, true),
    UNTIL_TS: Math.floor(wallMs(untilWall) / 1000),
  };
}

const fullName = (ctx: MethodContext, id: number) => {
  const user = ctx.state.getUser(id);
  return user ? `${user.firstName} ${user.lastName}`.trim() : "";
};

/** An event entry as calendar.event.get prints one occurrence of it ("list") or getbyid prints it ("one"). */
function renderEvent(ctx: MethodContext, row: Row, occurrence: Occurrence, variant: "list" | "one"): Record<string, unknown> {
  const root = rootOf(ctx.state, row);
  const skip = row.DT_SKIP_TIME === "Y";
  const zoneFrom = zoneOf(row, "FROM");
  const zoneTo = zoneOf(row, "TO");
  const endShown = skip ? occurrence.to - DAY_MS : occurrence.to;
  const fromWall = wallAt(zoneFrom, occurrence.from);
  const toWall = wallAt(zoneTo, Math.max(occurrence.from, endShown));
  const first = span(row);
  const offsetFrom = skip ? 0 : zoneOffset(zoneFrom, occurrence.from);
  const userOffset = zoneOffset(userTimeZone(ctx.state, ctx.userId), occurrence.from);
  const meeting = (row.MEETING as Record<string, boolean>) ?? {};
  const host = Number(row.MEETING_HOST ?? row.CREATED_BY);
  const attendees = attendeeList(ctx.state, root);
  const rule = row.RRULE as Rrule | undefined;
  const list = variant === "list";
  const out: Record<string, unknown> = {
    ID: String(row.ID),
    PARENT_ID: String(row.PARENT_ID ?? row.ID),
    ...(list ? { ACTIVE: "Y" } : {}),
    DELETED: "N",
    CAL_TYPE: row.CAL_TYPE,
    OWNER_ID: String(row.OWNER_ID),
    NAME: row.NAME,
    DATE_FROM: siteDateTime(fromWall, skip),
    DATE_TO: siteDateTime(toWall, skip),
    ORIGINAL_DATE_FROM: null,
    TZ_FROM: row.TZ_FROM ?? "",
    TZ_TO: row.TZ_TO ?? "",
    TZ_OFFSET_FROM: String(offsetFrom),
    TZ_OFFSET_TO: String(skip ? 0 : zoneOffset(zoneTo, occurrence.to)),
    DATE_FROM_TS_UTC: String(Math.floor(occurrence.from / 1000)),
    DATE_TO_TS_UTC: String(Math.floor(endShown / 1000)),
    DT_SKIP_TIME: skip ? "Y" : "N",
    DT_LENGTH: Math.round((occurrence.to - occurrence.from) / 1000),
    EVENT_TYPE: null,
    CREATED_BY: String(row.CREATED_BY),
    DATE_CREATE: siteDateTime(wallFromMs(Date.parse(String(row.DATE_CREATE)))),
    TIMESTAMP_X: siteDateTime(wallFromMs(Date.parse(String(row.TIMESTAMP_X)))),
    DESCRIPTION: row.DESCRIPTION ?? "",
    ...(list ? { DT_FROM: null, DT_TO: null } : {}),
    PRIVATE_EVENT: row.PRIVATE_EVENT === "Y" ? "1" : "",
    ACCESSIBILITY: row.ACCESSIBILITY,
    IMPORTANCE: row.IMPORTANCE,
    IS_MEETING: row.IS_MEETING === "Y",
    MEETING_STATUS: String(row.MEETING_STATUS ?? "H"),
    MEETING_HOST: String(host),
    MEETING: {
      HOST_NAME: fullName(ctx, host),
      NOTIFY: meeting.NOTIFY === true,
      REINVITE: meeting.REINVITE === true,
      ALLOW_INVITE: meeting.ALLOW_INVITE === true,
      HIDE_GUESTS: meeting.HIDE_GUESTS === true,
      MEETING_CREATOR: host,
      LANGUAGE_ID: "en",
      MAIL_FROM: false,
    },
    LOCATION: row.LOCATION ?? "",
    REMIND: (row.REMIND as unknown[]) ?? [],
    COLOR: row.COLOR ?? "",
    ...(list ? { TEXT_COLOR: row.TEXT_COLOR ?? "" } : {}),
    RRULE: renderRule(row),
    EXDATE: "",
    DAV_XML_ID: row.DAV_XML_ID,
    G_EVENT_ID: "",
    DAV_EXCH_LABEL: "",
    CAL_DAV_LABEL: "",
    VERSION: String(row.VERSION ?? 1),
    ATTENDEES_CODES: attendees.map((a) => `U${a.id}`),
    RECURRENCE_ID: null,
    RELATIONS: "",
    SECTION_ID: String(row.SECTION_ID),
    SYNC_STATUS: null,
    UF_CRM_CAL_EVENT: false,
    UF_WEBDAV_CAL_EVENT: false,
    SECTION_DAV_XML_ID: null,
    DATE_FROM_FORMATTED: jsFormatted(fromWall),
    DATE_TO_FORMATTED: jsFormatted(toWall),
    IS_DAYLIGHT_SAVING_TZ: !skip && zoneOffset(zoneFrom, Date.UTC(fromWall.y, 0, 1)) !== offsetFrom ? "Y" : "N",
    SECT_ID: String(row.SECTION_ID),
    OPTIONS: null,
    ATTENDEE_LIST: attendees.map((a) => ({ id: a.id, entryId: String(a.entryId), status: a.status })),
    COLLAB_ID: null,
    ...(rule ? { "~RRULE_DESCRIPTION": ruleDescription({ ...rule, UNTIL: untilOf(row, rule) }, readWall(row.DATE_FROM)) } : {}),
    attendeesEntityList: attendees.map((a) => ({ entityId: "user", id: a.id })),
  };
  if (list) {
    out["~DATE_FROM"] = siteDateTime(wallAt(zoneFrom, first.from), skip);
    out["~DATE_TO"] = siteDateTime(wallAt(zoneTo, Math.max(first.from, skip ? first.to - DAY_MS : first.to)), skip);
    out.RINDEX = occurrence.index;
  } else out["~DESCRIPTION"] = row.DESCRIPTION ?? "";
  out["~USER_OFFSET_FROM"] = userOffset;
  out["~USER_OFFSET_TO"] = userOffset;
  return out;
}

const eventGetById = calendar((ctx) => {
  const id = idParam(ctx, "id", notSet("id", ctx.method));
  const row = events(ctx.state).get(id);
  if (!row || !eventEntity.access!(ctx, "read", row)) throw calError("Access denied");
  const { from, to } = span(row);
  return renderEvent(ctx, row, { from, to, index: 0 }, "one");
});

/** A range bound: a date means its whole day, in the caller's zone; a date-time is that moment. */
function rangeBound(ctx: MethodContext, value: unknown, end: boolean, fallback: number): number {
  if (isBlank(value)) return fallback;
  const parsed = parseCalendarDate(value);
  if (!parsed) throw calError(`Invalid value for the parameter "${end ? "to" : "from"}"`);
  const zone = userTimeZone(ctx.state, ctx.userId);
  const at = parsed.offset !== undefined ? wallMs(parsed.wall) - parsed.offset * 1000 : instantOf(parsed.wall, zone);
  return parsed.dateOnly && end ? at + DAY_MS - 1000 : at;
}

const eventGet = calendar((ctx) => {
  const type = typeParam(ctx);
  const ownerId = ownerParam(ctx, type);
  openCalendar(ctx, type, ownerId);
  const now = ctx.state.now().getTime();
  const lo = rangeBound(ctx, param(ctx, "from"), false, now - 30 * DAY_MS);
  const hi = rangeBound(ctx, param(ctx, "to"), true, now + 90 * DAY_MS);
  const wanted = listParam(param(ctx, "section")).map((s) => toInt(s)).filter((s): s is number => s !== null);
  const items: { occurrence: Occurrence; row: Row }[] = [];
  for (const row of events(ctx.state).all()) {
    if (row.CAL_TYPE !== type || row.OWNER_ID !== ownerId) continue;
    if (wanted.length > 0 && !wanted.includes(Number(row.SECTION_ID))) continue;
    for (const occurrence of occurrencesIn(row, lo, hi)) items.push({ occurrence, row });
  }
  items.sort((a, b) => a.occurrence.from - b.occurrence.from || Number(a.row.ID) - Number(b.row.ID));
  return items.map(({ row, occurrence }) => renderEvent(ctx, row, occurrence, "list"));
});

// ---- meetings ------------------------------------------------------------------------------

/** The caller's entry of the meeting an eventId names (the host's event or anyone's copy). */
function ownEntry(ctx: MethodContext, failure: RestError): Row {
  const id = idParam(ctx, "eventId", notSet("eventId", ctx.method));
  const row = events(ctx.state).get(id);
  if (!row) throw failure;
  const entry = entryOf(ctx.state, rootOf(ctx.state, row), ctx.userId);
  if (!entry) throw failure;
  return entry;
}

const meetingStatusGet = calendar((ctx) => String(ownEntry(ctx, calError("An error occurred while retrieving the status")).MEETING_STATUS ?? "H"));

const meetingStatusSet = calendar((ctx) => {
  const status = textParam(param(ctx, "status")).toUpperCase();
  idParam(ctx, "eventId", notSet("eventId", ctx.method));
  if (isBlank(param(ctx, "status"))) throw notSet("status", ctx.method);
  if (!["Y", "N", "Q"].includes(status)) throw calError(`Invalid value for the parameter "status"`);
  const entry = ownEntry(ctx, calError("An error occurred while setting the status"));
  // The host's own entry keeps "H": a host does not answer their own meeting.
  if (entry.MEETING_STATUS !== "H") events(ctx.state).replace(Number(entry.ID), { ...entry, MEETING_STATUS: status });
  return true;
});

// ---- busy intervals ------------------------------------------------------------------------

const BUSY_LABELS: Record<string, string> = { busy: "Busy", quest: "Tentative", absent: "Absent", free: "Free" };

const accessibilityGet = calendar((ctx) => {
  const users = userIds(param(ctx, "users"));
  if (isBlank(param(ctx, "from"))) throw notSet("from", ctx.method);
  if (isBlank(param(ctx, "to"))) throw notSet("to", ctx.method);
  if (users.length === 0) throw notSet("users", ctx.method);
  const lo = rangeBound(ctx, param(ctx, "from"), false, 0);
  const hi = rangeBound(ctx, param(ctx, "to"), true, 0);
  const rows = events(ctx.state).all();
  const result: Record<string, unknown[]> = {};
  for (const userId of users) {
    const busy: { at: number; item: Record<string, unknown> }[] = [];
    for (const row of rows) {
      // A user's own events and their copies of meetings; free time and declined meetings do not count.
      if (row.CAL_TYPE !== "user" || row.OWNER_ID !== userId) continue;
      if (row.ACCESSIBILITY === "free" || (row.IS_MEETING === "Y" && row.MEETING_STATUS === "N")) continue;
      const skip = row.DT_SKIP_TIME === "Y";
      for (const o of occurrencesIn(row, lo, hi)) {
        const endShown = skip ? o.to - DAY_MS : o.to;
        const userOffset = zoneOffset(userTimeZone(ctx.state, userId), o.from);
        busy.push({
          at: o.from,
          item: {
            ID: String(rootOf(ctx.state, row).ID),
            NAME: row.PRIVATE_EVENT === "Y" ? `[${BUSY_LABELS[String(row.ACCESSIBILITY)] ?? "Busy"}]` : row.NAME,
            DATE_FROM: siteDateTime(wallAt(zoneOf(row, "FROM"), o.from), skip),
            DATE_TO: siteDateTime(wallAt(zoneOf(row, "TO"), Math.max(o.from, endShown)), skip),
            DATE_FROM_TS_UTC: String(Math.floor(o.from / 1000)),
            DATE_TO_TS_UTC: String(Math.floor(endShown / 1000)),
            "~USER_OFFSET_FROM": userOffset,
            "~USER_OFFSET_TO": userOffset,
            DT_SKIP_TIME: skip ? "Y" : "N",
            TZ_FROM: row.TZ_FROM ?? "",
            TZ_TO: row.TZ_TO ?? "",
            ACCESSIBILITY: row.ACCESSIBILITY,
            IMPORTANCE: row.IMPORTANCE,
            EVENT_TYPE: null,
          },
        });
      }
    }
    result[String(userId)] = busy.sort((a, b) => a.at - b.at).map((b) => b.item);
  }
  return result;
});

// ---- settings ------------------------------------------------------------------------------

const settingsGet = calendar((ctx) => {
  const settings = userSettings(ctx.state, ctx.userId);
  if (settings.meetSection === false) settings.meetSection = String(defaultUserSection(ctx.state, ctx.userId).ID);
  settings.timezoneOffsetUTC = zoneOffset(String(settings.timezoneName), ctx.state.now().getTime());
  return settings;
});

/** What calendar.user.settings.set takes and how each value is kept. */
const SETTING_KINDS: Record<string, "text" | "bool" | "yn" | "int" | "any"> = {
  view: "text",
  meetSection: "text",
  crmSection: "text",
  showDeclined: "bool",
  denyBusyInvitation: "bool",
  collapseOffHours: "yn",
  showWeekNumbers: "yn",
  showTasks: "yn",
  syncTasks: "yn",
  showCompletedTasks: "yn",
  lastUsedSection: "text",
  sendFromEmail: "text",
  defaultSections: "any",
  syncPeriodPast: "int",
  syncPeriodFuture: "int",
  defaultReminders: "any",
};

const settingsSet = calendar((ctx) => {
  const given = param(ctx, "settings");
  if (!given || typeof given !== "object" || Array.isArray(given)) throw notSet("settings", ctx.method);
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    const kind = SETTING_KINDS[key];
    if (!kind) continue; // unknown settings are ignored
    if (kind === "text") changes[key] = isBlank(value) || value === false ? false : textParam(value);
    else if (kind === "bool") changes[key] = yesNo(value, false);
    else if (kind === "yn") changes[key] = yesNo(value, false) ? "Y" : "N";
    else if (kind === "int") changes[key] = toInt(value) ?? 0;
    else changes[key] = value;
  }
  if (changes.view !== undefined && !["day", "week", "month", "list"].includes(String(changes.view))) delete changes.view;
  saveUserSettings(ctx.state, ctx.userId, changes);
  return true;
});

/** The portal's calendar settings (calendar.settings.get), those of the GetCalendarSettingsStructure sample. */
const portalSettings = calendar(() => ({
  work_time_start: "9",
  work_time_end: "19",
  year_holidays: "1.01,2.01,7.01,23.02,8.03,1.05,9.05,12.06,4.11",
  year_workdays: "31.12",
  week_holidays: ["SA", "SU"],
  week_start: "MO",
  user_name_template: "#NAME# #LAST_NAME#",
  sync_by_push: "",
  user_show_login: "1",
  path_to_user: "/company/personal/user/#user_id#/",
  path_to_user_calendar: "/company/personal/user/#user_id#/calendar/",
  path_to_group: "/workgroups/group/#group_id#/",
  path_to_group_calendar: "/workgroups/group/#group_id#/calendar/",
  path_to_vr: "",
  path_to_rm: "",
  rm_iblock_type: "",
  rm_iblock_id: "",
  dep_manager_sub: "1",
  denied_superpose_types: [],
  pathes_for_sites: "",
  pathes: [],
  forum_id: "1",
  rm_for_sites: "1",
  path_to_type_company_calendar: "/calendar/",
  path_to_type_events: "",
  path_to_type_location: "",
}));

export const calendarMethods: Record<string, MethodHandler> = {
  "calendar.section.get": sectionGet,
  "calendar.section.add": sectionAdd,
  "calendar.section.update": sectionUpdate,
  "calendar.section.delete": sectionDelete,
  "calendar.event.add": eventAdd,
  "calendar.event.update": eventUpdate,
  "calendar.event.getbyid": eventGetById,
  "calendar.event.get": eventGet,
  "calendar.event.delete": eventDelete,
  "calendar.meeting.status.get": meetingStatusGet,
  "calendar.meeting.status.set": meetingStatusSet,
  "calendar.accessibility.get": accessibilityGet,
  "calendar.user.settings.get": settingsGet,
  "calendar.user.settings.set": settingsSet,
  "calendar.settings.get": portalSettings,
};
