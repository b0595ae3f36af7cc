-- CreateIndex
CREATE INDEX "DailyRollup_top_products_idx" ON "DailyRollup"("shopId", "day", "currency", "sku", "orders", "units", "netSales");
