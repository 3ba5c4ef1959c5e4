// What the benches share for timing: the median of a sample, and one timed keep-alive POST to a
// portal (the answer must be a Bitrix24 result, or the run stops).
import { request, type Agent } from "node:http";
import type { RunningPortal } from "../src/portal/index.js";

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds from sending `body` to the end of the answer, over `agent`'s kept-alive connection. */
export function timedPost(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => {
        if (!text.includes('"result"')) reject(new Error(`${url}: ${text.slice(0, 200)}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Bitrix24's standard bucket, as the benches set the portal and the clients: 50 requests, draining 2/s. */
export const CAPACITY = 50;
export const DRAIN = 2;

/** The bucket's minimum for `count` calls sent 50 to a batch: batches beyond the burst go at the drain rate. */
export function minimumMs(count: number, scale: number): number {
  const requests = Math.ceil(count / 50);
  return (Math.max(0, requests - CAPACITY) / (DRAIN * scale)) * 1000;
}

/** Counts the 503 QUERY_LIMIT_EXCEEDED answers the portal's bucket gives. */
export function countRefusals(portal: RunningPortal): () => number {
  let refused = 0;
  const admit = portal.limits.admit.bind(portal.limits);
  portal.limits.admit = (client: string) => {
    try {
      admit(client);
    } catch (error) {
      refused++;
      throw error;
    }
  };
  return () => refused;
}

/** A timed contender run: wall time (absent when it failed), the bucket's minimum, its time scale. */
export interface TimedRun {
  name: string;
  scale: number;
  ms?: number;
  minimumMs: number;
}

/**
 * The median of `count` runs by wall time (a failed run counts as slowest). Time-scaled runs are
 * short, so machine noise weighs more: each contender runs several times.
 */
export async function medianRun<R extends TimedRun>(count: number, run: () => Promise<R>): Promise<R> {
  const tries: R[] = [];
  for (let i = 0; i < count; i++) tries.push(await run());
  tries.sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity));
  return tries[Math.floor(tries.length / 2)]!;
}

/** A run's wall time over the bucket's minimum, and that over `baseline`'s at the same time scale. */
export function wallRatios(r: TimedRun, runs: readonly TimedRun[], baseline: string): { ratio?: number; vsBaseline?: number } {
  const perMinimum = (x: TimedRun) => (x.ms !== undefined ? x.ms / Math.max(1, x.minimumMs) : undefined);
  const ratio = perMinimum(r);
  const base = perMinimum(runs.find((o) => o.name === baseline && o.scale === r.scale)!);
  return { ratio, vsBaseline: ratio !== undefined && base !== undefined ? ratio / base : undefined };
}
