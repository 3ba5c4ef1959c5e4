// "Did you mean": the known names closest to a misspelt one (libraries and sub-commands, function
// names in English and Russian and their aliases, a function's options). Loaded only when a name is
// not found. Only close matches are offered: a distance of 1 for short names, up to 3 for long ones.
import { OPTION_LIKE, parseArgsProblem } from "./args.js";

/** Optimal string alignment distance (Levenshtein plus swapped neighbours), case-insensitive. */
export function distance(a: string, b: string): number {
  const s = [...a.toLowerCase()];
  const t = [...b.toLowerCase()];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** How far a name of this length may be from a known one and still be suggested. */
function allowed(length: number): number {
  return length <= 4 ? 1 : length <= 10 ? 2 : 3;
}

/**
 * The candidates closest to `word` (at most `limit`, best first, ties in the given order), or none
 * when nothing is close.
 */
export function closest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const max = allowed([...word].length);
  const scored: { name: string; d: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    let d = distance(word, name);
    // The start of a name, at least half of it (--user for --userid): as close as one typo.
    if (word.length >= 3 && word.length * 2 >= name.length && key.startsWith(word.toLowerCase())) d = Math.min(d, 1);
    if (d <= max) scored.push({ name, d });
  }
  return scored
    .sort((x, y) => x.d - y.d || Math.abs(x.name.length - word.length) - Math.abs(y.name.length - word.length))
    .slice(0, limit)
    .map((s) => s.name);
}

/** "X", "X or Y", "X, Y or Z": the close candidates as shown (`show`), or undefined when none is close. */
export function suggestion(word: string, candidates: Iterable<string>, show: (name: string) => string = (n) => n): string | undefined {
  const found = [...new Set(closest(word, candidates).map(show))];
  if (!found.length) return undefined;
  return found.length === 1 ? found[0] : `${found.slice(0, -1).join(", ")} or ${found[found.length - 1]}`;
}

/**
 * util.parseArgs' complaint for a sub-command (`oint bulk send`, `oint profile add`) in one line, an
 * unknown option named only when it looks like one (never a value: it could be a secret), with the
 * closest of `options` (names without dashes) when one is close.
 */
export function optionsProblem(error: Error & { code?: string }, options: readonly string[]): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown && OPTION_LIKE.test(unknown[1])) {
    const close = unknown[1].startsWith("--") ? suggestion(unknown[1].slice(2), options, (o) => `--${o}`) : undefined;
    return `unknown option ${unknown[1]}${close ? ` (did you mean ${close}?)` : ""}`;
  }
  return parseArgsProblem(error);
}
