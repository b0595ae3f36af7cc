-- AlterTable
ALTER TABLE "DailyRollup" ADD COLUMN     "contributions" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "rollupPending" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "RollupContribution" (
    "id" BIGSERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "channel" "Channel" NOT NULL,
    "sku" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "grossSales" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "discounts" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "returns" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "shipping" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "taxes" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "fees" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "cogs" DECIMAL(18,4) NOT NULL DEFAULT 0,

    CONSTRAINT "RollupContribution_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RollupContribution_orderId_idx" ON "RollupContribution"("orderId");

-- CreateIndex
CREATE INDEX "Order_shopId_rollupPending_placedAt_idx" ON "Order"("shopId", "rollupPending", "placedAt");

-- CreateIndex
CREATE INDEX "Refund_orderId_idx" ON "Refund"("orderId");

-- AddForeignKey
ALTER TABLE "RollupContribution" ADD CONSTRAINT "RollupContribution_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rollups are now the sum of their orders' contributions. Every existing order is pending
-- (the column's default), so the rollups built the old way are cleared (the statement trigger
-- clears DailyChannelTotal with them) and the next refresh rebuilds them from the orders.
DELETE FROM "DailyRollup";
