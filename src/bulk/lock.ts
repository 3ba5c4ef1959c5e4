// One bulk run at a time per messages file and per journal: two runs sending the same lines would
// duplicate messages. A lock is a file `<path>.lock` holding the owner's PID, the start time of that
// process (/proc/<pid>/stat on Linux) and the host name. It is taken over only when its owner is
// provably gone: no such process, or a process with that PID that started at another time (the PID
// was reused after a kill -9 or a reboot). A lock from another host, or one whose owner cannot be
// checked, is left alone: the message says which file to remove once that run is known to be gone.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { InputError } from "../transport/errors.js";
import { isFsError, pathProblem } from "./paths.js";

interface Owner {
  pid: number;
  /** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); absent off Linux. */
  start?: string;
  host: string;
}

/** The start time of process `pid`, or undefined when it cannot be read (no such process, no /proc). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseOwner(text: string): Owner | undefined {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (Number.isSafeInteger(value.pid) && value.pid! > 0 && typeof value.host === "string" && (value.start === undefined || typeof value.start === "string")) return value as Owner;
  } catch {
    /* below */
  }
  return undefined;
}

/** Why the lock's owner still counts as running, or undefined when it is provably gone. */
function running(owner: Owner | undefined): string | undefined {
  if (!owner) return undefined; // not a lock this code wrote whole (they are written in one go): stale
  if (owner.host !== hostname()) return `a run on host ${owner.host} (process ${owner.pid})`;
  if (owner.pid === process.pid && owner.start === processStart(process.pid)) return "this process";
  if (!isAlive(owner.pid)) return undefined;
  const start = processStart(owner.pid);
  if (owner.start !== undefined && start !== undefined && start !== owner.start) return undefined; // the PID was reused
  return `another run (process ${owner.pid})`;
}

/**
 * Takes the lock for `path` (`<path>.lock`) or throws InputError naming who holds it; `what` says
 * what the lock protects in that message. Returns the release function.
 */
export function lock(path: string, what: string, option: string): () => void {
  try {
    return takeLock(path, what, option);
  } catch (error) {
    // A path problem (a missing folder, no permission, a folder where the lock file goes, a file
    // system without hard links) is bad input: the run has not started.
    if (!isFsError(error)) throw error;
    throw new InputError(`cannot lock ${what}: ${pathProblem(error, error.path ?? `${path}.lock`)}`, option);
  }
}

function takeLock(path: string, what: string, option: string): () => void {
  const file = `${path}.lock`;
  const mine = JSON.stringify({ pid: process.pid, start: processStart(process.pid), host: hostname() } satisfies Owner);
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole to a private file, then linked into place: the lock never exists half-written.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    let fd: number;
    try {
      fd = openSync(temp, "wx", 0o600);
    } catch (error) {
      throw new InputError(`cannot create ${file} to lock ${what}: ${pathProblem(error, file)}`, option);
    }
    try {
      writeSync(fd, mine);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, file);
      return () => {
        try {
          if (readFileSync(file, "utf8") === mine) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temp);
    }
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // released meanwhile
      throw error;
    }
    const holder = running(parseOwner(text));
    if (holder) throw new InputError(`${holder} is using ${what}; wait for it or stop it (if it is gone, remove ${file})`, option);
    // Stale. Move it aside (atomic), then make sure what was moved is what was judged stale: a run
    // that took the lock over in between must keep it.
    const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const moved = readFileSync(aside, "utf8");
    if (moved !== text) {
      try {
        linkSync(aside, file);
      } catch {
        /* yet another run holds it now */
      }
      unlinkSync(aside);
      throw new InputError(`another run has just started on ${what}; wait for it or stop it`, option);
    }
    unlinkSync(aside);
  }
  throw new InputError(`cannot lock ${what} (${file} keeps changing)`, option);
}
