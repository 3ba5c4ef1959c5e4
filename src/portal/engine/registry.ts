// The portal's entity stores, one per entity, made on first use (`storeFor(state, entity)` in
// crud.ts asks `state.stores`). Whatever listens to the portal's stores as a whole — persistence
// (data/persistence.ts) — subscribes here with each() and is told of every store, those made
// already and those made later.
//
// How an entity becomes persistent: make its store with `storeFor(state, entity)` (or hand a store
// made elsewhere to `state.stores.add(store, entity)`), and change rows only through the store
// (insert / replace / delete / next): nothing else to write. With `--data`, each change event
// `{entity, id, action}` has the named row written to the file's `entities` table before the
// request's answer, and the store's sequences to `sequences`. A saved store is loaded when it is
// made. When stored rows change shape, raise the entity's `version` and give it
// `migrate(row, fromVersion)`: rows of an older file are migrated as they are loaded. Virtual rows
// (seedVirtual) are computed again after a restart by the entity's `virtualRow`.
import { EntityStore } from "./store.js";
import type { EntityDef } from "./types.js";

export interface RegisteredStore {
  readonly store: EntityStore;
  readonly entity: EntityDef;
}

export type StoreHook = (registered: RegisteredStore) => void;

export class StoreRegistry {
  private readonly byName = new Map<string, RegisteredStore>();
  private readonly hooks: StoreHook[] = [];

  /** The store of an entity, made (and announced) on first use. */
  storeFor(entity: EntityDef): EntityStore {
    return this.byName.get(entity.name)?.store ?? this.add(new EntityStore(entity.name), entity);
  }

  /** Registers a store made elsewhere (one per entity name); returns it. */
  add(store: EntityStore, entity: EntityDef): EntityStore {
    const known = this.byName.get(entity.name);
    if (known) {
      if (known.store !== store) throw new Error(`a store for ${entity.name} is registered already`);
      return store;
    }
    store.declareIndexes(entity.indexes ?? []);
    const registered = { store, entity };
    this.byName.set(entity.name, registered);
    for (const hook of this.hooks) hook(registered);
    return store;
  }

  get(name: string): RegisteredStore | undefined {
    return this.byName.get(name);
  }

  /** Every store so far. */
  list(): RegisteredStore[] {
    return [...this.byName.values()];
  }

  /** Calls `hook` for every store registered so far and for each one registered later. */
  each(hook: StoreHook): void {
    this.hooks.push(hook);
    for (const registered of [...this.byName.values()]) hook(registered);
  }
}
