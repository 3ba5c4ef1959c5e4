// Every function marked safe to replay, with values to run it with (test/replay-safety.test.ts runs
// each, loses its answer, lets the client send it again, and checks that nothing was added and that
// a write answers the same). One table per area; a region adds its file here.
import type { Bitrix24Client } from "../../src/index.js";
import type { RunningPortal } from "../../src/portal/index.js";
import { MESSAGING_SAMPLES } from "./messaging.js";
import { TASK_SAMPLES } from "./tasks.js";
import { CRM_SAMPLES } from "./crm.js";
import { DRIVE_SAMPLES } from "./drive.js";
import { CALENDAR_SAMPLES } from "./calendar.js";

export interface ReplayContext {
  portal: RunningPortal;
  /** A webhook client for user 1 (the caller of every sample). */
  client: () => Bitrix24Client;
  /** A group chat of user 1 with users 2 and 3, and a message of user 1 in it. */
  chatId: number;
  messageId: number;
}

export interface SafeSample {
  /** The function's values (url and token added by the test); may prepare what it acts on first. */
  values: (c: ReplayContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** A write: the second run must also answer the same as the first. */
  write?: true;
  /** Run with user 1's OAuth token (an application) instead of the webhook. */
  oauth?: true;
}

export const SAFE_SAMPLES: Record<string, SafeSample> = {
  ...MESSAGING_SAMPLES,
  ...TASK_SAMPLES,
  ...CRM_SAMPLES,
  ...DRIVE_SAMPLES,
  ...CALENDAR_SAMPLES,
};
