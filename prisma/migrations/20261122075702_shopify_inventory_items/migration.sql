-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "shopifyInventoryItemId" TEXT;
