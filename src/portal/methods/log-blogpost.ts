// The news feed's methods over data/feed.ts: log.blogpost.add / update / delete / get / share,
// log.blogpost.getusers.important, log.blogcomment.add, and the "I have read it" of an important
// post (socialnetwork.api.livefeed.blogpost.important.vote, as Bitrix24's own clients call it).
// Parameters as the docs name them (POST_ID, POST_MESSAGE, POST_TITLE, DEST, FILES, IMPORTANT…; any
// letter case); errors with the codes and texts of api-reference/log/*.md; posts printed in
// log.blogpost.get's shape (fixtures/opi-samples/GetPosts.json and the docs' full example).
import { atom } from "../http/dates.js";
import { paged } from "../http/envelope.js";
import { RestError } from "../http/errors.js";
import { isBlank, textParam, toInt, upperKeys, yesNo } from "../http/params.js";
import { callerIsAdmin, scoped, type MethodContext, type MethodHandler } from "../http/registry.js";
import { PAGE_SIZE, readStart } from "../engine/query.js";
import { toInstant } from "../engine/fields.js";
import type { Row } from "../engine/types.js";
import { canRead, canWrite, comments, destinationsExist, posts, readDestinations } from "../data/feed.js";

const ADD_ERROR = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR";
const UPDATE_ERROR = "SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR";
const err = (code: string, description: string) => new RestError(code, description, 400);

/** The post POST_ID names; `missing` is the error for an unusable or unknown ID. */
function postOf(ctx: MethodContext, p: Record<string, unknown>, missing: () => RestError): Row {
  const id = toInt(p.POST_ID);
  const post = id ? posts(ctx.state).get(id) : undefined;
  if (!post) throw missing();
  return post;
}

/** The acting user: USER_ID for administrators (on someone's behalf), else the caller. */
function actor(ctx: MethodContext, p: Record<string, unknown>): number {
  const asUser = toInt(p.USER_ID);
  if (asUser && asUser !== ctx.userId && callerIsAdmin(ctx) && ctx.state.getUser(asUser)) return asUser;
  return ctx.userId;
}

/** FILES as OpenIntegrations and the docs send them: [[name, Base64], …] or {name: Base64}; `{<file ID>: "del"}` removes a file. */
function readFiles(ctx: MethodContext, value: unknown, current: Row[], errorCode: string): Row[] {
  if (isBlank(value)) return current;
  const entries = (v: object) => Object.entries(v).map(([k, item]) => [k, item] as [string, unknown]);
  const items: unknown[] = Array.isArray(value) ? value.flatMap((item) => (item && typeof item === "object" && !Array.isArray(item) ? entries(item) : [item])) : typeof value === "object" ? entries(value as object) : [];
  let out = [...current];
  for (const item of items) {
    const [name, content] = Array.isArray(item) ? item : [undefined, item];
    if (typeof content === "string" && content.toLowerCase() === "del") {
      out = out.filter((file) => file.ID !== toInt(name));
      continue;
    }
    const fileName = textParam(name);
    if (!fileName || typeof content !== "string" || !/^[A-Za-z0-9+/=\s_-]*$/.test(content)) throw err(errorCode, "Wrong file data");
    const bytes = Buffer.from(content, "base64");
    out.push({ ID: posts(ctx.state).next("FILE"), NAME: fileName, SIZE: bytes.length, CONTENT: bytes.toString("base64") });
  }
  return out;
}

/** DEST (or the deprecated SPERM) as destination codes; undefined when neither is given. */
function destinationsParam(ctx: MethodContext, p: Record<string, unknown>, code: string, wrong: string): string[] | undefined {
  const given = p.DEST ?? p.SPERM;
  if (isBlank(given) || (Array.isArray(given) && given.length === 0)) return undefined;
  const codes = readDestinations(given);
  if (!codes || codes.length === 0 || !destinationsExist(ctx.state, codes)) throw err(code, wrong);
  return codes;
}

const importantEnd = (p: Record<string, unknown>): string | undefined => {
  const ms = toInstant(p.IMPORTANT_DATE_END);
  return ms === null ? undefined : new Date(ms).toISOString();
};

/** log.blogpost.add {POST_MESSAGE, POST_TITLE, DEST, FILES, IMPORTANT, IMPORTANT_DATE_END, USER_ID} -> the post's ID. */
const add = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  const text = textParam(p.POST_MESSAGE);
  if (!text) throw err(ADD_ERROR, "Blog post hasn't been added");
  const dest = destinationsParam(ctx, p, ADD_ERROR, "No destination specified") ?? ["UA"];
  const author = actor(ctx, p);
  const important = yesNo(p.IMPORTANT, false);
  const row: Row = {
    BLOG_ID: 1,
    PUBLISH_STATUS: "P",
    TITLE: textParam(p.POST_TITLE),
    AUTHOR_ID: author,
    ENABLE_COMMENTS: "Y",
    NUM_COMMENTS: 0,
    MICRO: textParam(p.POST_TITLE) ? "N" : "Y",
    DETAIL_TEXT: text,
    DATE_PUBLISH: ctx.state.now().toISOString(),
    DEST: dest,
    FILES: readFiles(ctx, p.FILES, [], ADD_ERROR),
    IMPORTANT: important ? "Y" : "N",
    ...(important && importantEnd(p) ? { IMPORTANT_DATE_END: importantEnd(p) } : {}),
    IMPORTANT_READ: [],
  };
  return posts(ctx.state).insert(row);
});

/** log.blogpost.update {POST_ID, POST_MESSAGE, POST_TITLE, DEST, FILES, IMPORTANT…} -> the post's ID. */
const update = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  if (!toInt(p.POST_ID)) throw err(UPDATE_ERROR, "Wrong post ID");
  const before = postOf(ctx, p, () => err(UPDATE_ERROR, "No post found"));
  if (!canWrite(ctx.state, before, actor(ctx, p))) throw err(UPDATE_ERROR, "No write perms");
  if (isBlank(p.POST_TITLE) && isBlank(p.POST_MESSAGE)) throw err("EMPTY_TITLE", "Message title is not specified.");
  const row = structuredClone(before);
  // The title is what this call gives: text alone leaves the post without its former title.
  row.TITLE = textParam(p.POST_TITLE);
  row.MICRO = row.TITLE ? "N" : "Y";
  if (!isBlank(p.POST_MESSAGE)) row.DETAIL_TEXT = textParam(p.POST_MESSAGE);
  const dest = destinationsParam(ctx, p, UPDATE_ERROR, "No destination specified");
  if (dest) row.DEST = dest;
  row.FILES = readFiles(ctx, p.FILES, (row.FILES as Row[]) ?? [], UPDATE_ERROR);
  if (p.IMPORTANT !== undefined) row.IMPORTANT = yesNo(p.IMPORTANT, row.IMPORTANT === "Y") ? "Y" : "N";
  if (importantEnd(p)) row.IMPORTANT_DATE_END = importantEnd(p);
  posts(ctx.state).replace(Number(before.ID), row);
  return Number(before.ID);
});

/** log.blogpost.delete {POST_ID} -> true; the post's comments go with it. */
const remove = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  const post = postOf(ctx, p, () => err("100", "Wrong post ID"));
  if (!canWrite(ctx.state, post, ctx.userId)) throw new RestError("403", "You do not have permission to delete this message", 400);
  const store = comments(ctx.state);
  for (const comment of store.all()) if (comment.POST_ID === post.ID) store.delete(Number(comment.ID));
  posts(ctx.state).delete(Number(post.ID));
  return true;
});

/** log.blogpost.share {POST_ID, DEST (an array or, as OpenIntegrations sends it, one code as text)} -> true. */
const share = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  const post = postOf(ctx, p, () => err("", "Wrong post ID"));
  const user = actor(ctx, p);
  if (!canRead(ctx.state, post, user)) throw err("", "No read perms");
  const codes = readDestinations(p.DEST);
  if (!codes || codes.length === 0 || !destinationsExist(ctx.state, codes)) throw err("", "Wrong destinations");
  const row = structuredClone(post);
  row.DEST = [...new Set([...(row.DEST as string[]), ...codes])];
  posts(ctx.state).replace(Number(post.ID), row);
  return true;
});

/** log.blogpost.getusers.important {POST_ID} -> IDs (text) of up to 500 users who have read it; [] for a post the caller cannot see. */
const importantReaders = scoped("log", (ctx) => {
  const post = postOf(ctx, upperKeys(ctx.params), () => err("", "Wrong post ID"));
  if (!canRead(ctx.state, post, ctx.userId)) return [];
  return ((post.IMPORTANT_READ as number[]) ?? []).slice(0, 500).map(String);
});

/** socialnetwork.api.livefeed.blogpost.important.vote {params: {POST_ID}} -> {success: "Y"}: the caller has read the important post. */
const importantVote = scoped("log", (ctx) => {
  const given = ctx.params.params && typeof ctx.params.params === "object" ? (ctx.params.params as Record<string, unknown>) : ctx.params;
  const post = postOf(ctx, upperKeys(given), () => err("", "Wrong post ID"));
  if (!canRead(ctx.state, post, ctx.userId)) throw err("", "Wrong post ID");
  if (post.IMPORTANT !== "Y") return { success: "N" };
  const readers = (post.IMPORTANT_READ as number[]) ?? [];
  if (!readers.includes(ctx.userId)) posts(ctx.state).replace(Number(post.ID), { ...post, IMPORTANT_READ: [...readers, ctx.userId] });
  return { success: "Y" };
});

/** log.blogcomment.add {POST_ID, TEXT, FILES, USER_ID} -> the comment's ID. */
const commentAdd = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  const post = postOf(ctx, p, () => err("", "No post found"));
  const author = actor(ctx, p);
  if (!canRead(ctx.state, post, author)) throw err("", "No post found");
  if (post.ENABLE_COMMENTS !== "Y") throw err("", "No permissions");
  const text = textParam(p.TEXT);
  if (!text) throw err("", "Blog comment hasn't been added");
  const files = readFiles(ctx, p.FILES, [], "");
  const store = comments(ctx.state);
  if (files.length === 0 && store.all().some((c) => c.POST_ID === post.ID && c.AUTHOR_ID === author && c.POST_TEXT === text)) throw err("", "Duplicate comment");
  const id = store.insert({ POST_ID: post.ID, AUTHOR_ID: author, POST_TEXT: text, DATE_CREATE: ctx.state.now().toISOString(), FILES: files });
  posts(ctx.state).replace(Number(post.ID), { ...post, NUM_COMMENTS: Number(post.NUM_COMMENTS ?? 0) + 1 });
  return id;
});

/**
 * log.blogpost.get {POST_ID | LOG_RIGHTS, start} -> the posts the caller sees, newest first, 50 a
 * page. LOG_RIGHTS keeps posts whose rights hold one of the codes (a post's rights: its
 * destinations and its author's U<id>).
 */
const get = scoped("log", (ctx) => {
  const p = upperKeys(ctx.params);
  const start = Math.max(0, readStart(p.START));
  let rows = posts(ctx.state).all().reverse().filter((post) => canRead(ctx.state, post, ctx.userId));
  if (!isBlank(p.POST_ID)) {
    const id = toInt(p.POST_ID);
    rows = rows.filter((post) => post.ID === id);
  } else if (!isBlank(p.LOG_RIGHTS)) {
    const wanted = readDestinations(p.LOG_RIGHTS) ?? [];
    rows = rows.filter((post) => [...(post.DEST as string[]), `U${post.AUTHOR_ID}`].some((code) => wanted.includes(code)));
  }
  const page = rows.slice(start, start + PAGE_SIZE).map((post) => renderPost(post));
  return paged(page, rows.length, start + PAGE_SIZE < rows.length ? start + PAGE_SIZE : undefined);
});

export const logBlogpostMethods: Record<string, MethodHandler> = {
  "log.blogpost.add": add,
  "log.blogpost.update": update,
  "log.blogpost.delete": remove,
  "log.blogpost.get": get,
  "log.blogpost.share": share,
  "log.blogpost.getusers.important": importantReaders,
  "log.blogcomment.add": commentAdd,
  "socialnetwork.api.livefeed.blogpost.important.vote": importantVote,
};

// ---- Rendering ----------------------------------------------------------------------------------

/** The post's user fields as Bitrix24 prints them: the field's definition with the post's VALUE. */
const UF_FIELDS: { name: string; id: string; type: string; multiple: boolean; settings: unknown; labels: [string | null, string | null, string | null]; userType: Record<string, unknown>; searchable: boolean; showInList: boolean }[] = [
  uf("UF_BLOG_POST_DOC", "1", "file", true, { SIZE: 20, LIST_WIDTH: 0, LIST_HEIGHT: 0, MAX_SHOW_SIZE: 0, MAX_ALLOWED_SIZE: 0, EXTENSIONS: [], TARGET_BLANK: "Y", DEFAULT_VIEW: null }, [null, null, null], callbacks("file", "Bitrix\\Main\\UserField\\Types\\FileType", "File", "file"), true, false),
  uf("UF_BLOG_POST_URL_PRV", "5", "url_preview", false, [], [null, null, null], { USER_TYPE_ID: "url_preview", CLASS_NAME: "Bitrix\\Main\\UrlPreview\\UrlPreviewUserType", DESCRIPTION: "Link preview content", BASE_TYPE: "int" }, true, false),
  uf("UF_GRATITUDE", "9", "integer", false, { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null }, [null, null, null], callbacks("integer", "Bitrix\\Main\\UserField\\Types\\IntegerType", "Integer", "int"), false, false),
  uf("UF_BLOG_POST_FILE", "19", "disk_file", true, { IBLOCK_ID: null, SECTION_ID: null, UF_TO_SAVE_ALLOW_EDIT: false }, [null, null, null], { USER_TYPE_ID: "disk_file", CLASS_NAME: "Bitrix\\Disk\\Uf\\FileUserType", DESCRIPTION: "File (Drive)", BASE_TYPE: "int", TAG: ["DISK FILE ID", "DOCUMENT ID"] }, true, false),
  uf("UF_BLOG_POST_IMPRTNT", "83", "integer", false, { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null }, ["Important Message", "Important", "Important"], callbacks("integer", "Bitrix\\Main\\UserField\\Types\\IntegerType", "Integer", "int"), false, true),
  uf("UF_IMPRTANT_DATE_END", "85", "datetime", false, { DEFAULT_VALUE: { TYPE: "NONE", VALUE: "" }, USE_SECOND: "Y", USE_TIMEZONE: "N" }, ["Expiration Date", "Expiration", null], callbacks("datetime", "Bitrix\\Main\\UserField\\Types\\DateTimeType", "Date with time", "datetime"), false, false),
];

function uf(name: string, id: string, type: string, multiple: boolean, settings: unknown, labels: [string | null, string | null, string | null], userType: Record<string, unknown>, searchable: boolean, showInList: boolean) {
  return { name, id, type, multiple, settings, labels, userType, searchable, showInList };
}

function callbacks(id: string, className: string, description: string, base: string): Record<string, unknown> {
  return { USER_TYPE_ID: id, CLASS_NAME: className, EDIT_CALLBACK: [className, "renderEdit"], VIEW_CALLBACK: [className, "renderView"], USE_FIELD_COMPONENT: true, DESCRIPTION: description, BASE_TYPE: base };
}

/** PHP's serialize() of a list of integers (VALUE_RAW of a multiple field). */
const phpList = (ids: number[]) => `a:${ids.length}:{${ids.map((id, i) => `i:${i};i:${id};`).join("")}}`;

function ufValue(name: string, post: Row): { VALUE: unknown; VALUE_RAW: unknown } {
  const files = ((post.FILES as Row[]) ?? []).map((file) => Number(file.ID));
  switch (name) {
    case "UF_BLOG_POST_DOC":
      return { VALUE: false, VALUE_RAW: null };
    case "UF_BLOG_POST_FILE":
      return files.length > 0 ? { VALUE: files, VALUE_RAW: phpList(files) } : { VALUE: false, VALUE_RAW: null };
    case "UF_BLOG_POST_IMPRTNT":
      return post.IMPORTANT === "Y" ? { VALUE: 1, VALUE_RAW: "1" } : { VALUE: null, VALUE_RAW: null };
    case "UF_IMPRTANT_DATE_END":
      return typeof post.IMPORTANT_DATE_END === "string" ? { VALUE: siteDate(post.IMPORTANT_DATE_END), VALUE_RAW: siteDate(post.IMPORTANT_DATE_END) } : { VALUE: "", VALUE_RAW: null };
    default:
      return { VALUE: null, VALUE_RAW: null };
  }
}

/** "17.03.2026 15:29:15", the site format user-field dates print in. */
function siteDate(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A post in log.blogpost.get's shape: IDs and counters as text, then its user fields, then FILES when it has files. */
export function renderPost(post: Row): Record<string, unknown> {
  const files = ((post.FILES as Row[]) ?? []).map((file) => Number(file.ID));
  const out: Record<string, unknown> = {
    ID: String(post.ID),
    BLOG_ID: String(post.BLOG_ID),
    PUBLISH_STATUS: post.PUBLISH_STATUS,
    TITLE: post.TITLE ?? "",
    AUTHOR_ID: String(post.AUTHOR_ID),
    ENABLE_COMMENTS: post.ENABLE_COMMENTS,
    NUM_COMMENTS: String(post.NUM_COMMENTS ?? 0),
    CODE: null,
    MICRO: post.MICRO,
    DETAIL_TEXT: post.DETAIL_TEXT,
    DATE_PUBLISH: atom(new Date(String(post.DATE_PUBLISH))),
    CATEGORY_ID: null,
    HAS_SOCNET_ALL: (post.DEST as string[]).includes("UA") ? "Y" : "N",
    HAS_TAGS: "N",
    HAS_IMAGES: ((post.FILES as Row[]) ?? []).some((file) => /\.(png|jpe?g|gif|webp|bmp)$/i.test(String(file.NAME))) ? "Y" : "N",
    HAS_PROPS: "Y",
    HAS_COMMENT_IMAGES: null,
  };
  for (const field of UF_FIELDS) {
    const { VALUE, VALUE_RAW } = ufValue(field.name, post);
    out[field.name] = {
      ID: field.id,
      ENTITY_ID: "BLOG_POST",
      FIELD_NAME: field.name,
      USER_TYPE_ID: field.type,
      XML_ID: field.name,
      SORT: "100",
      MULTIPLE: field.multiple ? "Y" : "N",
      MANDATORY: "N",
      SHOW_FILTER: "N",
      SHOW_IN_LIST: field.showInList ? "Y" : "N",
      EDIT_IN_LIST: "Y",
      IS_SEARCHABLE: field.searchable ? "Y" : "N",
      SETTINGS: field.settings,
      EDIT_FORM_LABEL: field.labels[0],
      LIST_COLUMN_LABEL: field.labels[1],
      LIST_FILTER_LABEL: field.labels[2],
      ERROR_MESSAGE: null,
      HELP_MESSAGE: null,
      USER_TYPE: field.userType,
      VALUE,
      ENTITY_VALUE_ID: Number(post.ID),
      VALUE_EXISTS: true,
      VALUE_RAW,
      CUSTOM_DATA: field.name === "UF_BLOG_POST_FILE" && files.length > 0 ? { PHOTO_TEMPLATE: "gallery" } : [],
    };
  }
  if (files.length > 0) out.FILES = files;
  return out;
}
