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
import { profilesFile, profileTokenStore, readProfiles, updateProfiles, type Profile } from "./profile-file.js";

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
Without --profile, \`oint bitrix24\` takes --url/--token from OINT_URL and OINT_TOKEN when they are not given.`;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const HELP = new Set(["--help", "-h", "help"]);

/** `oint profile add`'s options (also for completion). */
export const PROFILE_ADD_OPTIONS = { url: { type: "string" }, token: { type: "string" }, refresh: { type: "string" }, clientid: { type: "string" }, clientsecret: { type: "string" } } as const;

function checkName(name: string | undefined): string {
  if (!name) throw new InputError("give the profile's name (oint profile add NAME --url …)");
  if (!NAME.test(name)) throw new InputError(`profile name "${name}" may only contain letters, digits, ".", "_" and "-"`);
  return name;
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

async function parse(argv: readonly string[], options: Record<string, { type: "string" }>) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new InputError((await import("./suggest.js")).optionsProblem(error as Error, Object.keys(options)));
  }
}

async function add(argv: readonly string[]): Promise<number> {
  const parsed = await parse(argv, PROFILE_ADD_OPTIONS);
  const name = checkName(parsed.positionals[0]);
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
  await updateProfiles((profiles) => {
    profiles[name] = profile;
  });
  process.stderr.write(`oint: profile "${name}" saved in ${profilesFile()}\n`);
  return EXIT.ok;
}

async function list(argv: readonly string[]): Promise<number> {
  await parse(argv, {});
  const shown = Object.entries(readProfiles()).map(([name, p]) => ({
    name,
    url: redactUrl(p.url),
    auth: p.refreshToken ? "oauth (refreshing)" : p.token ? "oauth" : "webhook",
    ...(p.token ? { token: MASK } : {}),
    ...(p.refreshToken ? { refreshToken: MASK, clientId: p.clientId, clientSecret: MASK } : {}),
  }));
  process.stdout.write(`${JSON.stringify(shown, null, 1)}\n`);
  return EXIT.ok;
}

async function remove(argv: readonly string[]): Promise<number> {
  const name = checkName((await parse(argv, {})).positionals[0]);
  await updateProfiles((profiles) => {
    if (!(name in profiles)) throw new InputError(`there is no profile "${name}"`);
    delete profiles[name];
  });
  process.stderr.write(`oint: profile "${name}" removed\n`);
  return EXIT.ok;
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
    const name = checkName(profileName);
    let profile: Profile | undefined;
    try {
      profile = readProfiles()[name];
    } catch (error) {
      if (error instanceof InputError && !error.parameter) throw new InputError(error.problem, "--profile");
      throw error;
    }
    if (!profile) throw new InputError(`there is no profile "${name}" (see \`oint profile list\`)`, "--profile");
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
