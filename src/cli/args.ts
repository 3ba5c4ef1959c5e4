// Reads `--option value` pairs for one catalogue function. OpenIntegrations takes the word after an
// option as its value whatever it looks like (`--text "-5 degrees"`), which util.parseArgs refuses
// as ambiguous; so known options are first joined with their values (`--text=-5 degrees`) and
// util.parseArgs then does the rest (unknown options, duplicates, stray words).
import { parseArgs } from "node:util";
import type { Definition } from "../catalogue/define.js";
import { InputError } from "../transport/errors.js";
import { isExistingFile } from "../catalogue/coerce.js";

export interface GlobalOptions {
  out?: string;
  /** `--profile NAME`: take --url/--token from a saved profile (profile.ts). */
  profile?: string;
  debug: boolean;
  test: boolean;
  help: boolean;
}

export interface ParsedCommand {
  values: Record<string, string>;
  global: GlobalOptions;
  /** True when no function option was given at all. */
  empty: boolean;
}

const GLOBAL = {
  out: { type: "string" },
  profile: { type: "string" },
  debug: { type: "boolean" },
  test: { type: "boolean" },
  help: { type: "boolean" },
} as const;

export function parseCommand(def: Definition, argv: readonly string[]): ParsedCommand {
  const byToken = new Map<string, { option: string; flag: boolean }>();
  for (const p of def.params) {
    const flag = p.kind === "flag" || p.kind === "boolean";
    byToken.set(`--${p.option}`, { option: p.option, flag });
    byToken.set(`-${p.short}`, { option: p.option, flag });
  }
  byToken.set("--out", { option: "out", flag: false });
  byToken.set("--profile", { option: "profile", flag: false });

  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const known = byToken.get(argv[i]);
    if (!known) {
      joined.push(argv[i]);
      continue;
    }
    const next = argv[i + 1];
    if (known.flag && (next === undefined || byToken.has(next) || next.startsWith("--"))) {
      joined.push(`--${known.option}=true`); // a bare flag: `--empty` means `--empty true`
    } else if (next === undefined) {
      throw new InputError(`needs a value`, `--${known.option}`);
    } else {
      joined.push(`--${known.option}=${next}`);
      i++;
    }
  }

  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { ...GLOBAL };
  for (const p of def.params) options[p.option] = { type: "string" };

  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new InputError(parseArgsProblem(error as Error));
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, string> = {};
  for (const p of def.params) {
    const v = raw[p.option];
    if (typeof v === "string") values[p.name] = STRUCTURES.has(p.kind) ? unescapeControls(v) : unescapeText(v);
  }
  return {
    values,
    empty: Object.keys(values).length === 0 && raw.profile === undefined,
    global: { out: raw.out as string | undefined, profile: raw.profile as string | undefined, debug: !!raw.debug, test: !!raw.test, help: !!raw.help },
  };
}

function parseArgsProblem(error: Error): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const stray = /Unexpected argument '([^']+)'/.exec(error.message);
  if (stray) return `unexpected word "${stray[1]}": every value must follow its option (--option value)`;
  return error.message.split("\n")[0];
}

const STRUCTURES = new Set(["array", "map", "json"]);

/**
 * Plain text (a message) is unescaped even when it starts with `[` or `{`: unlike OpenIntegrations,
 * which skips such values, so `--text "[b]Hi[/b]\nthere"` gets its newline.
 */
function unescapeText(value: string): string {
  return isExistingFile(value) ? value : replaceControls(value);
}

/**
 * OpenIntegrations turns the two-character sequences \n \r \f \v typed in a value into the real
 * characters (a doubled backslash keeps them), except in JSON values and file paths.
 */
export function unescapeControls(value: string): string {
  if (/^\s*[[{]/.test(value) || isExistingFile(value)) return value;
  return replaceControls(value);
}

function replaceControls(value: string): string {
  return value.replace(/\\(\\(?=[nrfv])|[nrfv])/g, (_, c: string) => ({ "\\": "\\", n: "\n", r: "\r", f: "\f", v: "\v" })[c]!);
}
