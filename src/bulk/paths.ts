// File-system problems with the paths a bulk run is given (--file, --journal, their lock files), in
// words: a bad path is bad input (exit 4, the option named), never an "unexpected error".
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** A Node file-system error (it carries an errno code such as ENOENT). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

/** What is wrong with `path`, from the error an operation on it gave (the errno code kept at the end). */
export function pathProblem(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const words = (() => {
    switch (code) {
      case "ENOENT": {
        const folder = dirname(path);
        return existsSync(folder) ? `${path} does not exist` : `the folder ${folder} does not exist`;
      }
      case "ENOTDIR":
        return `a part of ${path} is a file where a folder is expected`;
      case "EISDIR":
        return `${path} is a folder, not a file`;
      case "EACCES":
      case "EPERM":
        return `permission denied (${path})`;
      case "EROFS":
        return `${path} is on a read-only file system`;
      case "ENOSPC":
        return "no space left on the device";
      case "ENAMETOOLONG":
        return "the path is too long";
      case "ELOOP":
        return `${path} goes round a loop of symbolic links`;
      default:
        return `${path}: ${(error as Error)?.message ?? String(error)}`;
    }
  })();
  return code ? `${words} (${code})` : words;
}

/**
 * Why `path` cannot be a file this run reads and appends to, or undefined when it can be one (an
 * existing regular file, or nothing yet there). Checked before reading, so that a folder or a pipe
 * given by mistake is said plainly rather than failing half-way (a pipe would block the read).
 */
export function notAFile(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return `${path} is a folder, not a file`;
    if (!stat.isFile()) return `${path} is not a regular file`;
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && existsSync(dirname(path))) return undefined; // a new file
    return pathProblem(error, path);
  }
}
