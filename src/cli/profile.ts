// Connection profiles: webhook URLs and OAuth tokens kept in a file only its owner can read, so they
// stay out of command lines and shell history.
//   oint profile add NAME --url … [--token … --refresh … --clientid … --clientsecret …]
//   oint profile list            (secrets masked)
//   oint profile remove NAME
//   oint bitrix24 <Method> --profile NAME …   (or OINT_URL / OINT_TOKEN in the environment)
// A profile with a refresh token and the app's client id/secret refreshes itself after
// `expired_token`, and the rotated tokens are written back (the old refresh token is spent); the
// file, its directory and the refresh shared by concurrent processes: profile-file.ts.
import { parseArgs } from "node:util";
import type { ClientOptions } from "../transport/client.js";
import { resolveEndpoint } from "../transport/endpoint.js";
import { InputError } from "../transport/errors.js";
import type { TokenStore } from "../transport/oauth.js";
import { MASK, redactUrl } from "../transport/redact.js";
import { errorPrefix } from "./colour.js";
import { EXIT } from "./exit-codes.js";
import { profilesFile, profileTokenStore, readProfiles, updateProfiles, type Profile, type Profiles } from "./profile-file.js";
// Static, not on first use: connectionFor is synchronous. Rollup puts suggest.ts in the REST chunk.
import { suggestion } from "./suggest.js";

export { profilesFile, type Profile } from "./profile-file.js";

export const PROFILE_HELP = `Usage:
  oint profile add NAME --url URL [--token T] [--refresh R --clientid ID --clientsecret S]
  oint profile list
  oint profile remove NAME

A profile keeps a webhook URL (or a portal address with an OAuth token) for
\`oint bitrix24 <Method> --profile NAME\`. With --refresh, --clientid and --clientsecret the
access token is refreshed when it expires and the new tokens are saved in the profile.
Values not given as options are taken from OINT_URL, OINT_TOKEN, OINT_REFRESH_TOKEN,
OINT_CLIENT_ID and OINT_CLIENT_SECRET, so secrets need not appear on the command line; or give
one of them as - to read it from stdin (printf %s "$TOKEN" | oint profile add work --url URL --token -).

Profiles are kept in $OINT_CONFIG_DIR/profiles.json (default ~/.config/oint/), readable only by you;
a directory others can write to, or a profiles.json that is a symbolic link, is refused.
An entry damaged by hand-editing (no "url", a value that is not text) is never used: \`profile list\`
shows it with "damaged" saying what is wrong (and a note on stderr, exit code 0), --profile with its
name is refused (exit 4); add it again (oint profile add NAME --url …) or remove it.
Without --profile, \`oint bitrix24\` takes --url/--token from OINT_URL and OINT_TOKEN when they are not given.`;

const NAME = /^[A-Za-z0-9_.-]+$/;
const NAME_MAX = 64;
const HELP = new Set(["--help", "-h", "help"]);

/** `oint profile add`'s options (also for completion). */
export const PROFILE_ADD_OPTIONS = { url: { type: "string" }, token: { type: "string" }, refresh: { type: "string" }, clientid: { type: "string" }, clientsecret: { type: "string" } } as const;

/** The profile's name, checked; `usage` is the command's form, shown when the name is missing. */
function checkName(name: string | undefined, usage: string, parameter?: string): string {
  if (!name) throw new InputError(`give the profile's name (${usage})`, parameter);
  // Not repeated back: a word this long is more likely a token than a name.
  if (name.length > NAME_MAX) throw new InputError(`a profile name may be at most ${NAME_MAX} characters long (this one has ${name.length})`, parameter);
  if (!NAME.test(name)) throw new InputError(`profile name ${JSON.stringify(name)} may only contain letters, digits, ".", "_" and "-"`, parameter);
  return name;
}

/** A word short and plain enough to repeat in a message; anything else could be a secret given without its option. */
function showable(word: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,23}$/.test(word) && (word.length <= 12 || /[-_.]/.test(word)) && (word.match(/[0-9]/g)?.length ?? 0) <= 2;
}

/** Refuses words beyond the `allowed` first ones, naming the first extra one (unless it may be a secret). */
function refuseExtraWords(action: keyof typeof USAGE, parsed: Parsed, allowed: number): void {
  const extra = parsed.tokens.filter((t) => t.kind === "positional")[allowed];
  if (!extra || extra.kind !== "positional") return;
  const word = showable(extra.value) ? `"${extra.value}"` : `(word ${extra.index + 1} after "${action}", not shown in case it is a secret)`;
  throw new InputError(`unexpected word ${word}: ${EXTRA[action]} (${USAGE[action]})`);
}

const USAGE = { add: "oint profile add NAME --url URL [--token T …]", list: "oint profile list", remove: "oint profile remove NAME" };
const EXTRA = {
  add: "`profile add` takes one name, and every value follows its option",
  list: "`profile list` takes no words",
  remove: "`profile remove` takes one name; remove profiles one at a time",
};

/** Why a saved entry cannot be used and what to do, never quoting its values. */
function damagedMessage(name: string, damage: string): string {
  const fix = NAME.test(name) && name.length <= NAME_MAX ? `add it again (oint profile add ${name} --url …) or remove it (oint profile remove ${name})` : `correct or remove it in the file`;
  return `the profile ${JSON.stringify(name)} in ${profilesFile()} is damaged (${damage}): ${fix}`;
}

/** `oint profile …`; returns the exit code. */
export async function runProfile(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  try {
    if (!action || HELP.has(action) || rest.some((word) => HELP.has(word) && word !== "help")) {
      process.stdout.write(`${PROFILE_HELP}\n`);
      return EXIT.ok;
    }
    if (action === "add") return await add(rest);
    if (action === "list") return await list(rest);
    if (action === "remove") return await remove(rest);
    const close = /^[a-z]{1,24}$/i.test(action) && (await import("./suggest.js")).suggestion(action, ["add", "list", "remove"]);
    throw new InputError(`unknown action${/^[a-z-]{1,24}$/i.test(action) ? ` "${action}"` : ""} (add, list or remove${close ? `; did you mean ${close}?` : ""})`);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`${errorPrefix()} ${error.message}. See \`oint profile --help\`.\n`);
      return EXIT.badInput;
    }
    throw error;
  }
}

type Parsed = Awaited<ReturnType<typeof parse>>;

async function parse(argv: readonly string[], options: Record<string, { type: "string" }>) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new InputError((await import("./suggest.js")).optionsProblem(error as Error, Object.keys(options)));
  }
}

async function add(argv: readonly string[]): Promise<number> {
  const parsed = await parse(argv, PROFILE_ADD_OPTIONS);
  const name = checkName(parsed.positionals[0], USAGE.add);
  refuseExtraWords("add", parsed, 1);
  const env = process.env;
  const v = parsed.values as Record<string, string | undefined>;
  // `--token -`: one value from stdin, trimmed (a secret kept out of the command line and history).
  const piped = Object.keys(v).filter((o) => v[o] === "-");
  if (piped.length > 1) throw new InputError(`reads stdin (-), and so does --${piped[1]}: only one option can`, `--${piped[0]}`);
  if (piped.length) v[piped[0]] = (await (await import("./stdin.js")).readStdin()).toString("utf8").trim();
  const profile: Profile = {
    url: v.url ?? env.OINT_URL ?? "",
    token: v.token ?? env.OINT_TOKEN,
    refreshToken: v.refresh ?? env.OINT_REFRESH_TOKEN,
    clientId: v.clientid ?? env.OINT_CLIENT_ID,
    clientSecret: v.clientsecret ?? env.OINT_CLIENT_SECRET,
  };
  if (!profile.url) throw new InputError("--url is required (a webhook URL, or the portal address with --token)");
  try {
    resolveEndpoint(profile.url, profile.token); // the same checks a call makes, before anything is saved
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.problem, "--url");
    throw error;
  }
  const refreshing = [profile.refreshToken, profile.clientId, profile.clientSecret].filter(Boolean).length;
  if (refreshing > 0 && (refreshing < 3 || !profile.token)) {
    throw new InputError("refreshing needs all of --token, --refresh, --clientid and --clientsecret");
  }
  for (const key of Object.keys(profile) as (keyof Profile)[]) if (!profile[key]) delete profile[key];
  let replaced = false;
  await updateProfiles((profiles) => {
    replaced = profiles.has(name);
    profiles.set(name, profile);
  });
  // Saying so when an existing profile was replaced: its old connection is gone.
  process.stderr.write(`oint: profile "${name}" ${replaced ? "replaced (its earlier connection is gone)" : "saved"} in ${profilesFile()}\n`);
  return EXIT.ok;
}

async function list(argv: readonly string[]): Promise<number> {
  refuseExtraWords("list", await parse(argv, {}), 0);
  const notes: string[] = [];
  const shown = [...readProfiles()].map(([name, { profile: p, damage, url }]) => {
    if (!p) {
      notes.push(`oint: ${damagedMessage(name, damage!)}\n`);
      return { name, damaged: damage, ...(url ? { url: redactUrl(url) } : {}) };
    }
    return {
      name,
      url: redactUrl(p.url),
      auth: p.refreshToken ? "oauth (refreshing)" : p.token ? "oauth" : "webhook",
      ...(p.token ? { token: MASK } : {}),
      ...(p.refreshToken ? { refreshToken: MASK, clientId: p.clientId, clientSecret: MASK } : {}),
    };
  });
  process.stdout.write(`${JSON.stringify(shown, null, 1)}\n`);
  for (const note of notes) process.stderr.write(note);
  return EXIT.ok;
}

async function remove(argv: readonly string[]): Promise<number> {
  const parsed = await parse(argv, {});
  const name = checkName(parsed.positionals[0], USAGE.remove);
  refuseExtraWords("remove", parsed, 1);
  await updateProfiles((profiles) => {
    if (!profiles.has(name)) throw new InputError(noSuchProfile(name, profiles.keys()));
    profiles.delete(name);
  });
  process.stderr.write(`oint: profile "${name}" removed\n`);
  return EXIT.ok;
}

function noSuchProfile(name: string, names: Iterable<string>): string {
  const close = suggestion(name, names);
  return `there is no profile "${name}" (${close ? `did you mean ${close}? ` : ""}see \`oint profile list\`)`;
}

/**
 * Where a command connects: its own --url/--token, else the named profile, else OINT_URL/OINT_TOKEN.
 * Fills `values.url`/`values.token` (so the call and its checks see them) and returns the client
 * options; when the profile can refresh, also the `tokenStore` its client's OAuth session is to
 * use (`client.oauth.useStore`): refreshes then run under the profile file's lock, take tokens
 * another process has rotated meanwhile, and write new ones back.
 */
export function connectionFor(values: Record<string, string>, profileName: string | undefined): Partial<ClientOptions> & { tokenStore?: TokenStore } {
  if (values.url !== undefined && !profileName) return { url: values.url, token: values.token || undefined };
  if (profileName) {
    if (values.url !== undefined) throw new InputError("give either --profile or --url, not both", "--profile");
    const name = checkName(profileName, "--profile NAME", "--profile");
    let profiles: Profiles;
    try {
      profiles = readProfiles();
    } catch (error) {
      if (error instanceof InputError && !error.parameter) throw new InputError(error.problem, "--profile");
      throw error;
    }
    const entry = profiles.get(name);
    if (!entry) throw new InputError(noSuchProfile(name, profiles.keys()), "--profile");
    if (!entry.profile) throw new InputError(damagedMessage(name, entry.damage), "--profile");
    const profile = entry.profile;
    try {
      resolveEndpoint(profile.url, values.token ?? profile.token); // blamed on the profile, not on a --url never typed
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`the URL saved in profile "${name}" cannot be used (${error.problem}): add it again (oint profile add ${name} --url …)`, "--profile");
      throw error;
    }
    values.url = profile.url;
    if (values.token === undefined && profile.token) values.token = profile.token;
    const options: Partial<ClientOptions> & { tokenStore?: TokenStore } = { url: profile.url, token: values.token || undefined };
    if (profile.refreshToken && profile.clientId && profile.clientSecret && values.token === profile.token) {
      Object.assign(options, {
        refreshToken: profile.refreshToken,
        clientId: profile.clientId,
        clientSecret: profile.clientSecret,
        tokenStore: profileTokenStore(name),
      });
    }
    return options;
  }
  const env = process.env;
  if (env.OINT_URL) {
    values.url = env.OINT_URL;
    if (values.token === undefined && env.OINT_TOKEN) values.token = env.OINT_TOKEN;
    return { url: values.url, token: values.token || undefined };
  }
  return {};
}
