// Where CLI profiles are kept, safely: profiles.json in a directory of the user's that no one else
// can write ($OINT_CONFIG_DIR, default ~/.config/oint, created 0700), the file owner-only (0600) and
// never read or written through a symbolic link. A change replaces the file whole (a new file created
// exclusively under an unpredictable name, fsync'd, renamed over the old one) and is made by one
// process at a time: profiles.json.lock, created exclusively beside it; a lock whose process is gone
// is taken over. Refreshing a profile's OAuth tokens runs under the same lock (profileTokenStore), so
// processes sharing a profile take each other's rotated tokens instead of spending a refresh token twice.
// Entries are checked when read: one edited by hand into something else (no "url", a number for a
// token, null) is reported as damaged, never used as a profile, and kept as it is until the user adds
// it again or removes it. The names are a Map's keys, so "constructor" or "__proto__" is just a name.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../transport/errors.js";
import type { StoredTokens, TokenSet, TokenStore } from "../transport/oauth.js";

export interface Profile {
  url: string;
  token?: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
}

/** A saved entry: a usable profile, or what is wrong with it (its values never quoted: they may be secrets). */
export type ProfileEntry = { profile: Profile; damage?: undefined; url?: undefined } | { damage: string; profile?: undefined; url?: string };

/** The entries as saved, in the file's order. */
export type Profiles = Map<string, ProfileEntry>;

/** The entries as the file holds them, unchecked: what updateProfiles changes (a value may be anything). */
export type StoredProfiles = Map<string, unknown>;

const OPTIONAL = ["token", "refreshToken", "clientId", "clientSecret"] as const;

const FILE = "profiles.json";
const POSIX = process.platform !== "win32";
/** O_NOFOLLOW: opening a symbolic link fails (ELOOP); O_NONBLOCK: a FIFO planted there cannot hang us. */
const READ_FLAGS = constants.O_RDONLY | (POSIX ? constants.O_NOFOLLOW | constants.O_NONBLOCK : 0);
/** Longer than a token request may take (60 s): a live holder is waited for. */
const LOCK_WAIT_MS = 120_000;
/** A lock this old is taken over even if its process seems alive (its pid may have been reused). */
const LOCK_STALE_MS = 10 * 60_000;
/** A lock file still empty after this long was left by a process killed while creating it. */
const LOCK_EMPTY_STALE_MS = 5_000;

export function configDir(): string {
  return process.env.OINT_CONFIG_DIR || join(homedir(), ".config", "oint");
}

export function profilesFile(): string {
  return join(configDir(), FILE);
}

/** The profiles as saved, each checked (none when the directory or file does not exist yet). */
export function readProfiles(): Profiles {
  const dir = checkedDir(false);
  return new Map([...(dir ? readFrom(dir) : new Map<string, unknown>())].map(([name, value]) => [name, checkEntry(value)]));
}

/** A stored value as a profile, or what is wrong with it: said by field name and kind, never quoting a value. */
export function checkEntry(value: unknown): ProfileEntry {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { damage: `it is ${kind(value)}, not an object with a "url"` };
  const entry = value as Record<string, unknown>;
  const url = typeof entry.url === "string" ? entry.url : undefined;
  const problems: string[] = [];
  if (entry.url === undefined || entry.url === null || entry.url === "") problems.push('it has no "url"');
  else if (url === undefined) problems.push(`its "url" is ${kind(entry.url)}, not text`);
  for (const key of OPTIONAL) {
    const v = entry[key];
    if (v !== undefined && v !== null && typeof v !== "string") problems.push(`its "${key}" is ${kind(v)}, not text`);
  }
  if (problems.length) return { damage: problems.join("; "), ...(url ? { url } : {}) };
  const profile: Profile = { url: url! };
  for (const key of OPTIONAL) if (entry[key]) profile[key] = entry[key] as string; // null and "" are left out, as `profile add` leaves them
  return { profile };
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return "true/false";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Reads, changes and saves the profiles under the lock, so changes by concurrent processes are
 * not lost. `change` returns false to save nothing. The entries are unchecked: a damaged one
 * is kept unless `change` replaces or deletes it.
 */
export function updateProfiles(change: (profiles: StoredProfiles) => boolean | void): Promise<void> {
  const dir = checkedDir(true)!;
  return withLock(dir, async () => {
    const profiles = readFrom(dir);
    if (change(profiles) !== false) writeTo(dir, profiles);
  });
}

/** The profile's OAuth tokens as an OAuthSession's TokenStore (see oauth.ts). */
export function profileTokenStore(name: string): TokenStore {
  return {
    lock: (work) => withLock(checkedDir(true)!, work),
    load(): StoredTokens | undefined {
      const profile = readProfiles().get(name)?.profile;
      return profile?.token && profile.refreshToken ? { accessToken: profile.token, refreshToken: profile.refreshToken } : undefined;
    },
    save(tokens: TokenSet) {
      // Called under the lock, right after the refresh: the old refresh token no longer works.
      try {
        const dir = checkedDir(true)!;
        const profiles = readFrom(dir);
        const stored = profiles.get(name);
        if (stored === undefined) return; // removed meanwhile: not brought back
        const { damage } = checkEntry(stored);
        if (damage) throw new InputError(`the profile is damaged meanwhile: ${damage}`);
        profiles.set(name, { ...(stored as Profile), token: tokens.accessToken, refreshToken: tokens.refreshToken });
        writeTo(dir, profiles);
      } catch (error) {
        const problem = error instanceof InputError ? error.problem : String(error);
        throw new InputError(`the refreshed tokens of profile "${name}" could not be saved (${problem}); its old refresh token is spent, so add the profile again with new tokens`);
      }
    },
  };
}

/**
 * The configuration directory, checked: it must be the user's own and writable by no one else
 * (others could swap the profiles or plant links in it). Created 0700 when `create`; undefined when
 * it does not exist and is not to be created. The real path is returned, so later steps cannot be
 * sent elsewhere by a link swapped after the check.
 */
function checkedDir(create: boolean): string | undefined {
  const dir = configDir();
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (error) {
    if (errno(error) !== "ENOENT") throw fsProblem(`cannot use ${dir}`, error);
    if (!create) return undefined;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      real = realpathSync(dir);
    } catch (error) {
      throw fsProblem(`cannot create ${dir}`, error);
    }
  }
  const stat = statSync(real);
  if (!stat.isDirectory()) throw new InputError(`${dir} is not a directory (set OINT_CONFIG_DIR to a directory of yours)`);
  if (POSIX) {
    if (stat.uid !== process.getuid!()) throw new InputError(`${dir} belongs to another user; keep profiles in a directory of yours (set OINT_CONFIG_DIR)`);
    if ((stat.mode & 0o022) !== 0) throw new InputError(`${dir} can be written by other users, who could replace your profiles. Run: chmod 700 ${dir}`);
  }
  return real;
}

function readFrom(dir: string): StoredProfiles {
  const file = join(dir, FILE);
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    if (errno(error) === "ENOENT") return new Map();
    if (errno(error) === "ELOOP") throw new InputError(`${file} is a symbolic link; oint neither follows nor replaces it. Remove it and add the profiles again`);
    throw fsProblem(`cannot read ${file}`, error);
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`${file} is not a regular file; remove it and add the profiles again`);
    if (POSIX && stat.uid !== process.getuid!()) throw new InputError(`${file} belongs to another user; remove it and add the profiles again`);
    // Like ssh with its keys: a secrets file others can read is refused, not silently used.
    if (POSIX && (stat.mode & 0o077) !== 0) throw new InputError(`${file} can be read by other users; it holds secrets. Run: chmod 600 ${file}`);
    text = readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
  let data: { profiles?: unknown };
  try {
    data = JSON.parse(text) as { profiles?: unknown };
  } catch {
    // Not the parser's message: it quotes the text, which holds secrets.
    throw new InputError(`${file} is not valid JSON; correct it or remove it`);
  }
  const profiles = data?.profiles ?? {};
  if (typeof profiles !== "object" || profiles === null || Array.isArray(profiles)) throw new InputError(`${file} has no "profiles" object; correct it or remove it`);
  return new Map(Object.entries(profiles)); // own keys only: "__proto__" from JSON.parse is an ordinary name
}

/** Replaces profiles.json whole: never a half-written file, never one others can read, never through a link. */
function writeTo(dir: string, stored: StoredProfiles): void {
  const profiles = Object.fromEntries(stored); // defines own properties, "__proto__" included
  const file = join(dir, FILE);
  const temporary = join(dir, `.${FILE}.${randomBytes(12).toString("hex")}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temporary, "wx", 0o600); // O_CREAT|O_EXCL: fails on anything already there, a link included
    created = true;
    if (POSIX) fchmodSync(fd, 0o600);
    writeFileSync(fd, `${JSON.stringify({ profiles }, null, 1)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, file); // replaces the directory entry itself, whatever it was
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (created) removeQuietly(temporary);
    throw fsProblem(`cannot write ${file}`, error);
  }
  syncDirectory(dir);
}

/** Makes the rename durable (best effort: not every platform can fsync a directory). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    /* not supported here */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Runs `work` holding profiles.json.lock; waits for a live holder, takes over a lock left by a dead one. */
async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(dir, `${FILE}.lock`);
  const me = `${process.pid} ${hostname()} ${randomBytes(8).toString("hex")}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let pause = 10; !createExclusive(lock, me); pause = Math.min(pause * 1.5, 200)) {
    const holder = readLock(lock);
    if (!holder) continue; // released meanwhile
    if (isStale(holder)) {
      if (takeOver(lock, holder.text, me)) continue;
    } else if (Date.now() > deadline) {
      throw new InputError(`waited ${LOCK_WAIT_MS / 1000} s for ${lock} (held by process ${holder.pid || "?"}); if no oint is running, remove it`);
    }
    await sleep(pause * (0.5 + Math.random()));
  }
  try {
    return await work();
  } finally {
    if (readLock(lock)?.text === me) removeQuietly(lock);
  }
}

interface LockHolder {
  text: string;
  pid: number;
  host: string;
  ageMs: number;
}

function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (errno(error) === "EEXIST") return false;
    throw fsProblem(`cannot create ${path}`, error);
  }
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): LockHolder | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw fsProblem(`cannot read ${path}`, error);
  }
  try {
    const text = readFileSync(fd, "utf8");
    const [pid, host] = text.split(" ");
    return { text, pid: Number(pid) || 0, host: host ?? "", ageMs: Date.now() - fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function isStale(holder: LockHolder): boolean {
  if (!holder.pid) return holder.ageMs > LOCK_EMPTY_STALE_MS; // its creator may still be writing it
  if (holder.ageMs > LOCK_STALE_MS) return true;
  return holder.host === hostname() && holder.pid !== process.pid && !isAlive(holder.pid);
}

/**
 * Removes a stale lock, guarded so that two processes taking it over at once cannot remove the
 * fresh lock one of them has just created: only the holder of the guard removes, and only the lock
 * it judged stale. False when another process is taking it over (then wait a moment).
 */
function takeOver(lock: string, stale: string, me: string): boolean {
  const guard = `${lock}.takeover`;
  if (!createExclusive(guard, me)) {
    const holder = readLock(guard);
    if (holder && holder.ageMs > LOCK_EMPTY_STALE_MS) removeQuietly(guard); // held for microseconds, unless its process died
    return false;
  }
  try {
    if (readLock(lock)?.text === stale) removeQuietly(lock);
    return true;
  } finally {
    removeQuietly(guard);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === "EPERM"; // exists, belongs to someone else
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

function fsProblem(what: string, error: unknown): InputError {
  return new InputError(`${what} (${errno(error) ?? (error as Error)?.message ?? error})`);
}
