// The page's "Drive" section: the JSON its view (assets/section-drive.js) reads from
// /ui/api/section/drive?path=…, from the Drive the disk methods serve (data/disk.ts):
//   ""                     the storages (users', the shared drive, the workgroup's, the application's, chat files)
//   "folder/<id>"          a folder's live children: folders first, then files, by name; files with their download link
//   "trash/<storageId>"    what was put in a storage's trash (DELETED_TYPE 3), newest first
// A developer's view of the whole portal (like the chats view): every storage is shown, whoever
// owns it. Download links are the files' own /download/<token> links (the DOWNLOAD_URL the disk
// methods print, on the page's own origin), never anything with the webhook secret.
import type { Row } from "../../engine/types.js";
import { DELETED } from "../../data/disk-entities.js";
import type { DiskRow } from "../../data/disk.js";
import type { PortalState } from "../../data/state.js";
import { atom } from "../../http/dates.js";
import { downloadPath } from "../../render/disk-render.js";
import type { WebDeps } from "../api.js";

/** How the Drive names a storage's kind (ENTITY_TYPE). */
const STORAGE_KINDS: Record<string, string> = { user: "User's drive", common: "Shared drive", group: "Workgroup drive", restapp: "Application drive", im: "Chat files" };

const when = (value: unknown): string | null => {
  const ms = value === undefined || value === null || value === "" ? NaN : Date.parse(String(value));
  return Number.isNaN(ms) ? null : atom(ms);
};

function userName(state: PortalState, id: unknown): string | null {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) return null;
  const user = state.getUser(n);
  return user ? `${user.firstName} ${user.lastName}`.trim() || `User ${n}` : `User ${n}`;
}

const positive = (text: string | undefined): number | null => (text && /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : null);

/** Every user has a storage: made for users that have none yet, as the disk methods do before they look. */
function sync(state: PortalState): void {
  state.disk.syncUsers(state.listUsers().map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}`.trim() || u.email })));
}

const allStorages = (state: PortalState): Row[] => state.disk.storages.all();

/** Every object of the Drive (folders and files, the trash too), in id order. */
const allObjects = (state: PortalState): DiskRow[] => state.disk.objects.all() as DiskRow[];

export function driveSection(deps: WebDeps, query: URLSearchParams): unknown {
  const { state } = deps;
  sync(state);
  const [head, arg, ...more] = (query.get("path") ?? "").split("/").filter(Boolean);
  const id = positive(arg);
  if (head === undefined) return storages(state);
  if (head === "folder" && id && more.length === 0) return folder(state, id);
  if (head === "trash" && id && more.length === 0) return trash(state, id);
  return { ready: true, view: "missing", what: [head, arg, ...more].join("/") };
}

function storageBrief(state: PortalState, storage: Row) {
  const type = String(storage.ENTITY_TYPE);
  return {
    id: Number(storage.ID),
    name: String(storage.NAME ?? ""),
    type,
    kind: STORAGE_KINDS[type] ?? type,
    owner: type === "user" ? userName(state, storage.ENTITY_ID) : null,
    rootId: Number(storage.ROOT_OBJECT_ID),
  };
}

function storages(state: PortalState) {
  const counts = new Map<number, { files: number; folders: number; bytes: number; trashed: number }>();
  for (const row of allObjects(state)) {
    if (row.PARENT_ID === null || row.PARENT_ID === undefined) continue; // a root folder is the storage itself
    const storageId = Number(row.STORAGE_ID);
    const count = counts.get(storageId) ?? { files: 0, folders: 0, bytes: 0, trashed: 0 };
    counts.set(storageId, count);
    if (Number(row.DELETED_TYPE) === DELETED.ROOT) count.trashed++;
    if (Number(row.DELETED_TYPE) !== DELETED.NONE) continue;
    if (row.TYPE === "file") {
      count.files++;
      count.bytes += Number(row.SIZE ?? 0);
    } else count.folders++;
  }
  return {
    ready: true,
    view: "storages",
    storages: allStorages(state).map((s) => ({ ...storageBrief(state, s), ...(counts.get(Number(s.ID)) ?? { files: 0, folders: 0, bytes: 0, trashed: 0 }) })),
  };
}

/** A folder or file as a row of the browser shows it. */
function entry(state: PortalState, row: DiskRow) {
  const isFile = row.TYPE === "file";
  return {
    id: Number(row.ID),
    name: String(row.NAME ?? ""),
    type: isFile ? "file" : "folder",
    size: isFile ? Number(row.SIZE ?? 0) : null,
    version: isFile ? Number(row.GLOBAL_CONTENT_VERSION ?? 1) : null,
    created: when(row.CREATE_TIME),
    updated: when(row.UPDATE_TIME),
    createdBy: userName(state, row.CREATED_BY),
    updatedBy: userName(state, row.UPDATED_BY),
    download: isFile ? downloadPath(row) : null,
  };
}

const byKindAndName = (a: DiskRow, b: DiskRow) =>
  (a.TYPE === b.TYPE ? 0 : a.TYPE === "folder" ? -1 : 1) || String(a.NAME).localeCompare(String(b.NAME)) || Number(a.ID) - Number(b.ID);

function folder(state: PortalState, id: number) {
  const row = state.disk.get(id);
  if (!row || row.TYPE !== "folder") return { ready: true, view: "missing", what: `folder ${id}` };
  const storage = state.disk.storage(Number(row.STORAGE_ID));
  // The way up: the storage's root first, this folder last.
  const path: { id: number; name: string }[] = [];
  for (let at: DiskRow | undefined = row; at; at = at.PARENT_ID == null ? undefined : state.disk.get(Number(at.PARENT_ID))) path.unshift({ id: Number(at.ID), name: String(at.NAME ?? "") });
  return {
    ready: true,
    view: "folder",
    storage: storage ? storageBrief(state, storage) : null,
    folder: { id, name: String(row.NAME ?? ""), deleted: Number(row.DELETED_TYPE) !== DELETED.NONE, chatId: state.disk.chatOf(row) },
    path,
    children: state.disk.childrenOf(id).sort(byKindAndName).map((child) => entry(state, child)),
  };
}

function trash(state: PortalState, storageId: number) {
  const storage = state.disk.storage(storageId);
  if (!storage) return { ready: true, view: "missing", what: `storage ${storageId}` };
  const trashed = allObjects(state)
    .filter((row) => Number(row.STORAGE_ID) === storageId && Number(row.DELETED_TYPE) === DELETED.ROOT)
    .sort((a, b) => String(b.DELETE_TIME ?? "").localeCompare(String(a.DELETE_TIME ?? "")) || Number(b.ID) - Number(a.ID));
  return {
    ready: true,
    view: "trash",
    storage: storageBrief(state, storage),
    items: trashed.map((row) => ({
      ...entry(state, row),
      deleted: when(row.DELETE_TIME),
      deletedBy: userName(state, row.DELETED_BY),
      // Where it was: the folder it would be restored into.
      from: state.disk.pathOf(state.disk.get(Number(row.PARENT_ID)) ?? row),
      // What went to the trash with it (not what was trashed on its own before: that stays listed apart).
      inside: row.TYPE === "folder" ? state.disk.subtree(Number(row.ID)).filter((r) => Number(r.DELETED_TYPE) === DELETED.CHILD).length : 0,
    })),
  };
}
