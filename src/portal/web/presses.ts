// What the page's keyboard buttons and menu items leave on the portal. A COMMAND press is, in
// Bitrix24, an ONIMCOMMANDADD event to the bot (COMMAND, COMMAND_PARAMS, COMMAND_CONTEXT KEYBOARD
// or MENU) and no chat message; the portal has no bot events yet, so it keeps the press here (a
// list a test or script reads as `portal.commandPresses.list`) and announces it on the change
// feed. BLOCK=Y (documented for COMMAND buttons only) disables that button of that message after
// the press, for everyone; a button the bot changes starts unblocked.
//
// Presses are rows of an engine store (`web.command_press`), so `--data` keeps them with no code of
// their own (engine/registry.ts); which buttons are blocked is derived from them (the presses
// whose button blocked), so it survives a restart too.
import { createHash } from "node:crypto";
import { field as f, readOnly } from "../engine/fields.js";
import { storeFor } from "../engine/crud.js";
import type { EntityStore } from "../engine/store.js";
import type { EntityDef, Row } from "../engine/types.js";
import type { PortalState } from "../data/state.js";

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

/** The button pressed: its place in BUTTONS / ITEMS, its content, and whether the press blocks it. */
export interface PressedButton {
  index: number;
  button: unknown;
  blocks: boolean;
}

/** A press as the portal keeps it (no REST methods: the page writes, `list` reads). */
export const commandPressEntity: EntityDef = {
  name: "web.command_press",
  version: 1,
  fields: {
    ID: f("integer", "ID", readOnly),
    DATE: f("datetime", "Pressed at"),
    USER_ID: f("user", "Pressed by"),
    MESSAGE_ID: f("integer", "Message"),
    CHAT_ID: f("integer", "Chat"),
    DIALOG_ID: f("string", "Dialog as the presser sees it"),
    COMMAND: f("string", "Command"),
    COMMAND_PARAMS: f("string", "Command parameters"),
    CONTEXT: f("string", "KEYBOARD or MENU"),
    BOT_ID: f("integer", "Bot"),
    BUTTON_INDEX: f("integer", "Index in BUTTONS or ITEMS"),
    /** SHA-256 of the button's JSON: a button the bot changes is another button. */
    BUTTON_HASH: f("string", "Button content hash"),
    BLOCKS: f("char", "The press blocked the button (BLOCK=Y)"),
  },
};

export class CommandPresses {
  private readonly store: EntityStore;
  /** Keys of blocked buttons, derived from the rows; rebuilt after any change to them. */
  private blocked: Set<string> | undefined;

  constructor(state: PortalState) {
    this.store = storeFor(state, commandPressEntity);
    this.store.onChange(() => (this.blocked = undefined));
  }

  /** Every press so far, oldest first (a copy). */
  get list(): CommandPress[] {
    return this.store.all().map(toPress);
  }

  record(press: Omit<CommandPress, "id" | "date">, pressed: PressedButton, now = new Date()): CommandPress {
    const id = this.store.insert({
      DATE: now.toISOString(),
      USER_ID: press.userId,
      MESSAGE_ID: press.messageId,
      CHAT_ID: press.chatId,
      DIALOG_ID: press.dialogId,
      COMMAND: press.command,
      COMMAND_PARAMS: press.commandParams,
      CONTEXT: press.context,
      BOT_ID: press.botId,
      BUTTON_INDEX: pressed.index,
      BUTTON_HASH: hashOf(pressed.button),
      BLOCKS: pressed.blocks ? "Y" : "N",
    });
    return toPress(this.store.get(id)!);
  }

  /** Whether a press blocked this button of this message (the button's content is part of the key). */
  isBlocked(messageId: number, index: number, button: unknown): boolean {
    if (!this.blocked) {
      this.blocked = new Set();
      for (const row of this.store.all()) {
        if (row.BLOCKS === "Y") this.blocked.add(key(Number(row.MESSAGE_ID), Number(row.BUTTON_INDEX), String(row.BUTTON_HASH)));
      }
    }
    return this.blocked.has(key(messageId, index, hashOf(button)));
  }
}

function toPress(row: Row): CommandPress {
  return {
    id: Number(row.ID),
    date: new Date(String(row.DATE)),
    userId: Number(row.USER_ID),
    messageId: Number(row.MESSAGE_ID),
    chatId: Number(row.CHAT_ID),
    dialogId: String(row.DIALOG_ID),
    command: String(row.COMMAND),
    commandParams: String(row.COMMAND_PARAMS ?? ""),
    context: row.CONTEXT as PressContext,
    botId: row.BOT_ID === null || row.BOT_ID === undefined ? null : Number(row.BOT_ID),
  };
}

function hashOf(button: unknown): string {
  return createHash("sha256").update(JSON.stringify(button)).digest("hex");
}

function key(messageId: number, index: number, hash: string): string {
  return `${messageId}:${index}:${hash}`;
}
