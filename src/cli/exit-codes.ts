// Exit codes: OpenIntegrations' 0/1/2/99, plus 3, 4, 5 and 6 where OpenIntegrations exits 0 or 99.
export const EXIT = {
  ok: 0,
  unknownLibrary: 1,
  unknownMethod: 2,
  /** Bitrix24 answered with an error envelope (printed on stdout as JSON). */
  bitrix24Error: 3,
  /** Bad input: nothing was sent. */
  badInput: 4,
  /** No answer: the portal could not be reached, or the connection failed mid-request. */
  noAnswer: 5,
  /** The call was carried out, but its result could not be written to --out (it is printed on stdout instead). */
  outputFailed: 6,
  unexpected: 99,
} as const;
