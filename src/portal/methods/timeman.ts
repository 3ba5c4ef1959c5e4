// timeman.*: the work day of a user, opened (timeman.open), paused (timeman.pause), resumed
// (timeman.open again), closed (timeman.close), read (timeman.status) and the user's work-time
// settings (timeman.settings), as Bitrix24's timeman REST service does them: each answer is the
// day's status; TIME must be ATOM with an offset ("2025-03-27T08:00:01+02:00"; anything else, a
// "…Z" too, is WRONG_DATETIME_FORMAT), on the current date to open and on the day's date to close (WRONG_DATETIME);
// breaks add up in TIME_LEAKS and DURATION is the time worked. The portal's clock (state.now) runs it.
import { RestError } from "../http/errors.js";
import { callerIsAdmin, scoped, type MethodContext, type MethodHandler } from "../http/registry.js";
import { isBlank, textParam, toInt } from "../http/params.js";
import { anyCase } from "../engine/dialect.js";
import type { Row } from "../engine/types.js";
import { dateAt, dayState, lastDay, workDays, WORK_TIME_SETTINGS, WORKDAY_FINISH_SECONDS } from "../data/timeman.js";

const param = (ctx: MethodContext, name: string) => anyCase(ctx.params, name);
const timeman = (handler: (ctx: MethodContext) => unknown): MethodHandler => scoped("timeman", handler);

/** USER_ID: the caller by default; another user only for an administrator. */
function targetUser(ctx: MethodContext): number {
  const raw = param(ctx, "USER_ID");
  if (isBlank(raw)) return ctx.userId;
  const userId = toInt(raw);
  if (userId === ctx.userId) return userId;
  if (!callerIsAdmin(ctx)) throw new RestError("ACCESS_DENIED", "User does not have access to managing other users work time", 403);
  if (userId === null || !ctx.state.getUser(userId)) throw new RestError("", "User not found", 400);
  return userId;
}

// ATOM with a numeric offset. Bitrix24 reads TIME with DateTime::createFromFormat(ATOM), and answered
// OpenIntegrations' "2024-07-30T11:32:02Z" with WRONG_DATETIME_FORMAT (the StopTimekeeping sample, the
// one recorded answer to a Z time), so a Z is refused here too, although PHP 8.2's createFromFormat
// alone reads it: an offset is what Bitrix24's docs show and what works on both.
const ATOM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{2}:?\d{2})$/;

/** TIME as Bitrix24's timeman reads it: the instant and its offset (seconds). */
function timeParam(ctx: MethodContext): { ms: number; offset: number } | undefined {
  const raw = param(ctx, "TIME");
  if (raw === undefined) return undefined;
  // PHP's query parsing turns an unescaped "+" into a space; Bitrix24 turns it back.
  const m = ATOM.exec(textParam(raw).replace(" ", "+"));
  const wrong = () => new RestError("WRONG_DATETIME_FORMAT", "Wrong datetime format", 400);
  if (!m) throw wrong();
  const offset = (m[7][0] === "-" ? -1 : 1) * (Number(m[7].slice(1, 3)) * 3600 + Number(m[7].slice(-2)) * 60);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (new Date(wall).getUTCDate() !== +m[3] || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) throw wrong();
  return { ms: wall - offset * 1000, offset };
}

/** A changed time needs a reason unless the user's schedule is free. */
function reportFor(ctx: MethodContext, time: unknown): string {
  const report = textParam(param(ctx, "REPORT"));
  if (time !== undefined && report === "" && !WORK_TIME_SETTINGS.UF_TM_FREE) throw new RestError("REPORT_NEEDED", "Please specify the reason for changing the work time", 400);
  return report;
}

const hms = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
};

/** An instant at an offset, as timeman prints it: "2025-03-27T08:00:01+02:00". */
function atOffset(ms: number, offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(abs / 3600)).padStart(2, "0")}:${String(Math.floor((abs % 3600) / 60)).padStart(2, "0")}`;
  return `${new Date(Math.floor(ms / 1000) * 1000 + offset * 1000).toISOString().slice(0, 19)}${zone}`;
}

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** timeman.status's answer for a user: the state, and the last day's times when there is one. */
function status(ctx: MethodContext, userId: number): Record<string, unknown> {
  const day = lastDay(ctx.state, userId);
  const state = dayState(ctx.state, day);
  if (!day) return { STATUS: state };
  const offset = Number(day.TZ_OFFSET ?? 0);
  const start = Date.parse(String(day.DATE_START));
  const out: Record<string, unknown> = {
    STATUS: state,
    TIME_START: atOffset(start, offset),
    TIME_FINISH: day.DATE_FINISH === undefined ? null : atOffset(Date.parse(String(day.DATE_FINISH)), offset),
    DURATION: hms(num(day.DURATION)),
    TIME_LEAKS: hms(num(day.TIME_LEAKS)),
    ACTIVE: day.ACTIVE === "Y",
    IP_OPEN: "",
    IP_CLOSE: "",
    LAT_OPEN: num(day.LAT_OPEN),
    LON_OPEN: num(day.LON_OPEN),
    LAT_CLOSE: num(day.LAT_CLOSE),
    LON_CLOSE: num(day.LON_CLOSE),
    TZ_OFFSET: offset,
  };
  if (state === "EXPIRED") {
    const dayStart = Date.parse(`${dateAt(start, offset)}T00:00:00Z`) - offset * 1000;
    const suggested = Math.max(dayStart + WORKDAY_FINISH_SECONDS * 1000, start + (num(day.TIME_LEAKS) + 300) * 1000);
    out.TIME_FINISH_DEFAULT = atOffset(suggested, offset);
  }
  return out;
}

const coordinate = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** Resumes a paused day at `at`: the break is added to TIME_LEAKS. */
function resume(day: Row, at: number): Row {
  const pausedAt = Date.parse(String(day.DATE_FINISH));
  const next: Row = { ...day, PAUSED: "N", TIME_LEAKS: num(day.TIME_LEAKS) + Math.max(0, Math.floor((at - pausedAt) / 1000)) };
  delete next.DATE_FINISH;
  return next;
}

const open = timeman((ctx) => {
  const userId = targetUser(ctx);
  const store = workDays(ctx.state);
  const day = lastDay(ctx.state, userId);
  const state = dayState(ctx.state, day);
  const now = ctx.state.now().getTime();
  // As Bitrix24: TIME is read only when a day is opened (not looked at for an open day, refused for a paused one).
  if (state === "OPENED" || state === "EXPIRED") return status(ctx, userId); // nothing to open
  if (state === "PAUSED") {
    if (param(ctx, "TIME") !== undefined) throw new RestError("TIME", "Unable to set time, work day is paused", 400);
    store.replace(Number(day!.ID), resume(day!, now));
    return status(ctx, userId);
  }
  const time = timeParam(ctx);
  // Closed: without TIME a day closed today goes on (the time since counts as a break); else a new day.
  if (!time && day && dateAt(Date.parse(String(day.DATE_START)), Number(day.TZ_OFFSET ?? 0)) === dateAt(now, Number(day.TZ_OFFSET ?? 0))) {
    store.replace(Number(day.ID), resume({ ...day, DURATION: 0 }, now));
    return status(ctx, userId);
  }
  const offset = time ? time.offset : 0;
  if (time && dateAt(time.ms, offset) !== dateAt(now, offset)) throw new RestError("WRONG_DATETIME", "Day open date should correspond to the current date", 400);
  const report = reportFor(ctx, time);
  store.insert({
    USER_ID: userId,
    DATE_START: new Date(time ? time.ms : now).toISOString(),
    TZ_OFFSET: offset,
    PAUSED: "N",
    TIME_LEAKS: 0,
    DURATION: 0,
    // A day opened at another time than now waits for the supervisor's confirmation.
    ACTIVE: time && !WORK_TIME_SETTINGS.UF_TM_FREE ? "N" : "Y",
    LAT_OPEN: coordinate(param(ctx, "LAT")) ?? 0,
    LON_OPEN: coordinate(param(ctx, "LON")) ?? 0,
    ...(report ? { REPORT_OPEN: report } : {}),
  });
  return status(ctx, userId);
});

const pause = timeman((ctx) => {
  const userId = targetUser(ctx);
  const day = lastDay(ctx.state, userId);
  // Bitrix24 pauses an open day of today; anything else is answered with the status as it is.
  if (dayState(ctx.state, day) === "OPENED") {
    workDays(ctx.state).replace(Number(day!.ID), { ...day!, PAUSED: "Y", DATE_FINISH: ctx.state.now().toISOString() });
  }
  return status(ctx, userId);
});

const close = timeman((ctx) => {
  const userId = targetUser(ctx);
  const time = timeParam(ctx);
  const day = lastDay(ctx.state, userId);
  const state = dayState(ctx.state, day);
  const now = ctx.state.now().getTime();
  if (time) {
    const offset = Number(day?.TZ_OFFSET ?? time.offset);
    // The closing time is read in the day's offset and must fall on the day's date.
    if (!day || dateAt(time.ms, offset) !== dateAt(Date.parse(String(day.DATE_START)), offset)) {
      throw new RestError("WRONG_DATETIME", "Day close date should correspond to the day open date", 400);
    }
  }
  if (state === "CLOSED") throw new RestError("", "WD_NOT_OPEN", 400);
  if (state === "EXPIRED" && !time) throw new RestError("WD_EXPIRED", "Workday is expired", 400);
  const report = reportFor(ctx, time);
  const at = time ? time.ms : now;
  const start = Date.parse(String(day!.DATE_START));
  if (at < start) return status(ctx, userId); // Bitrix24 leaves the day as it is
  const running = day!.DATE_FINISH === undefined ? day! : resume(day!, Math.max(at, Date.parse(String(day!.DATE_FINISH))));
  const leaks = num(running.TIME_LEAKS);
  workDays(ctx.state).replace(Number(day!.ID), {
    ...running,
    DATE_FINISH: new Date(at).toISOString(),
    PAUSED: "N",
    DURATION: Math.max(0, Math.floor((at - start) / 1000) - leaks),
    ...(time && !WORK_TIME_SETTINGS.UF_TM_FREE ? { ACTIVE: "N" } : {}),
    LAT_CLOSE: coordinate(param(ctx, "LAT")) ?? 0,
    LON_CLOSE: coordinate(param(ctx, "LON")) ?? 0,
    ...(report ? { REPORT_CLOSE: report } : {}),
  });
  return status(ctx, userId);
});

const statusMethod = timeman((ctx) => status(ctx, targetUser(ctx)));

const settings = timeman((ctx) => {
  const userId = targetUser(ctx);
  // ADMIN is told only about oneself.
  return { ...WORK_TIME_SETTINGS, ...(userId === ctx.userId ? { ADMIN: callerIsAdmin(ctx) } : {}) };
});

export const timemanMethods: Record<string, MethodHandler> = {
  "timeman.open": open,
  "timeman.pause": pause,
  "timeman.close": close,
  "timeman.status": statusMethod,
  "timeman.settings": settings,
};
