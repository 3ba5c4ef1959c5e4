// Generated from package.json by scripts/version.mjs (npm run build): do not edit.
export const VERSION = "0.1.0";
