// Colour, only where a person reads it: the stream is a terminal, NO_COLOR is not set (no-color.org:
// any non-empty value) and TERM is not "dumb". Pipes, files and logs get plain text.
export function colourOn(stream: { isTTY?: boolean }): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** `oint:` as the prefix of an error line on stderr, red on a terminal. */
export function errorPrefix(name = "oint"): string {
  return colourOn(process.stderr) ? `\x1b[31m${name}:\x1b[39m` : `${name}:`;
}

