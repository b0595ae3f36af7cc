import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";

import { formatCount, formatMoney } from "#app/components/format.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { numbersDifferCounts } from "#app/services/overview-periods.server.ts";
import { overviewRange } from "#app/services/overview.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const { range, rangeError } = overviewRange(url.searchParams.get("from"), url.searchParams.get("to"), shop.timezone);
  return { counts: await numbersDifferCounts(shop, range), rangeError };
};

function Cause({ title, id, children, count }: { title: string; id: string; children: string; count: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <Text as="p">{children}</Text>
        <Text as="p" fontWeight="semibold" id={id}>
          {count}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function WhyNumbersDiffer() {
  const { counts, rangeError } = useLoaderData<typeof loader>();
  const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;
  return (
    <Page
      title="Why numbers differ"
      backAction={{ content: "Overview", url: "/app" }}
      subtitle={`${counts.range.from} to ${counts.range.to}, days in ${counts.timezone}, amounts in ${counts.currency}`}
    >
      <Layout>
        {rangeError ? (
          <Layout.Section>
            <Banner tone="warning">{rangeError}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Cause
              title="Returns count on the day of the refund"
              id="count-refund-day"
              count={`${plural(counts.refundsOnAnotherDay.refunds, "refund", "refunds")} in these days (${counts.refundsOnAnotherDay.amounts.map((entry) => `${formatMoney(entry.amount, entry.currency)} ${entry.currency}`).join(" + ") || formatMoney("0", counts.currency)}) belong to orders placed on another day.`}
            >
              We subtract a refund from net sales on the day it was issued. Reports that attach refunds to the
              order&apos;s day show different daily figures; totals over long periods agree.
            </Cause>
            <Cause
              title="Days are the shop's time zone"
              id="count-time-zone"
              count={`${plural(counts.ordersOnAnotherUtcDay, "order falls", "orders fall")} on a different day in UTC than in ${counts.timezone}.`}
            >
              Every day here runs midnight to midnight in the shop&apos;s time zone. Amazon Seller Central reports in
              its marketplace&apos;s time zone or UTC, so orders near midnight land on another day there.
            </Cause>
            <Cause
              title="Pending Amazon orders"
              id="count-pending-amazon"
              count={`${plural(counts.pendingAmazonOrders, "Amazon order is", "Amazon orders are")} pending (Amazon has not released the prices yet).`}
            >
              Amazon keeps a pending order&apos;s prices back until payment clears; such orders add no sales until then,
              while Seller Central may already count them.
            </Cause>
            <Cause
              title="Marketplace Connect copies counted once"
              id="count-marketplace-copies"
              count={`${plural(counts.marketplaceCopies.orders, "Shopify order is a copy", "Shopify orders are copies")} of a marketplace order; ${formatCount(counts.marketplaceCopies.countedUnderMarketplace)} counted under the connected marketplace instead of Shopify.`}
            >
              Shopify&apos;s Marketplace Connect copies Amazon and Best Buy orders into Shopify. Shopify&apos;s reports
              count them as Shopify sales; we count each order once, under the marketplace, when it is connected here.
            </Cause>
            <Cause
              title="Exchange rates"
              id="count-fx"
              count={
                counts.missingExchangeRates.length === 0
                  ? "Every amount in these days has an exchange rate."
                  : counts.missingExchangeRates
                      .map(
                        (entry) =>
                          `${formatMoney(entry.netSales, entry.currency)} of ${entry.channel} on ${plural(entry.days, "day", "days")} without a ${entry.currency}→${counts.currency} rate`,
                      )
                      .join("; ") + " (left out of the totals)."
              }
            >
              Amounts in another currency are converted with each day&apos;s rate (a manual rate first, else the
              reference rate, else the latest within 7 days). The channel&apos;s own report shows its currency
              unconverted.
            </Cause>
            <Text as="p" tone="subdued">
              Definitions of every figure: docs/metrics.md. <RemixLink to="/app">Back to the overview</RemixLink>
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
