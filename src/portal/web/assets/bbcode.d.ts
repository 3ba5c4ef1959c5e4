// Types for bbcode.js (plain JS so the browser loads it as is).
export interface BbcodeOptions {
  /** Name for a `[user=ID][/user]` mention without text. */
  userName?: (id: number) => string | undefined;
  /** Name for a `[chat=ID][/chat]` mention without text. */
  chatName?: (id: number) => string | undefined;
}
export declare function escapeHtml(text: unknown): string;
export declare function safeUrl(url: unknown): string | null;
export declare function safeColor(color: unknown): string | null;
export declare function bbcodeToHtml(text: unknown, options?: BbcodeOptions): string;
