// LIKE filters (`%` any run, `_` one character) in the one query engine: the same answers as a
// regular expression would give, over random patterns and texts, but without its backtracking, so
// a hostile pattern against a long value answers at once instead of freezing the portal's only
// thread (a `=%` filter of "%a%a%a%a%b" against 3,000 a's).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client } from "../src/index.js";
import { likeMatches } from "../src/portal/engine/query.js";
import { usePortal } from "./helpers.js";

const ctx = usePortal();

const asRegExp = (pattern: string) =>
  new RegExp(`^${[...pattern].map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "s");

describe("LIKE without backtracking", () => {
  it("agrees with a regular expression on 20,000 random patterns and texts", () => {
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const word = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[random(alphabet.length)]).join("");
    for (let i = 0; i < 20_000; i++) {
      const pattern = word("ab%_.", random(7));
      const text = word("ab.", random(9));
      assert.equal(likeMatches(pattern, text), asRegExp(pattern).test(text), `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`);
    }
  });

  it("a hostile =% filter against a long title answers, over HTTP", { timeout: 20_000 }, async () => {
    const client = new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
    const long = "a".repeat(3000);
    await client.call("crm.deal.add", { fields: { TITLE: long } });
    const none = await client.call<unknown[]>("crm.deal.list", { filter: { "=%TITLE": "%a%a%a%a%b" } });
    assert.deepEqual(none.result, []);
    const one = await client.call<{ TITLE: string }[]>("crm.deal.list", { filter: { "=%TITLE": "%a%a%a%a%" }, select: ["ID", "TITLE"] });
    assert.equal(one.result.length, 1);
  });

  it("a date beyond what a date can hold is ignored like other unreadable input, not a 500", async () => {
    const client = new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
    const id = (await client.call<number>("crm.deal.add", { fields: { TITLE: "far future", BEGINDATE: 1e20 } })).result;
    assert.ok(Number(id) > 0);
  });

  it("filters nested thousands deep are cut at 20 levels, not a stack overflow", async () => {
    // Written by hand: JSON.stringify itself would run out of stack on such a value.
    const body = `{"filter":${'{"0":'.repeat(5000)}{"TITLE":"far future"}${"}".repeat(5000)}}`;
    const response = await fetch(`${ctx.portal.webhookUrl}crm.deal.list`, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(((await response.json()) as { result: unknown }).result));
  });
});
