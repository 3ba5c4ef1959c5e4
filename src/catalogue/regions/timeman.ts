// Timekeeping (OpenIntegrations region `УчетРабочегоВремени`), opi-bitrix24.md §2.8: the work day
// (timeman.*). The task time-accounting functions of the region live with the tasks. Every function
// acts on the calling user unless --userid names another.
import { rest, tokenParam, urlParam } from "../define.js";

const region = "Timekeeping";

/**
 * The work day as timeman.* prints it (fixtures/opi-samples/GetTimekeepingStatus.json). A user who
 * has never opened a day gets only `{ STATUS: "CLOSED" }`, so every other field may be absent;
 * TIME_FINISH_DEFAULT comes with an EXPIRED day (api-reference/timeman/base/timeman-status.md).
 */
export interface WorkDay {
  STATUS: "OPENED" | "PAUSED" | "CLOSED" | "EXPIRED";
  TIME_START?: string | null;
  TIME_FINISH?: string | null;
  DURATION?: string;
  TIME_LEAKS?: string;
  ACTIVE?: boolean;
  IP_OPEN?: string;
  IP_CLOSE?: string | null;
  LAT_OPEN?: number;
  LON_OPEN?: number;
  LAT_CLOSE?: number;
  LON_CLOSE?: number;
  TZ_OFFSET?: number;
  TIME_FINISH_DEFAULT?: string;
}

/** A user's work-day settings (fixtures/opi-samples/GetTimekeepingSettings.json). */
export interface WorkDaySettings {
  UF_TIMEMAN: boolean;
  UF_TM_FREE: boolean;
  UF_TM_MAX_START: string;
  UF_TM_MIN_FINISH: string;
  UF_TM_MIN_DURATION: string;
  UF_TM_ALLOWED_DELTA: string;
  ADMIN: boolean;
}

const userIdParam = { name: "userId", option: "userid", short: "s", kind: "string", field: "USER_ID", default: "", description: "User ID (default: the calling user)" } as const;

/**
 * Start and stop: a time of today and the reason for it. TIME goes in ATOM with the zone's offset
 * (`2025-12-10T19:58:55+03:00`), which timeman.open/close read; OpenIntegrations sends ДатаISOZ
 * (`…Z`), which Bitrix24 answered with WRONG_DATETIME_FORMAT (fixtures/opi-samples/StopTimekeeping.json).
 */
const timeParams = [
  userIdParam,
  {
    name: "time",
    option: "time",
    short: "t",
    kind: "datetime",
    format: "offset",
    field: "TIME",
    default: "",
    description: "Date and time (default: now): yyyy-MM-ddTHH:mm[:ss] or dd.MM.yyyy HH:mm[:ss], e.g. 2026-01-07T09:00 or 2026-01-07T09:00:00+03:00 (a time alone, such as 09:00, is refused); today's date to open the day, the day's own date to close it. Sent with its zone's offset: one without a zone is this machine's local time",
  },
  { name: "report", option: "report", short: "r", kind: "string", field: "REPORT", default: "", description: "Reason for the changed time (required with --time unless the schedule is free)" },
  tokenParam("k"),
] as const;

export const startTimekeeping = rest<WorkDay>()({
  name: "StartTimekeeping",
  ru: "НачатьУчетВремени",
  region,
  summary: "Opens (or resumes) the user's work day; the result is the work day",
  method: "timeman.open",
  replay: "unsafe",
  params: [urlParam, ...timeParams],
});

export const stopTimekeeping = rest<WorkDay>()({
  name: "StopTimekeeping",
  ru: "ЗавершитьУчетВремени",
  region,
  summary: "Closes the user's work day; the result is the work day",
  method: "timeman.close",
  replay: "unsafe",
  params: [urlParam, ...timeParams],
});

export const pauseTimekeeping = rest<WorkDay>()({
  name: "PauseTimekeeping",
  ru: "ПриостановитьУчетВремени",
  region,
  summary: "Pauses the user's work day (StartTimekeeping resumes it); the result is the work day",
  method: "timeman.pause",
  replay: "unsafe",
  params: [urlParam, userIdParam, tokenParam()],
});

export const getTimekeepingStatus = rest<WorkDay>()({
  name: "GetTimekeepingStatus",
  ru: "ПолучитьСтатусУчетаВремени",
  region,
  summary: "Returns the user's work day: status (OPENED, PAUSED, CLOSED, EXPIRED), start, finish, duration",
  method: "timeman.status",
  replay: "safe",
  readOnly: true,
  params: [urlParam, userIdParam, tokenParam()],
});

export const getTimekeepingSettings = rest<WorkDaySettings>()({
  name: "GetTimekeepingSettings",
  ru: "ПолучитьНастройкиУчетаВремени",
  region,
  summary: "Returns the user's work-day settings (whether time is kept, the schedule's limits)",
  method: "timeman.settings",
  replay: "safe",
  readOnly: true,
  params: [urlParam, userIdParam, tokenParam()],
});

export const timemanFunctions = [startTimekeeping, stopTimekeeping, pauseTimekeeping, getTimekeepingStatus, getTimekeepingSettings] as const;
