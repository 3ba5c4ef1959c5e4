// The Drive's links outside /rest: `/upload/<one-time token>` takes a multipart/form-data POST
// with the file (the uploadUrl of disk.folder.uploadFile) and answers `{"result": disk object}`
// without a time block, as Bitrix24 does; `/download/<token>` serves a file's exact bytes.
import type { ServerResponse } from "node:http";
import { bytesOf } from "../http/body.js";
import { renderDiskFile } from "../render/disk-render.js";
import type { ExtraRoute, ExtraRouteContext } from "../http/server.js";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

async function upload({ req, res, url, body, state, portalUrl }: ExtraRouteContext): Promise<void> {
  if (req.method !== "POST") return fail(res, 405, "ERROR_METHOD", "Use POST with multipart/form-data");
  const token = decodeURIComponent(url.pathname.slice("/upload/".length));
  const contentType = req.headers["content-type"] ?? "";
  let form: FormData;
  try {
    form = await new Response(bytesOf(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return fail(res, 400, "INVALID_REQUEST", "Request body is not valid multipart/form-data");
  }
  const part = form.get("file");
  if (!part || typeof part === "string") return fail(res, 400, "ERROR_ARGUMENT", "Could not find value for parameter {file}");

  const outcome = state.disk.completeUpload(token, part.name || "file", Buffer.from(await part.arrayBuffer()));
  if (!outcome.ok) {
    return outcome.reason === "unknown-ticket"
      ? fail(res, 401, "INVALID_CREDENTIALS", "Invalid request credentials")
      : // Bitrix24 Drive's "non-unique name" error (pass generateUniqueName=true to get "name (1).ext").
        fail(res, 400, "DISK_OBJ_22000", `A file named "${part.name}" already exists in this folder`);
  }
  state.changes.emit({ kind: "disk", action: "add" });
  sendJson(res, 200, { result: renderDiskFile(outcome.file, state.disk.getFolder(outcome.file.parentId), portalUrl) });
}

function download({ req, res, url, state }: ExtraRouteContext): void {
  const file = state.disk.fileByDownloadToken(decodeURIComponent(url.pathname.slice("/download/".length)));
  if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("Not Found");
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": file.bytes.length,
    "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  });
  res.end(req.method === "HEAD" ? undefined : file.bytes);
}

export const diskRoutes: readonly ExtraRoute[] = [
  { prefix: "/upload/", handle: upload },
  { prefix: "/download/", handle: download },
];
