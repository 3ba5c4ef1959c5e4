// The news feed: log.blogpost.add / update / delete / get / share, log.blogcomment.add and
// log.blogpost.getusers.important with OpenIntegrations' payloads (FILES as [[name, Base64]], DEST
// an array, AddPostRecipients' DEST as text), destinations (UA, U<n>, DR<n>) deciding who sees a
// post, an important post read by two users, who may edit or delete, errors as the docs give them,
// and answers shaped like the samples (CreatePost, GetPosts, UpdatePost, DeletePost,
// AddPostComment, AddPostRecipients, GetImportantPostViewers).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { usePortal } from "./helpers.js";
import { assertLikeSample, opiSample } from "./opi-sample-shape.js";

const ctx = usePortal();
const admin = () => new Bitrix24Client({ url: ctx.portal.webhookUrl });
const adminOauth = () => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.accessToken });
/** Maria (user 2, Sales) and Daniel (user 3, Development), through their own tokens. */
const as = (userId: number) => new Bitrix24Client({ url: ctx.portal.url, token: ctx.portal.credentials.issueToken(userId) });
const call = async <T = any>(client: Bitrix24Client, method: string, params: Record<string, unknown> = {}) => (await client.call<T>(method, params)) as { result: T; total?: number };
const fails = (code: string, description: string) => (e: unknown) => e instanceof Bitrix24Error && e.code === code && e.description === description && e.status === 400;
const postIds = async (client: Bitrix24Client, params: Record<string, unknown> = {}) => (await call<any[]>(client, "log.blogpost.get", params)).result.map((p) => Number(p.ID));

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");

// The keys after UF_BLOG_POST_FILE's fourth one: the GetPosts sample was cut there.
const UF_KEYS = ["XML_ID", "SORT", "MULTIPLE", "MANDATORY", "SHOW_FILTER", "SHOW_IN_LIST", "EDIT_IN_LIST", "IS_SEARCHABLE", "SETTINGS", "EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE", "USER_TYPE", "VALUE", "ENTITY_VALUE_ID", "VALUE_EXISTS", "VALUE_RAW", "CUSTOM_DATA"];
const POSTS_EXTRA = [...UF_KEYS.map((k) => `result[].UF_BLOG_POST_FILE.${k}`), "result[].UF_BLOG_POST_IMPRTNT", "result[].UF_IMPRTANT_DATE_END", "result[].FILES", "total", "time"];

describe("log.blogpost.add and log.blogpost.get", () => {
  it("takes CreatePost's payload (title, text, DEST, FILES as [[name, Base64]]) in both auth modes and prints the post like GetPosts", async () => {
    for (const client of [admin(), adminOauth()]) {
      const added = await call<number>(client, "log.blogpost.add", { POST_MESSAGE: "Text of post", POST_TITLE: "Post title", DEST: ["UA"], IMPORTANT: "N", FILES: [["1.png", PNG], ["notes.txt", Buffer.from("hello").toString("base64")]] });
      assertLikeSample(added, "CreatePost");
      const got = await call<any[]>(client, "log.blogpost.get", { POST_ID: added.result, LOG_RIGHTS: "UA" });
      assertLikeSample(got, "GetPosts", { extra: POSTS_EXTRA });
      const [post] = got.result;
      assert.deepEqual([post.ID, post.TITLE, post.DETAIL_TEXT, post.AUTHOR_ID, post.HAS_SOCNET_ALL, post.HAS_IMAGES, post.NUM_COMMENTS], [String(added.result), "Post title", "Text of post", "1", "Y", "Y", "0"]);
      assert.equal(post.FILES.length, 2);
      assert.deepEqual(post.UF_BLOG_POST_FILE.VALUE, post.FILES);
      assert.equal(post.UF_BLOG_POST_IMPRTNT.VALUE, null);
    }
    // A post without files prints UF_BLOG_POST_FILE's VALUE false and no FILES, as in the sample.
    const plain = (await call<number>(admin(), "log.blogpost.add", { POST_MESSAGE: "No files" })).result;
    const [post] = (await call<any[]>(admin(), "log.blogpost.get", { POST_ID: plain })).result;
    assert.equal(post.UF_BLOG_POST_FILE.VALUE, false);
    assert.equal("FILES" in post, false);
    assert.equal(post.TITLE, "");
  });

  it("refuses an empty text and a destination that names nothing", async () => {
    await assert.rejects(call(admin(), "log.blogpost.add", { POST_TITLE: "t" }), fails("SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR", "Blog post hasn't been added"));
    await assert.rejects(call(admin(), "log.blogpost.add", { POST_MESSAGE: "x", DEST: ["U999"] }), fails("SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR", "No destination specified"));
    await assert.rejects(call(admin(), "log.blogpost.add", { POST_MESSAGE: "x", DEST: ["nobody"] }), fails("SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR", "No destination specified"));
  });
});

describe("destinations and sharing", () => {
  it("a post to U2 and DR2 reaches Maria and the Sales department, not Daniel, until it is shared with him (DEST as text, as AddPostRecipients sends it)", async () => {
    const id = (await call<number>(admin(), "log.blogpost.add", { POST_MESSAGE: "Sales only", POST_TITLE: "Quarter", DEST: ["U2", "DR2"] })).result;
    assert.ok((await postIds(as(2))).includes(id));
    assert.ok(!(await postIds(as(3))).includes(id));
    assert.deepEqual(await postIds(as(3), { POST_ID: id }), []);
    await assert.rejects(call(as(3), "log.blogcomment.add", { POST_ID: id, TEXT: "Can I?" }), fails("", "No post found"));
    await assert.rejects(call(as(3), "log.blogpost.share", { POST_ID: id, DEST: "U3" }), fails("", "No read perms"));

    const shared = await call(admin(), "log.blogpost.share", { POST_ID: id, DEST: "U3" });
    assertLikeSample(shared, "AddPostRecipients");
    assert.deepEqual(await postIds(as(3), { POST_ID: id }), [id]);
    assert.ok((await postIds(admin(), { LOG_RIGHTS: ["U3"] })).includes(id));
    assert.ok(!(await postIds(admin(), { LOG_RIGHTS: ["U4"] })).includes(id));
    await assert.rejects(call(admin(), "log.blogpost.share", { POST_ID: id, DEST: "X1" }), fails("", "Wrong destinations"));
    await assert.rejects(call(admin(), "log.blogpost.share", { POST_ID: 999_999, DEST: "UA" }), fails("", "Wrong post ID"));
  });

  it("DR<n> reaches the departments below n: a post to the top department reaches everyone in it", async () => {
    const id = (await call<number>(as(2), "log.blogpost.add", { POST_MESSAGE: "Company news", DEST: ["DR1"] })).result;
    for (const user of [3, 4, 5]) assert.deepEqual(await postIds(as(user), { POST_ID: id }), [id], `user ${user}`);
  });
});

describe("an important post read by two users", () => {
  it("GetImportantPostViewers lists who has read it, in order; someone who cannot see it gets []", async () => {
    const id = (await call<number>(admin(), "log.blogpost.add", { POST_MESSAGE: "Read me", POST_TITLE: "Important", IMPORTANT: "Y", DEST: ["U2", "U3"] })).result;
    const [post] = (await call<any[]>(admin(), "log.blogpost.get", { POST_ID: id })).result;
    assert.equal(post.UF_BLOG_POST_IMPRTNT.VALUE, 1);
    assert.deepEqual((await call(admin(), "log.blogpost.getusers.important", { POST_ID: id })).result, []);

    for (const user of [3, 2, 3]) {
      const vote = await call(as(user), "socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: id } });
      assert.deepEqual(vote.result, { success: "Y" });
    }
    const viewers = await call(admin(), "log.blogpost.getusers.important", { POST_ID: id });
    assertLikeSample(viewers, "GetImportantPostViewers");
    assert.deepEqual(viewers.result, ["3", "2"]);
    assert.deepEqual((await call(as(4), "log.blogpost.getusers.important", { POST_ID: id })).result, []);
    await assert.rejects(call(as(4), "socialnetwork.api.livefeed.blogpost.important.vote", { params: { POST_ID: id } }), fails("", "Wrong post ID"));
    await assert.rejects(call(admin(), "log.blogpost.getusers.important", { POST_ID: 999_999 }), fails("", "Wrong post ID"));
  });
});

describe("comments, editing and deleting", () => {
  it("AddPostComment counts on the post; a duplicate is refused", async () => {
    const id = (await call<number>(admin(), "log.blogpost.add", { POST_MESSAGE: "Discuss" })).result;
    const comment = await call<number>(as(2), "log.blogcomment.add", { POST_ID: id, TEXT: "Agreed" });
    assertLikeSample(comment, "AddPostComment");
    await assert.rejects(call(as(2), "log.blogcomment.add", { POST_ID: id, TEXT: "Agreed" }), fails("", "Duplicate comment"));
    await assert.rejects(call(as(2), "log.blogcomment.add", { POST_ID: id, TEXT: "" }), fails("", "Blog comment hasn't been added"));
    assert.equal((await call<any[]>(admin(), "log.blogpost.get", { POST_ID: id })).result[0].NUM_COMMENTS, "1");
  });

  it("the author and administrators edit and delete; others get the docs' errors", async () => {
    const id = (await call<number>(as(2), "log.blogpost.add", { POST_MESSAGE: "Draft", POST_TITLE: "Old title", DEST: ["UA"] })).result;
    await assert.rejects(call(as(3), "log.blogpost.update", { POST_ID: id, POST_MESSAGE: "Mine now" }), fails("SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR", "No write perms"));
    await assert.rejects(call(as(2), "log.blogpost.update", { POST_ID: id }), fails("EMPTY_TITLE", "Message title is not specified."));
    await assert.rejects(call(as(2), "log.blogpost.update", { POST_ID: 999_999, POST_MESSAGE: "x" }), fails("SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR", "No post found"));

    const updated = await call(as(2), "log.blogpost.update", { POST_ID: id, POST_MESSAGE: "New post text", POST_TITLE: "New post title", DEST: ["UA"], FILES: [["1.png", PNG]] });
    assertLikeSample(updated, "UpdatePost");
    assert.equal(updated.result, id);
    let [post] = (await call<any[]>(admin(), "log.blogpost.get", { POST_ID: id })).result;
    assert.deepEqual([post.TITLE, post.DETAIL_TEXT, post.FILES.length], ["New post title", "New post text", 1]);
    // Text alone: the title is not kept (as the docs say); an administrator may edit too.
    await call(admin(), "log.blogpost.update", { POST_ID: id, POST_MESSAGE: "Only text", FILES: { [post.FILES[0]]: "del" } });
    [post] = (await call<any[]>(admin(), "log.blogpost.get", { POST_ID: id })).result;
    assert.deepEqual([post.TITLE, post.DETAIL_TEXT, "FILES" in post], ["", "Only text", false]);

    await assert.rejects(call(as(3), "log.blogpost.delete", { POST_ID: id }), fails("403", "You do not have permission to delete this message"));
    assertLikeSample(await call(as(2), "log.blogpost.delete", { POST_ID: id }), "DeletePost");
    assert.deepEqual(await postIds(admin(), { POST_ID: id }), []);
    await assert.rejects(call(as(2), "log.blogpost.delete", { POST_ID: id }), fails("100", "Wrong post ID"));
    assert.equal(opiSample("DeletePost").result, true);
  });
});
