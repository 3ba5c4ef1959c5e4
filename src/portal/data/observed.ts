// Records that say when they change. The hand-written stores hand out their records (users, chats)
// and handlers change fields in place (`chat.title = …`, `chat.members.push(id)`); an observed
// record calls back on every such write, also into its arrays and plain objects, so persistence
// learns which row changed without comparing every row. Dates and other class instances are handed
// out as they are (they are replaced, never changed in place).

/** `record` behind a proxy that calls `changed` after each write to it or to a nested array / plain object. */
export function observed<T extends object>(record: T, changed: () => void): T {
  const proxies = new WeakMap<object, object>();
  const wrap = (target: object): object => {
    let proxy = proxies.get(target);
    if (!proxy) {
      proxy = new Proxy(target, {
        get(t, key) {
          const value = Reflect.get(t, key);
          return isContainer(value) ? wrap(value) : value;
        },
        set(t, key, value) {
          const done = Reflect.set(t, key, value);
          changed();
          return done;
        },
        deleteProperty(t, key) {
          const done = Reflect.deleteProperty(t, key);
          changed();
          return done;
        },
      });
      proxies.set(target, proxy);
    }
    return proxy;
  };
  return wrap(record) as T;
}

function isContainer(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}
