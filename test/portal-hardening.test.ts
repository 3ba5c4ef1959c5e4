// The local portal against hostile or careless clients: its request log stays bounded however large
// the bodies (kept in a ring of the size asked for, bodies cut, refused requests not read), a body
// over the limit is refused with 413 before it is held, and malformed paths are client errors
// (400/404), never a 500 with a stack trace in the log.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { BODY_KEPT_BYTES, startPortal, type RecordedRequest, type RunningPortal } from "../src/portal/index.js";

const MB = 1024 * 1024;

/** What an entry of the log costs, measured as its JSON. */
const sizeOf = (entry: RecordedRequest) => Buffer.byteLength(JSON.stringify(entry));

async function post(url: string, body: string, contentType = "application/json"): Promise<number> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": contentType }, body });
  await response.arrayBuffer();
  return response.status;
}

describe("the request log", () => {
  let portal: RunningPortal;
  const logged: string[] = [];
  before(async () => {
    portal = await startPortal({ requestLog: 8, log: (line) => logged.push(line) });
  });
  after(() => portal.close());

  it("keeps a few KB per request however large the bodies, accepted or refused", async () => {
    const big = JSON.stringify({ junk: "x".repeat(20 * MB) }); // 20 MB
    const wrongSecret = portal.webhookUrl.replace(portal.secret, "wrong-secret");
    const sent: [string, number][] = [
      [`${portal.webhookUrl}server.time`, 200],
      [`${wrongSecret}server.time`, 401],
      [`${portal.url}/rest/server.time`, 401], // OAuth without a token: read, then refused
      [`${portal.url}/nothing/here`, 404],
      [`${portal.webhookUrl}no.such.method`, 404],
    ];
    const start = portal.requests.length;
    for (let round = 0; round < 3; round++) {
      for (const [url, status] of sent) assert.equal(await post(url, big), status, url);
    }
    assert.equal(portal.requests.length - start, 15, "every request is counted");

    const kept = portal.requests.slice(start);
    assert.equal(kept.length, 8, "the log keeps the last 8 (its size)");
    const total = kept.reduce((sum, entry) => sum + sizeOf(entry), 0);
    assert.ok(total < 8 * 4 * BODY_KEPT_BYTES, `the log holds ${total} bytes for 8 requests of 20 MB`);
    for (const entry of kept) {
      assert.equal(entry.bodyBytes, Buffer.byteLength(big), "the body's size is noted");
      assert.ok(entry.body.length <= BODY_KEPT_BYTES);
    }
    const accepted = kept.find((entry) => entry.status === 200)!;
    assert.ok(accepted.body.startsWith('{"junk":"xxx'), "the start of the body is kept");
    assert.match((accepted.params as { junk: string }).junk, /^x+… \(20971520 characters\)$/, "its parameters as a summary");
    const refused = kept.find((entry) => entry.status === 401 && entry.path.includes("wrong-secret"))!;
    assert.equal(refused.body, "", "a request refused for its webhook secret is not read");
    assert.deepEqual(logged, []);
  });

  it("is a ring: the newest last, older ones dropped, indices counting every request", async () => {
    const start = portal.requests.length;
    for (let i = 0; i < 10; i++) assert.equal(await post(`${portal.webhookUrl}server.time`, JSON.stringify({ n: i })), 200);
    assert.equal(portal.requests.length, start + 10);
    assert.deepEqual(portal.requests.slice(start).map((entry) => JSON.parse(entry.body).n), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(JSON.parse(portal.requests.at(-1)!.body).n, 9);
    assert.equal(portal.requests.at(start), undefined, "dropped from the ring");
    assert.deepEqual(portal.requests.at(start + 2)!.params, { n: 2 });
    assert.equal(portal.requests.filter((entry) => entry.restMethod === "server.time").length, 8);
    assert.equal(portal.requests.at(-1)!.status, 200);
  });

  it("is off with requestLog: 0 (requests still counted)", async () => {
    const quiet = await startPortal({ requestLog: 0 });
    try {
      assert.equal(await post(`${quiet.webhookUrl}server.time`, "{}"), 200);
      assert.equal(quiet.requests.length, 1);
      assert.equal(quiet.requests.at(-1), undefined);
      assert.deepEqual(quiet.requests.slice(), []);
    } finally {
      await quiet.close();
    }
  });
});

describe("bodies over the limit", () => {
  let portal: RunningPortal;
  before(async () => {
    portal = await startPortal({ maxBodyBytes: 1 * MB });
  });
  after(() => portal.close());

  it("a declared Content-Length over the limit is answered 413 as nginx does, before the body is read", async () => {
    const response = await fetch(`${portal.webhookUrl}server.time`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "x".repeat(2 * MB) });
    assert.equal(response.status, 413);
    assert.match(await response.text(), /<title>413 Request Entity Too Large<\/title>/);
    const entry = portal.requests.at(-1)!;
    assert.equal(entry.status, 413);
    assert.equal(entry.body, "");
    assert.equal(entry.bodyBytes, 2 * MB);
  });

  it("a chunked body is refused with 413 once it passes the limit; the portal keeps answering", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${portal.webhookUrl}server.time`, { method: "POST", headers: { "Content-Type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", (error) => (error.message.includes("EPIPE") || error.message.includes("ECONNRESET") ? undefined : reject(error)));
      const chunk = Buffer.alloc(256 * 1024, "x");
      let written = 0;
      const write = () => {
        while (written++ < 16) if (!req.write(chunk)) return void req.once("drain", write);
        req.end();
      };
      write();
    });
    assert.equal(status, 413);
    assert.equal(portal.requests.at(-1)!.status, 413);
    assert.equal((await fetch(`${portal.webhookUrl}server.time`)).status, 200);
  });
});

describe("malformed paths", () => {
  let portal: RunningPortal;
  const logged: string[] = [];
  before(async () => {
    portal = await startPortal({ log: (line) => logged.push(line) });
  });
  after(() => portal.close());

  for (const [method, path] of [
    ["GET", "/download/%"],
    ["GET", "/download/%E0%A4%A"],
    ["POST", "/upload/%zz"],
    ["GET", "/upload/im/avatar/%"],
    ["GET", "/rest/1/%/server.time"],
    ["GET", "/rest/%.json"],
    ["GET", "/oauth/token/%"],
    ["GET", "/%"],
  ]) {
    it(`${method} ${path} is a client error, not a failure`, async () => {
      const response = await fetch(`${portal.url}${path}`, { method, ...(method === "POST" ? { body: "x" } : {}) });
      await response.arrayBuffer();
      assert.ok(response.status === 400 || response.status === 404, `${path}: ${response.status}`);
      assert.deepEqual(logged, [], "nothing in the log");
      assert.equal(portal.requests.at(-1)!.status, response.status);
    });
  }
});
