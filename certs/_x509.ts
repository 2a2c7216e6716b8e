// @peculiar/x509 resolves its algorithm providers through a DI container that
// reads Reflect metadata when the module is evaluated, so the polyfill must be
// evaluated first. ES modules evaluate imports in source order: keep this file
// the only place that imports @peculiar/x509.
import "reflect-metadata";
export * as x509 from "@peculiar/x509";
