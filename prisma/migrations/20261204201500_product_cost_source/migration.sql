-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "costSource" TEXT;
