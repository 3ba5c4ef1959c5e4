// Bitrix24's chat colours: the names im.chat.add / im.chat.updateColor accept and the hex values
// im.dialog.get prints for them (the palette of Bitrix\Im\Color).

export const CHAT_COLOR_HEX: Readonly<Record<string, string>> = {
  RED: "#df532d",
  GREEN: "#64a513",
  MINT: "#4ba984",
  LIGHT_BLUE: "#4ba5c3",
  DARK_BLUE: "#3e99ce",
  PURPLE: "#8474c8",
  AQUA: "#1eb4aa",
  PINK: "#f76187",
  LIME: "#58cc47",
  BROWN: "#ab7761",
  AZURE: "#29619b",
  KHAKI: "#728f7a",
  SAND: "#ba9c7b",
  MARENGO: "#556574",
  GRAY: "#909090",
  GRAPHITE: "#444a52",
};

/** The hex value of a colour name (any case), or undefined for a name Bitrix24 does not know. */
export function chatColorHex(name: unknown): string | undefined {
  if (typeof name !== "string") return undefined;
  return CHAT_COLOR_HEX[name.trim().toUpperCase()];
}

/** The colour a new chat gets when none is asked for: Bitrix24 picks one by the chat's number. */
export function defaultChatColor(chatId: number): string {
  const values = Object.values(CHAT_COLOR_HEX);
  return values[chatId % values.length];
}
