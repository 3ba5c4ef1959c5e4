// department.* on the engine: the company structure as a tree (one top-level department, parent,
// head, sort) that users' UF_DEPARTMENT and user.get's filters refer to; a reorganised tree with
// users following it; deleting a department with members refused, one without goes with its
// sub-departments; only administrators change the structure; answers shaped like the samples
// (CreateDepartment, GetDepartments, UpdateDepartment, DeleteDepartment), both auth modes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { usePortal } from "./helpers.js";
import { assertLikeSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const webhook = () => new Bitrix24Client({ url: ctx.portal.webhookUrl });
const oauth = () => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken });
const call = async <T = any>(method: string, params: Record<string, unknown> = {}, client = webhook()) => (await client.call<T>(method, params)) as { result: T; total?: number; next?: number };
const coreError = (description: string) => (e: unknown) => e instanceof Bitrix24Error && e.code === "ERROR_CORE" && e.description === description && e.status === 400;
const userIds = async (params: Record<string, unknown>) => (await call<any[]>("user.get", params)).result.map((u) => Number(u.ID));

describe("department.add, get, update, delete", () => {
  it("the seeded structure is what the seeded users' UF_DEPARTMENT names", async () => {
    const all = await call<any[]>("department.get");
    assertLikeSample(all, "GetDepartments", { optional: ["result[].PARENT", "result[].UF_HEAD"] });
    assert.deepEqual(all.result.map((d) => [d.ID, d.NAME, d.PARENT]), [["1", "Example Company", undefined], ["2", "Sales", "1"], ["3", "Development", "1"], ["4", "Accounting", "1"]]);
    const maria = (await call<any[]>("user.get", { ID: 2 })).result[0];
    assert.deepEqual(maria.UF_DEPARTMENT, [1, 2]);
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT_NAME: "Development" } }), [3, 5]);
  });

  it("takes OpenIntegrations' payloads (NAME, PARENT, UF_HEAD at the top) in both auth modes; get filters by each of them", async () => {
    for (const client of [webhook(), oauth()]) {
      const added = await call<number>("department.add", { NAME: "Subordinate department", PARENT: "2", UF_HEAD: "1" }, client);
      assertLikeSample(added, "CreateDepartment");
      const got = await call<any[]>("department.get", { ID: added.result }, client);
      assertLikeSample(got, "GetDepartments");
      assert.deepEqual(got.result, [{ ID: String(added.result), NAME: "Subordinate department", SORT: 500, PARENT: "2", UF_HEAD: "1" }]);
      const updated = await call("department.update", { ID: added.result, NAME: "Renamed", UF_HEAD: 3 }, client);
      assertLikeSample(updated, "UpdateDepartment");
      assert.deepEqual((await call<any[]>("department.get", { UF_HEAD: 3, PARENT: 2 }, client)).result.map((d) => d.NAME), ["Renamed"]);
      assertLikeSample(await call("department.delete", { ID: added.result }, client), "DeleteDepartment");
      assert.deepEqual((await call<any[]>("department.get", { ID: added.result }, client)).result, []);
    }
    const byName = await call<any[]>("department.get", { NAME: "Accounting" });
    assert.deepEqual(byName.result.map((d) => d.ID), ["4"]);
    const sorted = await call<any[]>("department.get", { sort: "NAME", order: "DESC", PARENT: 1 });
    assert.deepEqual(sorted.result.map((d) => d.NAME), ["Sales", "Development", "Accounting"]);
    assert.deepEqual(await call("department.fields").then((a) => a.result), { ID: "ID", NAME: "Department Name", SORT: "Sort Order", PARENT: "Parent Department", UF_HEAD: "Manager" });
  });

  it("answers as the docs give: no name, a second top-level department, a missing department, a cycle", async () => {
    await assert.rejects(call("department.add", { PARENT: 1 }), coreError("Department name not provided.<br>"));
    await assert.rejects(call("department.add", { NAME: "Another top" }), coreError("There can only be one top-level department in the company structure"));
    await assert.rejects(call("department.add", { NAME: "Orphan", PARENT: 999 }), coreError("There can only be one top-level department in the company structure"));
    await assert.rejects(call("department.update", { ID: 999, NAME: "x" }), coreError("Department not found"));
    await assert.rejects(call("department.delete", { ID: 999 }), coreError("Department not found"));
    const child = (await call<number>("department.add", { NAME: "Child of sales", PARENT: 2 })).result;
    await assert.rejects(call("department.update", { ID: 2, PARENT: child }), (e: unknown) => e instanceof Bitrix24Error && e.code === "ERROR_CORE");
    assert.equal((await call<any[]>("department.get", { ID: 2 })).result[0].PARENT, "1");
    await call("department.delete", { ID: child });
  });

  it("only an administrator changes the structure; everyone reads it", async () => {
    const daniel = new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.credentials.issueToken(3) });
    await assert.rejects(call("department.add", { NAME: "Mine", PARENT: 1 }, daniel), coreError("Access denied"));
    await assert.rejects(call("department.update", { ID: 3, NAME: "Mine" }, daniel), coreError("Access denied"));
    await assert.rejects(call("department.delete", { ID: 4 }, daniel), coreError("Access denied"));
    assert.equal((await call<any[]>("department.get", { ID: 3 }, daniel)).result[0].NAME, "Development");
  });
});

describe("a department tree reorganised with users following it", () => {
  it("moves, renames and deletes departments; user.get's filters follow; members block deletion", async () => {
    // A branch under Development: Backend (head Daniel) with QA below it.
    const backend = (await call<number>("department.add", { NAME: "Backend", PARENT: 3, UF_HEAD: 3 })).result;
    const qa = (await call<number>("department.add", { NAME: "QA", PARENT: backend })).result;
    await call("user.update", { ID: 5, UF_DEPARTMENT: [qa] });
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT: qa } }), [5]);
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT_NAME: "QA" } }), [5]);

    // Reorganise: Backend moves under Sales and is renamed; Thomas's department follows.
    await call("department.update", { ID: backend, PARENT: 2, NAME: "Sales engineering" });
    assert.deepEqual((await call<any[]>("department.get", { PARENT: 2 })).result.map((d) => d.NAME), ["Sales engineering"]);
    assert.deepEqual((await call<any[]>("department.get", { ID: qa })).result[0].PARENT, String(backend));
    await call("department.update", { ID: qa, NAME: "Quality" });
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT_NAME: "Quality" } }), [5]);
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT_NAME: "QA" } }), []);
    assert.deepEqual(await userIds({ UF_DEPARTMENT: qa }), [5]);

    // A department with a member, or with a member below it, stays.
    const blocked = "The department cannot be deleted: it or one of its sub-departments has employees";
    await assert.rejects(call("department.delete", { ID: qa }), coreError(blocked));
    await assert.rejects(call("department.delete", { ID: backend }), coreError(blocked));
    // Once Thomas moves out, Backend goes with its sub-department.
    await call("user.update", { ID: 5, UF_DEPARTMENT: [3] });
    assert.equal((await call("department.delete", { ID: backend })).result, true);
    assert.deepEqual((await call<any[]>("department.get", { ID: qa })).result, []);
    assert.deepEqual(await userIds({ FILTER: { UF_DEPARTMENT: 3 } }), [3, 5]);
  });
});
