/** Remix's defer() result (DeferredData): its promises resolve after the loader returns. */
export function isDeferred(
  value: unknown,
): value is { resolveData(signal: AbortSignal): Promise<boolean>; unwrappedData: unknown } {
  return typeof value === "object" && value !== null && "resolveData" in value && "unwrappedData" in value;
}

/** A loader's data as the page receives it in the end: a defer()'s promises settled and unwrapped. */
export async function settledData(value: unknown): Promise<unknown> {
  if (!isDeferred(value)) return value;
  await value.resolveData(new AbortController().signal);
  return value.unwrappedData;
}
