-- A run's progress as its pages commit: the connector's estimate of the work done (0..1).
ALTER TABLE "SyncRun" ADD COLUMN "progress" DOUBLE PRECISION;
