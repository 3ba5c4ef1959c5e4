// The client's HTTP: one request over node:http or node:https, giving what the client reads from
// an answer (the status and the whole body as text) and failing the way fetch fails, so that one
// classification (client.ts) covers both: a timeout rejects with the AbortSignal's reason, a failure
// before the answer with TypeError("fetch failed") whose `cause` is Node's error (`cause.code` is
// ECONNREFUSED, ENOTFOUND…), a body cut short with TypeError("terminated"). Like fetch it follows
// redirects, asks for and decodes gzip/deflate, and strips a UTF-8 BOM from the text.
//
// Why not fetch: Node 20 compiles its fetch (undici) on first use, about 40 ms, and a process that
// used it idles on after its last answer. Here a kept-alive socket waits in one Agent per protocol
// for the next request; Node unrefs an idle socket, so a long-running process reuses its connections
// and a CLI process exits as soon as it is done. Nothing loads before the first request, and
// node:https only for an https URL.
import type { Agent, IncomingMessage, RequestOptions } from "node:http";
import { isLoopbackHost } from "./endpoint.js";

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/** The part of an answer the client reads; fetch's Response has it too. */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
}

/** What the client sends with: `httpSend`, or a fetch (ClientOptions.fetch). */
export type HttpSend = (url: string, request: HttpRequest) => Promise<HttpAnswer>;

// Idle kept-alive sockets are closed after this long, or a second before the server's own
// `Keep-Alive: timeout=N` when that is shorter (Node's Agent reads the hint), so a request is not
// sent on a socket the server is closing.
const IDLE_SOCKET_MS = 4_000;
const MAX_REDIRECTS = 20; // fetch's limit
// Headers that describe the body: dropped with it when a redirect turns the request into a GET.
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

type Protocol = { request: typeof import("node:http").request; agent: Agent };
const protocols = new Map<string, Promise<Protocol>>();

function protocol(scheme: string): Promise<Protocol> {
  let loaded = protocols.get(scheme);
  if (!loaded) {
    const module = scheme === "https:" ? import("node:https") : import("node:http");
    loaded = module.then((m) => ({ request: m.request, agent: new m.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) }));
    protocols.set(scheme, loaded);
  }
  return loaded;
}

/** Sends one request (following redirects) and resolves when the answer's head has come. */
export async function httpSend(url: string, request: HttpRequest): Promise<HttpAnswer> {
  let target = new URL(url);
  let { method, body } = request;
  let headers: Record<string, string> = { "accept-encoding": "gzip, deflate", ...request.headers };
  for (let redirects = 0; ; redirects++) {
    if (target.protocol !== "http:" && target.protocol !== "https:") throw failed(new Error(`unsupported protocol ${target.protocol}`));
    const res = await exchange(target, method, headers, body, request.signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || location === undefined) return answer(res, request.signal);
    res.resume(); // a redirect's own body is not read: the socket goes back to the pool
    if (redirects === MAX_REDIRECTS) throw failed(new Error("redirect count exceeded"));
    const from = target;
    try {
      target = new URL(location, target);
    } catch (error) {
      throw failed(error);
    }
    // A redirect must not move secrets (a token in the body, a webhook path) to plain http on another machine.
    if (from.protocol === "https:" && target.protocol === "http:" && !isLoopbackHost(target.hostname) && process.env.OINT_ALLOW_HTTP !== "1") {
      throw failed(Object.assign(new Error(`refused a redirect from https to plain http://${target.host} (it would carry the request in clear text; OINT_ALLOW_HTTP=1 allows it)`), { code: "ERR_REDIRECT_TO_HTTP" }));
    }
    // As fetch does: 303, and 301/302 after a POST, become a GET without the body.
    if (status === 303 ? method !== "GET" && method !== "HEAD" : (status === 301 || status === 302) && method === "POST") {
      method = "GET";
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !BODY_HEADERS.includes(name.toLowerCase())));
    }
  }
}

/** One HTTP exchange up to the answer's head. */
async function exchange(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  signal?.throwIfAborted();
  const { request, agent } = await protocol(url.protocol);
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method,
      agent,
      headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
    };
    const req = request(url, options);
    const onAbort = () => req.destroy(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // Whether anything can have left: a new socket sends nothing before it is connected (for https,
    // before the TLS handshake is done); a reused one was connected already.
    let connected = false;
    req.on("socket", (socket) => {
      if (req.reusedSocket) connected = true;
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => (connected = true));
    });
    req.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      if (!connected && error && typeof error === "object") Object.assign(error, { beforeConnected: true });
      reject(signal?.aborted ? signal.reason : failed(error));
    });
    req.on("response", (res) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    req.end(body);
  });
}

/** The answer whose body is being read: text() has the whole of it, decoded. */
function answer(res: IncomingMessage, signal: AbortSignal | undefined): HttpAnswer {
  const status = res.statusCode ?? 0;
  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : Object.assign(new TypeError("terminated"), { cause: error }));
      res.destroy();
    };
    const onAbort = () => fail(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("error", fail);
    res.on("close", () => fail(new Error("the connection closed before the answer was complete")));
    res.on("end", () => {
      if (done) return;
      done = true;
      signal?.removeEventListener("abort", onAbort);
      resolve(Buffer.concat(chunks));
    });
  });
  bytes.catch(() => {}); // read by text(); a failure nobody asks for is not unhandled
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  return {
    status,
    ok: status >= 200 && status <= 299,
    text: async () => new TextDecoder().decode(await decode(await bytes, encoding)),
  };
}

async function decode(body: Buffer, encoding: string): Promise<Buffer> {
  if (!encoding || encoding === "identity" || !body.length) return body;
  const zlib = await import("node:zlib");
  const { promisify } = await import("node:util");
  try {
    if (encoding === "gzip" || encoding === "x-gzip") return await promisify(zlib.gunzip)(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    // "deflate" is meant as zlib-wrapped, but some servers send raw deflate: the first byte tells.
    if (encoding === "deflate") return await promisify((body[0] & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw)(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (encoding === "br") return await promisify(zlib.brotliDecompress)(body);
  } catch (error) {
    throw Object.assign(new TypeError("terminated"), { cause: error });
  }
  return body; // an encoding nobody asked for: the body as it came, as fetch gives it
}

/** A failure before the answer, worded as fetch words it: the reason is in `cause`. */
function failed(cause: unknown): TypeError {
  return Object.assign(new TypeError("fetch failed"), { cause });
}
