-- CreateTable
CREATE TABLE "DailyChannelTotal" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "channel" "Channel" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "grossSales" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "discounts" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "returns" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "netSales" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "shipping" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "taxes" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "fees" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "cogs" DECIMAL(18,4) NOT NULL DEFAULT 0,

    CONSTRAINT "DailyChannelTotal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DailyChannelTotal_shopId_day_channel_currency_key" ON "DailyChannelTotal"("shopId", "day", "channel", "currency");

-- AddForeignKey
ALTER TABLE "DailyChannelTotal" ADD CONSTRAINT "DailyChannelTotal_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Keep DailyChannelTotal equal to the sums of DailyRollup for every (shop, day) a statement
-- touched, whatever wrote the rollups.
CREATE FUNCTION "refresh_daily_channel_totals"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS "_touched_rollup_days" ("shopId" TEXT, "day" DATE) ON COMMIT DROP;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "_touched_rollup_days" SELECT DISTINCT "shopId", "day" FROM new_rows;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO "_touched_rollup_days" SELECT DISTINCT "shopId", "day" FROM old_rows;
  END IF;
  DELETE FROM "DailyChannelTotal" t USING (SELECT DISTINCT "shopId", "day" FROM "_touched_rollup_days") d
  WHERE t."shopId" = d."shopId" AND t."day" = d."day";
  INSERT INTO "DailyChannelTotal" ("id", "shopId", "day", "channel", "currency", "orders", "units", "grossSales",
      "discounts", "returns", "netSales", "shipping", "taxes", "fees", "cogs")
  SELECT gen_random_uuid()::text, r."shopId", r."day", r."channel", r."currency",
         coalesce(sum(r."orders") FILTER (WHERE r."sku" = ''), 0), coalesce(sum(r."units") FILTER (WHERE r."sku" <> ''), 0),
         sum(r."grossSales"), sum(r."discounts"), sum(r."returns"), sum(r."netSales"), sum(r."shipping"),
         sum(r."taxes"), sum(r."fees"), sum(r."cogs")
  FROM "DailyRollup" r
  JOIN (SELECT DISTINCT "shopId", "day" FROM "_touched_rollup_days") d ON r."shopId" = d."shopId" AND r."day" = d."day"
  GROUP BY r."shopId", r."day", r."channel", r."currency";
  DELETE FROM "_touched_rollup_days";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "daily_rollup_totals_insert" AFTER INSERT ON "DailyRollup"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "refresh_daily_channel_totals"();
CREATE TRIGGER "daily_rollup_totals_update" AFTER UPDATE ON "DailyRollup"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "refresh_daily_channel_totals"();
CREATE TRIGGER "daily_rollup_totals_delete" AFTER DELETE ON "DailyRollup"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "refresh_daily_channel_totals"();

-- Totals of the rollups that exist already.
INSERT INTO "DailyChannelTotal" ("id", "shopId", "day", "channel", "currency", "orders", "units", "grossSales",
    "discounts", "returns", "netSales", "shipping", "taxes", "fees", "cogs")
SELECT gen_random_uuid()::text, "shopId", "day", "channel", "currency",
       coalesce(sum("orders") FILTER (WHERE "sku" = ''), 0), coalesce(sum("units") FILTER (WHERE "sku" <> ''), 0),
       sum("grossSales"), sum("discounts"), sum("returns"), sum("netSales"), sum("shipping"), sum("taxes"),
       sum("fees"), sum("cogs")
FROM "DailyRollup" GROUP BY "shopId", "day", "channel", "currency";
