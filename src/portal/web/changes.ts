// The portal's change feed: every mutation of PortalState announces itself here, so live views
// (the web page's server-sent events) can refresh without polling. A listener that throws must
// not break the mutation that notified it, so failures are swallowed.

/** What changed. `kind` names the area ("message", "chat", "notification", "call", …). */
export interface PortalChange {
  kind: string;
  /** What happened to it: "add", "update", "delete", … */
  action?: string;
  chatId?: number;
  messageId?: number;
  /** For kind "call": the REST method that ran. */
  method?: string;
  /** For kind "command" (a COMMAND button or menu item pressed on the page): who pressed, and what. */
  userId?: number;
  command?: string;
  commandParams?: string;
}

export type ChangeListener = (change: PortalChange) => void;

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  /** Subscribes; the returned function unsubscribes. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(change: PortalChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // a broken view must not undo or fail a portal mutation
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
