// The portal's `batch` over real HTTP: the five result maps, errors per command, halt, $result
// references, the 50-command cap, no nesting, one bucket unit per batch, and per-command budgets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ leads: 120 });
});
after(async () => {
  await portal?.close();
});

async function batch(params: unknown, url = `${portal.webhookUrl}batch`): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
  return { status: res.status, body: await res.json() };
}

const TIME_KEYS = ["start", "finish", "duration", "processing", "date_start", "date_finish", "operating_reset_at", "operating"];

describe("batch answer", () => {
  it("files each command's result, total, next, time and error under its key; HTTP 200", async () => {
    const res = await batch({
      cmd: { now: "server.time", leads: "crm.lead.list?start=0&select[]=TITLE", missing: "crm.lead.get?id=999999" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ["result", "time"]);
    const r = res.body.result;
    assert.deepEqual(Object.keys(r), ["result", "result_error", "result_total", "result_next", "result_time"]);
    assert.deepEqual(Object.keys(r.result), ["now", "leads"]);
    assert.equal(typeof r.result.now, "string");
    assert.equal(r.result.leads.length, 50);
    assert.deepEqual(r.result.leads[0], { ID: "1", TITLE: "Lead #1" });
    assert.deepEqual(r.result_total, { leads: 120 });
    assert.deepEqual(r.result_next, { leads: 50 });
    assert.deepEqual(r.result_error, { missing: { error: "", error_description: "Not found" } });
    assert.deepEqual(Object.keys(r.result_time), ["now", "leads"]);
    assert.deepEqual(Object.keys(r.result_time.now), TIME_KEYS);
  });

  it("prints empty maps as [] like PHP", async () => {
    const res = await batch({ cmd: ["server.time"] });
    const r = res.body.result;
    assert.ok(Array.isArray(r.result) && r.result.length === 1, "keys 0..n-1 come back as a JSON list, as PHP's json_encode writes them");
    assert.deepEqual(r.result_error, []);
    assert.deepEqual(r.result_total, []);
    assert.deepEqual(r.result_next, []);
  });

  it("halt=0 runs every command; halt=1 stops at the first failure", async () => {
    const cmd = ["crm.lead.get?id=1", "crm.lead.get?id=0", "crm.lead.get?id=2"];
    const all = (await batch({ cmd, halt: 0 })).body.result;
    assert.ok(!Array.isArray(all.result), "with a gap (key 1 failed) the keys stay keys");
    assert.deepEqual(Object.keys(all.result), ["0", "2"]);
    assert.deepEqual(all.result_error, { 1: { error: "", error_description: "ID is not defined or invalid." } });

    const halted = (await batch({ cmd, halt: 1 })).body.result;
    assert.deepEqual(Object.keys(halted.result), ["0"]);
    assert.deepEqual(Object.keys(halted.result_error), ["1"]);
    assert.deepEqual(Object.keys(halted.result_time), ["0"]);
  });

  it("reports an unknown method as that command's error", async () => {
    const r = (await batch({ cmd: { x: "no.such.method" } })).body.result;
    assert.deepEqual(r.result_error, { x: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" } });
  });
});

describe("batch references", () => {
  it("substitutes $result[key][field] from earlier commands, into lists too", async () => {
    const r = (
      await batch({
        halt: 1,
        cmd: {
          added: "crm.lead.add?fields[TITLE]=Referenced&fields[NAME]=Ref",
          fetched: "crm.lead.get?id=$result[added]",
          page: "crm.lead.list?filter[>ID]=100&order[ID]=ASC&start=-1",
          first: "crm.lead.get?id=$result[page][0][ID]",
          copy: "crm.lead.add?fields[TITLE]=Copy of $result[fetched][TITLE]",
        },
      })
    ).body.result;
    assert.deepEqual(r.result_error, []);
    assert.equal(typeof r.result.added, "number");
    assert.equal(r.result.fetched.ID, String(r.result.added));
    assert.equal(r.result.fetched.TITLE, "Referenced");
    assert.equal(r.result.first.ID, "101");
    const copy = await fetch(`${portal.webhookUrl}crm.lead.get?id=${r.result.copy}`).then((res) => res.json());
    assert.equal(copy.result.TITLE, "Copy of Referenced");
  });

  it("leaves a reference to a failed or missing command as literal text", async () => {
    const r = (
      await batch({
        cmd: {
          bad: "crm.lead.get?id=0",
          lead: "crm.lead.add?fields[TITLE]=$result[bad][TITLE]",
          lead2: "crm.lead.add?fields[TITLE]=x $result[nothing][0] y",
        },
      })
    ).body.result;
    const titles = await Promise.all(
      [r.result.lead, r.result.lead2].map((id) => fetch(`${portal.webhookUrl}crm.lead.get?id=${id}`).then((res) => res.json())),
    );
    assert.equal(titles[0].result.TITLE, "$result[bad][TITLE]");
    assert.equal(titles[1].result.TITLE, "x $result[nothing][0] y");
  });

  it("reads a batch sent in the URL, with double-encoded commands", async () => {
    const res = await fetch(`${portal.webhookUrl}batch?halt=0&cmd[0]=crm.lead.add%3Ffields%5BTITLE%5D%3DJohn%2526Martin&cmd[1]=crm.lead.get%3Fid%3D%2524result%255B0%255D`);
    const body = await res.json();
    assert.equal(body.result.result["1"].TITLE, "John&Martin");
  });
});

describe("batch limits", () => {
  it("runs 50 commands; commands 51+ each get ERROR_BATCH_LENGTH_EXCEEDED", async () => {
    const cmd = Array.from({ length: 52 }, () => "server.time");
    const r = (await batch({ cmd })).body.result;
    assert.equal(Object.keys(r.result).length, 50);
    const error = { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: "Max batch length exceeded" };
    assert.deepEqual(r.result_error, { 50: error, 51: error });
  });

  it("refuses a nested batch with ERROR_BATCH_METHOD_NOT_ALLOWED and runs the rest", async () => {
    const r = (await batch({ cmd: { inner: "batch?cmd[0]=server.time", ok: "server.time" } })).body.result;
    assert.deepEqual(r.result_error, { inner: { error: "ERROR_BATCH_METHOD_NOT_ALLOWED", error_description: "Method is not allowed for batch usage" } });
    assert.deepEqual(Object.keys(r.result), ["ok"]);
  });

  it("uses the outer request's OAuth token for every command", async () => {
    const res = await batch({ auth: portal.accessToken, cmd: ["server.time", "crm.lead.get?id=1"] }, `${portal.url}/rest/batch`);
    assert.equal(res.status, 200);
    assert.equal(res.body.result.result["1"].ID, "1");
  });

  it("counts as one request against the bucket, however many commands it holds", async () => {
    const limited = await startPortal({ bucket: { capacity: 2, drainPerSecond: 0.001 } });
    try {
      const cmd = Array.from({ length: 50 }, () => "server.time");
      const url = `${limited.webhookUrl}batch`;
      assert.equal((await batch({ cmd }, url)).status, 200);
      assert.equal((await batch({ cmd }, url)).status, 200);
      const third = await batch({ cmd }, url);
      assert.equal(third.status, 503);
      assert.equal(third.body.error, "QUERY_LIMIT_EXCEEDED");
    } finally {
      await limited.close();
    }
  });

  it("checks and charges each command against its own method's operating budget", async () => {
    const limited = await startPortal({
      methods: { "test.heavy": () => true },
      bucket: { capacity: 1000 },
      operating: { costSeconds: { "test.heavy": 20 } },
    });
    try {
      const cmd = [...Array.from({ length: 27 }, () => "test.heavy"), "server.time"];
      const res = await batch({ cmd }, `${limited.webhookUrl}batch`);
      const r = res.body.result;
      assert.equal(Object.keys(r.result).length, 26, "25 heavy calls (to 500 s) and server.time");
      assert.deepEqual(Object.keys(r.result_error), ["25", "26"]);
      assert.equal(r.result_error["25"].error, "OPERATION_TIME_LIMIT");
      assert.equal(r.result_time["24"].operating, 500);
      assert.ok(r.result_time["27"].operating < 1);
      assert.equal(res.body.time.operating, 0, "the outer batch call is not counted");
      // The budget is shared with direct calls.
      assert.equal((await fetch(`${limited.webhookUrl}test.heavy`)).status, 429);
    } finally {
      await limited.close();
    }
  });
});
