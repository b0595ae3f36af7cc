-- AlterTable
ALTER TABLE "Forecast" ADD COLUMN     "accuracy" JSONB;
