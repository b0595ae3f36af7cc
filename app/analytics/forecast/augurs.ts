/**
 * The one place that touches WASM: loads augurs' ETS and MSTL modules from their
 * .wasm bytes (the package's exports don't list the .wasm files, so they are read by
 * path next to the resolved JS). Everything else in analytics stays synchronous and pure.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import initEts, { AutoETS } from "@bsull/augurs/ets";
import initMstl, { MSTL } from "@bsull/augurs/mstl";

/** The model constructors, usable only after `loadAugurs()` resolved. */
export interface Augurs {
  AutoETS: typeof AutoETS;
  MSTL: typeof MSTL;
}

let loading: Promise<Augurs> | null = null;

/** Initialises both WASM modules once per process (or worker); later calls share the same promise. */
export function loadAugurs(): Promise<Augurs> {
  loading ??= (async () => {
    const directory = dirname(createRequire(import.meta.url).resolve("@bsull/augurs/mstl"));
    await initMstl({ module_or_path: readFileSync(join(directory, "mstl_bg.wasm")) });
    await initEts({ module_or_path: readFileSync(join(directory, "ets_bg.wasm")) });
    return { AutoETS, MSTL };
  })();
  return loading;
}
