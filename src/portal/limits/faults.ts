// Faults on demand: a small table of things that go wrong on a real portal, consumed in order by
// the requests they match. Tests of a client's retry and recovery logic add them at run time:
//   portal.faults.add({ kind: "status", status: 503, times: 3 })          // a 503 storm
//   portal.faults.add({ kind: "drop-after", method: "im.message.add" })   // done, but no answer
//   portal.faults.add({ kind: "notice", method: "im.message.add" })       // done, PHP notice before the JSON
//   portal.faults.expireTokenAfter(token, 2)                              // the 3rd call gets expired_token
import type { ServerResponse } from "node:http";
import type { Credentials } from "../http/auth.js";

export type FaultKind =
  /**
   * Answer with this status instead of running the method. Default bodies: 503 is Bitrix24's
   * QUERY_LIMIT_EXCEEDED envelope, 429 its OPERATION_TIME_LIMIT envelope, anything else an HTML
   * error page as a proxy would send. `body` (text, or a value sent as JSON) replaces it. With
   * `after`, the method runs first (its changes stay) and this answer replaces its own: a gateway
   * that gave up waiting (502, 504) while the portal finished the work.
   */
  | { kind: "status"; status: number; body?: unknown; contentType?: string; after?: boolean }
  /** Close the connection without an answer; the method does not run. */
  | { kind: "drop-before" }
  /** Run the method (its changes stay), then close the connection without an answer. */
  | { kind: "drop-after" }
  /** Wait this many (real) milliseconds, then answer normally. */
  | { kind: "delay"; ms: number }
  /** HTTP 200 whose JSON body is not an envelope (default "[]"); the method does not run. */
  | { kind: "malformed"; body?: string }
  /**
   * Run the method, then print a PHP notice (`text`, default an "Undefined index" notice) before
   * its JSON answer, status unchanged: what an on-premise portal with display_errors on sends.
   */
  | { kind: "notice"; text?: string }
  /**
   * Run the method, then send only the first `bytes` bytes of its answer (default: half), status
   * unchanged. The HTTP answer itself is complete (its Content-Length says so); with `drop` it
   * promises the whole answer and the connection is closed after those bytes instead.
   */
  | { kind: "truncate"; bytes?: number; drop?: boolean }
  /** Expire every access token known at this moment, then handle the request normally. */
  | { kind: "expire-tokens" };

export type FaultSpec = FaultKind & {
  /** Only requests to this REST method (case-insensitive); default: any /rest request. */
  method?: string;
  /** How many matching requests this fault takes (default 1). */
  times?: number;
};

type Entry = FaultSpec & { left: number };

const HTML_PAGES: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Request Entity Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

export class Faults {
  private readonly table: Entry[] = [];
  /** token -> calls it may still make before it expires. */
  private readonly tokenCountdowns = new Map<string, number>();

  constructor(private readonly credentials: Credentials) {}

  add(...specs: FaultSpec[]): this {
    for (const spec of specs) {
      const times = spec.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new Error("fault times must be a positive integer");
      if (spec.kind === "status" && !(spec.status >= 100 && spec.status <= 599)) throw new Error("fault status must be 100-599");
      if (spec.kind === "truncate" && spec.bytes !== undefined && !(Number.isInteger(spec.bytes) && spec.bytes >= 0)) {
        throw new Error("fault bytes must be a non-negative integer");
      }
      this.table.push({ ...spec, left: times });
    }
    return this;
  }

  /** Faults not yet consumed (each counted once per remaining time). */
  get pending(): number {
    return this.table.reduce((sum, entry) => sum + entry.left, 0);
  }

  clear(): void {
    this.table.length = 0;
    this.tokenCountdowns.clear();
  }

  /** Every access token known now answers expired_token from now on. */
  expireAllTokens(): void {
    this.credentials.expireAllTokens();
  }

  /** The token works for `calls` more requests, then answers expired_token. */
  expireTokenAfter(token: string, calls: number): void {
    if (!Number.isInteger(calls) || calls < 0) throw new Error("calls must be a non-negative integer");
    if (calls === 0) this.credentials.expireToken(token);
    else this.tokenCountdowns.set(token, calls);
  }

  /** Called for each OAuth request before its token is checked. */
  beforeTokenCheck(token: unknown): void {
    if (typeof token !== "string") return;
    const left = this.tokenCountdowns.get(token);
    if (left === undefined) return;
    if (left > 0) this.tokenCountdowns.set(token, left - 1);
    else {
      this.tokenCountdowns.delete(token);
      this.credentials.expireToken(token);
    }
  }

  /** The first fault matching this request, consumed; undefined when none matches. */
  take(restMethod: string | null): FaultKind | undefined {
    const index = this.table.findIndex((e) => e.method === undefined || e.method.toLowerCase() === restMethod?.toLowerCase());
    if (index < 0) return undefined;
    const entry = this.table[index];
    if (--entry.left === 0) this.table.splice(index, 1);
    return entry;
  }

  /**
   * Acts out a fault before the method runs. True when the request is finished (answered or
   * dropped); false when it should go on ("delay", "expire-tokens", "drop-after", and the faults
   * that replace or spoil the method's answer once it ran).
   */
  async before(fault: FaultKind, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case "delay":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case "expire-tokens":
        this.expireAllTokens();
        return false;
      case "drop-after":
        return false;
      case "drop-before":
        res.destroy();
        return true;
      case "malformed":
        send(res, 200, "application/json; charset=utf-8", fault.body ?? "[]");
        return true;
      case "status": {
        const [type, text] = statusBody(fault);
        if (fault.after) afterAnswer(res, () => send(res, fault.status, type, text));
        else send(res, fault.status, type, text);
        return !fault.after;
      }
      case "notice":
        afterAnswer(res, (status, type, body) => send(res, status, type, (fault.text ?? PHP_NOTICE) + body));
        return false;
      case "truncate":
        afterAnswer(res, (status, type, body) => {
          const bytes = Buffer.from(body);
          const part = bytes.subarray(0, Math.min(fault.bytes ?? Math.floor(bytes.length / 2), Math.max(0, bytes.length - 1)));
          if (!fault.drop) return send(res, status, type, part);
          res.writeHead(status, { "Content-Type": type, "Content-Length": bytes.length });
          res.write(part, () => res.destroy());
        });
        return false;
    }
  }
}

const PHP_NOTICE =
  "<br />\n<b>Notice</b>:  Undefined index: HTTP_X_FORWARDED_PROTO in <b>/home/bitrix/www/bitrix/php_interface/init.php</b> on line <b>12</b><br />\n";

/**
 * Lets the method run and answer, then hands its answer (status, content type, body) to `act`
 * instead of sending it. The pipeline answers a /rest request with one writeHead and one end.
 */
function afterAnswer(res: ServerResponse, act: (status: number, type: string, body: string) => void): void {
  let status = 200;
  let type = "application/json; charset=utf-8";
  res.writeHead = ((code: number, headers?: Record<string, string | number>) => {
    status = code;
    const given = headers && Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type");
    if (given) type = String(given[1]);
    return res;
  }) as ServerResponse["writeHead"];
  res.end = ((chunk?: unknown) => {
    // The real methods again (own properties shadowed the prototype's), then the fault's answer.
    delete (res as Partial<ServerResponse>).writeHead;
    delete (res as Partial<ServerResponse>).end;
    act(status, type, typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "");
    return res;
  }) as ServerResponse["end"];
}

function statusBody(fault: Extract<FaultKind, { kind: "status" }>): [string, string] {
  const json = "application/json; charset=utf-8";
  if (fault.body !== undefined) {
    if (typeof fault.body === "string") return [fault.contentType ?? "text/html; charset=utf-8", fault.body];
    return [fault.contentType ?? json, JSON.stringify(fault.body)];
  }
  if (fault.status === 503) return [json, JSON.stringify({ error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" })];
  if (fault.status === 429) {
    return [json, JSON.stringify({ error: "OPERATION_TIME_LIMIT", error_description: "Method is blocked due to operation time limit." })];
  }
  const title = `${fault.status} ${HTML_PAGES[fault.status] ?? "Error"}`;
  return ["text/html; charset=utf-8", `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`];
}

function send(res: ServerResponse, status: number, type: string, text: string | Uint8Array): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
