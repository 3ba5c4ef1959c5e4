// The Drive (disk.storage.*, disk.folder.*, disk.file.*, disk.version.*) on the model of
// data/disk.ts: storages through the CRUD builder (get, getlist, getfields), children lists
// through the query engine (filter with every prefix, order, start), everything in the Drive's
// dialect (engine/dialect-disk.ts). Rights: a user's storage is its owner's (and admins'), the
// common storage everyone's, a workgroup's its members' (and admins', data/workgroups.ts), the
// application's storage needs an application (an OAuth token), a chat folder belongs to the chat's
// members. getlist leaves out what the caller may not use; get, getchildren and the folder and file
// methods inside it answer ACCESS_DENIED.
import { diskDialect } from "../engine/dialect-disk.js";
import { crudMethods } from "../engine/crud.js";
import { parseFilter, parseOrder, readStart, runQuery } from "../engine/query.js";
import type { IdRun, RowSource } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";
import { DiskConflict, STORAGE, type DiskRow } from "../data/disk.js";
import { canUseGroup } from "../data/workgroups.js";
import { fileFields, folderFields, objectEntity, storageEntity } from "../data/disk-entities.js";
import { renderDiskObject, renderStorage, renderVersion, type ObjectPrint } from "../render/disk-render.js";
import { badRequest, forbidden, methodNotFound } from "../http/errors.js";
import { isBlank, textParam, toInt, upperKeys, yesNo } from "../http/params.js";
import { callerIsAdmin, scoped, type MethodContext, type MethodHandler } from "../http/registry.js";

const errors = diskDialect.errors;
const disk = (ctx: MethodContext) => ctx.state.disk;

/** Every user has a storage: made for users that have none yet before a Drive method looks. */
function sync(ctx: MethodContext): void {
  disk(ctx).syncUsers(ctx.state.listUsers().map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim() || u.email })));
}

// ---- rights ----

export function canUseStorage(ctx: MethodContext, storage: Row): boolean {
  switch (storage.ENTITY_TYPE) {
    case "user":
      return Number(storage.ENTITY_ID) === ctx.userId || callerIsAdmin(ctx);
    case "common":
      return true;
    case "group":
      return canUseGroup(ctx, Number(storage.ENTITY_ID));
    case "restapp":
      return ctx.auth.type === "oauth";
    default:
      return false; // the chat storage: through its chat folders only
  }
}

/** Whether the caller may read and change a folder or file. */
export function canUse(ctx: MethodContext, row: DiskRow): boolean {
  const chat = disk(ctx).chatOf(row);
  if (chat !== null) return ctx.state.isMember(chat, ctx.userId);
  const storage = disk(ctx).storage(Number(row.STORAGE_ID));
  return storage !== undefined && canUseStorage(ctx, storage);
}

// ---- parameters ----

const PARAMETER_0 = "Invalid value of parameter {Parameter #0}";
const PARAMETER_1 = "Invalid value of parameter {Parameter #1}";

/**
 * A required parameter left out, as each method's page words it ("Possible Error Codes" of
 * api-reference/disk/<area>/disk-<area>-<action>.md): the pages disagree (#0, #1, `id`), so each
 * method states its own. A method or parameter its page does not name keeps the binder's
 * "Could not find value for parameter {name}" (errors.missing).
 */
const MISSING_PARAMETER: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "disk.storage.getchildren": { id: PARAMETER_0 },
  "disk.storage.addfolder": { "data[NAME]": PARAMETER_1 },
  "disk.storage.uploadfile": { id: PARAMETER_0 },
  "disk.folder.get": { id: PARAMETER_1 },
  "disk.folder.getchildren": { id: PARAMETER_1 },
  "disk.folder.addsubfolder": { "data[NAME]": PARAMETER_1 },
  "disk.folder.uploadfile": { id: PARAMETER_0 },
  "disk.folder.copyto": { id: PARAMETER_1, targetFolderId: PARAMETER_1 },
  "disk.folder.moveto": { id: PARAMETER_1, targetFolderId: PARAMETER_1 },
  "disk.folder.rename": { id: PARAMETER_1, newName: PARAMETER_1 },
  "disk.folder.markdeleted": { id: PARAMETER_1 },
  "disk.folder.restore": { id: PARAMETER_1 },
  "disk.folder.deletetree": { id: PARAMETER_1 },
  "disk.folder.getexternallink": { id: PARAMETER_1 },
  "disk.file.get": { id: PARAMETER_0 },
  "disk.file.copyto": { id: PARAMETER_0, targetFolderId: PARAMETER_0 },
  "disk.file.moveto": { id: PARAMETER_0, targetFolderId: PARAMETER_0 },
  "disk.file.rename": { id: PARAMETER_0, newName: PARAMETER_0 },
  "disk.file.markdeleted": { id: PARAMETER_0 },
  "disk.file.restore": { id: PARAMETER_0 },
  "disk.file.delete": { id: PARAMETER_0 },
  "disk.file.uploadversion": { id: PARAMETER_0, fileContent: PARAMETER_0 },
  "disk.file.getversions": { id: PARAMETER_0 },
  "disk.file.restorefromversion": { id: PARAMETER_0, versionId: PARAMETER_0 },
  "disk.version.get": { id: "Invalid value of parameter `id`" },
};

/** ERROR_ARGUMENT for a required parameter left out, worded as the method's page says. */
function missing(ctx: MethodContext, name: string) {
  const documented = MISSING_PARAMETER[ctx.method]?.[name];
  return documented === undefined ? errors.missing(name) : badRequest("ERROR_ARGUMENT", documented);
}

/** A positive integer parameter: missing = ERROR_ARGUMENT (missing()), not a number = invalid value. */
function intParam(ctx: MethodContext, name: string): number {
  const raw = diskDialect.param(ctx.params, name);
  if (isBlank(raw)) throw missing(ctx, name);
  const id = toInt(raw);
  if (id === null || id <= 0) throw errors.badId();
  return id;
}

function textArg(ctx: MethodContext, name: string): string {
  const value = textParam(diskDialect.param(ctx.params, name));
  if (!value) throw missing(ctx, name);
  return value;
}

/** `data[NAME]` (disk.*.addfolder, addsubfolder, uploadfile). */
function dataName(ctx: MethodContext): string {
  const data = diskDialect.param(ctx.params, "data");
  return data && typeof data === "object" ? textParam(upperKeys(data as Record<string, unknown>).NAME) : "";
}

function object(ctx: MethodContext, id: number, type?: "folder" | "file"): DiskRow {
  const row = disk(ctx).get(id);
  if (!row || (type && row.TYPE !== type)) throw errors.notFound(id);
  if (!canUse(ctx, row)) throw errors.accessDenied();
  return row;
}

const folderArg = (ctx: MethodContext, name = "id") => object(ctx, intParam(ctx, name), "folder");
const fileArg = (ctx: MethodContext, name = "id") => object(ctx, intParam(ctx, name), "file");

function storageArg(ctx: MethodContext): Row {
  sync(ctx);
  const id = intParam(ctx, "id");
  const storage = disk(ctx).storage(id);
  if (!storage) throw errors.notFound(id);
  if (!canUseStorage(ctx, storage)) throw errors.accessDenied();
  return storage;
}

// ---- answers and errors ----

const show = (ctx: MethodContext, row: DiskRow, print?: ObjectPrint) => renderDiskObject(disk(ctx), row, ctx.portalUrl, print);

/** Runs a change of the tree, turning a refusal into Bitrix24's error. */
function change<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof DiskConflict)) throw error;
    switch (error.reason) {
      case "name-taken":
        throw badRequest("DISK_OBJ_22000", `A ${error.kind} with this name already exists`);
      case "root":
        throw badRequest("DISK_OBJ_22000", "Could not delete root folder");
      case "into-itself":
        throw badRequest("ERROR_ARGUMENT", "Could not move or copy a folder into itself");
      case "other-file":
        throw badRequest("DISK_FILE_22004", "Cannot restore version from another file");
    }
  }
}

/** disk.folder.getchildren / disk.storage.getchildren: live children through the query engine. */
function children(ctx: MethodContext, folderId: number) {
  const rows = disk(ctx).childrenOf(folderId);
  const byId = new Map(rows.map((r) => [Number(r.ID), r]));
  const ids = [...byId.keys()];
  const source: RowSource = {
    idsBetween(lo, hi): IdRun {
      const run = ids.filter((id) => id >= lo && id <= hi);
      return { length: run.length, at: (i) => run[i] };
    },
    get: (id) => byId.get(id),
  };
  const fields = { fields: objectEntity.fields };
  const page = runQuery(source, fields, {
    filter: parseFilter(diskDialect.param(ctx.params, "filter"), fields, diskDialect.filter),
    order: parseOrder(diskDialect.param(ctx.params, "order"), fields),
    start: readStart(diskDialect.param(ctx.params, "start")),
  });
  return diskDialect.list(page.rows.map((row) => show(ctx, row)), page);
}

/** The bytes of `fileContent`: Base64, or [name, Base64] (OpenIntegrations' form). */
function fileContent(ctx: MethodContext): { name: string; bytes: Buffer } | null {
  const content = diskDialect.param(ctx.params, "fileContent");
  if (isBlank(content)) return null;
  const pair = Array.isArray(content) ? content : typeof content === "object" && content ? Object.values(content) : [undefined, content];
  if (typeof pair[1] !== "string" || !/^[A-Za-z0-9+/=\s_-]*$/.test(pair[1])) throw badRequest("ERROR_ARGUMENT", "Invalid value of parameter {fileContent}");
  return { name: textParam(pair[0]), bytes: Buffer.from(pair[1], "base64") };
}

/**
 * disk.folder.uploadfile / disk.storage.uploadfile. With `fileContent` the file is stored at once
 * and its object answered; without, a one-time upload link: {field, uploadUrl}, a link that
 * carries its own authorisation (no webhook secret, no token), as Bitrix24's pre-signed URL does.
 */
function uploadInto(ctx: MethodContext, folder: DiskRow) {
  const rights = diskDialect.param(ctx.params, "rights");
  if (!isBlank(rights) && typeof rights !== "object") throw badRequest("ERROR_ARGUMENT", "Invalid rights format");
  const ticket = { folderId: Number(folder.ID), userId: ctx.userId, uniqueName: yesNo(diskDialect.param(ctx.params, "generateUniqueName"), false) };
  const content = fileContent(ctx);
  if (!content) return { field: "file", uploadUrl: `${ctx.portalUrl}/upload/${disk(ctx).issueUpload(ticket)}` };
  const name = dataName(ctx) || content.name;
  if (!name) throw badRequest("DISK_BASE_SERVICE_22001", "Error: required parameter NAME (DISK_BASE_SERVICE_22001)");
  const outcome = disk(ctx).upload(ticket, name, disk(ctx).bytes.put(content.bytes));
  if (!outcome.ok) throw badRequest("DISK_OBJ_22000", `A file named "${name}" already exists in this folder`);
  ctx.state.changes.emit({ kind: "disk", action: "add" });
  return show(ctx, outcome.file, { made: true });
}

function addFolderInto(ctx: MethodContext, parent: DiskRow) {
  const name = dataName(ctx);
  if (!name) throw missing(ctx, "data[NAME]");
  return show(ctx, change(() => disk(ctx).addFolder(Number(parent.ID), name, ctx.userId)), { made: true });
}

function target(ctx: MethodContext): DiskRow {
  return folderArg(ctx, "targetFolderId");
}

const d = (handler: (ctx: MethodContext) => unknown): MethodHandler =>
  scoped("disk", (ctx) => {
    sync(ctx);
    return handler(ctx);
  });

/** The storage entity seen through its rights (getlist shows what the caller may use). */
const visibleStorages: EntityDef = { ...storageEntity, access: (ctx, _action, row) => (row ? canUseStorage(ctx, row) : true) };
const storageCrud = crudMethods({
  entity: visibleStorages,
  dialect: diskDialect,
  scope: "disk",
  store: (state) => state.disk.storages,
  methods: { get: "disk.storage.get", list: "disk.storage.getlist", fields: "disk.storage.getfields" },
});

export const diskMethods: Record<string, MethodHandler> = {
  ...Object.fromEntries(Object.entries(storageCrud).map(([name, handler]) => [name, d(handler)])),
  "disk.storage.gettypes": d(() => ["user", "common", "group"]),
  "disk.storage.getforapp": d((ctx) => {
    if (ctx.auth.type !== "oauth") throw forbidden("ACCESS_DENIED", "Access denied! Application context required");
    return renderStorage(disk(ctx).storage(STORAGE.APP)!);
  }),
  "disk.storage.rename": d((ctx) => {
    const storage = storageArg(ctx);
    const name = textArg(ctx, "newName");
    if (storage.ENTITY_TYPE !== "restapp") throw forbidden("ACCESS_DENIED", "Access denied (invalid type of storage)");
    return renderStorage(disk(ctx).renameStorage(Number(storage.ID), name));
  }),
  "disk.storage.getchildren": d((ctx) => children(ctx, Number(storageArg(ctx).ROOT_OBJECT_ID))),
  "disk.storage.addfolder": d((ctx) => addFolderInto(ctx, disk(ctx).get(Number(storageArg(ctx).ROOT_OBJECT_ID))!)),
  "disk.storage.uploadfile": d((ctx) => uploadInto(ctx, disk(ctx).get(Number(storageArg(ctx).ROOT_OBJECT_ID))!)),

  "disk.folder.getfields": d(() => diskDialect.fieldsAnswer!(folderFields)),
  "disk.folder.get": d((ctx) => show(ctx, folderArg(ctx))),
  "disk.folder.getchildren": d((ctx) => children(ctx, Number(folderArg(ctx).ID))),
  "disk.folder.addsubfolder": d((ctx) => addFolderInto(ctx, folderArg(ctx))),
  "disk.folder.uploadfile": d((ctx) => uploadInto(ctx, folderArg(ctx))),
  "disk.folder.copyto": d((ctx) => {
    const folder = folderArg(ctx);
    return show(ctx, change(() => disk(ctx).copy(Number(folder.ID), Number(target(ctx).ID), ctx.userId)), { made: true });
  }),
  "disk.folder.moveto": d((ctx) => {
    const folder = folderArg(ctx);
    return show(ctx, change(() => disk(ctx).move(Number(folder.ID), Number(target(ctx).ID), ctx.userId)), { numbers: ["PARENT_ID"] });
  }),
  "disk.folder.rename": d((ctx) => {
    const folder = folderArg(ctx);
    return show(ctx, change(() => disk(ctx).rename(Number(folder.ID), textArg(ctx, "newName"), ctx.userId)));
  }),
  "disk.folder.markdeleted": d((ctx) => show(ctx, change(() => disk(ctx).markDeleted(Number(folderArg(ctx).ID), ctx.userId)))),
  "disk.folder.restore": d((ctx) => show(ctx, change(() => disk(ctx).restoreFromTrash(Number(folderArg(ctx).ID), ctx.userId)))),
  "disk.folder.deletetree": d((ctx) => {
    change(() => disk(ctx).deleteForGood(Number(folderArg(ctx).ID)));
    return true;
  }),
  "disk.folder.getexternallink": d((ctx) => `${ctx.portalUrl}/~${disk(ctx).externalCode(Number(folderArg(ctx).ID))}`),

  "disk.file.getfields": d(() => diskDialect.fieldsAnswer!(fileFields)),
  "disk.file.get": d((ctx) => show(ctx, fileArg(ctx))),
  "disk.file.copyto": d((ctx) => {
    const file = fileArg(ctx);
    return show(ctx, change(() => disk(ctx).copy(Number(file.ID), Number(target(ctx).ID), ctx.userId)), { made: true });
  }),
  "disk.file.moveto": d((ctx) => {
    const file = fileArg(ctx);
    return show(ctx, change(() => disk(ctx).move(Number(file.ID), Number(target(ctx).ID), ctx.userId)), { numbers: ["PARENT_ID"] });
  }),
  "disk.file.rename": d((ctx) => {
    const file = fileArg(ctx);
    return show(ctx, change(() => disk(ctx).rename(Number(file.ID), textArg(ctx, "newName"), ctx.userId)));
  }),
  "disk.file.markdeleted": d((ctx) => show(ctx, change(() => disk(ctx).markDeleted(Number(fileArg(ctx).ID), ctx.userId)))),
  "disk.file.restore": d((ctx) => show(ctx, change(() => disk(ctx).restoreFromTrash(Number(fileArg(ctx).ID), ctx.userId)))),
  "disk.file.delete": d((ctx) => {
    change(() => disk(ctx).deleteForGood(Number(fileArg(ctx).ID)));
    return true;
  }),
  // Gone from the cloud since 09/2024 (GetFileExternalLink.json): the portal answers as the cloud does.
  "disk.file.getexternallink": d(() => {
    throw methodNotFound();
  }),
  "disk.file.uploadversion": d((ctx) => {
    const file = fileArg(ctx);
    const content = fileContent(ctx);
    if (!content) throw missing(ctx, "fileContent");
    return show(ctx, disk(ctx).uploadVersion(Number(file.ID), disk(ctx).bytes.put(content.bytes), ctx.userId), { numbers: ["GLOBAL_CONTENT_VERSION"] });
  }),
  "disk.file.getversions": d((ctx) => {
    const versions = disk(ctx).versionsOf(Number(fileArg(ctx).ID)).map((v) => renderVersion(v, ctx.portalUrl));
    return diskDialect.list(versions, { rows: [], total: versions.length });
  }),
  "disk.file.restorefromversion": d((ctx) => {
    const file = fileArg(ctx);
    const versionId = intParam(ctx, "versionId");
    if (!disk(ctx).versions.get(versionId)) throw errors.notFound(versionId);
    return show(ctx, change(() => disk(ctx).restoreVersion(Number(file.ID), versionId, ctx.userId)), { numbers: ["GLOBAL_CONTENT_VERSION"] });
  }),
  "disk.version.get": d((ctx) => {
    const id = intParam(ctx, "id");
    const version = disk(ctx).versions.get(id);
    if (!version) throw errors.notFound(id);
    object(ctx, Number(version.OBJECT_ID), "file");
    return renderVersion(version, ctx.portalUrl);
  }),
};
