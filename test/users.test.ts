// Users management (GetCurrentUser, GetUser, CreateUser, UpdateUser, ChangeUserStatus, FindUsers,
// GetUserFieldsStructure, GetUserFilterStructure): what goes on the wire, what the local portal
// answers (compared with OpenIntegrations' real samples), through the library and the CLI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bitrix24, Bitrix24Client, Bitrix24Error, InputError } from "../src/index.js";
import { runCli, usePortal } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const hook = () => ctx.portal.webhookUrl;
const lastRequest = () => ctx.portal.requests.at(-1)!;
const lastBody = () => JSON.parse(lastRequest().body);

// The fields of the docs' CreateUser example (fixtures/opi-samples: CreateUser, then GetUser).
let emailCounter = 0;
const newUserFields = () => ({ EMAIL: `new.user${++emailCounter}@example.org`, NAME: "Vitaly", LAST_NAME: "Alpaca", PERSONAL_MOBILE: "88003553535", UF_DEPARTMENT: "7" });

describe("GetCurrentUser", () => {
  it("POSTs user.current with an empty body and answers in the sample's field set", async () => {
    const answer = await bitrix24.getCurrentUser(hook());
    assert.equal(lastRequest().httpMethod, "POST");
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.current`);
    assert.deepEqual(lastBody(), {});

    const user = answer.result;
    assert.equal(user.ID, "1");
    assert.equal(user.ACTIVE, true);
    // The sample's fields and types; PERSONAL_PHOTO only with a photo (the seeded users have none),
    // and anything beyond the sample is a field user.fields lists (opi-sample-shape.ts, SAMPLE_FIXES).
    assertLikeSample(answer, "GetCurrentUser");
  });

  it("answers for the token's user in token mode (auth in the body, /rest/user.current)", async () => {
    const answer = await bitrix24.getCurrentUser(ctx.portal.url, ctx.portal.accessToken);
    assert.equal(lastRequest().path, "/rest/user.current");
    assert.deepEqual(lastBody(), { auth: ctx.portal.accessToken });
    assert.equal(answer.result.ID, "1");
  });
});

describe("CreateUser and GetUser", () => {
  it("CreateUser spreads --fields into the body and returns the new ID; GetUser returns it like the sample", async () => {
    const fields = newUserFields();
    const created = await bitrix24.createUser(hook(), fields);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.add`);
    assert.deepEqual(lastBody(), fields);
    assert.equal(typeof created.result, "number");
    assertLikeSample(created, "CreateUser");

    const got = await bitrix24.getUser(hook(), created.result);
    assert.deepEqual(lastBody(), { ID: String(created.result) });
    assert.ok(Array.isArray(got.result));
    assert.equal(got.total, 1);
    // A user created with the sample's fields prints exactly the sample's keys, in its order, and types.
    assertLikeSample(got, "GetUser");
    assert.equal(got.result[0].ID, String(created.result));
    assert.equal(got.result[0].EMAIL, fields.EMAIL);
    assert.deepEqual(got.result[0].UF_DEPARTMENT, [7]);
  });

  it("the new user can be written to at once: im.* knows the same users", async () => {
    const created = await bitrix24.createUser(hook(), newUserFields());
    const sent = await bitrix24.sendMessage(hook(), created.result, "Welcome aboard");
    assert.equal(typeof sent.result, "number");
  });

  it("works with an access token too", async () => {
    const created = await bitrix24.createUser(ctx.portal.url, newUserFields(), ctx.portal.accessToken);
    assert.equal(lastRequest().path, "/rest/user.add");
    const got = await bitrix24.getUser(ctx.portal.url, created.result, ctx.portal.accessToken);
    assert.equal(lastRequest().path, "/rest/user.get");
    assert.equal(got.result[0].NAME, "Vitaly");
  });

  it("user.add without a valid EMAIL is refused like Bitrix24 (ERROR_ARGUMENT wrong_email, 400)", async () => {
    const before = ctx.portal.state.listUsers().length;
    await assert.rejects(bitrix24.createUser(hook(), { NAME: "No mail" }), (e: unknown) => {
      assert.ok(e instanceof Bitrix24Error);
      assert.deepEqual([e.code, e.description, e.status, e.method], ["ERROR_ARGUMENT", "wrong_email", 400, "user.add"]);
      return true;
    });
    await assert.rejects(bitrix24.createUser(hook(), { EMAIL: "not-an-address" }), /wrong_email/);
    assert.equal(ctx.portal.state.listUsers().length, before);
  });

  it("a second user with the same e-mail is refused", async () => {
    const fields = newUserFields();
    await bitrix24.createUser(hook(), fields);
    await assert.rejects(bitrix24.createUser(hook(), fields), (e: unknown) => e instanceof Bitrix24Error && e.code === "ERROR_ARGUMENT");
  });

  it("GetUser of an unknown ID is an empty list", async () => {
    const got = await bitrix24.getUser(hook(), 999999);
    assert.deepEqual(got.result, []);
  });

  it("missing required values are refused before anything is sent", async () => {
    const count = ctx.portal.requests.length;
    await assert.rejects(bitrix24.createUser(hook(), ""), InputError);
    await assert.rejects((bitrix24.getUser as (...a: unknown[]) => Promise<unknown>)(hook()), InputError);
    await assert.rejects(bitrix24.createUser(hook(), "{not json"), InputError);
    assert.equal(ctx.portal.requests.length, count);
  });
});

describe("UpdateUser and ChangeUserStatus", () => {
  it("UpdateUser sends ID and the fields; --userid wins over an ID inside --fields", async () => {
    const { result: id } = await bitrix24.createUser(hook(), newUserFields());
    const answer = await bitrix24.updateUser(hook(), id, { ID: "1", NAME: "Oleg", LAST_NAME: "Lama", UF_DEPARTMENT: [3] });
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.update`);
    assert.deepEqual(lastBody(), { ID: String(id), NAME: "Oleg", LAST_NAME: "Lama", UF_DEPARTMENT: [3] });
    assert.equal(answer.result, true);
    assertLikeSample(answer, "UpdateUser");

    const [user] = (await bitrix24.getUser(hook(), id)).result;
    assert.deepEqual([user.NAME, user.LAST_NAME, user.UF_DEPARTMENT], ["Oleg", "Lama", [3]]);
    assert.equal((await bitrix24.getUser(hook(), 1)).result[0].NAME, "Alex", "user 1 untouched");
  });

  it("UpdateUser of an unknown user is an error", async () => {
    await assert.rejects(bitrix24.updateUser(hook(), 999999, { NAME: "x" }), (e: unknown) => e instanceof Bitrix24Error && e.code === "ERROR_CORE" && e.status === 400);
  });

  it("ChangeUserStatus fires by default (ACTIVE=N) and re-activates with false (ACTIVE=Y)", async () => {
    const { result: id } = await bitrix24.createUser(hook(), newUserFields());
    const fired = await bitrix24.changeUserStatus(hook(), id);
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.update`);
    assert.deepEqual(lastBody(), { ID: String(id), ACTIVE: "N" });
    assert.equal(fired.result, true);
    assertLikeSample(fired, "ChangeUserStatus");
    assert.equal((await bitrix24.getUser(hook(), id)).result[0].ACTIVE, false);

    await bitrix24.changeUserStatus(hook(), id, false);
    assert.deepEqual(lastBody(), { ID: String(id), ACTIVE: "Y" });
    assert.equal((await bitrix24.getUser(hook(), id)).result[0].ACTIVE, true);
  });
});

describe("FindUsers, user.get filters and pages", () => {
  it("FindUsers sends FILTER and finds by (part of) a name", async () => {
    const found = await bitrix24.findUsers(hook(), { LAST_NAME: "Ivanov" });
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.search`);
    assert.deepEqual(lastBody(), { FILTER: { LAST_NAME: "Ivanov" } });
    assert.deepEqual(found.result.map((u) => u.ID), ["2"]);
  });

  it("FindUsers by department name and user type; nothing found answers like the sample", async () => {
    const developers = await bitrix24.findUsers(hook(), "{'UF_DEPARTMENT_NAME':'Development','USER_TYPE':'employee'}");
    assert.ok(developers.result.length >= 2);
    for (const u of developers.result) assert.ok(u.UF_DEPARTMENT?.includes(3));

    const none = await bitrix24.findUsers(hook(), { UF_DEPARTMENT_NAME: "Bitrix" });
    assert.deepEqual(none.result, []);
    assertLikeSample(none, "FindUsers");
  });

  it("user.get filters by top-level fields and FILTER with operators, 50 per page with next and total", async () => {
    const client = new Bitrix24Client({ url: hook() });
    const dept3 = await client.call<{ ID: string }[]>("user.get", { UF_DEPARTMENT: 3 });
    const inDept3 = ctx.portal.state.listUsers().filter((u) => u.departments.includes(3));
    assert.ok(inDept3.length >= 2); // Daniel and Thomas from the seed
    assert.deepEqual(dept3.result.map((u) => u.ID), inDept3.map((u) => String(u.id)));
    const above = await client.call<{ ID: string }[]>("user.get", { FILTER: { ">ID": 3, "<=ID": 5 } });
    assert.deepEqual(above.result.map((u) => u.ID), ["4", "5"]);

    while (ctx.portal.state.listUsers().length <= 60) await bitrix24.createUser(hook(), newUserFields());
    const total = ctx.portal.state.listUsers().length;
    const first = await client.call<{ ID: string }[]>("user.get", {});
    assert.equal(first.result.length, 50);
    assert.equal(first.next, 50);
    assert.equal(first.total, total);
    const second = await client.call<{ ID: string }[]>("user.get", { start: first.next });
    assert.equal(second.result.length, total - 50);
    assert.equal(second.next, undefined);
    assert.equal(second.result[0].ID, String(ctx.portal.state.listUsers()[50].id));
  });
});

describe("GetUserFieldsStructure and GetUserFilterStructure", () => {
  it("user.fields lists the sample's fields, each with a title", async () => {
    const answer = await bitrix24.getUserFieldsStructure(hook());
    assert.equal(lastRequest().path, `/rest/1/${ctx.portal.secret}/user.fields`);
    assertLikeSample(answer, "GetUserFieldsStructure"); // the sample's fields, in its order
    for (const title of Object.values(answer.result)) assert.equal(typeof title, "string");
  });

  it("GetUserFilterStructure is the sample's template, or empty values with empty=true", () => {
    assert.deepEqual(bitrix24.getUserFilterStructure(), opiSample("GetUserFilterStructure"));
    assert.deepEqual(Object.values(bitrix24.getUserFilterStructure(true)), ["", "", "", "", ""]);
  });
});

describe("the CLI", () => {
  it("GetUser with short options prints the answer", async () => {
    const run = await runCli(["bitrix24", "GetUser", "-u", hook(), "-s", "2"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lastBody(), { ID: "2" });
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.result[0].LAST_NAME, "Ivanova");
    assert.equal(answer.total, 1);
  });

  it("CreateUser with OpenIntegrations' single-quoted --fields, then ChangeUserStatus -f false in token mode", async () => {
    const created = await runCli(["bitrix24", "CreateUser", "--url", hook(), "--fields", "{'EMAIL':'cli.user@example.org','NAME':'Cli','UF_DEPARTMENT':[1]}"]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(lastBody(), { EMAIL: "cli.user@example.org", NAME: "Cli", UF_DEPARTMENT: [1] });
    const id = JSON.parse(created.stdout).result;
    assert.equal(typeof id, "number");

    const status = await runCli(["bitrix24", "ChangeUserStatus", "-u", ctx.portal.url, "-s", String(id), "-f", "false", "-t", ctx.portal.accessToken]);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(lastBody(), { ID: String(id), ACTIVE: "Y", auth: ctx.portal.accessToken });
  });

  it("Russian names, and the local GetUserFilterStructure --empty", async () => {
    const run = await runCli(["bitrix24", "ПолучитьСтруктуруФильтраПользователей", "--empty", "true"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { NAME: "", LAST_NAME: "", WORK_POSITION: "", UF_DEPARTMENT_NAME: "", USER_TYPE: "" });
    const current = await runCli(["bitrix24", "ПолучитьТекущегоПользователя", "--url", hook()]);
    assert.equal(JSON.parse(current.stdout).result.ID, "1");
  });

  it("a Bitrix24 error exits 3 with the envelope on stdout; --test sends nothing and masks the secret", async () => {
    const failed = await runCli(["bitrix24", "CreateUser", "--url", hook(), "--fields", "{'NAME':'No mail'}"]);
    assert.equal(failed.code, 3);
    assert.deepEqual(JSON.parse(failed.stdout), { error: "ERROR_ARGUMENT", error_description: "wrong_email" });

    const count = ctx.portal.requests.length;
    const shown = await runCli(["bitrix24", "UpdateUser", "--url", hook(), "--userid", "2", "--fields", "{'NAME':'Maria'}", "--test"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(ctx.portal.requests.length, count);
    assert.ok(!shown.stdout.includes(ctx.portal.secret));
    assert.deepEqual(JSON.parse(shown.stdout).body, { ID: "2", NAME: "Maria" });
  });

  it("a missing --userid exits 4 naming the option", async () => {
    const run = await runCli(["bitrix24", "UpdateUser", "--url", hook(), "--fields", "{'NAME':'x'}"]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /--userid/);
  });
});
