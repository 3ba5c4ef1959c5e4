// The `basic` methods about rights (api-reference/common/system): `scope` (the caller's scopes, or
// every scope with full=true), `methods` (the methods the caller may call; full=true: all,
// scope=X: those of X, scope= empty: the basic ones) and `method.get` ({isExisting, isAvailable}).
// They read the registry they are registered in, so methods added later are seen too.
import { yesNo } from "../http/params.js";
import { ALL_SCOPES, type MethodHandler, type MethodRegistry } from "../http/registry.js";

export function scopeMethods(registry: MethodRegistry): Record<string, MethodHandler> {
  const scope: MethodHandler = (ctx) => (yesNo(ctx.params.full, false) ? [...ALL_SCOPES] : [...(ctx.auth.scopes ?? ALL_SCOPES)]);

  const methods: MethodHandler = (ctx) => {
    const names = registry.names();
    if (yesNo(ctx.params.full, false)) return names;
    if (ctx.params.scope !== undefined) {
      const wanted = String(ctx.params.scope ?? "").trim().toLowerCase();
      return names.filter((name) => {
        const needed = registry.scopesOf(name);
        return wanted === "" ? needed.length === 0 : needed.includes(wanted);
      });
    }
    return names.filter((name) => registry.allows(name, ctx.auth.scopes));
  };

  const methodGet: MethodHandler = (ctx) => {
    const name = typeof ctx.params.name === "string" ? ctx.params.name.trim().toLowerCase() : "";
    const isExisting = name !== "" && registry.get(name) !== undefined;
    return { isExisting, isAvailable: isExisting && registry.allows(name, ctx.auth.scopes) };
  };

  return { scope, methods, "method.get": methodGet };
}
