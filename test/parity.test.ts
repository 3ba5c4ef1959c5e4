// Parity with OpenIntegrations' own CLI index (fixtures/opi-cli-index.json, all 179 Bitrix24
// functions): every function oint implements has OpenIntegrations' EN and RU names and region, calls
// the same REST method, and takes the same long and short options in the same order with the same
// defaults (oint's own additions may follow them). Whole-catalogue invariants live here too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { catalogue, findFunction } from "../src/catalogue/index.js";
import type { Definition, ParamSpec } from "../src/catalogue/define.js";
import { REGIONS } from "../src/catalogue/opi-regions.js";
import { Bitrix24Client, Bitrix24Error } from "../src/index.js";
import { usePortal } from "./helpers.js";
import { mendedRegion, opiMethod, readOpiIndex, type OpiIndexEntry, type OpiOption } from "../scripts/opi-index.js";

const index = readOpiIndex();
const defs = catalogue as readonly Definition[];

/** A definition's default as the index writes it: null when required, "Пустое значение" when empty. */
function indexDefault(p: ParamSpec): string | null {
  if (p.required) return null;
  // OpenIntegrations' index writes a default of the number 0 (an unfilled value to 1C) as empty too.
  if (p.default === undefined || p.default === "" || p.default === 0) return "Пустое значение";
  return String(p.default);
}

/** The index writes boolean defaults as True/False and sometimes true/false. */
const sameCase = (text: string) => text.replace(/\[(true|false)\]$/i, (_, b: string) => `[${b.toLowerCase()}]`);

describe("OpenIntegrations parity (fixtures/opi-cli-index.json)", () => {
  it("the index holds OpenIntegrations' 179 functions", () => assert.equal(index.length, 179));

  for (const opi of index) {
    const def = findFunction(opi.en);
    if (!def) continue;
    it(`${opi.en}: names, region, method, options and defaults`, () => {
      assert.equal(def.name, opi.en);
      assert.equal(def.ru, opi.ru);
      // An earlier RU spelling still finds the function, so old scripts keep working.
      if (opi.ruOld && opi.ruOld !== opi.ru) assert.equal(findFunction(opi.ruOld), def, `${opi.ruOld} finds ${opi.en}`);
      assert.equal(def.region, mendedRegion(opi.region));
      const method = opiMethod(opi);
      if (method === "local") assert.equal(def.kind, "local");
      else if (def.kind === "rest") assert.equal(def.method, method);
      else {
        assert.equal(def.kind, "flow", `${opi.en} calls ${method}`);
        if (method !== "oauth") assert.ok(def.calls.includes(method), `${opi.en} calls ${method}`);
      }
      const theirs = opi.options.map((o: OpiOption) => sameCase(`${o.long} ${o.short} [${o.default}]`));
      const ours = def.params.map((p) => sameCase(`--${p.option} -${p.short} [${indexDefault(p)}]`));
      assert.deepEqual(ours.slice(0, theirs.length), theirs, "OpenIntegrations' options first, in its order");
    });
  }
});

describe("the catalogue's invariants", () => {
  it("every function not in OpenIntegrations' index is marked as an oint addition, and only those", () => {
    const opiNames = new Set(index.map((f) => f.en));
    for (const def of defs) assert.equal(!opiNames.has(def.name), def.addition === true, def.name);
  });

  it("EN and RU names are unique, case-insensitively, across the catalogue", () => {
    const seen = new Map<string, string>();
    for (const def of defs) {
      for (const name of [def.name, def.ru]) {
        const key = name.toUpperCase();
        assert.ok(!seen.has(key), `${name} (${def.name}) is also ${seen.get(key)}`);
        seen.set(key, def.name);
      }
    }
  });

  it("each function's long and short options are unique", () => {
    for (const def of defs) {
      const longs = def.params.map((p) => p.option);
      const shorts = def.params.map((p) => p.short);
      assert.equal(new Set(longs).size, longs.length, `${def.name}: ${longs.join(" ")}`);
      assert.equal(new Set(shorts).size, shorts.length, `${def.name}: ${shorts.join(" ")}`);
    }
  });

  it("a function that only reads is safe to replay, and a read-only REST function is called as a read", () => {
    for (const def of defs) {
      if (def.kind === "local" || !def.readOnly) continue;
      assert.equal(def.replay, "safe", `${def.name} reads, so a replay is harmless`);
      if (def.kind === "rest") assert.match(def.method, /\.(get\w*|list|fields|search|current|time|getlist|getFields|status|settings|getusers\.important)$/i, `${def.name}: ${def.method}`);
    }
  });

  it("every function's region is one of the region table's", () => {
    const known = new Set(REGIONS.map((r) => r.en));
    for (const def of defs) assert.ok(known.has(def.region), `${def.name}: ${def.region}`);
  });
});

describe("the local portal serves the whole catalogue", () => {
  const ctx = usePortal();
  // A method Bitrix24's cloud removed (the definition's removedFromCloud) is refused as the cloud refuses it.
  const removed = defs.flatMap((def) => (def.kind === "rest" && def.removedFromCloud ? [def.method] : []));
  const methods = [
    ...new Set(
      defs.flatMap((def) => (def.kind === "rest" ? [def.method] : def.kind === "flow" ? def.calls.filter((call) => /^[a-z]+(\.\w+)+$/.test(call)) : [])),
    ),
  ].filter((method) => !removed.includes(method));

  it("every REST method a function or a multi-step function calls is a method of the portal", async () => {
    const client = new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
    for (const method of methods) {
      // Without parameters most methods refuse the call, but with their own errors, never "no such method".
      await client.call(method, {}, { replay: "unsafe" }).catch((error: unknown) => {
        if (!(error instanceof Bitrix24Error)) throw error;
        assert.notEqual(error.code, "ERROR_METHOD_NOT_FOUND", method);
      });
    }
  });

  it("a method the cloud removed (removedFromCloud) answers ERROR_METHOD_NOT_FOUND, as cloud portals do", async () => {
    assert.ok(removed.includes("disk.file.getExternalLink"));
    const client = new Bitrix24Client({ url: ctx.portal.webhookUrl, plan: "off" });
    for (const method of removed) {
      await assert.rejects(client.call(method, { id: 1 }, { replay: "unsafe" }), (error: unknown) => error instanceof Bitrix24Error && error.code === "ERROR_METHOD_NOT_FOUND");
    }
  });
});
