// What a definition can say, proved on small definitions run through the same path as every
// function (execute: payload built from the definition, sent over HTTP to a local portal that
// echoes what it received): dotted targets, dates and date-times, file maps, labels, named hooks,
// the id-only shorthand and structure templates.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { byId, rest, template, tokenParam, urlParam, type Definition } from "../src/catalogue/define.js";
import { execute } from "../src/catalogue/invoke.js";
import { InputError } from "../src/index.js";
import { startPortal, type RunningPortal } from "../src/portal/index.js";

let portal: RunningPortal;
let dir: string;
before(async () => {
  portal = await startPortal({ port: 0, methods: { "test.echo": (c) => c.params } });
  dir = mkdtempSync(join(tmpdir(), "oint-defs-"));
});
after(async () => {
  await portal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the portal received for the function called with these values (auth stripped). */
async function received(def: Definition, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = (await execute(def, { url: portal.webhookUrl, ...values })) as { result: Record<string, unknown> };
  return answer.result;
}

const checklistItem = rest()({
  name: "AddChecklistItemLike",
  ru: "ДобавитьПунктКакТест",
  region: "Tasks checklists management",
  summary: "test",
  method: "test.echo",
  replay: "unsafe",
  params: [
    urlParam,
    { name: "taskId", option: "task", short: "t", kind: "string", field: "TASKID", required: true, description: "Task" },
    { name: "text", option: "text", short: "x", kind: "string", field: "FIELDS.TITLE", required: true, description: "Text" },
    { name: "complete", option: "complete", short: "c", kind: "flag", field: "FIELDS.IS_COMPLETE", default: false, description: "Done" },
    { name: "sort", option: "sort", short: "s", kind: "string", field: "FIELDS.SORT_INDEX", description: "Sort" },
    tokenParam("k"),
  ],
});

describe("dotted targets", () => {
  it("nest values under their parents in definition order, leaving empty leaves out", async () => {
    assert.deepEqual(await received(checklistItem, { taskId: 7, text: "Buy milk" }), { TASKID: "7", FIELDS: { TITLE: "Buy milk", IS_COMPLETE: "N" } });
    assert.deepEqual(await received(checklistItem, { taskId: 7, text: "Done", complete: true, sort: 3 }), { TASKID: "7", FIELDS: { TITLE: "Done", IS_COMPLETE: "Y", SORT_INDEX: "3" } });
  });

  const upload = rest()({
    name: "UploadLike",
    ru: "ЗагрузитьКакТест",
    region: "File management",
    summary: "test",
    method: "test.echo",
    replay: "unsafe",
    params: [
      urlParam,
      { name: "title", option: "title", short: "n", kind: "string", field: ["data.NAME", "fileContent.0"], required: true, description: "Name" },
      { name: "file", option: "file", short: "f", kind: "binary", field: "fileContent.1", required: true, description: "File" },
      { name: "folder", option: "folder", short: "d", kind: "string", field: "id", required: true, description: "Folder" },
      { name: "extra", option: "extra", short: "e", kind: "map", field: "data.EXTRA", description: "An optional nested object" },
      tokenParam(),
    ],
  });

  it("a value may go to several targets, and a numeric part makes a list ([name, base64] pairs)", async () => {
    const path = join(dir, "a.txt");
    writeFileSync(path, "hello");
    assert.deepEqual(await received(upload, { title: "a.txt", file: path, folder: 5 }), {
      data: { NAME: "a.txt" },
      fileContent: ["a.txt", Buffer.from("hello").toString("base64")],
      id: "5",
    });
  });

  it("a parent whose only values are empty is not sent at all", async () => {
    const withEmpty = await received(upload, { title: "b.txt", file: Buffer.from("x").toString("base64"), folder: 5, extra: {} });
    assert.deepEqual(withEmpty.data, { NAME: "b.txt" }, "data.EXTRA {} is left out, data keeps NAME");
  });
});

describe("dates and date-times", () => {
  const dated = (format?: "local" | "utc" | "offset") =>
    rest()({
      name: "DatedLike",
      ru: "ДатаКакТест",
      region: "Timekeeping",
      summary: "test",
      method: "test.echo",
      replay: "safe",
      params: [
        urlParam,
        { name: "day", option: "day", short: "d", kind: "date", field: "DAY", description: "Day" },
        { name: "at", option: "at", short: "a", kind: "datetime", field: "AT", ...(format ? { format } : {}), description: "At" },
        tokenParam(),
      ],
    });

  it("a date is sent as yyyy-MM-dd from ISO text, dd.MM.yyyy or a Date", async () => {
    assert.equal((await received(dated(), { day: "2025-12-10T19:58:55+03:00" })).DAY, "2025-12-10");
    assert.equal((await received(dated(), { day: "10.12.2025" })).DAY, "2025-12-10");
    assert.equal((await received(dated(), { day: new Date(2025, 11, 10, 12) })).DAY, "2025-12-10");
  });

  it("a date-time keeps the time as written (local), in UTC with Z, or with its offset", async () => {
    assert.equal((await received(dated(), { at: "2025-12-10 19:58" })).AT, "2025-12-10T19:58:00");
    assert.equal((await received(dated("utc"), { at: "2025-12-10T19:58:55+03:00" })).AT, "2025-12-10T16:58:55Z");
    assert.equal((await received(dated("utc"), { at: new Date(Date.UTC(2025, 11, 10, 16, 58, 55)) })).AT, "2025-12-10T16:58:55Z");
    assert.equal((await received(dated("offset"), { at: "2025-12-10T19:58:55+0300" })).AT, "2025-12-10T19:58:55+03:00");
    assert.match(String((await received(dated("offset"), { at: "2025-12-10T19:58:55" })).AT), /^2025-12-10T19:58:55[+-]\d{2}:\d{2}$/);
  });

  it("text that is no date is refused before anything is sent, naming the parameter", async () => {
    const before = portal.requests.length;
    await assert.rejects(received(dated(), { day: "next tuesday" }), (error: unknown) => error instanceof InputError && error.parameter === "day");
    // The right shape but no such moment: month 13, the 30th of February, 25 o'clock, an offset past ±14:00.
    for (const at of ["2024-13-45T10:00:00", "2024-02-30T10:00:00", "2024-01-01T25:00:00", "2024-01-01T10:00:00+15:00"]) {
      await assert.rejects(received(dated("offset"), { at }), (error: unknown) => error instanceof InputError && error.parameter === "at", at);
    }
    assert.equal(portal.requests.length, before);
  });
});

describe("file maps and labels", () => {
  const post = rest()({
    name: "PostLike",
    ru: "НовостьКакТест",
    region: "Feed posts management",
    summary: "test",
    method: "test.echo",
    replay: "unsafe",
    params: [
      urlParam,
      { name: "files", option: "files", short: "f", kind: "files", field: "FILES", description: "Files" },
      { name: "label", option: "label", short: "l", kind: "label", field: "PARAMS.EDIT_FORM_LABEL", description: "Label" },
      tokenParam(),
    ],
  });

  it("a file map is sent as [[name, base64], …] from paths, bytes or Base64", async () => {
    const path = join(dir, "notes.txt");
    writeFileSync(path, "notes");
    const files = { "notes.txt": path, "raw.bin": new Uint8Array([1, 2, 3]), "b64.txt": Buffer.from("plain text here!").toString("base64") };
    assert.deepEqual((await received(post, { files })).FILES, [
      ["notes.txt", Buffer.from("notes").toString("base64")],
      ["raw.bin", Buffer.from([1, 2, 3]).toString("base64")],
      ["b64.txt", Buffer.from("plain text here!").toString("base64")],
    ]);
  });

  it("a file map from JSON text naming a missing file is refused, naming the entry", async () => {
    await assert.rejects(received(post, { files: JSON.stringify({ "x.txt": join(dir, "missing.txt") }) }), (error: unknown) => error instanceof InputError && error.parameter === "files.x.txt");
  });

  it("a label is one text in every language", async () => {
    assert.deepEqual(await received(post, { label: "Priority" }), { PARAMS: { EDIT_FORM_LABEL: { en: "Priority", ru: "Priority" } } });
  });
});

describe("named hooks", () => {
  const move = rest()({
    name: "MoveLike",
    ru: "ПеренестиКакТест",
    region: "Kanban",
    summary: "test",
    method: "test.echo",
    replay: "unsafe",
    hook: "oneAnchor",
    params: [
      urlParam,
      { name: "taskId", option: "task", short: "t", kind: "string", field: "id", required: true, description: "Task" },
      { name: "before", option: "before", short: "b", kind: "string", field: "before", default: 0, description: "Before" },
      { name: "after", option: "after", short: "a", kind: "string", field: "after", default: 0, keepEmpty: true, description: "After" },
      tokenParam("k"),
    ],
  });

  it("oneAnchor sends before when it is given, else after (\"0\" included)", async () => {
    assert.deepEqual(await received(move, { taskId: 1, before: 5, after: 9 }), { id: "1", before: "5" });
    assert.deepEqual(await received(move, { taskId: 1, after: 9 }), { id: "1", after: "9" });
    assert.deepEqual(await received(move, { taskId: 1 }), { id: "1", after: "0" });
    // As OpenIntegrations' code: the text "0" is a filled before, the number 0 is not; an empty after is left out.
    assert.deepEqual(await received(move, { taskId: 1, before: "0" }), { id: "1", before: "0" });
    assert.deepEqual(await received(move, { taskId: 1, before: 0, after: "" }), { id: "1" });
  });
});

describe("shorthands", () => {
  const getThing = byId<Record<string, unknown>>()({
    name: "GetThingLike",
    ru: "ПолучитьВещьКакТест",
    region: "Tasks management",
    summary: "test",
    method: "test.echo",
    replay: "safe",
    readOnly: true,
    id: { name: "taskId", option: "task", short: "t", field: "taskId", description: "Task ID" },
    tokenShort: "k",
  });

  it("byId: url, the ID (sent as text under its field) and the token", async () => {
    assert.deepEqual(
      getThing.params.map((p) => `--${p.option} -${p.short}`),
      ["--url -u", "--task -t", "--token -k"],
    );
    assert.deepEqual(await received(getThing, { taskId: 42 }), { taskId: "42" });
    await assert.rejects(received(getThing, {}), (error: unknown) => error instanceof InputError && error.parameter === "taskId");
  });

  const filterTemplate = template()({
    name: "GetFilterLike",
    ru: "ПолучитьФильтрКакТест",
    region: "Tasks management",
    summary: "test",
    asMap: true,
    fields: { ID: "<task identifier>", rrule: { FREQ: "<frequency>", BYDAY: ["<day>"] }, remind: [{ type: "<unit>", count: "<number>" }] },
  });

  it("template: descriptions, or every value emptied with --empty, nested shapes kept; --map accepted", async () => {
    assert.deepEqual(filterTemplate.params.map((p) => `--${p.option} -${p.short}`), ["--empty -e", "--map -m"]);
    assert.deepEqual(await execute(filterTemplate, {}), { ID: "<task identifier>", rrule: { FREQ: "<frequency>", BYDAY: ["<day>"] }, remind: [{ type: "<unit>", count: "<number>" }] });
    assert.deepEqual(await execute(filterTemplate, { empty: "true", asMap: true }), { ID: "", rrule: { FREQ: "", BYDAY: [""] }, remind: [{ type: "", count: "" }] });
  });
});
