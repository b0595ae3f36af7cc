/**
 * Crosschannel analytics: pure functions over numbers (no I/O, no database, no
 * framework). Forecasting's WASM models are loaded separately with `loadAugurs()`.
 */
export * from "./days.ts";
export * from "./stats.ts";
export * from "./money.ts";
export * from "./forecast/index.ts";
export * from "./forecast/accuracy.ts";
export * from "./forecast/baselines.ts";
export { loadAugurs, type Augurs } from "./forecast/augurs.ts";
export * from "./anomalies.ts";
export * from "./inventory.ts";
export * from "./products.ts";
export * from "./insights.ts";
