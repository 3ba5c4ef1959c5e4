// Bitrix24 prints dates in ATOM format with a numeric offset ("2026-01-06T14:19:18+00:00"),
// never with "Z" or milliseconds. The local portal runs in UTC.

export function atom(date: Date | number): string {
  const ms = typeof date === "number" ? date : date.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
