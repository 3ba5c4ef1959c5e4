// Bitrix24's error envelope with a numeric code (the tasks API answers `{"error": 1048582, …}`, as
// DisapproveTask's real sample shows) is a Bitrix24 error like any other: a Bitrix24Error with the
// code as text, the envelope kept as the portal sent it, and exit 3 in the CLI with that envelope
// printed. Before, such an answer was taken for "not a Bitrix24 answer".
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { TaskError } from "../src/portal/methods/tasks.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({
    port: 0,
    methods: {
      "test.numeric": () => {
        throw new TaskError("1048582", "Действие над задачей не разрешено", 400);
      },
    },
  });
});
after(() => portal?.close());

it("a numeric error code is a Bitrix24Error whose envelope keeps the number", async () => {
  const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
  await assert.rejects(client.call("test.numeric", {}, { replay: "unsafe" }), (error: unknown) => {
    assert.ok(error instanceof Bitrix24Error, String(error));
    assert.equal(error.code, "1048582");
    assert.equal(error.status, 400);
    assert.deepEqual(error.envelope, { error: 1048582, error_description: "Действие над задачей не разрешено" });
    return true;
  });
  assert.equal(portal.requests.filter((r) => r.restMethod === "test.numeric").length, 1, "an answer, not a failure to retry");
});

it("an empty error code (CRM's \"Not found\") gives a message with the description alone, no dangling separator", async () => {
  const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off" });
  await assert.rejects(client.call("crm.lead.get", { id: 987654 }), (error: unknown) => {
    assert.ok(error instanceof Bitrix24Error, String(error));
    assert.deepEqual(error.envelope, { error: "", error_description: "Not found" });
    assert.equal(error.message, "crm.lead.get: Not found (HTTP 400)");
    return true;
  });
});
