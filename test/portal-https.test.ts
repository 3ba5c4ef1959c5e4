// The portal over HTTPS: a self-signed certificate made at start, in-process (or a given pair),
// reachable by a client that trusts RunningPortal.certificate and refused by one that does not.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { request } from "node:https";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { bitrix24, TransportError } from "../src/index.js";
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
    const cert = new X509Certificate(portal.certificate!);
    assert.equal(cert.subject, "CN=127.0.0.1");
    assert.equal(cert.subjectAltName, "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost");
    assert.ok(cert.verify(cert.publicKey), "self-signed");
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

describe("https: true without the openssl command", () => {
  it("makes its certificate in-process: a portal started with no openssl on PATH answers over https", async () => {
    const emptyBin = join(scratch.path, "empty-bin");
    mkdirSync(emptyBin, { recursive: true });
    const portalModule = new URL("../src/portal/index.ts", import.meta.url).href;
    const script = `
      import { request } from "node:https";
      import { startPortal } from ${JSON.stringify(portalModule)};
      const portal = await startPortal({ https: true });
      request(portal.webhookUrl + "server.time", { ca: portal.certificate, agent: false }, (res) => {
        res.resume().on("end", () => { console.log(res.statusCode); portal.close(); });
      }).end();`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, PATH: emptyBin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(code, 0, out);
    assert.equal(out.trim(), "200");
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

// A failed TLS handshake proves nothing was sent (the request goes only over the finished handshake),
// and a retry would fail the same way: TLS_FAILED, outcome known, not retried, with what to do.
describe("a TLS handshake that fails", () => {
  it("an untrusted certificate: TLS_FAILED, nothing sent (outcomeUnknown false), says how to trust it", async () => {
    const before = portal.requests.length;
    await assert.rejects(bitrix24.sendMessage(portal.webhookUrl, "chat1", "not over an untrusted connection"), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.equal(e.code, "TLS_FAILED");
      assert.equal(e.outcomeUnknown, false);
      assert.match(e.message, /^im\.message\.add: the TLS handshake with 127\.0\.0\.1:\d+ failed \(.*certificate.*\): its certificate is not trusted here \(NODE_EXTRA_CA_CERTS=<ca\.pem> adds a certificate authority\); nothing was sent$/);
      return true;
    });
    assert.equal(portal.requests.length, before);
  });

  it("a server that does not speak TLS: one attempt, not retried, one line suggesting http://", async () => {
    let connections = 0;
    const plain = createTcpServer((socket) => {
      connections++;
      socket.unref();
      socket.on("error", () => {});
      socket.end("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(plain.address() as AddressInfo).port}/rest/1/a1b2c3d4e5f6a7b8/`;
    try {
      await assert.rejects(bitrix24.serverTime(url), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.deepEqual([e.code, e.outcomeUnknown], ["TLS_FAILED", false]);
        assert.match(e.message, /the server does not speak https there \(a local portal without --https takes an http:\/\/ URL\); nothing was sent$/);
        assert.ok(!e.message.includes("a1b2c3d4e5f6a7b8"));
        return true;
      });
      assert.equal(connections, 1, "a safe call is not retried after a failed handshake");
      const run = await runCli(["bitrix24", "SendMessage", "--url", url, "--chat", "chat1", "--text", "x"]);
      assert.equal(run.code, 5);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, /TLS handshake .* failed .*; nothing was sent/);
      assert.ok(!run.stderr.includes("a1b2c3d4e5f6a7b8"));
    } finally {
      plain.close(); // not awaited: a socket the client dropped mid-handshake may never report its end
    }
  });
});
