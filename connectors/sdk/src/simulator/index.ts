/**
 * Simulator kit: the shared merchant dataset, a loopback HTTP server base with rate
 * limits and fault injection, and the harness interface the conformance suite drives.
 */
export * from "./dataset.ts";
export * from "./prng.ts";
export * from "./server.ts";
export * from "./harness.ts";
export * from "./live.ts";
export { systemClock, type Clock } from "../time.ts";
export { VirtualClock } from "../time.ts";
export * from "./secrets.ts";
