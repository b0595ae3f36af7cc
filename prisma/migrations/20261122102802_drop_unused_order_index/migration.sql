-- DropIndex
DROP INDEX "Order_shopId_placedAt_idx";
