// The portal over HTTPS: a self-signed certificate made at start (or a given pair), reachable by a
// client that trusts RunningPortal.certificate and refused by one that does not.
import assert from "node:assert/strict";
import { request } from "node:https";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { selfSignedCertificate, startPortal, type RunningPortal } from "../src/portal/index.js";
import { runCli, useScratchDir } from "./helpers.js";

let portal: RunningPortal;
before(async () => {
  portal = await startPortal({ https: true });
});
after(async () => {
  await portal?.close();
});
const scratch = useScratchDir();

/** GET over HTTPS trusting only `ca`. */
function getTrusting(url: string, ca: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("https: true", () => {
  it("serves https URLs and exposes its PEM certificate", () => {
    assert.match(portal.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(portal.webhookUrl.startsWith(`${portal.url}/rest/1/`));
    assert.match(portal.certificate ?? "", /^-----BEGIN CERTIFICATE-----/);
  });

  it("answers a client that trusts the certificate, by IP and by localhost", async () => {
    const res = await getTrusting(`${portal.webhookUrl}server.time`, portal.certificate!);
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.result, "string");
    const byName = await getTrusting(`${portal.webhookUrl.replace("127.0.0.1", "localhost")}server.time`, portal.certificate!);
    assert.equal(byName.status, 200);
  });

  it("is refused by a client that does not trust it", async () => {
    await assert.rejects(fetch(`${portal.webhookUrl}server.time`), TypeError);
    await assert.rejects(getTrusting(`${portal.webhookUrl}server.time`, ""), /self[- ]signed|unable to verify|certificate/i);
  });

  it("works for the oint CLI with NODE_EXTRA_CA_CERTS", async () => {
    const caFile = join(scratch.path, "portal.pem");
    writeFileSync(caFile, portal.certificate!);
    const run = await runCli(["bitrix24", "ServerTime", "--url", portal.webhookUrl], { env: { NODE_EXTRA_CA_CERTS: caFile } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result, "string");
  });
});

describe("https: {key, cert}", () => {
  it("serves the given pair", async () => {
    const pair = selfSignedCertificate();
    const given = await startPortal({ https: pair });
    try {
      assert.equal(given.certificate, pair.cert);
      const res = await getTrusting(`${given.webhookUrl}server.time`, pair.cert);
      assert.equal(res.status, 200);
      await assert.rejects(getTrusting(`${given.webhookUrl}server.time`, portal.certificate!), /self[- ]signed|unable to verify|certificate|signature/i);
    } finally {
      await given.close();
    }
  });
});
