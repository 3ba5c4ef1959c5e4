// The news feed (log.blogpost.*, log.blogcomment.add), declared: posts and comments as REST-named
// rows in engine stores. A post keeps its destinations (DEST: "UA" everyone, "U1" a user, "DR2" a
// department with the ones below it, "D2" the department alone, "SG5" a workgroup), its files (name
// and Base64 bytes, IDs from the store's FILE sequence), whether it is important and who has read it.
// Who sees a post: its author and whoever a destination reaches; who edits or deletes it: its author
// and administrators.
import { storeFor } from "../engine/crud.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";

import { departments } from "./departments.js";
import type { PortalState } from "./state.js";
import { field as f } from "../engine/fields.js";


export const postEntity: EntityDef = {
  name: "log.blogpost",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    BLOG_ID: f("integer", "BLOG_ID"),
    PUBLISH_STATUS: f("string", "PUBLISH_STATUS"),
    TITLE: f("string", "TITLE"),
    AUTHOR_ID: f("user", "AUTHOR_ID"),
    ENABLE_COMMENTS: f("char", "ENABLE_COMMENTS"),
    NUM_COMMENTS: f("integer", "NUM_COMMENTS"),
    CODE: f("string", "CODE"),
    MICRO: f("char", "MICRO"),
    DETAIL_TEXT: f("string", "DETAIL_TEXT"),
    DATE_PUBLISH: f("datetime", "DATE_PUBLISH"),
    CATEGORY_ID: f("string", "CATEGORY_ID"),
    HAS_SOCNET_ALL: f("char", "HAS_SOCNET_ALL"),
    HAS_TAGS: f("char", "HAS_TAGS"),
    HAS_IMAGES: f("char", "HAS_IMAGES"),
    HAS_PROPS: f("char", "HAS_PROPS"),
    /** Destination codes, in the order given. */
    DEST: f("string", "DEST", { multiple: true }),
    /** {ID, NAME, SIZE, CONTENT (Base64)} */
    FILES: f("object", "FILES", { multiple: true }),
    IMPORTANT: f("char", "IMPORTANT"),
    IMPORTANT_DATE_END: f("datetime", "IMPORTANT_DATE_END"),
    /** Users who have read the important post, in the order they did. */
    IMPORTANT_READ: f("user", "IMPORTANT_READ", { multiple: true }),
  },
};

export const commentEntity: EntityDef = {
  name: "log.blogcomment",
  version: 1,
  fields: {
    ID: f("integer", "ID", { readOnly: true }),
    POST_ID: f("integer", "POST_ID"),
    AUTHOR_ID: f("user", "AUTHOR_ID"),
    POST_TEXT: f("string", "POST_TEXT"),
    DATE_CREATE: f("datetime", "DATE_CREATE"),
    FILES: f("object", "FILES", { multiple: true }),
  },
};

export const posts = (state: PortalState): EntityStore => storeFor(state, postEntity);
export const comments = (state: PortalState): EntityStore => storeFor(state, commentEntity);

const DESTINATION = /^(UA|U\d+|DR\d+|D\d+|SG\d+)$/;

/** Destination codes from DEST as given (an array, one code as text, or a map); null when one is not a destination. */
export function readDestinations(value: unknown): string[] | null {
  const list = Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value).flat() : typeof value === "string" && value.trim() !== "" ? [value] : [];
  const codes = list.map((v) => String(v ?? "").trim().toUpperCase());
  if (codes.some((code) => !DESTINATION.test(code))) return null;
  return [...new Set(codes)];
}

/** Whether every destination names something on the portal (a user, a department); workgroups are not kept here. */
export function destinationsExist(state: PortalState, codes: readonly string[]): boolean {
  return codes.every((code) => {
    const id = Number(code.replace(/^\D+/, ""));
    if (code === "UA") return true;
    if (code.startsWith("U")) return state.getUser(id) !== undefined;
    if (code.startsWith("D")) return departments(state).get(id) !== undefined;
    return false;
  });
}

/** The rights codes a user holds: UA, U<id>, and D<id> / DR<id> for their departments and those above them. */
export function rightsOf(state: PortalState, userId: number): Set<string> {
  const codes = new Set<string>(["UA", `U${userId}`]);
  const user = state.getUser(userId);
  const store = departments(state);
  for (const id of user?.departments ?? []) {
    codes.add(`D${id}`);
    // DR<n> reaches department n and every one below it: the user's department and its parents.
    for (let at: number | undefined = id, guard = 0; at !== undefined && guard < 1000; guard++) {
      codes.add(`DR${at}`);
      const parent: unknown = store.get(at)?.PARENT;
      at = parent === undefined ? undefined : Number(parent);
    }
  }
  return codes;
}

/** Whether `userId` sees the post: its author, or a user one of its destinations reaches. */
export function canRead(state: PortalState, post: Row, userId: number): boolean {
  if (post.AUTHOR_ID === userId) return true;
  const rights = rightsOf(state, userId);
  return (post.DEST as string[]).some((code) => rights.has(code));
}

/** Whether `userId` may edit or delete the post: its author or an administrator. */
export function canWrite(state: PortalState, post: Row, userId: number): boolean {
  return post.AUTHOR_ID === userId || state.getUser(userId)?.isAdmin === true;
}
