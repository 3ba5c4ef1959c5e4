// The portal's Drive: one folder per chat (created on first use, as Bitrix24 does for
// im.disk.folder.get), files with their real bytes, one-time upload links and download links.
// Folders and files share one id space (Bitrix24's disk objects); FILE_ID is the id of the stored
// bytes (b_file), a separate counter. Like PortalState, this knows nothing about HTTP or errors.
import { createHash, randomBytes } from "node:crypto";

export interface DiskFolderRecord {
  id: number;
  name: string;
  storageId: number;
  parentId: number | null;
  /** The chat whose files this folder holds, if any. */
  chatId: number | null;
  createdBy: number;
  createTime: Date;
}

export interface DiskFileRecord {
  id: number;
  name: string;
  storageId: number;
  parentId: number;
  /** Id of the stored bytes (Bitrix24's FILE_ID), new for every upload. */
  fileId: number;
  bytes: Buffer;
  createdBy: number;
  updatedBy: number;
  createTime: Date;
  updateTime: Date;
  /** Random code of the unified link (`/disk/file/<code>`). */
  uniqueCode: string;
  /** Secret part of the download link: the link works without webhook or token, like Bitrix24's. */
  downloadToken: string;
}

/** A pending upload: the folder and user it was issued for; usable once. */
export interface UploadTicket {
  folderId: number;
  userId: number;
  /** disk.folder.uploadFile's generateUniqueName: rename instead of refusing a taken name. */
  uniqueName: boolean;
}

/** The storage holding chat folders (Bitrix24 keeps them in a storage of the "im" module). */
export const CHAT_STORAGE_ID = 5;

export type UploadOutcome =
  | { ok: true; file: DiskFileRecord }
  | { ok: false; reason: "unknown-ticket" | "name-taken" };

/** What DiskStore holds, for saving and loading (persistence.ts). */
export interface DiskSnapshot {
  folders: DiskFolderRecord[];
  files: DiskFileRecord[];
  tickets: (UploadTicket & { token: string })[];
  counters: { nextObjectId: number; nextFileId: number };
}

export class DiskStore {
  private readonly folders = new Map<number, DiskFolderRecord>();
  private readonly files = new Map<number, DiskFileRecord>();
  private readonly chatFolders = new Map<number, number>();
  private readonly tickets = new Map<string, UploadTicket>();
  private readonly byDownloadToken = new Map<string, number>();
  private nextObjectId = 1;
  private nextFileId = 1;

  constructor(private readonly now: () => Date) {}

  /** The chat's files folder, created on first use. */
  chatFolder(chatId: number, userId: number): DiskFolderRecord {
    const existing = this.chatFolders.get(chatId);
    if (existing !== undefined) return this.folders.get(existing)!;
    const folder: DiskFolderRecord = {
      id: this.nextObjectId++,
      name: `chat${chatId}`,
      storageId: CHAT_STORAGE_ID,
      parentId: null,
      chatId,
      createdBy: userId,
      createTime: this.now(),
    };
    this.folders.set(folder.id, folder);
    this.chatFolders.set(chatId, folder.id);
    return folder;
  }

  getFolder(id: number): DiskFolderRecord | undefined {
    return this.folders.get(id);
  }

  getFile(id: number): DiskFileRecord | undefined {
    return this.files.get(id);
  }

  fileByDownloadToken(token: string): DiskFileRecord | undefined {
    const id = this.byDownloadToken.get(token);
    return id === undefined ? undefined : this.files.get(id);
  }

  filesIn(folderId: number): DiskFileRecord[] {
    return [...this.files.values()].filter((f) => f.parentId === folderId);
  }

  /** Issues a one-time upload token for the folder. */
  issueUpload(ticket: UploadTicket): string {
    const token = randomBytes(24).toString("hex");
    this.tickets.set(token, ticket);
    return token;
  }

  /** Stores bytes under the ticket's folder; the ticket is spent whatever the outcome. */
  completeUpload(token: string, name: string, bytes: Buffer): UploadOutcome {
    const ticket = this.tickets.get(token);
    if (!ticket) return { ok: false, reason: "unknown-ticket" };
    this.tickets.delete(token);
    let finalName = name;
    if (this.nameTaken(ticket.folderId, finalName)) {
      if (!ticket.uniqueName) return { ok: false, reason: "name-taken" };
      finalName = this.uniqueName(ticket.folderId, name);
    }
    return { ok: true, file: this.addFile(ticket.folderId, finalName, bytes, ticket.userId) };
  }

  /** A copy of a file in another folder (im.disk.file.commit of a file from elsewhere). */
  copyFile(file: DiskFileRecord, folderId: number, userId: number): DiskFileRecord {
    return this.addFile(folderId, this.uniqueName(folderId, file.name), file.bytes, userId);
  }

  // --- persistence (persistence.ts) ---

  /** The live records, pending upload tickets and counters (read them, do not change them). */
  snapshot(): DiskSnapshot {
    return {
      folders: [...this.folders.values()],
      files: [...this.files.values()],
      tickets: [...this.tickets].map(([token, ticket]) => ({ token, ...ticket })),
      counters: { nextObjectId: this.nextObjectId, nextFileId: this.nextFileId },
    };
  }

  /** Replaces everything with saved records; the lookup maps are rebuilt from them. */
  restore(saved: DiskSnapshot): void {
    for (const map of [this.folders, this.files, this.chatFolders, this.tickets, this.byDownloadToken]) map.clear();
    for (const folder of saved.folders) {
      this.folders.set(folder.id, folder);
      if (folder.chatId !== null) this.chatFolders.set(folder.chatId, folder.id);
    }
    for (const file of saved.files) {
      this.files.set(file.id, file);
      this.byDownloadToken.set(file.downloadToken, file.id);
    }
    for (const { token, ...ticket } of saved.tickets) this.tickets.set(token, ticket);
    ({ nextObjectId: this.nextObjectId, nextFileId: this.nextFileId } = saved.counters);
  }

  private addFile(folderId: number, name: string, bytes: Buffer, userId: number): DiskFileRecord {
    const folder = this.folders.get(folderId);
    if (!folder) throw new Error(`addFile: no folder ${folderId}`);
    const now = this.now();
    const file: DiskFileRecord = {
      id: this.nextObjectId++,
      name,
      storageId: folder.storageId,
      parentId: folder.id,
      fileId: this.nextFileId++,
      bytes: Buffer.from(bytes),
      createdBy: userId,
      updatedBy: userId,
      createTime: now,
      updateTime: now,
      uniqueCode: randomBytes(15).toString("base64url").slice(0, 20),
      downloadToken: randomBytes(24).toString("hex"),
    };
    this.files.set(file.id, file);
    this.byDownloadToken.set(file.downloadToken, file.id);
    return file;
  }

  private nameTaken(folderId: number, name: string): boolean {
    const lower = name.toLowerCase();
    return this.filesIn(folderId).some((f) => f.name.toLowerCase() === lower);
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

/** The file's etag as Bitrix24 prints it: md5 of the content. */
export function etagOf(file: DiskFileRecord): string {
  return createHash("md5").update(file.bytes).digest("hex");
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
