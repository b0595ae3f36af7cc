// The demo's import progress in the terminal: one bar per channel and stream (records so far,
// percent, time left) on a terminal; a short summary line every few seconds otherwise (CI, a
// pipe), never a line per page.
import cliProgress from "cli-progress";

import type { ImportProgress, StreamImport } from "../../app/services/import-progress.server.ts";

const CHANNEL_NAMES: Record<string, string> = { shopify: "Shopify", amazon: "Amazon", bestbuy: "Best Buy" };

interface Sample {
  at: number;
  progress: number;
}

/** Seconds left from how fast the progress moved so far; null until it can tell. */
export function estimateSecondsLeft(first: Sample | undefined, last: Sample | undefined): number | null {
  if (!first || !last || last.progress >= 1) return last && last.progress >= 1 ? 0 : null;
  const moved = last.progress - first.progress;
  const elapsed = (last.at - first.at) / 1000;
  if (moved <= 0.005 || elapsed < 2) return null;
  return Math.round(((1 - last.progress) * elapsed) / moved);
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "estimating";
  if (seconds === 0) return "done";
  if (seconds < 60) return `~${seconds}s left`;
  const minutes = Math.floor(seconds / 60);
  return `~${minutes}m ${String(seconds % 60).padStart(2, "0")}s left`;
}

const label = (stream: StreamImport) => `${CHANNEL_NAMES[stream.channel] ?? stream.channel} ${stream.stream}`;
const key = (stream: StreamImport) => `${stream.connectionId}:${stream.stream}`;

export class ImportProgressView {
  readonly #tty: boolean;
  readonly #write: (line: string) => void;
  readonly #samples = new Map<string, { first: Sample; last: Sample }>();
  #bars: cliProgress.MultiBar | null = null;
  readonly #barOf = new Map<string, cliProgress.SingleBar>();
  #lastLineAt = 0;
  #finished = false;

  constructor(options: { tty: boolean; write: (line: string) => void; stream?: NodeJS.WriteStream }) {
    this.#tty = options.tty;
    this.#write = options.write;
    if (this.#tty) {
      this.#bars = new cliProgress.MultiBar(
        {
          format: " {name} |{bar}| {percentage}% · {records} records · {eta}",
          barCompleteChar: "█",
          barIncompleteChar: "░",
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          autopadding: true,
          stream: options.stream ?? process.stdout,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** Shows a new reading of the shop's import progress. */
  update(progress: ImportProgress, now = Date.now()): void {
    if (this.#finished) return;
    for (const stream of progress.streams) {
      const share = stream.done ? 1 : (stream.progress ?? 0);
      const sample = { at: now, progress: share };
      const seen = this.#samples.get(key(stream));
      if (seen) seen.last = sample;
      else this.#samples.set(key(stream), { first: sample, last: sample });
    }
    if (this.#bars) {
      for (const stream of progress.streams) this.#updateBar(stream);
      return;
    }
    if (now - this.#lastLineAt < 10_000) return;
    this.#lastLineAt = now;
    this.#write(`importing history: ${this.summary(progress)}`);
  }

  /** One line: every stream still importing with its percent, records and time left. */
  summary(progress: ImportProgress): string {
    const pending = progress.streams.filter((stream) => !stream.done);
    if (pending.length === 0) return "complete";
    return pending
      .map((stream) => {
        const samples = this.#samples.get(key(stream));
        const percent = stream.progress === null ? "…" : `${Math.round(stream.progress * 100)}%`;
        return `${label(stream)} ${percent} (${stream.records.toLocaleString("en-US")} records, ${formatDuration(
          estimateSecondsLeft(samples?.first, samples?.last),
        )})`;
      })
      .join(" · ");
  }

  #updateBar(stream: StreamImport): void {
    const samples = this.#samples.get(key(stream));
    const payload = {
      name: label(stream).padEnd(18),
      records: stream.records.toLocaleString("en-US").padStart(7),
      eta:
        stream.lastStatus === "failed" && !stream.done
          ? "retrying"
          : formatDuration(estimateSecondsLeft(samples?.first, samples?.last)),
    };
    const value = Math.round((stream.done ? 1 : (stream.progress ?? 0)) * 1000);
    const bar = this.#barOf.get(key(stream));
    if (bar) bar.update(value, payload);
    else this.#barOf.set(key(stream), this.#bars!.create(1000, value, payload));
  }

  /** Prints a line above the bars (or as it is without a terminal). */
  log(line: string): void {
    if (this.#bars && !this.#finished) this.#bars.log(`${line}\n`);
    else this.#write(line);
  }

  stop(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#bars?.stop();
  }
}
