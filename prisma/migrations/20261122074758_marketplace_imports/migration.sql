/*
  Warnings:

  - You are about to drop the column `attributedTo` on the `Order` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "Order" DROP COLUMN "attributedTo",
ADD COLUMN     "importedFrom" TEXT;
