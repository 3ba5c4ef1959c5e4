// The portal's Drive on the engine: storages (users', a workgroup's, the common one, the
// application's, and the chat storage), one tree of disk objects (folders and files in one id
// space, rows of data/disk-entities.ts in engine stores), file versions, and the bytes in a
// content-addressed byte store (disk-bytes.ts). Copies share bytes; a blob is dropped when no file
// or version refers to it any more. The trash is Bitrix24's: an object put in the trash gets
// DELETED_TYPE 3, the objects inside it 4; restoring it brings back the 4s (not what was trashed on
// its own before), deleting for good removes the whole subtree. Chat folders (im.disk.folder.get)
// are folders of the chat storage. Like PortalState, this knows nothing about HTTP or errors: a
// refused change throws DiskConflict, which the methods turn into Bitrix24's error.
//
// Persistence (--data): the four stores (storages, objects, versions, pending upload links) are the
// portal's engine stores (state.stores), written row by row as they change; the bytes are written
// blob by blob (persist-kinds.ts, `disk.blobs`). When persistence loads saved rows into a store, the
// Drive rebuilds its indexes and counts each blob's references again before it is next used.
import { createHash, randomBytes } from "node:crypto";
import type { StoreRegistry } from "../engine/registry.js";
import { EntityStore, type StoreSnapshot } from "../engine/store.js";
import type { Row } from "../engine/types.js";
import { MemoryByteStore, type BlobInfo, type ByteStore } from "./disk-bytes.js";
import { DELETED, objectEntity, storageEntity, uploadEntity, versionEntity } from "./disk-entities.js";

/** A disk object's row (folder or file), REST-named. */
export type DiskRow = Row;

/** The storages every portal has, with fixed ids (user storages come after them). */
export const STORAGE = { COMMON: 1, GROUP: 2, APP: 3, CHAT: 4 } as const;
/** The storage holding chat folders (Bitrix24 keeps them in a storage of the "im" module). */
export const CHAT_STORAGE_ID = STORAGE.CHAT;

const FIXED: Record<number, { NAME: string; MODULE_ID: string; ENTITY_TYPE: string; ENTITY_ID: string }> = {
  [STORAGE.COMMON]: { NAME: "Shared drive", MODULE_ID: "disk", ENTITY_TYPE: "common", ENTITY_ID: "shared_files_s1" },
  [STORAGE.GROUP]: { NAME: "Workgroup", MODULE_ID: "disk", ENTITY_TYPE: "group", ENTITY_ID: "1" },
  [STORAGE.APP]: { NAME: "Application", MODULE_ID: "disk", ENTITY_TYPE: "restapp", ENTITY_ID: "1" },
  [STORAGE.CHAT]: { NAME: "Chat files", MODULE_ID: "im", ENTITY_TYPE: "im", ENTITY_ID: "im" },
};

export type ConflictReason = "name-taken" | "root" | "into-itself" | "other-file";

/** A change Bitrix24 refuses (a taken name, the root folder, a folder into itself). */
export class DiskConflict extends Error {
  constructor(
    readonly reason: ConflictReason,
    readonly kind: "folder" | "file" = "file",
  ) {
    super(reason);
  }
}

/** A pending upload: the folder and user it was issued for; usable once. */
export interface UploadTicket {
  folderId: number;
  userId: number;
  /** generateUniqueName: rename instead of refusing a taken name. */
  uniqueName: boolean;
}

export type UploadOutcome = { ok: true; file: DiskRow } | { ok: false; reason: "unknown-ticket" | "name-taken" };

// ---- the saved form of the first release (persist-schema.ts's disk tables) ----

export interface DiskFolderRecord {
  id: number;
  name: string;
  storageId: number;
  parentId: number | null;
  chatId: number | null;
  createdBy: number;
  createTime: Date;
}

export interface DiskFileRecord {
  id: number;
  name: string;
  storageId: number;
  parentId: number;
  fileId: number;
  bytes: Buffer;
  createdBy: number;
  updatedBy: number;
  createTime: Date;
  updateTime: Date;
  uniqueCode: string;
  downloadToken: string;
}

/** What a file of the first release holds of the Drive (persist-schema.ts reads it; DiskStore.restore loads it). */
export interface DiskSnapshot {
  folders: DiskFolderRecord[];
  files: DiskFileRecord[];
  tickets: (UploadTicket & { token: string })[];
  counters: { nextObjectId: number; nextFileId: number };
}

/** An engine store of the Drive: persistence loading rows into it (load) marks the Drive's indexes stale. */
class DriveStore extends EntityStore {
  constructor(
    entity: string,
    private readonly loaded: () => void,
  ) {
    super(entity);
  }

  override load(rows: Row[], counters: Record<string, number>): void {
    super.load(rows, counters);
    this.loaded();
  }
}

/** A saved blob (persist-kinds.ts `disk.blobs`): its bytes as Base64. */
export interface BlobRow {
  SIZE: number;
  BYTES: string;
}

export class DiskStore {
  /** Saved rows were loaded (or blobs added) since the indexes were built: rebuild before the next use. */
  private stale = false;
  private readonly markStale = () => (this.stale = true);
  readonly storages: EntityStore = new DriveStore(storageEntity.name, this.markStale);
  readonly objects: EntityStore = new DriveStore(objectEntity.name, this.markStale);
  readonly versions: EntityStore = new DriveStore(versionEntity.name, this.markStale);
  /** Pending upload links, by their token (one-time; kept across a restart with --data). */
  readonly uploads: EntityStore = new DriveStore(uploadEntity.name, this.markStale);
  /** The most bytes an upload held in the portal's own buffers besides the stored blob (disk-routes.ts). */
  readonly uploadStats = { peakBufferedBytes: 0, streamedUploads: 0 };

  private byteStore!: ByteStore;
  private readonly blobListeners: ((hash: string) => void)[] = [];
  private uploadsByToken = new Map<string, number>();
  private children = new Map<number, Set<number>>();
  private chatFolders = new Map<number, number>();
  private downloadTokens = new Map<string, number>();
  private byExternalCode = new Map<string, number>();
  private userStorages = new Map<number, number>();

  private booted = false;

  /** With the portal's store registry, its stores are the portal's engine stores (persisted with --data). */
  constructor(
    private readonly now: () => Date,
    stores?: StoreRegistry,
  ) {
    this.bytes = new MemoryByteStore();
    if (stores) {
      stores.add(this.storages, storageEntity);
      stores.add(this.objects, objectEntity);
      stores.add(this.versions, versionEntity);
      stores.add(this.uploads, uploadEntity);
    }
  }

  /** File contents; another ByteStore (on disk, in SQLite) can take its place before anything is stored. */
  get bytes(): ByteStore {
    return this.byteStore;
  }

  set bytes(store: ByteStore) {
    this.byteStore = store;
    store.onChange((hash) => {
      if (this.byteStore === store) for (const listener of this.blobListeners) listener(hash);
    });
  }

  // ---- the bytes, blob by blob, for persistence (persist-kinds.ts) ----

  /** Calls `listener` with a blob's name when it is stored or dropped. */
  onBlobChange(listener: (hash: string) => void): void {
    this.blobListeners.push(listener);
  }

  blobHashes(): string[] {
    return this.bytes.hashes();
  }

  /** A blob as it is saved; undefined when it is gone. */
  blobRow(hash: string): BlobRow | undefined {
    const bytes = this.bytes.read(hash);
    return bytes && { SIZE: bytes.length, BYTES: bytes.toString("base64") };
  }

  /** Saved blobs, stored again; their references are counted when the Drive is next used. */
  loadBlobs(rows: readonly BlobRow[]): void {
    for (const row of rows) this.bytes.put(Buffer.from(row.BYTES, "base64"));
    this.stale = true;
  }

  /** Indexes built again and references counted after saved rows were loaded; then the fixed storages. */
  private ready(): void {
    if (this.stale) {
      this.stale = false;
      this.reindex();
      const refs = new Map<string, number>();
      const count = (store: EntityStore, isBlob: (row: Row) => boolean) => {
        for (const row of store.all()) if (isBlob(row)) refs.set(String(row.CONTENT), (refs.get(String(row.CONTENT)) ?? 0) + 1);
      };
      count(this.objects, (row) => row.TYPE === "file");
      count(this.versions, () => true);
      this.bytes.recount(refs);
    }
    this.boot();
  }

  /** The fixed storages, made on first use (the portal's clock is not running while it is built). */
  private boot(): void {
    if (this.booted) return;
    this.booted = true;
    for (const id of Object.keys(FIXED).map(Number)) if (!this.storages.get(id)) this.makeStorage(FIXED[id], 1);
  }

  // ---- storages ----

  /** Every user has a storage (made on first use, named after the user). */
  syncUsers(users: readonly { id: number; name: string }[]): void {
    this.ready();
    for (const user of users) if (!this.userStorages.has(user.id)) this.userStorages.set(user.id, this.makeStorage({ NAME: user.name, MODULE_ID: "disk", ENTITY_TYPE: "user", ENTITY_ID: String(user.id) }, user.id));
  }

  userStorage(userId: number): Row | undefined {
    this.ready();
    const id = this.userStorages.get(userId);
    return id === undefined ? undefined : this.storages.get(id);
  }

  storage(id: number): Row | undefined {
    this.ready();
    return this.storages.get(id);
  }

  /** Renames a storage and its root folder. */
  renameStorage(id: number, name: string): Row {
    const storage = this.storages.get(id)!;
    this.storages.replace(id, { ...storage, NAME: name });
    const root = this.objects.get(Number(storage.ROOT_OBJECT_ID));
    if (root) this.objects.replace(Number(root.ID), { ...root, NAME: name });
    return this.storages.get(id)!;
  }

  private makeStorage(fields: { NAME: string; MODULE_ID: string; ENTITY_TYPE: string; ENTITY_ID: string }, ownerId: number): number {
    const id = this.storages.insert({ ...fields, CODE: null, ROOT_OBJECT_ID: 0 });
    const time = this.now().toISOString();
    const root = this.insertObject({ NAME: fields.NAME, TYPE: "folder", STORAGE_ID: id, PARENT_ID: null, CREATE_TIME: time, UPDATE_TIME: time, CREATED_BY: ownerId, UPDATED_BY: ownerId });
    this.storages.replace(id, { ...this.storages.get(id)!, ROOT_OBJECT_ID: root });
    return id;
  }

  // ---- reading the tree ----

  get(id: number): DiskRow | undefined {
    this.ready();
    return this.objects.get(id);
  }

  getFolder(id: number): DiskRow | undefined {
    const row = this.objects.get(id);
    return row?.TYPE === "folder" ? row : undefined;
  }

  getFile(id: number): DiskRow | undefined {
    const row = this.objects.get(id);
    return row?.TYPE === "file" ? row : undefined;
  }

  isRoot(row: DiskRow): boolean {
    return row.PARENT_ID === null || row.PARENT_ID === undefined;
  }

  /** The objects directly in a folder, by ascending id (those in the trash too when asked). */
  childrenOf(folderId: number, withDeleted = false): DiskRow[] {
    const ids = [...(this.children.get(folderId) ?? [])].sort((a, b) => a - b);
    return ids.map((id) => this.objects.get(id)!).filter((row) => row && (withDeleted || row.DELETED_TYPE === DELETED.NONE));
  }

  /** The folder and everything under it, parents before children. */
  subtree(id: number): DiskRow[] {
    const out: DiskRow[] = [];
    const walk = (rowId: number) => {
      const row = this.objects.get(rowId);
      if (!row) return;
      out.push(row);
      for (const child of [...(this.children.get(rowId) ?? [])].sort((a, b) => a - b)) walk(child);
    };
    walk(id);
    return out;
  }

  /** Names from below the storage's root down to the object ("Folder/Sub/file.txt"). */
  pathOf(row: DiskRow): string {
    const names: string[] = [];
    for (let at: DiskRow | undefined = row; at && !this.isRoot(at); at = this.objects.get(Number(at.PARENT_ID))) names.unshift(String(at.NAME));
    return names.join("/");
  }

  /** The chat a folder or file belongs to through its chat folder, if any. */
  chatOf(row: DiskRow): number | null {
    for (let at: DiskRow | undefined = row; at; at = at.PARENT_ID == null ? undefined : this.objects.get(Number(at.PARENT_ID))) {
      if (at.CHAT_ID != null) return Number(at.CHAT_ID);
    }
    return null;
  }

  /** The file (and the version, for a version's link) a download link serves. */
  byDownloadToken(token: string): { file: DiskRow; version?: Row } | undefined {
    this.ready();
    const id = this.downloadTokens.get(token);
    if (id === undefined) return undefined;
    if (id > 0) {
      const file = this.objects.get(id);
      return file && { file };
    }
    const version = this.versions.get(-id);
    const file = version && this.objects.get(Number(version.OBJECT_ID));
    return version && file ? { version, file } : undefined;
  }

  byExternalLink(code: string): DiskRow | undefined {
    this.ready();
    const id = this.byExternalCode.get(code);
    return id === undefined ? undefined : this.objects.get(id);
  }

  /** The chat's files folder, created on first use. */
  chatFolder(chatId: number, userId: number): DiskRow {
    this.ready();
    const existing = this.chatFolders.get(chatId);
    if (existing !== undefined && this.objects.get(existing)) return this.objects.get(existing)!;
    const root = Number(this.storages.get(STORAGE.CHAT)!.ROOT_OBJECT_ID);
    const time = this.now().toISOString();
    const id = this.insertObject({ NAME: `chat${chatId}`, TYPE: "folder", STORAGE_ID: STORAGE.CHAT, PARENT_ID: root, CREATE_TIME: time, UPDATE_TIME: time, CREATED_BY: userId, UPDATED_BY: userId, CHAT_ID: chatId });
    return this.objects.get(id)!;
  }

  // ---- changing the tree ----

  addFolder(parentId: number, name: string, userId: number): DiskRow {
    const parent = this.objects.get(parentId)!;
    if (this.nameTaken(parentId, name)) throw new DiskConflict("name-taken", "folder");
    const time = this.now().toISOString();
    return this.objects.get(this.insertObject({ NAME: name, TYPE: "folder", STORAGE_ID: parent.STORAGE_ID, PARENT_ID: parentId, CREATE_TIME: time, UPDATE_TIME: time, CREATED_BY: userId, UPDATED_BY: userId }))!;
  }

  /** Stores a file whose bytes are in the byte store already (retained once for it). */
  addFile(parentId: number, name: string, blob: BlobInfo, userId: number, uniqueName = false): DiskRow {
    const parent = this.objects.get(parentId)!;
    let finalName = name;
    if (this.nameTaken(parentId, name)) {
      if (!uniqueName) {
        this.bytes.release(blob.hash);
        throw new DiskConflict("name-taken", "file");
      }
      finalName = this.uniqueName(parentId, name);
    }
    const time = this.now().toISOString();
    const id = this.insertObject({
      NAME: finalName,
      TYPE: "file",
      STORAGE_ID: parent.STORAGE_ID,
      PARENT_ID: parentId,
      GLOBAL_CONTENT_VERSION: 1,
      FILE_ID: this.objects.next("FILE_ID"),
      SIZE: blob.size,
      CREATE_TIME: time,
      UPDATE_TIME: time,
      CREATED_BY: userId,
      UPDATED_BY: userId,
      CONTENT: blob.hash,
      UNIQUE_CODE: randomBytes(15).toString("base64url").slice(0, 20),
    });
    this.addVersion(this.objects.get(id)!, userId);
    return this.objects.get(id)!;
  }

  /** A file's new contents (disk.file.uploadversion): a new version, the old ones kept. */
  uploadVersion(id: number, blob: BlobInfo, userId: number): DiskRow {
    const file = this.objects.get(id)!;
    this.bytes.release(String(file.CONTENT));
    const row = { ...file, CONTENT: blob.hash, SIZE: blob.size, FILE_ID: this.objects.next("FILE_ID"), GLOBAL_CONTENT_VERSION: Number(file.GLOBAL_CONTENT_VERSION) + 1, UPDATE_TIME: this.now().toISOString(), UPDATED_BY: userId };
    this.objects.replace(id, row);
    this.addVersion(row, userId);
    return this.objects.get(id)!;
  }

  /** The file's contents of an earlier version become its newest version. */
  restoreVersion(id: number, versionId: number, userId: number): DiskRow {
    const version = this.versions.get(versionId)!;
    if (Number(version.OBJECT_ID) !== id) throw new DiskConflict("other-file");
    this.bytes.retain(String(version.CONTENT));
    return this.uploadVersion(id, this.bytes.info(String(version.CONTENT))!, userId);
  }

  versionsOf(id: number): Row[] {
    return this.versions.all().filter((row) => Number(row.OBJECT_ID) === id);
  }

  rename(id: number, name: string, userId: number): DiskRow {
    const row = this.objects.get(id)!;
    if (this.isRoot(row)) throw new DiskConflict("root", kindOf(row));
    if (String(row.NAME) === name) return row;
    if (this.nameTaken(Number(row.PARENT_ID), name, id)) throw new DiskConflict("name-taken", kindOf(row));
    this.objects.replace(id, { ...row, NAME: name, UPDATE_TIME: this.now().toISOString(), UPDATED_BY: userId });
    return this.objects.get(id)!;
  }

  /** Moves an object (with everything in it) into another folder, of any storage. */
  move(id: number, targetId: number, userId: number): DiskRow {
    const row = this.objects.get(id)!;
    if (this.isRoot(row)) throw new DiskConflict("root", kindOf(row));
    if (Number(row.PARENT_ID) === targetId) return row;
    if (this.isInside(targetId, id)) throw new DiskConflict("into-itself", kindOf(row));
    if (this.nameTaken(targetId, String(row.NAME), id)) throw new DiskConflict("name-taken", kindOf(row));
    const target = this.objects.get(targetId)!;
    this.children.get(Number(row.PARENT_ID))?.delete(id);
    this.childSet(targetId).add(id);
    this.objects.replace(id, { ...row, PARENT_ID: targetId, STORAGE_ID: target.STORAGE_ID, UPDATE_TIME: this.now().toISOString(), UPDATED_BY: userId });
    if (target.STORAGE_ID !== row.STORAGE_ID) for (const inner of this.subtree(id).slice(1)) this.objects.replace(Number(inner.ID), { ...inner, STORAGE_ID: target.STORAGE_ID });
    return this.objects.get(id)!;
  }

  /** A deep copy into another folder: folders copied with what is in them (not what is in the trash), files sharing bytes. */
  copy(id: number, targetId: number, userId: number): DiskRow {
    const row = this.objects.get(id)!;
    if (this.isRoot(row)) throw new DiskConflict("root", kindOf(row));
    if (this.isInside(targetId, id)) throw new DiskConflict("into-itself", kindOf(row));
    if (this.nameTaken(targetId, String(row.NAME))) throw new DiskConflict("name-taken", kindOf(row));
    return this.objects.get(this.copyInto(row, targetId, userId))!;
  }

  private copyInto(row: DiskRow, targetId: number, userId: number): number {
    const target = this.objects.get(targetId)!;
    const time = this.now().toISOString();
    const common = { NAME: row.NAME, TYPE: row.TYPE, STORAGE_ID: target.STORAGE_ID, PARENT_ID: targetId, CREATE_TIME: time, UPDATE_TIME: time, CREATED_BY: userId, UPDATED_BY: userId };
    if (row.TYPE === "file") {
      this.bytes.retain(String(row.CONTENT));
      const id = this.insertObject({ ...common, GLOBAL_CONTENT_VERSION: 1, FILE_ID: this.objects.next("FILE_ID"), SIZE: row.SIZE, CONTENT: row.CONTENT, UNIQUE_CODE: randomBytes(15).toString("base64url").slice(0, 20) });
      this.addVersion(this.objects.get(id)!, userId);
      return id;
    }
    const id = this.insertObject(common);
    for (const child of this.childrenOf(Number(row.ID))) this.copyInto(child, id, userId);
    return id;
  }

  /** Puts an object in the trash: it gets DELETED_TYPE 3, what is in it (not trashed yet) 4. */
  markDeleted(id: number, userId: number): DiskRow {
    const row = this.objects.get(id)!;
    if (this.isRoot(row)) throw new DiskConflict("root", kindOf(row));
    if (row.DELETED_TYPE !== DELETED.NONE) return row;
    const time = this.now().toISOString();
    const trash = { DELETE_TIME: time, DELETED_BY: userId };
    this.objects.replace(id, { ...row, ...trash, DELETED_TYPE: DELETED.ROOT });
    for (const inner of this.subtree(id).slice(1)) {
      if (inner.DELETED_TYPE === DELETED.NONE) this.objects.replace(Number(inner.ID), { ...inner, ...trash, DELETED_TYPE: DELETED.CHILD });
    }
    return this.objects.get(id)!;
  }

  /**
   * Takes an object out of the trash with what went there with it (DELETED_TYPE 4 under it), not
   * what was trashed on its own before. Folders above it that are in the trash come back too (only
   * those, so it is where it was); a name taken meanwhile gets " (1)".
   */
  restoreFromTrash(id: number, userId: number): DiskRow {
    const row = this.objects.get(id)!;
    if (row.DELETED_TYPE === DELETED.NONE) return row;
    const time = this.now().toISOString();
    for (let parent = this.objects.get(Number(row.PARENT_ID)); parent && parent.DELETED_TYPE !== DELETED.NONE; parent = this.objects.get(Number(parent.PARENT_ID))) {
      this.objects.replace(Number(parent.ID), { ...parent, DELETED_TYPE: DELETED.NONE, UPDATE_TIME: time, UPDATED_BY: userId });
    }
    const name = this.nameTaken(Number(row.PARENT_ID), String(row.NAME), id) ? this.uniqueName(Number(row.PARENT_ID), String(row.NAME)) : row.NAME;
    this.objects.replace(id, { ...row, NAME: name, DELETED_TYPE: DELETED.NONE, UPDATE_TIME: time, UPDATED_BY: userId });
    const walk = (folderId: number) => {
      for (const child of this.childrenOf(folderId, true)) {
        if (child.DELETED_TYPE !== DELETED.CHILD) continue;
        this.objects.replace(Number(child.ID), { ...child, DELETED_TYPE: DELETED.NONE });
        walk(Number(child.ID));
      }
    };
    walk(id);
    return this.objects.get(id)!;
  }

  /** Deletes an object for good, with everything in it; bytes no file refers to any more are dropped. */
  deleteForGood(id: number): void {
    const row = this.objects.get(id)!;
    if (this.isRoot(row)) throw new DiskConflict("root", kindOf(row));
    for (const inner of this.subtree(id).reverse()) {
      const innerId = Number(inner.ID);
      if (inner.TYPE === "file") {
        this.bytes.release(String(inner.CONTENT));
        for (const version of this.versionsOf(innerId)) this.dropVersion(version);
      }
      this.children.get(Number(inner.PARENT_ID))?.delete(innerId);
      this.children.delete(innerId);
      if (inner.CHAT_ID != null) this.chatFolders.delete(Number(inner.CHAT_ID));
      if (inner.DOWNLOAD_TOKEN) this.downloadTokens.delete(String(inner.DOWNLOAD_TOKEN));
      if (inner.EXTERNAL_CODE) this.byExternalCode.delete(String(inner.EXTERNAL_CODE));
      this.objects.delete(innerId);
    }
  }

  /** The object's public link code, made on first use. */
  externalCode(id: number): string {
    const row = this.objects.get(id)!;
    if (row.EXTERNAL_CODE) return String(row.EXTERNAL_CODE);
    const code = randomBytes(4).toString("base64url").slice(0, 5);
    this.objects.replace(id, { ...row, EXTERNAL_CODE: code });
    this.byExternalCode.set(code, id);
    return code;
  }

  // ---- uploads by link (disk.folder.uploadFile without fileContent) ----

  /** Issues a one-time upload token for the folder. */
  issueUpload(ticket: UploadTicket): string {
    this.ready();
    const token = randomBytes(24).toString("hex");
    this.uploadsByToken.set(token, this.uploads.insert({ TOKEN: token, FOLDER_ID: ticket.folderId, USER_ID: ticket.userId, UNIQUE_NAME: ticket.uniqueName }));
    return token;
  }

  /** Takes (spends) an upload ticket. */
  takeTicket(token: string): UploadTicket | undefined {
    this.ready();
    const id = this.uploadsByToken.get(token);
    const row = id === undefined ? undefined : this.uploads.get(id);
    if (id === undefined || !row) return undefined;
    this.uploadsByToken.delete(token);
    this.uploads.delete(id);
    return { folderId: Number(row.FOLDER_ID), userId: Number(row.USER_ID), uniqueName: row.UNIQUE_NAME === true };
  }

  /** Stores bytes under the ticket's folder; the ticket is spent whatever the outcome. */
  completeUpload(token: string, name: string, bytes: Buffer): UploadOutcome {
    const ticket = this.takeTicket(token);
    if (!ticket) return { ok: false, reason: "unknown-ticket" };
    return this.upload(ticket, name, this.bytes.put(bytes));
  }

  /** Files a stored blob under a ticket's folder (the blob was retained once for it). */
  upload(ticket: UploadTicket, name: string, blob: BlobInfo): UploadOutcome {
    if (!this.getFolder(ticket.folderId)) {
      this.bytes.release(blob.hash);
      return { ok: false, reason: "unknown-ticket" };
    }
    try {
      return { ok: true, file: this.addFile(ticket.folderId, name, blob, ticket.userId, ticket.uniqueName) };
    } catch (error) {
      if (error instanceof DiskConflict) return { ok: false, reason: "name-taken" };
      throw error;
    }
  }

  /** A copy of a file in another folder under a free name (im.disk.file.commit of a file from elsewhere). */
  copyFile(file: DiskRow, folderId: number, userId: number): DiskRow {
    this.bytes.retain(String(file.CONTENT));
    return this.addFile(folderId, this.uniqueName(folderId, String(file.NAME)), this.bytes.info(String(file.CONTENT))!, userId);
  }

  /** The file's bytes as one Buffer. */
  bytesOf(file: DiskRow): Buffer {
    return this.bytes.read(String(file.CONTENT)) ?? Buffer.alloc(0);
  }

  /** The file's etag: md5 of the content. */
  etagOf(file: DiskRow): string {
    return this.bytes.info(String(file.CONTENT))?.md5 ?? createHash("md5").digest("hex");
  }

  // ---- the first release's tables (persist-schema.ts): a schema-1 file is read through restore() ----
  // They hold folders and files with their bytes, tickets and counters. What they have no column
  // for is rebuilt on load: storages from their root folders (fixed ids 1-4, then users' roots by
  // their creator), one version per file. Files of this release keep the stores as they are.

  restore(saved: DiskSnapshot): void {
    const time = (d: Date) => d.toISOString();
    this.bytes = new MemoryByteStore();
    const rows: Row[] = [
      ...saved.folders.map((f) => ({ ID: f.id, NAME: f.name, TYPE: "folder", STORAGE_ID: f.storageId, REAL_OBJECT_ID: f.id, PARENT_ID: f.parentId, DELETED_TYPE: 0, CREATE_TIME: time(f.createTime), UPDATE_TIME: time(f.createTime), CREATED_BY: f.createdBy, UPDATED_BY: f.createdBy, DELETED_BY: 0, ...(f.chatId === null ? {} : { CHAT_ID: f.chatId }) })),
      ...saved.files.map((f) => ({ ID: f.id, NAME: f.name, TYPE: "file", STORAGE_ID: f.storageId, PARENT_ID: f.parentId, DELETED_TYPE: 0, GLOBAL_CONTENT_VERSION: 1, FILE_ID: f.fileId, SIZE: f.bytes.length, CREATE_TIME: time(f.createTime), UPDATE_TIME: time(f.updateTime), CREATED_BY: f.createdBy, UPDATED_BY: f.updatedBy, DELETED_BY: 0, CONTENT: this.bytes.put(f.bytes).hash, UNIQUE_CODE: f.uniqueCode, DOWNLOAD_TOKEN: f.downloadToken })),
    ];
    const maxFileId = saved.files.reduce((m, f) => Math.max(m, f.fileId), 0);
    this.objects.restore(snapshotOf(objectEntity.name, rows, { ID: saved.counters.nextObjectId, FILE_ID: Math.max(saved.counters.nextFileId, maxFileId + 1) }));
    this.versions.restore(snapshotOf(versionEntity.name, [], {}));
    this.storages.restore(snapshotOf(storageEntity.name, [], {}));
    this.reindex();
    // Storages from their roots: the fixed ones by id, the rest are users' (the root's creator).
    const roots = rows.filter((r) => r.PARENT_ID == null && r.CHAT_ID == null && r.TYPE === "folder");
    const storageRows = roots.map((r) => {
      const id = Number(r.STORAGE_ID);
      const fixed = FIXED[id] ?? { NAME: String(r.NAME), MODULE_ID: "disk", ENTITY_TYPE: "user", ENTITY_ID: String(r.CREATED_BY) };
      return { ID: id, ...fixed, NAME: String(r.NAME), CODE: null, ROOT_OBJECT_ID: Number(r.ID) };
    });
    const nextStorage = Math.max(STORAGE.CHAT, ...storageRows.map((s) => Number(s.ID))) + 1;
    this.storages.restore(snapshotOf(storageEntity.name, storageRows, { ID: nextStorage }));
    this.booted = true;
    for (const id of Object.keys(FIXED).map(Number)) {
      if (this.storages.get(id)) continue;
      // A database of the first release: storages came later; the chat folders were roots then.
      const time = this.now().toISOString();
      const root = this.insertObject({ NAME: FIXED[id].NAME, TYPE: "folder", STORAGE_ID: id, PARENT_ID: null, CREATE_TIME: time, UPDATE_TIME: time, CREATED_BY: 1, UPDATED_BY: 1 });
      const snap = this.storages.snapshot();
      snap.rows.push({ ID: id, ...FIXED[id], CODE: null, ROOT_OBJECT_ID: root });
      this.storages.restore(snap);
    }
    const chatRoot = Number(this.storages.get(STORAGE.CHAT)!.ROOT_OBJECT_ID);
    for (const r of rows) if (r.CHAT_ID != null && r.PARENT_ID == null) this.objects.replace(Number(r.ID), { ...this.objects.get(Number(r.ID))!, PARENT_ID: chatRoot, STORAGE_ID: STORAGE.CHAT });
    for (const file of rows.filter((r) => r.TYPE === "file")) this.addVersion(this.objects.get(Number(file.ID))!, Number(file.CREATED_BY));
    this.uploads.restore(
      snapshotOf(
        uploadEntity.name,
        saved.tickets.map((t, i) => ({ ID: i + 1, TOKEN: t.token, FOLDER_ID: t.folderId, USER_ID: t.userId, UNIQUE_NAME: t.uniqueName })),
        { ID: saved.tickets.length + 1 },
      ),
    );
    this.reindex();
  }

  // ---- inside ----

  private insertObject(row: Row): number {
    const full: Row = { CODE: null, DELETED_TYPE: DELETED.NONE, DELETE_TIME: null, DELETED_BY: 0, ...row };
    if (full.TYPE === "file") full.DOWNLOAD_TOKEN = randomBytes(24).toString("hex");
    const id = this.objects.insert(full);
    const stored = this.objects.get(id)!;
    if (stored.TYPE === "folder") this.objects.replace(id, { ...stored, REAL_OBJECT_ID: id });
    if (full.PARENT_ID != null) this.childSet(Number(full.PARENT_ID)).add(id);
    if (full.CHAT_ID != null) this.chatFolders.set(Number(full.CHAT_ID), id);
    if (full.DOWNLOAD_TOKEN) this.downloadTokens.set(String(full.DOWNLOAD_TOKEN), id);
    return id;
  }

  private addVersion(file: DiskRow, userId: number): void {
    // The file holds one reference to its content; each version holds one more.
    this.bytes.retain(String(file.CONTENT));
    const token = randomBytes(24).toString("hex");
    const id = this.versions.insert({ OBJECT_ID: file.ID, SIZE: file.SIZE, NAME: file.NAME, GLOBAL_CONTENT_VERSION: file.GLOBAL_CONTENT_VERSION, CREATE_TIME: this.now().toISOString(), CREATED_BY: userId, FILE_ID: file.FILE_ID, CONTENT: file.CONTENT, DOWNLOAD_TOKEN: token });
    this.downloadTokens.set(token, -id);
  }

  private dropVersion(version: Row): void {
    this.bytes.release(String(version.CONTENT));
    this.downloadTokens.delete(String(version.DOWNLOAD_TOKEN));
    this.versions.delete(Number(version.ID));
  }

  private childSet(folderId: number): Set<number> {
    let set = this.children.get(folderId);
    if (!set) this.children.set(folderId, (set = new Set()));
    return set;
  }

  /** Whether `id` is `ancestorId` or inside it. */
  private isInside(id: number, ancestorId: number): boolean {
    for (let at = this.objects.get(id); at; at = at.PARENT_ID == null ? undefined : this.objects.get(Number(at.PARENT_ID))) {
      if (Number(at.ID) === ancestorId) return true;
    }
    return false;
  }

  private reindex(): void {
    this.uploadsByToken = new Map();
    for (const u of this.uploads.all()) this.uploadsByToken.set(String(u.TOKEN), Number(u.ID));
    this.children = new Map();
    this.chatFolders = new Map();
    this.downloadTokens = new Map();
    this.byExternalCode = new Map();
    this.userStorages = new Map();
    for (const r of this.objects.all()) {
      const id = Number(r.ID);
      if (r.PARENT_ID != null) this.childSet(Number(r.PARENT_ID)).add(id);
      if (r.CHAT_ID != null) this.chatFolders.set(Number(r.CHAT_ID), id);
      if (r.DOWNLOAD_TOKEN) this.downloadTokens.set(String(r.DOWNLOAD_TOKEN), id);
      if (r.EXTERNAL_CODE) this.byExternalCode.set(String(r.EXTERNAL_CODE), id);
    }
    for (const v of this.versions.all()) this.downloadTokens.set(String(v.DOWNLOAD_TOKEN), -Number(v.ID));
    for (const s of this.storages.all()) if (s.ENTITY_TYPE === "user") this.userStorages.set(Number(s.ENTITY_ID), Number(s.ID));
  }

  /** Whether a live object in the folder has this name (letter case aside), other than `except`. */
  private nameTaken(folderId: number, name: string, except?: number): boolean {
    const lower = name.toLowerCase();
    return this.childrenOf(folderId).some((row) => Number(row.ID) !== except && String(row.NAME).toLowerCase() === lower);
  }

  /** "a.txt", then "a (1).txt", "a (2).txt", … as Bitrix24 names duplicates. */
  private uniqueName(folderId: number, name: string): string {
    if (!this.nameTaken(folderId, name)) return name;
    const dot = name.lastIndexOf(".");
    const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let n = 1; ; n++) {
      const candidate = `${base} (${n})${ext}`;
      if (!this.nameTaken(folderId, candidate)) return candidate;
    }
  }
}

const kindOf = (row: DiskRow): "folder" | "file" => (row.TYPE === "folder" ? "folder" : "file");

function snapshotOf(entity: string, rows: Row[], sequences: Record<string, number>): StoreSnapshot {
  return { entity, rows, sequences, virtual: { count: 0, removed: [] } };
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

const IMAGE = new Set(["jpg", "jpeg", "png", "gif", "webp", "bmp", "heic", "svg"]);
const VIDEO = new Set(["mp4", "mov", "avi", "webm", "mkv", "3gp"]);
const AUDIO = new Set(["mp3", "ogg", "wav", "m4a", "flac", "aac"]);
const DOCUMENT = new Set(["doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv"]);

/** The im file `type` (image, video, audio or file). */
export function imFileType(name: string): "image" | "video" | "audio" | "file" {
  const ext = extensionOf(name);
  return IMAGE.has(ext) ? "image" : VIDEO.has(ext) ? "video" : AUDIO.has(ext) ? "audio" : "file";
}

/** Bitrix24's disk TypeFile: IMAGE 2, VIDEO 3, DOCUMENT 4, ARCHIVE 5, PDF 8, AUDIO 9, UNKNOWN 7. */
export function diskTypeFile(name: string): number {
  const ext = extensionOf(name);
  if (IMAGE.has(ext)) return 2;
  if (VIDEO.has(ext)) return 3;
  if (DOCUMENT.has(ext)) return 4;
  if (["zip", "rar", "7z", "gz", "tar"].includes(ext)) return 5;
  if (ext === "pdf") return 8;
  if (AUDIO.has(ext)) return 9;
  return 7;
}

const MIME: Record<string, string> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp", svg: "image/svg+xml", bmp: "image/bmp",
  pdf: "application/pdf", txt: "text/plain", csv: "text/csv", json: "application/json", xml: "application/xml", zip: "application/zip",
  mp3: "audio/mpeg", mp4: "video/mp4", doc: "application/msword", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The Content-Type a download is served with, from the file's name. */
export function mimeOf(name: string): string {
  return MIME[extensionOf(name)] ?? "application/octet-stream";
}
