// `oint sandbox` options for limits, big lists and HTTPS. Unlike startPortal(), the sandbox runs
// the standard plan by default, like a real portal, so clients meet the real limits there.
import type { PortalOptions, RunningPortal } from "../index.js";

export const LIMIT_OPTIONS = {
  plan: { type: "string" },
  "time-scale": { type: "string" },
  leads: { type: "string" },
  https: { type: "boolean" },
} as const;

export const LIMIT_HELP = `  --plan PLAN       request limits: standard (bucket 50, 2/s; default), enterprise (250, 5/s) or off
  --time-scale N    run the limits' clock N times faster (default 1)
  --leads N         seed N synthetic CRM leads for crm.lead.list paging (default 0)
  --https           serve HTTPS with a fresh self-signed certificate (made in-process)
`;

export interface LimitValues {
  plan?: string;
  "time-scale"?: string;
  leads?: string;
  https?: boolean;
}

/** The startPortal options these flags ask for, or a one-line error naming the option. */
export function readLimitOptions(values: LimitValues): Partial<PortalOptions> | string {
  const plan = values.plan ?? "standard";
  if (plan !== "standard" && plan !== "enterprise" && plan !== "off") return `--plan must be standard, enterprise or off, not "${plan}"`;
  const timeScale = values["time-scale"] === undefined ? 1 : Number(values["time-scale"]);
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) return `--time-scale must be a positive number, not "${values["time-scale"]}"`;
  const leads = values.leads === undefined ? 0 : Number(values.leads);
  if (values.leads !== undefined && (!/^\d+$/.test(values.leads.trim()) || leads > 10_000_000)) {
    return `--leads must be a whole number from 0 to 10000000, not "${values.leads}"`;
  }
  return { plan, timeScale, leads, https: values.https ? true : undefined };
}

/** One line for the sandbox banner. */
export function describeLimits(portal: RunningPortal): string {
  const l = portal.limits;
  if (!l.enabled) return "Limits:       off";
  const scale = l.timeScale === 1 ? "" : `, time x${l.timeScale}`;
  return `Limits:       bucket ${l.bucket.capacity}, drain ${l.bucket.drainPerSecond}/s, operating ${l.limitSeconds} s per method${scale}`;
}
