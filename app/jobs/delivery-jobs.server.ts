/** The deliveries queue: "deliver" sends one AlertDelivery (retried with backoff), "digest" queues a day's digests. */
import type { Job } from "bullmq";

import type { JobPayloads } from "#app/queue/queues.server.ts";
import { deliver, queueDailyDigests } from "#app/services/alert-delivery.server.ts";
import { DIGEST_JOB_NAME } from "#app/services/schedules.server.ts";

export async function processDeliveryJob(job: Job<JobPayloads["deliveries"]>) {
  if (job.name === DIGEST_JOB_NAME) return queueDailyDigests(job.data.shopId, { day: job.data.day });
  if (!job.data.deliveryId) return { skipped: true, reason: "no deliveryId" };
  // The last attempt records the failure on the row; earlier ones leave it pending for the retry.
  const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  return deliver(job.data.shopId, job.data.deliveryId, { final });
}
