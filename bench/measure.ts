// What the benches share for timing: the median of a sample, and one timed keep-alive POST to a
// portal (the answer must be a Bitrix24 result, or the run stops).
import { request, type Agent } from "node:http";

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
