// How Drive objects look on the wire (key order as in fixtures/opi-samples): the disk object of
// disk.* methods, the storage, the version, the im file object (SendFile.json `FILES`,
// im.dialog.messages.get `files`) and the file model (SendFile.json `FILE_MODELS`).
//
// A disk object read from the store prints every value as a string (GetFileInformation.json,
// GetFolderItems.json); one the method has just made prints its ids and counters as numbers and
// DELETED_BY as null (UploadFileToFolder.json, CreateSubfolder.json, MakeFileCopy.json), and a
// value the method has just set prints as the number it set (MoveFolder.json's PARENT_ID,
// disk.file.uploadversion's GLOBAL_CONTENT_VERSION): the PHP object's own values, as Bitrix24 does.
import { atom } from "../http/dates.js";
import { diskDialect } from "../engine/dialect-disk.js";
import { diskTypeFile, extensionOf, imFileType, type DiskRow, type DiskStore } from "../data/disk.js";
import { FILE_PRINT, FOLDER_PRINT, objectEntity, storageEntity, versionEntity } from "../data/disk-entities.js";
import type { Row } from "../engine/types.js";
import type { MessageRecord, PortalState } from "../data/state.js";

/** Served by the portal's /download/ route; the token is the file's own, no webhook secret. */
export const downloadPath = (file: DiskRow) => `/download/${String(file.DOWNLOAD_TOKEN)}`;

/** How a disk object prints: as read (all strings), as just made, or with some values just set. */
export type ObjectPrint = { made?: boolean; numbers?: readonly string[] };

/** Values a just-made object prints as numbers (the rest of the row still prints as text). */
const MADE_NUMBERS = ["ID", "REAL_OBJECT_ID", "DELETED_TYPE", "GLOBAL_CONTENT_VERSION", "FILE_ID"];

export function renderDiskObject(disk: DiskStore, row: DiskRow, portalUrl: string, print: ObjectPrint = {}) {
  const isFile = row.TYPE === "file";
  const names = isFile ? FILE_PRINT : FOLDER_PRINT;
  const out = diskDialect.render(row, objectEntity.fields, names) as Record<string, unknown>;
  const numbers = [...(print.made ? MADE_NUMBERS : []), ...(print.numbers ?? [])];
  for (const name of numbers) if (name in out && row[name] != null) out[name] = Number(row[name]);
  if (print.made && !row.DELETED_BY) out.DELETED_BY = null;
  const path = disk.pathOf(row);
  if (isFile) out.DOWNLOAD_URL = portalUrl + downloadPath(row);
  out.DETAIL_URL = `${portalUrl}/docs/${isFile ? "file" : "path"}/${path}`;
  return out;
}

export function renderStorage(storage: Row) {
  return diskDialect.render(storage, storageEntity.fields, Object.keys(storageEntity.fields));
}

export function renderVersion(version: Row, portalUrl: string) {
  const out = diskDialect.render(version, versionEntity.fields, ["ID", "OBJECT_ID", "SIZE", "NAME", "GLOBAL_CONTENT_VERSION", "CREATE_TIME", "CREATED_BY"]) as Record<string, unknown>;
  out.DOWNLOAD_URL = `${portalUrl}/download/${String(version.DOWNLOAD_TOKEN)}`;
  return out;
}

/**
 * The im file object. im.disk.file.commit answers with PHP DateTime objects that Bitrix24
 * serialises as `{}` (see SendFile.json), im.dialog.messages.get with ISO dates.
 */
export function renderImFile(file: DiskRow, chatId: number, state: PortalState, portalUrl: string, dateAsObject = false) {
  const url = portalUrl + downloadPath(file);
  const name = String(file.NAME);
  const type = imFileType(name);
  const authorId = Number(file.CREATED_BY);
  const author = state.getUser(authorId);
  return {
    id: Number(file.ID),
    chatId,
    date: dateAsObject ? {} : atom(Date.parse(String(file.CREATE_TIME))),
    type,
    name,
    extension: extensionOf(name),
    size: Number(file.SIZE),
    image: false,
    status: "done",
    progress: 100,
    authorId,
    authorName: author ? `${author.firstName} ${author.lastName}`.trim() : "",
    urlPreview: type === "image" ? url : "",
    urlShow: url,
    urlDownload: url,
    viewerAttrs: {
      viewer: "",
      viewerType: type === "file" ? "cloud-document" : type,
      src: url,
      viewerTypeClass: "BX.Disk.Viewer.UnifiedLinkItem",
      viewerSeparateItem: true,
      viewerExtension: "disk.viewer.unified-link-item",
      objectId: String(file.ID),
      imChatId: chatId,
      title: name,
      unifiedLink: `${portalUrl}/disk/file/${String(file.UNIQUE_CODE)}`,
      actions: JSON.stringify([{ type: "download" }]),
    },
    mediaUrl: { preview: { "250": type === "image" ? url : "" } },
    isTranscribable: false,
    isVideoNote: false,
    isVoiceNote: false,
  };
}

/** The file model of im.disk.file.commit's FILE_MODELS. */
export function renderFileModel(disk: DiskStore, file: DiskRow) {
  const name = String(file.NAME);
  return {
    id: Number(file.ID),
    name,
    createTime: {},
    updateTime: {},
    deleteTime: null,
    code: null,
    xmlId: null,
    storageId: Number(file.STORAGE_ID),
    realObjectId: Number(file.ID),
    parentId: Number(file.PARENT_ID),
    deletedType: Number(file.DELETED_TYPE),
    createdBy: String(file.CREATED_BY),
    updatedBy: String(file.UPDATED_BY),
    deletedBy: String(file.DELETED_BY ?? 0),
    uniqueCode: String(file.UNIQUE_CODE),
    typeFile: diskTypeFile(name),
    globalContentVersion: Number(file.GLOBAL_CONTENT_VERSION),
    fileId: Number(file.FILE_ID),
    size: Number(file.SIZE),
    etag: disk.etagOf(file),
    links: {
      download: downloadPath(file),
      showInGrid: `/docs/file/${name}`,
    },
  };
}

/** im.dialog.messages.get `files`: the file objects of the listed messages, each once. */
export function messageFiles(state: PortalState, messages: readonly MessageRecord[], portalUrl: string) {
  const seen = new Set<number>();
  const out: ReturnType<typeof renderImFile>[] = [];
  for (const message of messages) {
    for (const id of message.files ?? []) {
      const file = state.disk.getFile(id);
      if (!file || seen.has(id)) continue;
      seen.add(id);
      out.push(renderImFile(file, message.chatId, state, portalUrl));
    }
  }
  return out;
}
