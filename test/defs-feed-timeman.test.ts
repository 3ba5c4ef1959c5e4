// The feed and work-day definitions: each function sends what OpenIntegrations' code sends for the
// docs' CLI example values, over HTTP to a local portal that echoes the payload.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { findFunction } from "../src/catalogue/index.js";
import type { Definition } from "../src/catalogue/define.js";
import { feedFunctions } from "../src/catalogue/regions/feed.js";
import { timemanFunctions } from "../src/catalogue/regions/timeman.js";
import { InputError } from "../src/index.js";
import { useEchoPortal } from "./defs-echo.js";
import { runCli, useScratchDir } from "./helpers.js";

const fn = (name: string): Definition => findFunction(name)!;
const echo = useEchoPortal([...feedFunctions, ...timemanFunctions]);
const scratch = useScratchDir();
const b64 = (text: string) => Buffer.from(text).toString("base64");

let picture: string;
let picture2: string;
before(() => {
  picture = join(scratch.path, "picture.jpg");
  picture2 = join(scratch.path, "picture2.jpg");
  writeFileSync(picture, "first picture");
  writeFileSync(picture2, "second picture");
});

describe("feed posts", () => {
  it("CreatePost: text, recipients as a list (UA by default), files as [[name, base64], …], title, IMPORTANT as N/Y", async () => {
    const files = JSON.stringify({ "1.png": picture, "2.png": picture2 });
    assert.deepEqual(await echo.sent(fn("CreatePost"), { text: "Text of post", files, title: "Post title" }), {
      POST_MESSAGE: "Text of post",
      POST_TITLE: "Post title",
      DEST: ["UA"],
      IMPORTANT: "N",
      FILES: [
        ["1.png", b64("first picture")],
        ["2.png", b64("second picture")],
      ],
    });
    assert.deepEqual(await echo.sent(fn("CreatePost"), { text: "Hi", vision: "['U1','DR2']", important: true }), { POST_MESSAGE: "Hi", DEST: ["U1", "DR2"], IMPORTANT: "Y" });
  });

  it("UpdatePost sends the post ID, no IMPORTANT, and FILES only when files are given", async () => {
    assert.deepEqual(await echo.sent(fn("UpdatePost"), { postId: 3454, text: "New post text", files: { "1.png": picture }, title: "New post title" }), {
      POST_ID: "3454",
      POST_MESSAGE: "New post text",
      POST_TITLE: "New post title",
      DEST: ["UA"],
      FILES: [["1.png", b64("first picture")]],
    });
    assert.deepEqual(await echo.sent(fn("UpdatePost"), { postId: 3454, text: "Only text" }), { POST_ID: "3454", POST_MESSAGE: "Only text", DEST: ["UA"] });
  });

  it("a file map naming a missing file is refused before anything is sent", async () => {
    const before = echo.portal.requests.length;
    await assert.rejects(echo.sent(fn("CreatePost"), { text: "x", files: JSON.stringify({ "a.png": join(scratch.path, "missing.png") }) }), (error: unknown) => error instanceof InputError && error.parameter === "files.a.png");
    assert.equal(echo.portal.requests.length, before);
  });

  it("the post ID goes as POST_ID; GetPosts selects by rights (UA by default)", async () => {
    assert.deepEqual(await echo.sent(fn("DeletePost"), { postId: 3456 }), { POST_ID: "3456" });
    assert.deepEqual(await echo.sent(fn("GetImportantPostViewers"), { postId: 3570 }), { POST_ID: "3570" });
    assert.deepEqual(await echo.sent(fn("GetPosts"), { postId: 3572 }), { POST_ID: "3572", LOG_RIGHTS: "UA" });
    assert.deepEqual(await echo.sent(fn("GetPosts"), { sel: "U1" }), { LOG_RIGHTS: "U1" });
    assert.deepEqual(await echo.sent(fn("AddPostComment"), { postId: 3572, text: "Another comment" }), { POST_ID: "3572", TEXT: "Another comment" });
  });

  it("AddPostRecipients sends DEST as text, not as a list", async () => {
    assert.deepEqual(await echo.sent(fn("AddPostRecipients"), { postId: 3456, vision: "UA" }), { POST_ID: "3456", DEST: "UA" });
  });
});

describe("work day", () => {
  it("StartTimekeeping and StopTimekeeping: TIME in ATOM with its offset, as timeman reads it (not OpenIntegrations' …Z, which Bitrix24 refused)", async () => {
    assert.deepEqual(await echo.sent(fn("StartTimekeeping"), { userId: 1, time: "2026-01-06T09:04:38+03:00", report: "Late" }), { USER_ID: "1", TIME: "2026-01-06T09:04:38+03:00", REPORT: "Late" });
    assert.deepEqual(await echo.sent(fn("StopTimekeeping"), { userId: 1, time: "2025-12-10T19:56:25.7508133-05:30", report: "Time off" }), { USER_ID: "1", TIME: "2025-12-10T19:56:25-05:30", REPORT: "Time off" });
  });

  it("a time in UTC goes with +00:00; a Date with this machine's offset", async () => {
    assert.equal((await echo.sent(fn("StopTimekeeping"), { time: "2026-01-06T06:04:38Z" })).TIME, "2026-01-06T06:04:38+00:00");
    const date = new Date(2026, 0, 6, 9, 4, 38); // local time
    const minutes = -date.getTimezoneOffset();
    const offset = `${minutes < 0 ? "-" : "+"}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0")}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;
    assert.equal((await echo.sent(fn("StartTimekeeping"), { time: date })).TIME, `2026-01-06T09:04:38${offset}`);
  });

  it("without a user, time or report the calling user acts now: nothing is sent", async () => {
    for (const name of ["StartTimekeeping", "StopTimekeeping", "PauseTimekeeping", "GetTimekeepingStatus", "GetTimekeepingSettings"]) {
      assert.deepEqual(await echo.sent(fn(name)), {}, name);
    }
  });

  it("pause, status and settings send the user as USER_ID", async () => {
    for (const name of ["PauseTimekeeping", "GetTimekeepingStatus", "GetTimekeepingSettings"]) {
      assert.deepEqual(await echo.sent(fn(name), { userId: 1 }), { USER_ID: "1" }, name);
    }
  });

  it("a time that is no date-time is refused before anything is sent", async () => {
    const before = echo.portal.requests.length;
    await assert.rejects(echo.sent(fn("StartTimekeeping"), { time: "nine o'clock" }), (error: unknown) => error instanceof InputError && error.parameter === "time");
    assert.equal(echo.portal.requests.length, before);
  });
});

describe("through the CLI", () => {
  it("--help names OpenIntegrations' options", async () => {
    const start = await runCli(["bitrix24", "StartTimekeeping", "--help"]);
    assert.equal(start.code, 0, start.stderr);
    for (const line of [/-s, --userid/, /-t, --time/, /-r, --report/, /-k, --token/]) assert.match(start.stdout, line);
    const post = await runCli(["bitrix24", "CreatePost", "--help"]);
    assert.equal(post.code, 0, post.stderr);
    for (const line of [/-t, --text/, /-v, --vision/, /-f, --files/, /-l, --title/, /-i, --important/, /-k, --token/]) assert.match(post.stdout, line);
  });

  it("--time without a zone is the machine's local time, sent with its offset", async () => {
    const run = await runCli(["bitrix24", "StopTimekeeping", "--url", echo.portal.webhookUrl, "--time", "2025-12-10T19:58:55", "--report", "Time off"], { env: { TZ: "Europe/Moscow" } });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).result, { TIME: "2025-12-10T19:58:55+03:00", REPORT: "Time off" });
  });

  it("CreatePost from the command line with a file map", async () => {
    const files = JSON.stringify({ "1.png": picture });
    const run = await runCli(["bitrix24", "CreatePost", "--url", echo.portal.webhookUrl, "--text", "Text of post", "--files", files, "--title", "Post title"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).result, { POST_MESSAGE: "Text of post", POST_TITLE: "Post title", DEST: ["UA"], IMPORTANT: "N", FILES: [["1.png", b64("first picture")]] });
  });
});
