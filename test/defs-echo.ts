// For the definition tests (test/defs-*.test.ts): a local portal whose methods echo the parameters
// they received, so a test sees exactly the payload a function sends over HTTP.
import { after, before } from "node:test";
import type { Definition } from "../src/catalogue/define.js";
import { execute } from "../src/catalogue/invoke.js";
import { startPortal, type MethodHandler, type RunningPortal } from "../src/portal/index.js";

export interface EchoPortal {
  readonly portal: RunningPortal;
  /** What the portal received for the function called with these values (auth stripped). */
  sent(def: Definition, values?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** One portal for the test file; every REST method of `defs` echoes its parameters (`extra` handlers win). */
export function useEchoPortal(defs: readonly Definition[], extra: Record<string, MethodHandler> = {}): EchoPortal {
  const holder = {} as { portal: RunningPortal };
  before(async () => {
    const methods: Record<string, MethodHandler> = {};
    for (const def of defs) if (def.kind === "rest") methods[def.method] = (c) => c.params;
    holder.portal = await startPortal({ port: 0, methods: { ...methods, ...extra } });
  });
  after(async () => {
    await holder.portal?.close();
  });
  return {
    get portal() {
      return holder.portal;
    },
    async sent(def, values = {}) {
      const answer = (await execute(def, { url: holder.portal.webhookUrl, ...values })) as { result: Record<string, unknown> };
      return answer.result;
    },
  };
}
