/** A host Worker for the tests: runs tenants. */
import { serveHost } from "../../../actors/runtime/mod.ts";
import { TENANT_WORKER } from "./_tenant_protocol.ts";

serveHost({ [TENANT_WORKER.href]: () => import("./_tenant.ts") });
