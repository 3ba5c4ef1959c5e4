// What the page's keyboard buttons and menu items leave on the portal. A COMMAND press is, in
// Bitrix24, an ONIMCOMMANDADD event to the bot (COMMAND, COMMAND_PARAMS, COMMAND_CONTEXT KEYBOARD
// or MENU) and no chat message; the portal has no bot events yet, so it keeps the press here (a
// list a test or script reads as `portal.commandPresses.list`) and announces it on the change
// feed. BLOCK=Y (documented for COMMAND buttons only) disables that button of that message after
// the press, for everyone, while the portal runs; a button the bot changes starts unblocked.

export type PressContext = "KEYBOARD" | "MENU";

export interface CommandPress {
  /** 1, 2, … in the order pressed. */
  id: number;
  date: Date;
  /** Who pressed (the user the page acts as). */
  userId: number;
  messageId: number;
  chatId: number;
  /** The dialog as the presser sees it: "chatN", or the other user's id in a private dialog. */
  dialogId: string;
  command: string;
  commandParams: string;
  context: PressContext;
  /** BOT_ID of the button or of its keyboard, when given. */
  botId: number | null;
}

export class CommandPresses {
  private readonly presses: CommandPress[] = [];
  private readonly blockedKeys = new Set<string>();

  /** Every press so far, oldest first (a copy). */
  get list(): CommandPress[] {
    return [...this.presses];
  }

  record(press: Omit<CommandPress, "id" | "date">, now = new Date()): CommandPress {
    const entry = { ...press, id: this.presses.length + 1, date: now };
    this.presses.push(entry);
    return entry;
  }

  /** Blocks this button of this message (the button's content is part of the key). */
  block(messageId: number, index: number, button: unknown): void {
    this.blockedKeys.add(key(messageId, index, button));
  }

  isBlocked(messageId: number, index: number, button: unknown): boolean {
    return this.blockedKeys.has(key(messageId, index, button));
  }
}

function key(messageId: number, index: number, button: unknown): string {
  return `${messageId}:${index}:${JSON.stringify(button)}`;
}
