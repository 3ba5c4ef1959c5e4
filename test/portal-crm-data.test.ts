// The CRM and company structure kept in a portal file (`--data`): synthetic deals are computed
// again after a restart (whole deals, not `{ID}`), a changed one stays changed; a file written
// before departments existed (schema 1) gets the demo structure its users' UF_DEPARTMENT names,
// once; `oint sandbox --deals N` seeds N deals like `--leads N`.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runSandbox } from "../src/portal/cli.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { useScratchDir } from "./helpers.js";
import { assertLikeSample } from "./opi-sample-shape.js";

const tmp = useScratchDir();
const open: RunningPortal[] = [];
after(async () => {
  for (const portal of open) await portal.close();
});

async function start(options: Parameters<typeof startPortal>[0]): Promise<RunningPortal> {
  const portal = await startPortal(options);
  open.push(portal);
  return portal;
}

async function stop(portal: RunningPortal): Promise<void> {
  await portal.close();
  open.splice(open.indexOf(portal), 1);
}

async function call(portal: RunningPortal, method: string, body: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${portal.webhookUrl}${method}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return response.json();
}

describe("synthetic deals after a restart with --data", () => {
  it("are whole deals again (GetDeal's shape), the changed one keeps its change, the deleted one stays gone", async () => {
    const file = join(tmp.path, "deals.db");
    const first = await start({ data: file, deals: 30 });
    const before = (await call(first, "crm.deal.get", { id: 7 })).result;
    assert.equal((await call(first, "crm.deal.update", { id: 8, fields: { TITLE: "Changed" } })).result, true);
    assert.equal((await call(first, "crm.deal.delete", { id: 9 })).result, true);
    await stop(first);

    const second = await start({ data: file }); // no `deals`: the file keeps its own
    const again = await call(second, "crm.deal.get", { id: 7 });
    assertLikeSample(again, "GetDeal");
    assert.deepEqual(again.result, before);
    assert.equal((await call(second, "crm.deal.get", { id: 8 })).result.TITLE, "Changed");
    assert.equal((await call(second, "crm.deal.get", { id: 9 })).error_description, "Not found");
    const list = await call(second, "crm.deal.list", { filter: { "<=ID": 10 }, order: { ID: "ASC" }, select: ["ID", "TITLE", "STAGE_ID"] });
    assert.equal(list.total, 9);
    assert.deepEqual(list.result.slice(0, 2).map((d: any) => d.TITLE), ["Deal #1", "Deal #2"]);
    assert.ok(list.result.every((d: any) => typeof d.STAGE_ID === "string"));
    await stop(second);
  });
});

describe("a file written before departments (schema 1)", () => {
  it("gets the demo structure its users' UF_DEPARTMENT names, and keeps it (not seeded twice) after a restart", async () => {
    const file = join(tmp.path, "legacy.db");
    copyFileSync(join(import.meta.dirname, "fixtures", "portal-schema1.db"), file);
    const first = await start({ data: file });
    const structure = (await call(first, "department.get", { sort: "ID", order: "ASC" })).result.map((d: any) => [d.ID, d.NAME, d.PARENT ?? null]);
    assert.deepEqual(structure, [["1", "Example Company", null], ["2", "Sales", "1"], ["3", "Development", "1"], ["4", "Accounting", "1"]]);
    const users = (await call(first, "user.get")).result as { ID: string; UF_DEPARTMENT: number[] }[];
    assert.ok(users.length >= 5);
    for (const user of users) for (const id of user.UF_DEPARTMENT) assert.ok(structure.some(([dep]) => dep === String(id)), `user ${user.ID}: department ${id}`);
    const inSales = (await call(first, "user.get", { FILTER: { UF_DEPARTMENT_NAME: "Sales" } })).result.map((u: any) => u.ID);
    assert.deepEqual(inSales, users.filter((u) => u.UF_DEPARTMENT.includes(2)).map((u) => u.ID));
    assert.ok(inSales.length > 0);
    // A post to a department reaches its people.
    assert.equal(typeof (await call(first, "log.blogpost.add", { POST_MESSAGE: "To sales", DEST: ["DR2"] })).result, "number");
    assert.equal((await call(first, "department.update", { ID: 4, NAME: "Finance" })).result, true);
    await stop(first);

    const second = await start({ data: file });
    const again = (await call(second, "department.get", { sort: "ID", order: "ASC" })).result.map((d: any) => [d.ID, d.NAME]);
    assert.deepEqual(again, [["1", "Example Company"], ["2", "Sales"], ["3", "Development"], ["4", "Finance"]]);
    await stop(second);
  });
});

describe("oint sandbox --deals N", () => {
  it("seeds N synthetic deals", async () => {
    let out = "";
    const stopper = new AbortController();
    const stdout = {
      write(chunk: string) {
        out += chunk;
        if (out.includes("Press Ctrl+C") && total === undefined && !asked) {
          asked = true;
          const webhook = /Webhook URL:\s+(\S+)/.exec(out)![1];
          void fetch(`${webhook}crm.deal.list`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"select":["ID"]}' })
            .then((r) => r.json())
            .then((answer) => (total = answer.total))
            .finally(() => stopper.abort());
        }
        return true;
      },
    };
    let total: number | undefined;
    let asked = false;
    let err = "";
    const code = await runSandbox(["--port", "0", "--plan", "off", "--deals", "75"], { stdout, stderr: { write: (t: string) => (err += t) }, signal: stopper.signal });
    assert.equal(code, 0, err);
    assert.equal(total, 75);
  });

  it("refuses a count that is not a whole number (exit 4, one line)", async () => {
    let err = "";
    const code = await runSandbox(["--port", "0", "--deals", "many"], { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } });
    assert.equal(code, 4);
    assert.equal(err, 'oint sandbox: --deals must be a whole number from 0 to 10000000, not "many"\n');
  });
});
