-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "catalogUpdatedAt" TIMESTAMP(3),
ADD COLUMN     "costUpdatedAt" TIMESTAMP(3);
