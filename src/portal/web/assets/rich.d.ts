// Types for rich.js (plain JS so the browser loads it as is).
import type { BbcodeOptions } from "./bbcode.js";
export declare function attachToHtml(attach: unknown, options?: BbcodeOptions): string;
export declare function keyboardToHtml(keyboard: unknown, options?: { blocked?: readonly number[] }): string;
export declare function telUrl(value: unknown): string | null;
export declare function menuToHtml(menu: unknown): string;
export declare function formatSize(bytes: unknown): string;
