// Compares an answer with a real one from test/fixtures/opi-samples (OpenIntegrations' docs, taken
// from a live Bitrix24 portal): the same keys in the same order and the same value types, all the
// way down. The one helper every test uses for "answers like the sample". Its rules:
//
//  1. Redactions: a value the docs replaced by "***" matches any value (but its key must be there).
//  2. Lists: every item of the answer must have the shape of one of the sample's items (the samples
//     show variants, e.g. a message with `params: []` and a deleted one with `params: {IS_DELETED}`).
//     A sample's empty list says nothing about items.
//  3. Maps by ID: an object whose keys all end in an ID (GetUsers' `{"10": {...}}`, SendFile's
//     `{"upload48482": {...}}`) may hold any number of entries whose keys have the same form
//     (`upload<n>`), each with the shape of the sample's first entry.
//  4. Text or nothing: in NULLABLE_TEXT fields Bitrix24 prints null when there is nothing and text
//     otherwise (a member's `work_position`, a chat's `description`), so a sample's null there also
//     accepts a string. Everywhere else null is null.
//  5. Options (ShapeOptions) name, by path, keys an answer may leave out or add, objects whose key
//     order does not matter, free-form maps and values that may also be text; without options the
//     keys and their order are exact.
//  6. Where a sample is not a whole answer, or shows data unlike any other answer (SAMPLE_FIXES),
//     assertLikeSample completes it or adds that sample's allowances, each with its reason.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function opiSample(name: string): any {
  return JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "opi-samples", `${name}.json`), "utf8"));
}

export interface ShapeOptions {
  /**
   * Paths of keys the answer may leave out. A path is the keys from the top joined by dots, with
   * `[]` for any list item and `<n>` for any map-by-ID entry: "result.PERSONAL_PHOTO",
   * "result.messages[].params", "result.FILES.upload<n>.name".
   */
  optional?: readonly string[];
  /** Paths of keys the answer may have beyond the sample (where the sample was cut short). */
  extra?: readonly string[];
  /** Paths of objects whose keys may come in any order ("" is the top level). */
  anyOrder?: readonly string[];
  /**
   * Paths of free-form maps (a message's `params`: ATTACH, LIKE, FILE_ID, IS_DELETED… as the message
   * has them): only "a map" is compared, an object or PHP's empty map `[]`.
   */
  freeForm?: readonly string[];
  /** Paths where a value may also be text (MarkMessageAsReaded's dialogId: 10 for a user, "chat10" for a chat). */
  alsoText?: readonly string[];
  /** Paths where Bitrix24 prints text or null as the data has it (a task's deadline, closedDate): either matches the other. */
  textOrNull?: readonly string[];
}

/** Fields where Bitrix24 prints null for "nothing" and a string otherwise (rule 4). */
const NULLABLE_TEXT = new Set(["work_position", "description"]);

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const idKind = (key: string) => key.replace(/\d+$/, "<n>");
const endsInId = (key: string) => /\d$/.test(key);
const join_ = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Every difference between `actual` and `sample`, one line each (empty when they have the same shape). */
export function shapeProblems(actual: unknown, sample: unknown, options: ShapeOptions = {}): string[] {
  return problemsAt(actual, sample, "", options);
}

function problemsAt(actual: unknown, sample: unknown, path: string, options: ShapeOptions): string[] {
  const where = path || "(top)";
  if (sample === "***") return [];
  if (sample === null && typeof actual === "string" && NULLABLE_TEXT.has(path.split(".").at(-1)!)) return [];
  if (typeof actual === "string" && options.alsoText?.includes(path)) return [];
  if ((actual === null || typeof actual === "string") && (sample === null || typeof sample === "string") && options.textOrNull?.includes(path)) return [];
  if (options.freeForm?.includes(path)) {
    const isMap = typeOf(actual) === "object" || (Array.isArray(actual) && actual.length === 0);
    return isMap ? [] : [`${where}: ${JSON.stringify(actual)?.slice(0, 60)} where the sample has a map`];
  }
  if (typeOf(actual) !== typeOf(sample)) return [`${where}: ${JSON.stringify(actual)?.slice(0, 60)} (${typeOf(actual)}) where the sample has ${typeOf(sample)}`];

  if (Array.isArray(sample)) {
    if (sample.length === 0) return [];
    const problems: string[] = [];
    (actual as unknown[]).forEach((item, i) => {
      // The item must match one of the sample's items; report against the closest one.
      const tries = sample.map((variant) => problemsAt(item, variant, `${path}[]`, options));
      const best = tries.reduce((a, b) => (b.length < a.length ? b : a));
      problems.push(...best.map((p) => p.replace(`${path}[]`, `${path}[${i}]`)));
    });
    return problems;
  }
  if (typeOf(sample) !== "object") return [];

  const a = actual as Record<string, unknown>;
  const s = sample as Record<string, unknown>;
  const sampleKeys = Object.keys(s);
  const actualKeys = Object.keys(a);

  if (sampleKeys.length > 0 && sampleKeys.every(endsInId)) {
    // A map by ID (rule 3).
    const kind = idKind(sampleKeys[0]);
    const problems: string[] = [];
    for (const key of actualKeys) {
      if (idKind(key) !== kind) problems.push(`${join_(path, key)}: a key of another form than the sample's ${sampleKeys[0]}`);
      else problems.push(...problemsAt(a[key], s[sampleKeys[0]], join_(path, kind), options).map((p) => p.replace(join_(path, kind), join_(path, key))));
    }
    return problems;
  }

  const problems: string[] = [];
  for (const key of sampleKeys) {
    if (!(key in a) && !options.optional?.includes(join_(path, key))) problems.push(`${join_(path, key)}: missing`);
  }
  for (const key of actualKeys) {
    if (!(key in s) && !options.extra?.includes(join_(path, key))) problems.push(`${join_(path, key)}: not in the sample`);
  }
  if (!options.anyOrder?.includes(path)) {
    const shared = actualKeys.filter((key) => key in s);
    const expected = sampleKeys.filter((key) => key in a);
    if (shared.join() !== expected.join()) problems.push(`${where}: keys in the order ${shared.join(",")} where the sample has ${expected.join(",")}`);
  }
  for (const key of actualKeys) if (key in s) problems.push(...problemsAt(a[key], s[key], join_(path, key), options));
  return problems;
}

/** Fails with every difference listed when `actual` does not have the shape of `sample`. */
export function assertSameShape(actual: unknown, sample: unknown, options: ShapeOptions = {}): void {
  assert.deepEqual(shapeProblems(actual, sample, options), [], "the answer differs from the sample's shape");
}

/** Samples that are not whole answers or show one case of several, and what else is allowed (rule 6). */
const SAMPLE_FIXES: Record<string, { why: string; fix?: (sample: any) => any; options: () => ShapeOptions }> = {
  GetChatMessagesList: {
    why:
      "the docs' block was cut after `messages`: Bitrix24's `users` and `files` lists and the `time` block are missing; " +
      "its messages' params show only none ([]) and IS_DELETED, where a message with blocks, likes or files has those",
    fix: (sample) => ({ ...sample, time: opiSample("ServerTime").time }),
    options: () => ({ extra: ["result.users", "result.files"], freeForm: ["result.messages[].params"] }),
  },
  MarkMessageAsReaded: {
    why: "the sample read a private dialog (dialogId 10); a chat's dialogId is its text ID, chat10",
    options: () => ({ alsoText: ["result.dialogId"] }),
  },
  GetCurrentUser: {
    why:
      "Bitrix24 prints the fields a user has: the docs' user had no phones and no position (ours may have any field " +
      "user.fields lists), and a user without a photo has no PERSONAL_PHOTO",
    options: () => ({
      optional: ["result.PERSONAL_PHOTO"],
      extra: Object.keys(opiSample("GetUserFieldsStructure").result).map((key) => `result.${key}`),
    }),
  },
};

/**
 * `answer` has the shape of the sample named `name` (a file in fixtures/opi-samples), completed
 * where the sample was cut short; `options` add to that sample's own allowances.
 */
export function assertLikeSample(answer: unknown, name: string, options: ShapeOptions = {}): void {
  const fixed = SAMPLE_FIXES[name];
  const sample = fixed?.fix ? fixed.fix(opiSample(name)) : opiSample(name);
  const own = fixed?.options() ?? {};
  const merged: ShapeOptions = {};
  for (const key of ["optional", "extra", "anyOrder", "freeForm", "alsoText", "textOrNull"] as const) merged[key] = [...(own[key] ?? []), ...(options[key] ?? [])];
  assert.deepEqual(shapeProblems(answer, sample, merged), [], `${name}: the answer differs from the sample's shape`);
}
