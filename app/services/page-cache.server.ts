/**
 * Results of a page's slow inputs (every forecast parsed, a range of rollups aggregated), kept in
 * this process while the data they come from is unchanged. Each entry is stored with a version
 * read cheaply from the database (row counts, latest change times, sums); a request whose
 * version differs recomputes. Filters, sorts and pages of the same data then cost only the
 * version query. Bounded: the least recently used entries go first.
 */
const MAX_ENTRIES = 64;

interface Entry {
  version: string;
  value: Promise<unknown>;
}

const entries = new Map<string, Entry>();

export async function cachedByVersion<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const hit = entries.get(key);
  if (hit && hit.version === version) {
    // Most recently used last.
    entries.delete(key);
    entries.set(key, hit);
    return hit.value as Promise<T>;
  }
  const value = compute();
  entries.set(key, { version, value });
  // A failed computation is not kept.
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return value;
}

/** Forgets every entry (tests; a shop's data deleted). */
export function clearPageCache(): void {
  entries.clear();
}
