// Public API of the oint package.
export { bitrix24, setOAuthServer, type Bitrix24Functions, type Bitrix24Library } from "./library.js";
export type * from "./library-api.js";
export { Bitrix24Client, type ClientOptions, type PreparedRequest } from "./transport/client.js";
export type { CallOptions, HttpVerb, ListItem } from "./transport/client.js";
export { MemoryLimiterStore, PLAN_BUCKETS, type Bucket, type Clock, type LimiterStore, type Plan } from "./transport/limiter.js";
export { RedisLimiterStore, type RedisConnection, type RedisLimiterStoreOptions } from "./transport/limiter-redis.js";
export type { Replay, RetryPolicy } from "./transport/retry.js";
export type { StoredTokens, TokenSet, TokenStore } from "./transport/oauth.js";
export type { BatchCall, BatchOptions, BatchOutcome } from "./transport/batch.js";
export type { ListIterable, ListMode, ListOptions } from "./transport/paging.js";
export type { RequestInfo } from "./transport/errors.js";
export type { Envelope, ErrorEnvelope, Time } from "./transport/envelope.js";
export { Bitrix24Error, InputError, OintError, TransportError } from "./transport/errors.js";
export { resolveEndpoint, type Endpoint } from "./transport/endpoint.js";
export { catalogue, findFunction } from "./catalogue/index.js";
export type { Definition, ParamSpec } from "./catalogue/define.js";
export { attachment, block, attachProblems, ATTACH_MAX_CHARS, type Attach, type AttachBlock, type AttachObject, type ColorToken } from "./rich/attach.js";
export { button, keyboard, menu, keyboardProblems, menuProblems, type Keyboard, type KeyboardButton, type Menu, type MenuItem } from "./rich/keyboard.js";
