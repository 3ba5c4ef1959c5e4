// `oint sandbox` options for limits, big lists, HTTPS and the printed credentials' scopes. Unlike startPortal(), the sandbox runs
// the standard plan by default, like a real portal, so clients meet the real limits there.
import type { PortalOptions, RunningPortal } from "../index.js";
import { parseScopes } from "../http/registry.js";

export const LIMIT_OPTIONS = {
  plan: { type: "string" },
  "time-scale": { type: "string" },
  leads: { type: "string" },
  deals: { type: "string" },
  https: { type: "boolean" },
  scope: { type: "string" },
} as const;

export const LIMIT_HELP = `  --plan PLAN       request limits: standard (bucket 50, 2/s; default), enterprise (250, 5/s) or off
  --time-scale N    run the limits' clock N times faster (default 1)
  --leads N         seed N synthetic CRM leads for crm.lead.list paging (default 0)
  --deals N         seed N synthetic CRM deals for crm.deal.list paging (default 0)
  --https           serve HTTPS with a fresh self-signed certificate (made in-process)
  --scope LIST      scopes of the printed webhook, access token and OAuth app, comma-separated
                    (Bitrix24's names: im,user,crm,task,disk,…; default: all); other methods
                    answer 403 insufficient_scope
`;

export interface LimitValues {
  plan?: string;
  "time-scale"?: string;
  leads?: string;
  deals?: string;
  https?: boolean;
  scope?: string;
}

/** The startPortal options these flags ask for, or a one-line error naming the option. */
export function readLimitOptions(values: LimitValues): Partial<PortalOptions> | string {
  const plan = values.plan ?? "standard";
  if (plan !== "standard" && plan !== "enterprise" && plan !== "off") return `--plan must be standard, enterprise or off, not "${plan}"`;
  const timeScale = values["time-scale"] === undefined ? 1 : Number(values["time-scale"]);
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) return `--time-scale must be a positive number, not "${values["time-scale"]}"`;
  const counts: { leads?: number; deals?: number } = {};
  for (const name of ["leads", "deals"] as const) {
    const given = values[name];
    const count = given === undefined ? 0 : Number(given);
    if (given !== undefined && (!/^\d+$/.test(given.trim()) || count > 10_000_000)) return `--${name} must be a whole number from 0 to 10000000, not "${given}"`;
    counts[name] = count;
  }
  let scope: string | undefined;
  if (values.scope !== undefined) {
    const scopes = parseScopes(values.scope);
    if (typeof scopes === "string") return `--scope: ${scopes}`;
    if (scopes.length === 0) return "--scope needs at least one scope, e.g. --scope im,user";
    scope = scopes.join(",");
  }
  return { plan, timeScale, ...counts, https: values.https ? true : undefined, scope };
}

/** One line for the sandbox banner. */
export function describeLimits(portal: RunningPortal): string {
  const l = portal.limits;
  if (!l.enabled) return "Limits:       off";
  const scale = l.timeScale === 1 ? "" : `, time x${l.timeScale}`;
  return `Limits:       bucket ${l.bucket.capacity}, drain ${l.bucket.drainPerSecond}/s, operating ${l.limitSeconds} s per method${scale}`;
}

/** The banner's line about the scopes --scope gave the printed credentials, or null when they have every scope. */
export function describeScopes(portal: RunningPortal): string | null {
  const scopes = portal.credentials.webhookScopes(portal.secret);
  return scopes === undefined ? null : `Scopes:       ${scopes.join(",") || "(none)"}  (webhook, token and app; other methods answer 403 insufficient_scope)`;
}
