// Feed posts management (OpenIntegrations region `РаботаСЖивойЛентой`), opi-bitrix24.md §2.2: posts
// of the news feed (log.blogpost.*) and their comments. Recipients are codes: UA everyone, Un a
// user, SGn a workgroup, DRn a department, Gn a group. Files go inline as [[name, base64], …].
import { byId, rest, tokenParam, urlParam } from "../define.js";

const region = "Feed posts management";

/** A feed post as log.blogpost.get prints it (fixtures/opi-samples/GetPosts.json); common fields typed. */
export interface FeedPost {
  ID: string;
  BLOG_ID: string;
  PUBLISH_STATUS: string;
  TITLE: string;
  AUTHOR_ID: string;
  ENABLE_COMMENTS: "Y" | "N";
  NUM_COMMENTS: string;
  DETAIL_TEXT: string;
  DATE_PUBLISH: string;
  [field: string]: unknown;
}

const postIdParam = { name: "postId", option: "postid", short: "p", kind: "string", field: "POST_ID", required: true, description: "Post ID" } as const;

/** `--vision`: recipients, one code or a list; CreatePost and UpdatePost send a list (AddPostRecipients: text). */
const visionParam = {
  name: "vision",
  option: "vision",
  short: "v",
  kind: "array",
  field: "DEST",
  default: "UA",
  type: "readonly string[] | string",
  description: "Recipients: one code or a JSON list of codes (UA all, Un user, SGn workgroup, DRn department, Gn group)",
} as const;

const filesParam = {
  name: "files",
  option: "files",
  short: "f",
  kind: "files",
  field: "FILES",
  default: "",
  description: "Attached files: JSON object file name -> path, http(s) URL or Base64, e.g. {\"a.png\":\"/tmp/a.png\"}",
} as const;

const titleParam = { name: "title", option: "title", short: "l", kind: "string", field: "POST_TITLE", default: "", description: "Post title" } as const;

export const createPost = rest<number>()({
  name: "CreatePost",
  ru: "СоздатьНовость",
  region,
  summary: "Publishes a post in the news feed; the result is the new post ID",
  method: "log.blogpost.add",
  replay: "unsafe",
  params: [
    urlParam,
    { name: "text", option: "text", short: "t", kind: "string", field: "POST_MESSAGE", required: true, description: "Post text" },
    visionParam,
    filesParam,
    titleParam,
    { name: "important", option: "important", short: "i", kind: "flag", field: "IMPORTANT", default: false, description: "Mark the post as important (its readers are listed by GetImportantPostViewers)" },
    tokenParam("k"),
  ],
});

export const updatePost = rest<number>()({
  name: "UpdatePost",
  ru: "ИзменитьНовость",
  region,
  summary: "Changes a post's text, title, recipients and files; the result is the post ID",
  method: "log.blogpost.update",
  replay: "unsafe", // files given again are attached again
  params: [
    urlParam,
    postIdParam,
    { name: "text", option: "text", short: "t", kind: "string", field: "POST_MESSAGE", required: true, description: "New post text" },
    visionParam,
    filesParam,
    titleParam,
    tokenParam("k"),
  ],
});

export const deletePost = byId<boolean>()({
  name: "DeletePost",
  ru: "УдалитьНовость",
  region,
  summary: "Deletes a post from the news feed",
  method: "log.blogpost.delete",
  replay: "unsafe", // a second delete fails
  id: { name: "postId", option: "postid", short: "p", field: "POST_ID", description: "ID of the post to delete" },
});

export const getImportantPostViewers = byId<string[]>()({
  name: "GetImportantPostViewers",
  ru: "ПолучитьСписокПросмотревшихВажное",
  region,
  summary: "Lists the IDs of the users who have read an important post",
  method: "log.blogpost.getusers.important",
  replay: "safe",
  readOnly: true,
  id: { name: "postId", option: "postid", short: "p", field: "POST_ID", description: "ID of the important post" },
});

export const getPosts = rest<FeedPost[]>()({
  name: "GetPosts",
  ru: "ПолучитьНовости",
  region,
  summary: "Returns a post by ID, or the posts visible to a recipient code (--sel, UA by default)",
  method: "log.blogpost.get",
  replay: "safe",
  readOnly: true,
  params: [
    urlParam,
    { name: "postId", option: "postid", short: "p", kind: "string", field: "POST_ID", default: "", description: "Post ID (empty: every post the selection allows)" },
    { name: "sel", option: "sel", short: "s", kind: "string", field: "LOG_RIGHTS", default: "UA", description: "Selection by rights: UA all, Un user, SGn workgroup, DRn department, Gn group" },
    tokenParam(),
  ],
});

export const addPostComment = rest<number>()({
  name: "AddPostComment",
  ru: "ДобавитьКомментарийНовости",
  region,
  summary: "Adds a comment to a post; the result is the comment ID",
  method: "log.blogcomment.add",
  replay: "unsafe",
  params: [
    urlParam,
    postIdParam,
    { name: "text", option: "text", short: "t", kind: "string", field: "TEXT", required: true, description: "Comment text" },
    tokenParam("k"),
  ],
});

export const addPostRecipients = rest<boolean>()({
  name: "AddPostRecipients",
  ru: "ДобавитьПолучателейКНовости",
  region,
  summary: "Shares a post with more recipients (DEST is sent as text, as OpenIntegrations sends it)",
  method: "log.blogpost.share",
  replay: "unsafe", // recipients are notified again
  params: [
    urlParam,
    postIdParam,
    { name: "vision", option: "vision", short: "v", kind: "string", field: "DEST", required: true, description: "Recipient code to add: UA all, Un user, SGn workgroup, DRn department, Gn group" },
    tokenParam(),
  ],
});

export const feedFunctions = [createPost, updatePost, deletePost, getImportantPostViewers, getPosts, addPostComment, addPostRecipients] as const;
