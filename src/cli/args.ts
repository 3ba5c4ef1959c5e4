// Reads `--option value` pairs for one catalogue function. OpenIntegrations takes the word after an
// option as its value whatever it looks like (`--text "-5 degrees"`), which util.parseArgs refuses
// as ambiguous; so known options are first joined with their values (`--text=-5 degrees`) and
// util.parseArgs then does the rest (unknown options, stray words). An option given twice (in
// either form) is refused, and no error repeats a value the user typed (it could be a secret).
// Unlike OpenIntegrations, a word that is one of the command's options (`--test`, `--out`, `-c`, `-h`)
// is never taken as the value before it: `--text $EMPTY --test` is refused, not sent as the text
// "--test" (`--text=--test` sends it). `-c=value` is `--chat=value`; `-cvalue` is refused with a hint.
// `-h` is --help unless the function has an option `-h` (--hide, --headid). A value given as the word
// `-` (`--text -`, `-b -`) is read from stdin, for one option at most (run.ts reads it; `--text=-`
// is the text "-").
import { parseArgs } from "node:util";
import type { Definition, ParamSpec } from "../catalogue/define.js";
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
  /** The option whose value is `-`: read from stdin (its value is "-" until then). */
  stdin?: ParamSpec;
}

/**
 * An option the function does not have. `option` is the name as written when it looks like an
 * option name (never a value: it could be a secret); `candidates` are the function's options, for
 * a "did you mean" (suggest.ts, loaded only then).
 */
export class UnknownOptionError extends InputError {
  constructor(
    readonly option: string | undefined,
    readonly candidates: readonly string[],
  ) {
    super(option ? `unknown option ${option}` : "unknown option (not shown, in case it is a secret)");
  }
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
  const helpShort = !def.params.some((p) => p.short === "h");
  const longOptions = [...def.params.map((p) => `--${p.option}`), ...Object.keys(GLOBAL).map((o) => `--${o}`)];
  let stdin: ParamSpec | undefined;

  /** An option of this command as written on its own (`--text`, `-t`, `--test`, `-h`), or with its value joined (`--text=…`, `-t=…`). */
  const optionWord = (word: string): string | undefined => {
    const name = /^(--?[^=]+)=/s.exec(word)?.[1] ?? word;
    const isOption = byToken.has(name) || (name.startsWith("--") && Object.hasOwn(GLOBAL, name.slice(2))) || (name === "-h" && helpShort);
    return isOption ? (name === word ? word : `${name}=…`) : undefined;
  };

  const joined: string[] = [];
  /** For each joined word: the argv index it came from, and the option as the user wrote it. */
  const origin: { index: number; written?: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const known = byToken.get(argv[i]);
    if (!known && argv[i] === "-h" && helpShort) {
      joined.push("--help");
      origin.push({ index: i, written: "-h" });
      continue;
    }
    // `-c=chat1` as `--chat=chat1` (util.parseArgs would read it as -c -= -c …).
    const shortJoined = /^(-[a-z])=(.*)$/is.exec(argv[i]);
    const shortKnown = shortJoined ? byToken.get(shortJoined[1]) : undefined;
    if (shortJoined && shortKnown) {
      joined.push(`--${shortKnown.option}=${shortJoined[2]}`);
      origin.push({ index: i, written: shortJoined[1] });
      continue;
    }
    // `-chat`: one dash before a long name would be read as -c -h -a -t; say what it is instead.
    if (!known && /^-[a-z][a-z-]+$/i.test(argv[i])) throw new UnknownOptionError(OPTION_LIKE.test(argv[i]) ? argv[i] : undefined, longOptions);
    // `-cchat1`: a short option with its value stuck to it; the value is not repeated (it could be a secret).
    const stuck = /^(-[a-z])./is.exec(argv[i]);
    const stuckKnown = !known && stuck ? byToken.get(stuck[1]) : undefined;
    if (stuck && stuckKnown) {
      throw new InputError(`${stuck[1]} and its value are written as one word; write ${stuck[1]} VALUE or ${stuck[1]}=VALUE`, optionParameter(def, stuckKnown.option));
    }
    if (!known) {
      joined.push(argv[i]);
      origin.push({ index: i });
      continue;
    }
    origin.push({ index: i, written: argv[i] });
    const next = argv[i + 1];
    // OpenIntegrations takes the next word whatever it is; here an option is never taken for a value:
    // `--text $EMPTY --test` must not send the text "--test" for real.
    const nextOption = next === undefined ? undefined : optionWord(next);
    if (known.flag && (next === undefined || nextOption !== undefined || next.startsWith("--"))) {
      joined.push(`--${known.option}=true`); // a bare flag: `--empty` means `--empty true`
    } else if (next === undefined) {
      throw new InputError(`needs a value`, optionParameter(def, known.option));
    } else if (nextOption !== undefined) {
      const how = nextOption === next ? `to use it as the value, write --${known.option}=${next}` : `to use such a word as the value, write --${known.option}=WORD`;
      throw new InputError(`needs a value (the next word, ${nextOption}, is an option; ${how})`, optionParameter(def, known.option));
    } else {
      const param = def.params.find((p) => p.option === known.option);
      if (next === "-" && param) {
        if (stdin && stdin !== param) throw new InputError(`reads stdin (-), and so does --${stdin.option}: only one option can`, param.name);
        stdin = param;
      }
      joined.push(`--${known.option}=${next}`);
      i++;
    }
  }

  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { ...GLOBAL };
  for (const p of def.params) options[p.option] = { type: "string" };

  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    if (unknown) throw new UnknownOptionError(OPTION_LIKE.test(unknown[1]) ? unknown[1] : undefined, longOptions);
    throw new InputError(parseArgsProblem(error as Error & { code?: string }));
  }
  // util.parseArgs keeps the last of repeated options; a repeat is a mistake (`--chat` and `-c`), so it is refused.
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind === "positional") {
      // Not echoed: a stray word is often a value whose option was forgotten, such as a token.
      throw new InputError(
        `word ${origin[token.index].index + 1} after ${def.name} is not an option or an option's value (not shown, in case it is a secret): every value must follow its option (--option value)`,
      );
    }
    if (token.kind !== "option") continue;
    const written = origin[token.index]?.written ?? token.rawName;
    const earlier = seen.get(token.name);
    if (earlier !== undefined) {
      const forms = earlier === written ? `${written} twice` : `as ${earlier} and as ${written}`;
      throw new InputError(`is given more than once (${forms}); give it once`, optionParameter(def, token.name));
    }
    seen.set(token.name, written);
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, string> = {};
  for (const p of def.params) {
    const v = raw[p.option];
    if (typeof v === "string") values[p.name] = p === stdin ? v : STRUCTURES.has(p.kind) ? unescapeControls(v) : unescapeText(v);
  }
  if (raw.out === "") throw new InputError("needs a file path", "--out");
  return {
    values,
    empty: Object.keys(values).length === 0 && raw.profile === undefined,
    // `--out -` is standard output, as `-` means in most tools: no file named "-".
    global: { out: raw.out === "-" ? undefined : (raw.out as string | undefined), profile: raw.profile as string | undefined, debug: !!raw.debug, test: !!raw.test, help: !!raw.help },
    stdin,
  };
}

/** The InputError parameter for an option: the definition's parameter name (the CLI shows its --option), or `--out` etc. */
function optionParameter(def: Definition, option: string): string {
  return def.params.find((p) => p.option === option)?.name ?? `--${option}`;
}

/** util.parseArgs' complaint in one line, never echoing what could be a value (a secret) rather than an option name. */
export function parseArgsProblem(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return OPTION_LIKE.test(unknown[1]) ? `unknown option ${unknown[1]}` : "unknown option (not shown, in case it is a secret)";
  const noValue = /Option '(--[a-z]+)' does not take an argument/.exec(error.message);
  if (noValue) return `${noValue[1]} takes no value`;
  const missing = /Option '(--[a-z]+)[^']*' argument missing/.exec(error.message);
  if (missing) return `${missing[1]} needs a value`;
  return error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ? "an option has a value it does not take" : "cannot read the options";
}

/** What an option name looks like; anything else (digits, long random text) is not repeated back. */
export const OPTION_LIKE = /^--?[a-z][a-z-]{0,23}$/i;

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
