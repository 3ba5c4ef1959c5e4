// How Drive files look on the wire, in the three shapes Bitrix24 uses (key order as in
// fixtures/opi-samples): the disk object of disk.* methods (UploadFileToFolder.json), the im file
// object (SendFile.json `FILES`, im.dialog.messages.get `files`) and the file model
// (SendFile.json `FILE_MODELS`).
import { atom } from "../http/dates.js";
import { diskTypeFile, etagOf, extensionOf, imFileType, type DiskFileRecord, type DiskFolderRecord } from "../data/disk.js";
import type { MessageRecord, PortalState } from "../data/state.js";

/** Served by the portal's /download/ route; the token is the file's own, no webhook secret. */
export const downloadPath = (file: DiskFileRecord) => `/download/${file.downloadToken}`;

/** disk.file.get / the upload answer: UPPER_CASE keys, ids partly as strings, like Bitrix24. */
export function renderDiskFile(file: DiskFileRecord, folder: DiskFolderRecord | undefined, portalUrl: string) {
  return {
    ID: file.id,
    NAME: file.name,
    CODE: null,
    STORAGE_ID: String(file.storageId),
    TYPE: "file",
    PARENT_ID: String(file.parentId),
    DELETED_TYPE: 0,
    GLOBAL_CONTENT_VERSION: 1,
    FILE_ID: file.fileId,
    SIZE: String(file.bytes.length),
    CREATE_TIME: atom(file.createTime),
    UPDATE_TIME: atom(file.updateTime),
    DELETE_TIME: null,
    CREATED_BY: String(file.createdBy),
    UPDATED_BY: String(file.updatedBy),
    DELETED_BY: null,
    DOWNLOAD_URL: portalUrl + downloadPath(file),
    DETAIL_URL: `${portalUrl}/docs/file/${folder?.name ?? "files"}/${file.name}`,
  };
}

/**
 * The im file object. im.disk.file.commit answers with PHP DateTime objects that Bitrix24
 * serialises as `{}` (see SendFile.json), im.dialog.messages.get with ISO dates.
 */
export function renderImFile(file: DiskFileRecord, chatId: number, state: PortalState, portalUrl: string, dateAsObject = false) {
  const url = portalUrl + downloadPath(file);
  const type = imFileType(file.name);
  const author = state.getUser(file.createdBy);
  return {
    id: file.id,
    chatId,
    date: dateAsObject ? {} : atom(file.createTime),
    type,
    name: file.name,
    extension: extensionOf(file.name),
    size: file.bytes.length,
    image: false,
    status: "done",
    progress: 100,
    authorId: file.createdBy,
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
      objectId: String(file.id),
      imChatId: chatId,
      title: file.name,
      unifiedLink: `${portalUrl}/disk/file/${file.uniqueCode}`,
      actions: JSON.stringify([{ type: "download" }]),
    },
    mediaUrl: { preview: { "250": type === "image" ? url : "" } },
    isTranscribable: false,
    isVideoNote: false,
    isVoiceNote: false,
  };
}

/** The file model of im.disk.file.commit's FILE_MODELS. */
export function renderFileModel(file: DiskFileRecord) {
  return {
    id: file.id,
    name: file.name,
    createTime: {},
    updateTime: {},
    deleteTime: null,
    code: null,
    xmlId: null,
    storageId: file.storageId,
    realObjectId: file.id,
    parentId: file.parentId,
    deletedType: 0,
    createdBy: String(file.createdBy),
    updatedBy: String(file.updatedBy),
    deletedBy: "0",
    uniqueCode: file.uniqueCode,
    typeFile: diskTypeFile(file.name),
    globalContentVersion: 1,
    fileId: file.fileId,
    size: file.bytes.length,
    etag: etagOf(file),
    links: {
      download: downloadPath(file),
      showInGrid: `/docs/file/${file.name}`,
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
