/** The protocol of the test actor that shares a host Worker (_tenant.ts). */
export type TenantCrash = "throw" | "reject" | "ctx" | "exit" | "block" | "close";

export interface TenantInit {
  startMode: "ok" | "throw";
  stopMode: "ok" | "hang";
}

export interface TenantProtocol {
  init: TenantInit;
  calls: {
    echo: { args: { text: string }; reply: { text: string; id: string } };
    /** How many tenants' timers run in this Worker. */
    timers: { args: Record<string, never>; reply: number };
  };
  cast: { type: "crash"; how: TenantCrash };
  event: { type: "hello"; id: string };
}

export const TENANT_WORKER = new URL("./_tenant.ts", import.meta.url);
/** A host Worker module that can run the tenant (and nothing else). */
export const TEST_HOST_WORKER = new URL("./_test_host.ts", import.meta.url);
