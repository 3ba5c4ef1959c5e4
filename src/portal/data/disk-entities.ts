// The Drive's entities, declared: storages (disk.storage.*), disk objects (folders and files share
// one id space, as Bitrix24's b_disk_object does), file versions and pending upload links. Field metadata gives the
// `*.getfields` answers (TYPE, USE_IN_FILTER), the filters and orders of getchildren/getlist (the
// query engine) and the printed keys; fields marked unlisted are the portal's own bookkeeping
// (the chat a folder belongs to, the content's hash, link codes), kept in the row, never printed.
import type { EntityDef, FieldDef, FieldType } from "../engine/types.js";

import { field as f } from "../engine/fields.js";

const noFilter = { filterable: false } as const;
const internal = (type: FieldType): FieldDef => ({ type, title: "", unlisted: true, filterable: false, sortable: false });

export const storageEntity: EntityDef = {
  name: "disk.storage",
  version: 1,
  fields: {
    ID: f("integer", "ID"),
    NAME: f("string", "NAME"),
    CODE: f("string", "CODE"),
    MODULE_ID: f("string", "MODULE_ID", noFilter),
    ENTITY_TYPE: f("string", "ENTITY_TYPE"),
    ENTITY_ID: f("string", "ENTITY_ID"),
    ROOT_OBJECT_ID: f("integer", "ROOT_OBJECT_ID", noFilter),
  },
};

/** Folders and files: every field either has, in disk.folder.getfields order, file-only ones after. */
export const objectEntity: EntityDef = {
  name: "disk.object",
  version: 1,
  fields: {
    ID: f("integer", "ID"),
    NAME: f("string", "NAME"),
    TYPE: f("string", "TYPE", { attributes: { restType: "enum" } }),
    CODE: f("string", "CODE"),
    STORAGE_ID: f("integer", "STORAGE_ID"),
    REAL_OBJECT_ID: f("integer", "REAL_OBJECT_ID", noFilter),
    PARENT_ID: f("integer", "PARENT_ID"),
    CREATE_TIME: f("datetime", "CREATE_TIME"),
    UPDATE_TIME: f("datetime", "UPDATE_TIME"),
    DELETE_TIME: f("datetime", "DELETE_TIME"),
    CREATED_BY: f("integer", "CREATED_BY", noFilter),
    UPDATED_BY: f("integer", "UPDATED_BY", noFilter),
    DELETED_BY: f("integer", "DELETED_BY", { ...noFilter, emptyValue: "0" }),
    GLOBAL_CONTENT_VERSION: f("integer", "GLOBAL_CONTENT_VERSION", noFilter),
    FILE_ID: f("integer", "FILE_ID", noFilter),
    SIZE: f("integer", "SIZE", noFilter),
    DELETED_TYPE: f("integer", "DELETED_TYPE", { attributes: { restType: "enum" } }),
    /** The chat whose files this folder holds (im.disk.folder.get). */
    CHAT_ID: internal("integer"),
    /** The content's name in the byte store (SHA-256). */
    CONTENT: internal("string"),
    /** The unified link's code (`/disk/file/<code>`), the download link's secret, the external link's code. */
    UNIQUE_CODE: internal("string"),
    DOWNLOAD_TOKEN: internal("string"),
    EXTERNAL_CODE: internal("string"),
  },
};

const pick = (names: readonly string[]): Record<string, FieldDef> => Object.fromEntries(names.map((n) => [n, objectEntity.fields[n]]));

/** disk.folder.getfields, in Bitrix24's order. */
export const folderFields = pick(["ID", "NAME", "TYPE", "CODE", "STORAGE_ID", "REAL_OBJECT_ID", "PARENT_ID", "CREATE_TIME", "UPDATE_TIME", "DELETE_TIME", "CREATED_BY", "UPDATED_BY", "DELETED_BY", "DELETED_TYPE"]);
/** disk.file.getfields, in Bitrix24's order. */
export const fileFields = pick(["ID", "NAME", "TYPE", "CODE", "STORAGE_ID", "PARENT_ID", "CREATE_TIME", "UPDATE_TIME", "DELETE_TIME", "CREATED_BY", "UPDATED_BY", "DELETED_BY", "GLOBAL_CONTENT_VERSION", "FILE_ID", "SIZE", "DELETED_TYPE"]);

/** The keys a folder / a file prints (before DOWNLOAD_URL and DETAIL_URL), in the samples' order. */
export const FOLDER_PRINT = ["ID", "NAME", "CODE", "STORAGE_ID", "TYPE", "REAL_OBJECT_ID", "PARENT_ID", "DELETED_TYPE", "CREATE_TIME", "UPDATE_TIME", "DELETE_TIME", "CREATED_BY", "UPDATED_BY", "DELETED_BY"] as const;
export const FILE_PRINT = ["ID", "NAME", "CODE", "STORAGE_ID", "TYPE", "PARENT_ID", "DELETED_TYPE", "GLOBAL_CONTENT_VERSION", "FILE_ID", "SIZE", "CREATE_TIME", "UPDATE_TIME", "DELETE_TIME", "CREATED_BY", "UPDATED_BY", "DELETED_BY"] as const;

/** A file's contents at one moment: each upload (first one included) is a version. */
export const versionEntity: EntityDef = {
  name: "disk.version",
  version: 1,
  fields: {
    ID: f("integer", "ID"),
    OBJECT_ID: f("integer", "OBJECT_ID"),
    SIZE: f("integer", "SIZE", noFilter),
    NAME: f("string", "NAME"),
    GLOBAL_CONTENT_VERSION: f("integer", "GLOBAL_CONTENT_VERSION"),
    CREATE_TIME: f("datetime", "CREATE_TIME"),
    CREATED_BY: f("integer", "CREATED_BY"),
    FILE_ID: internal("integer"),
    CONTENT: internal("string"),
    DOWNLOAD_TOKEN: internal("string"),
  },
};

/** A pending upload link (disk.folder.uploadfile without content): usable once, for the folder and user it was issued to. */
export const uploadEntity: EntityDef = {
  name: "disk.upload",
  version: 1,
  fields: {
    ID: f("integer", "ID"),
    /** The link's secret (`/upload/<token>`). */
    TOKEN: internal("string"),
    FOLDER_ID: internal("integer"),
    USER_ID: internal("integer"),
    /** generateUniqueName: rename instead of refusing a taken name. */
    UNIQUE_NAME: internal("boolean"),
  },
};

/** DELETED_TYPE: alive, put in the trash itself, in the trash with a folder it was in. */
export const DELETED = { NONE: 0, ROOT: 3, CHILD: 4 } as const;
