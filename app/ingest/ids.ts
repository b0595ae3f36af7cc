import { randomBytes } from "node:crypto";

let last = 0n;

/**
 * `count` new row ids that sort in the order they were made: the clock in microseconds (hex,
 * 14 digits, never going back within the process) followed by 72 random bits. Rows written
 * with them append to their primary-key index instead of landing on random pages
 * (docs/decisions/006); the random part keeps ids from different processes apart.
 */
export function orderedIds(count: number): string[] {
  const now = BigInt(Date.now()) * 1000n;
  const start = now > last ? now : last + 1n;
  last = start + BigInt(count);
  const random = randomBytes(9 * count).toString("hex");
  const ids = new Array<string>(count);
  for (let index = 0; index < count; index += 1) {
    ids[index] = (start + BigInt(index)).toString(16).padStart(14, "0") + random.slice(index * 18, index * 18 + 18);
  }
  return ids;
}
