// A multipart/form-data body read as it arrives: the part named `field` that carries a file goes
// chunk by chunk to a sink (the byte store's writer), other parts are skipped, and the parser itself
// never holds more than one incoming chunk plus the few bytes that could be the start of the
// boundary. `peakBuffered` says how much that was at most, so a test can prove a 50 MB upload was
// never held whole by the request side.
import type { IncomingMessage } from "node:http";

export interface StreamedPart {
  /** The part's filename (filename* decoded), or "" when it had none. */
  filename: string;
}

export interface StreamOutcome {
  /** The file part, when one named `field` came. */
  part?: StreamedPart;
  /** Bytes in the body. */
  bodyBytes: number;
  /** The most bytes the parser held at once (carry-over plus the chunk in hand). */
  peakBuffered: number;
}

export class MultipartError extends Error {}

/** The boundary of a multipart/form-data Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "multipart/form-data") return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match ? (match[1] ?? match[2]) : null;
}

const CRLF2 = Buffer.from("\r\n\r\n");

/**
 * Reads the request's multipart body; the bytes of the first file part named `field` go to
 * `write` (in order) as they come. Rejects with MultipartError on a malformed body and with
 * RangeError past `limit` bytes.
 */
export function streamMultipart(req: IncomingMessage, boundary: string, field: string, write: (chunk: Buffer) => void, limit: number): Promise<StreamOutcome> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The body starts with `--boundary` (no CRLF before it): pretend one came.
  let carry: Buffer = Buffer.from("\r\n");
  let state: "preamble" | "headers" | "body" | "done" = "preamble";
  let current: { take: boolean; part?: StreamedPart } = { take: false };
  let found: StreamedPart | undefined;
  let bodyBytes = 0;
  let peak = 0;

  const feed = (chunk: Buffer) => {
    let buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    peak = Math.max(peak, buf.length);
    carry = Buffer.alloc(0);
    for (;;) {
      if (state === "done") return;
      if (state === "preamble") {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          carry = Buffer.from(buf.subarray(Math.max(0, buf.length - delimiter.length - 1)));
          return;
        }
        buf = buf.subarray(at + delimiter.length);
        state = "headers";
        continue;
      }
      if (state === "headers") {
        // After a delimiter: "--" ends the body; else the part's headers up to an empty line.
        if (buf.length < 2) break;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = "done";
          return;
        }
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > 16 * 1024) throw new MultipartError("part headers too long");
          break;
        }
        const headers = buf.subarray(0, end).toString("utf8");
        buf = buf.subarray(end + CRLF2.length);
        const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
        const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
        const star = /;\s*filename\*=(?:UTF-8|utf-8)''([^;\s]+)/.exec(disposition)?.[1];
        const plain = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(disposition)?.[1];
        const hasFile = star !== undefined || plain !== undefined;
        const filename = star !== undefined ? safeDecode(star) : (plain ?? "");
        const take = !found && name === field && hasFile;
        current = take ? { take, part: { filename } } : { take: false };
        if (take) found = current.part;
        state = "body";
        continue;
      }
      // body: everything up to the next delimiter belongs to the part.
      const at = buf.indexOf(delimiter);
      if (at >= 0) {
        if (current.take && at > 0) write(Buffer.from(buf.subarray(0, at)));
        buf = buf.subarray(at + delimiter.length);
        state = "headers";
        continue;
      }
      // Keep what could be the start of a delimiter; the rest is the part's.
      const keep = Math.min(buf.length, delimiter.length - 1);
      if (current.take && buf.length > keep) write(Buffer.from(buf.subarray(0, buf.length - keep)));
      buf = buf.subarray(buf.length - keep);
      break;
    }
    carry = Buffer.from(buf);
  };

  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      req.off("data", onData);
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > limit) return fail(new RangeError(`request body over ${limit} bytes`));
      try {
        feed(chunk);
      } catch (error) {
        fail(error instanceof Error ? error : new MultipartError(String(error)));
      }
    };
    req.on("data", onData);
    req.on("end", () => {
      if (failed) return;
      if (state !== "done") return fail(new MultipartError("the multipart body ended before its closing boundary"));
      resolve({ part: found, bodyBytes, peakBuffered: peak });
    });
    req.on("error", (error) => fail(error));
    req.on("close", () => {
      if (!req.complete) fail(new Error("the client closed the connection before the body was sent"));
    });
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
