// The client's own HTTP transport (src/transport/http.ts), over real HTTP against the local portal:
// kept-alive connections are reused but never keep a process alive (the CLI exits as soon as it has
// printed, while the server still holds the connection open), failures are classified as they were
// with fetch, redirects are followed and compressed answers decoded, https trusts NODE_EXTRA_CA_CERTS,
// and a `fetch` given in the options is still what sends.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { Bitrix24Client, TransportError } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";
import { freePort, runCli, usePortal, useScratchDir } from "./helpers.js";

const held = usePortal();
const scratch = useScratchDir();

/**
 * A TCP relay in front of the portal that counts the connections clients open and never closes
 * one itself: a client that waited for the server to close its connection would wait forever.
 */
interface Relay {
  url: string;
  opened: number;
  /** Connections the client ended (FIN or reset) so far. */
  endedByClient: number;
  close(): Promise<void>;
}

async function startRelay(target: RunningPortal): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay = { opened: 0, endedByClient: 0 } as Relay;
  const server = createServer((client) => {
    relay.opened++;
    sockets.add(client);
    const upstream = connect(target.port, "127.0.0.1");
    sockets.add(upstream);
    client.pipe(upstream, { end: false });
    upstream.pipe(client, { end: false }); // the portal's keep-alive timeout does not reach the client
    let ended = false;
    const clientGone = () => {
      if (!ended) (ended = true), relay.endedByClient++;
      upstream.destroy();
    };
    client.on("end", clientGone).on("close", clientGone).on("error", clientGone);
    upstream.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  relay.url = target.webhookUrl.replace(`:${target.port}/`, `:${port}/`);
  relay.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return relay;
}

/** Resolves when `check` holds, polling the event loop (no fixed sleep). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

/** Runs a module script with tsx in a child process; resolves with its exit code and output. */
function runScript(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

const clientModule = JSON.stringify(new URL("../src/transport/client.ts", import.meta.url).href);

describe("connections", () => {
  let relay: Relay;
  before(async () => {
    relay = await startRelay(held.portal);
  });
  after(() => relay.close());

  it("the CLI exits once its answer is printed, closing its connection, though the server keeps it open", { timeout: 30_000 }, async () => {
    const before = { opened: relay.opened, ended: relay.endedByClient };
    const run = await runCli(["bitrix24", "ServerTime", "--url", relay.url]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout).result, "string");
    assert.equal(relay.opened - before.opened, 1);
    await until(() => relay.endedByClient - before.ended === 1); // the client side closed it, not the server
  });

  it("a library client sends consecutive calls over one kept-alive connection", async () => {
    const opened = relay.opened;
    const ended = relay.endedByClient;
    const client = new Bitrix24Client({ url: relay.url, plan: "off" });
    for (let i = 0; i < 3; i++) assert.equal(typeof (await client.call<string>("server.time")).result, "string");
    assert.equal((await client.call("user.current", {}, { httpMethod: "GET" })).result !== undefined, true);
    assert.equal(relay.opened - opened, 1, "one connection for four calls");
    assert.equal(relay.endedByClient, ended, "and it stays open for the next call");
  });

  it("a kept-alive connection does not keep a process alive: a script exits after its calls, nothing left holding it", { timeout: 30_000 }, async () => {
    const opened = relay.opened;
    const script = `
      import { Bitrix24Client } from ${clientModule};
      const client = new Bitrix24Client({ url: ${JSON.stringify(relay.url)}, plan: "off" });
      await client.call("server.time");
      await client.call("server.time");
      console.log(JSON.stringify(process.getActiveResourcesInfo()));`;
    const { code, out } = await runScript(script);
    assert.equal(code, 0, out);
    assert.deepEqual(JSON.parse(out.trim().split("\n").pop()!).filter((r: string) => r !== "TTYWrap" && r !== "PipeWrap"), []);
    assert.equal(relay.opened - opened, 1);
  });
});

describe("failures are classified as before", () => {
  it("nothing listening: CONNECTION_FAILED, Node's reason (ECONNREFUSED) in the message, nothing sent", async () => {
    const port = await freePort();
    const client = new Bitrix24Client({ url: `http://127.0.0.1:${port}/rest/1/secret123/`, plan: "off", maxRetries: 0 });
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: 1, MESSAGE: "x" }), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, "CONNECTION_FAILED");
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /could not connect to .*ECONNREFUSED.*nothing was sent/);
      assert.doesNotMatch(error.message, /secret123/);
      return true;
    });
  });

  it("a connection dropped before the answer: NETWORK_ERROR, outcome unknown for a write", async () => {
    held.portal.faults.add({ kind: "drop-after", method: "im.message.add" });
    const client = new Bitrix24Client({ url: held.portal.webhookUrl, plan: "off" });
    await assert.rejects(client.call("im.message.add", { DIALOG_ID: "chat1", MESSAGE: "dropped" }), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, "NETWORK_ERROR");
      assert.equal(error.outcomeUnknown, true);
      return true;
    });
  });

  it("a body cut short after the status line: an unusable answer, not a network error", async () => {
    held.portal.faults.add({ kind: "truncate", method: "server.time", drop: true });
    const client = new Bitrix24Client({ url: held.portal.webhookUrl, plan: "off", maxRetries: 0 });
    await assert.rejects(client.call("server.time"), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.match(error.message, /HTTP 200.*connection broke before its body was complete/);
      return true;
    });
  });

  it("no answer within timeoutMs: TIMEOUT", async () => {
    held.portal.faults.add({ kind: "delay", ms: 500, method: "server.time" });
    const client = new Bitrix24Client({ url: held.portal.webhookUrl, plan: "off", maxRetries: 0, timeoutMs: 50 });
    await assert.rejects(client.call("server.time"), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, "TIMEOUT");
      return true;
    });
  });
});

describe("what fetch did and the transport does too", () => {
  let front: Server;
  let frontWebhook: string;
  let mode: "moved" | "kept" | "gzip";
  let askedEncoding: string | undefined;
  before(async () => {
    // A front server before the portal: "moved" redirects with 301 (as an http->https move does),
    // "kept" with 307 (the POST and its body go on), "gzip" relays the portal's answer gzipped with
    // a UTF-8 BOM in front.
    front = createHttpServer((req, res) => {
      const kind = mode;
      askedEncoding = req.headers["accept-encoding"];
      const path = req.url ?? "/";
      if (kind === "moved") return res.writeHead(301, { location: `${held.portal.url}${path}` }).end("moved");
      if (kind === "kept") return res.writeHead(307, { location: `${held.portal.url}${path}` }).end();
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => {
        const up = httpRequest(`${held.portal.url}${path}`, { method: req.method, headers: { "content-type": "application/json" } }, (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (c: Buffer) => body.push(c)).on("end", () => {
            res.writeHead(answer.statusCode ?? 500, { "content-type": "application/json", "content-encoding": "gzip" });
            res.end(gzipSync(Buffer.concat([Buffer.from("\uFEFF"), ...body])));
          });
        });
        up.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    frontWebhook = held.portal.webhookUrl.replace(held.portal.url, `http://127.0.0.1:${(front.address() as { port: number }).port}`);
  });
  after(() => new Promise<void>((resolve) => front.close(() => resolve())));

  it("follows a 301 as fetch does: the POST becomes a GET", async () => {
    mode = "moved";
    const client = new Bitrix24Client({ url: frontWebhook, plan: "off" });
    const mark = held.portal.requests.length;
    assert.equal(typeof (await client.call<string>("server.time")).result, "string");
    const seen = held.portal.requests.slice(mark);
    assert.deepEqual(seen.map((r) => r.httpMethod), ["GET"]);
  });

  it("follows a 307 with the POST and its body", async () => {
    mode = "kept";
    const client = new Bitrix24Client({ url: frontWebhook, plan: "off" });
    const user = await client.call<{ ID: string }>("user.get", { ID: 1 });
    assert.equal((user.result as unknown as { ID: string }[])[0].ID, "1");
    const last = held.portal.requests.at(-1)!;
    assert.equal(last.httpMethod, "POST");
    assert.match(last.body, /"ID":1/);
  });

  it("asks for gzip and decodes it; a UTF-8 BOM before the JSON is dropped", async () => {
    mode = "gzip";
    const client = new Bitrix24Client({ url: frontWebhook, plan: "off" });
    assert.equal(typeof (await client.call<string>("server.time")).result, "string");
    assert.match(askedEncoding ?? "", /gzip/);
  });

  it("a fetch given in the options is what sends", async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => (urls.push(String(input)), fetch(input, init));
    const client = new Bitrix24Client({ url: held.portal.webhookUrl, plan: "off", fetch: counting });
    assert.equal(typeof (await client.call<string>("server.time")).result, "string");
    assert.deepEqual(urls, [`${held.portal.webhookUrl}server.time`]);
  });
});

describe("https", () => {
  let portal: RunningPortal;
  before(async () => {
    portal = await startPortal({ https: true });
  });
  after(() => portal?.close());

  it("trusts a certificate given with NODE_EXTRA_CA_CERTS", { timeout: 30_000 }, async () => {
    const caFile = join(scratch.path, "portal.pem");
    writeFileSync(caFile, portal.certificate!);
    const script = `
      import { Bitrix24Client } from ${clientModule};
      const client = new Bitrix24Client({ url: ${JSON.stringify(portal.webhookUrl)}, plan: "off" });
      console.log(typeof (await client.call("server.time")).result);`;
    const { code, out } = await runScript(script, { NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(code, 0, out);
    assert.equal(out.trim(), "string");
  });

  it("refuses a certificate it does not trust: TLS_FAILED naming the certificate problem, nothing sent", async () => {
    const client = new Bitrix24Client({ url: portal.webhookUrl, plan: "off", maxRetries: 0 });
    await assert.rejects(client.call("server.time"), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, "TLS_FAILED");
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /self[- ]signed|certificate/i);
      assert.doesNotMatch(error.message, new RegExp(portal.secret));
      return true;
    });
  });
});

describe("redirects never downgrade to plain http on another machine", () => {
  let server: import("node:https").Server;
  let url = "";
  before(async () => {
    const { createServer: createHttpsServer } = await import("node:https");
    const { selfSignedCertificate } = await import("../src/portal/http/tls.js");
    const tls = selfSignedCertificate("127.0.0.1");
    writeFileSync(join(scratch.path, "redirecting.pem"), tls.cert);
    // Answers every request with a 307 to plain http on a name that is never looked up.
    server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      req.resume();
      res.writeHead(307, { location: `http://downgrade.invalid${req.url}` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}/rest/1/redirectsecret1/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("a 307 from https to http://elsewhere is refused before anything is sent there, the secret not shown", { timeout: 30_000 }, async () => {
    const script = `
      import { Bitrix24Client } from ${clientModule};
      const client = new Bitrix24Client({ url: ${JSON.stringify(url)}, plan: "off", maxRetries: 0 });
      try { await client.call("server.time"); console.log("followed"); } catch (error) { console.log(error.code, error.message); }`;
    const { code, out } = await runScript(script, { NODE_EXTRA_CA_CERTS: join(scratch.path, "redirecting.pem") });
    assert.equal(code, 0, out);
    assert.match(out, /refused a redirect from https to plain http:\/\/downgrade\.invalid/);
    assert.doesNotMatch(out, /redirectsecret1/);
  });
});
