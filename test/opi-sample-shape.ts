// Compares an answer with a real one from test/fixtures/opi-samples: same keys in the same order
// and the same value types, all the way down. Values the sample redacted ("***") match any type.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function opiSample(name: string): any {
  return JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "opi-samples", `${name}.json`), "utf8"));
}

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Keys that end in an id (`upload48482`) are compared without it (`upload<n>`). */
export function assertSameShape(actual: unknown, sample: unknown, path = "answer"): void {
  if (sample === "***") return;
  assert.equal(typeOf(actual), typeOf(sample), `${path}: ${JSON.stringify(actual)?.slice(0, 80)} should be a ${typeOf(sample)}`);
  if (Array.isArray(sample) && Array.isArray(actual)) {
    if (sample.length > 0) actual.forEach((item, i) => assertSameShape(item, sample[0], `${path}[${i}]`));
    return;
  }
  if (typeOf(sample) === "object") {
    const a = actual as Record<string, unknown>;
    const s = sample as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).map(keyKind), Object.keys(s).map(keyKind), `${path}: keys`);
    const sampleKeys = Object.keys(s);
    Object.keys(a).forEach((key, i) => assertSameShape(a[key], s[sampleKeys[i]], `${path}.${key}`));
  }
}

const keyKind = (key: string) => key.replace(/\d+$/, "<n>");
