// The work day per user (timeman.*), declared: one row per work day in an engine store (rows are
// REST-named plain JSON, so the generic persistence picks them up). A user's state is their last
// day's: none or finished = CLOSED, started and not finished = OPENED, finished with PAUSED = Y =
// PAUSED, and OPENED / PAUSED from a day before today = EXPIRED. Times are instants (ISO) plus the
// offset the day was opened in (TZ_OFFSET, seconds), which every time of the day is shown in.
import { storeFor } from "../engine/crud.js";
import type { EntityDef, Row } from "../engine/types.js";

import type { EntityStore } from "../engine/store.js";
import type { PortalState } from "./state.js";
import { field as f } from "../engine/fields.js";


export const workDayEntity: EntityDef = {
  name: "timeman.day",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    USER_ID: f("user", "User"),
    DATE_START: f("datetime", "Opened at"),
    /** The offset the day was opened in (seconds east of UTC). */
    TZ_OFFSET: f("integer", "Time zone offset"),
    /** When the day was paused or closed; absent while it runs. */
    DATE_FINISH: f("datetime", "Paused or closed at"),
    PAUSED: f("char", "Paused"),
    /** Seconds of breaks so far. */
    TIME_LEAKS: f("integer", "Breaks"),
    /** Seconds worked, set when the day closes. */
    DURATION: f("integer", "Duration"),
    ACTIVE: f("char", "Confirmed"),
    LAT_OPEN: f("double", "Latitude opened"),
    LON_OPEN: f("double", "Longitude opened"),
    LAT_CLOSE: f("double", "Latitude closed"),
    LON_CLOSE: f("double", "Longitude closed"),
    REPORT_OPEN: f("string", "Reason for the opening time"),
    REPORT_CLOSE: f("string", "Reason for the closing time"),
  },
};

export const workDays = (state: PortalState): EntityStore => storeFor(state, workDayEntity);

export type DayState = "OPENED" | "CLOSED" | "PAUSED" | "EXPIRED";

/** The user's last work day, if they ever opened one. */
export function lastDay(state: PortalState, userId: number): Row | undefined {
  const rows = workDays(state).all().filter((r) => r.USER_ID === userId);
  return rows.at(-1);
}

/** The calendar date ("YYYY-MM-DD") of an instant seen at an offset. */
export const dateAt = (ms: number, offset: number): string => new Date(ms + offset * 1000).toISOString().slice(0, 10);

export function dayState(state: PortalState, day: Row | undefined): DayState {
  if (!day) return "CLOSED";
  const running = day.DATE_FINISH === undefined;
  const paused = !running && day.PAUSED === "Y";
  if (!running && !paused) return "CLOSED";
  // Left open (or paused) past the day it was opened on.
  const offset = Number(day.TZ_OFFSET ?? 0);
  if (dateAt(Date.parse(String(day.DATE_START)), offset) !== dateAt(state.now().getTime(), offset)) return "EXPIRED";
  return running ? "OPENED" : "PAUSED";
}

/** A user's work-time settings (timeman.settings): the portal's defaults, those of the sample. */
export const WORK_TIME_SETTINGS = {
  UF_TIMEMAN: true,
  UF_TM_FREE: false,
  UF_TM_MAX_START: "09:15:00",
  UF_TM_MIN_FINISH: "17:45:00",
  UF_TM_MIN_DURATION: "08:00:00",
  UF_TM_ALLOWED_DELTA: "00:15:00",
} as const;

/** Where an expired day is suggested to end (18:00 on its day, as Bitrix24's workday_finish). */
export const WORKDAY_FINISH_SECONDS = 18 * 3600;
