import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";

import { formatCount, formatMoney, formatPercent } from "#app/components/format.ts";
import { useLiveData } from "#app/components/use-live-data.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { importProgress } from "#app/services/import-progress.server.ts";
import { channelSummary, overviewRange, shopOverview } from "#app/services/overview.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const { range, rangeError } = overviewRange(url.searchParams.get("from"), url.searchParams.get("to"), shop.timezone);
  const [overview, summary, imports] = await Promise.all([
    shopOverview(shop),
    channelSummary(shop, range),
    importProgress(shop.id),
  ]);
  return { ...overview, summary, imports, rangeError };
};

const CHANNEL_NAMES: Record<string, string> = {
  shopify: "Shopify",
  amazon: "Amazon",
  bestbuy: "Best Buy Marketplace",
};
const STREAM_NAMES: Record<string, string> = {
  orders: "orders",
  listings: "listings",
  inventory: "inventory",
  fees: "fees",
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function ImportBanner({ imports }: { imports: LoaderData["imports"] }) {
  if (!imports.importing) return null;
  const pending = imports.streams.filter((stream) => !stream.done);
  const failing = pending.filter((stream) => stream.lastStatus === "failed");
  return (
    <Banner tone={failing.length > 0 ? "warning" : "info"} title="Your sales history is still importing">
      <BlockStack gap="200">
        <Text as="p">
          Figures for recent days are complete first; older days fill in as each channel&apos;s history arrives. This
          page refreshes by itself.
        </Text>
        <Box maxWidth="28rem">
          <ProgressBar progress={Math.round(imports.progress * 100)} size="small" ariaLabelledBy="import-progress" />
        </Box>
        <Text as="p" tone="subdued" id="import-progress">
          {formatPercent(imports.progress)} imported.{" "}
          {pending
            .map(
              (stream) =>
                `${CHANNEL_NAMES[stream.channel] ?? stream.channel} ${STREAM_NAMES[stream.stream] ?? stream.stream}` +
                (stream.progress === null ? "" : ` ${formatPercent(stream.progress)}`),
            )
            .join(" · ")}
        </Text>
        {failing.map((stream) => (
          <Text as="p" tone="critical" key={`${stream.connectionId}:${stream.stream}`}>
            {CHANNEL_NAMES[stream.channel] ?? stream.channel} {stream.stream}: the last attempt failed
            {stream.lastError ? ` (${stream.lastError})` : ""}; it is retried automatically.
          </Text>
        ))}
      </BlockStack>
    </Banner>
  );
}

function ChannelTable({ summary }: { summary: LoaderData["summary"] }) {
  const money = (amount: string) => formatMoney(amount, summary.currency);
  const rows = summary.channels.map((row) => [
    CHANNEL_NAMES[row.channel] ?? row.channel,
    formatCount(row.converted.orders),
    formatCount(row.converted.units),
    money(row.converted.netSales),
    money(row.converted.fees),
    money(row.converted.cogs),
    money(row.converted.contributionProfit),
  ]);
  const foreign = summary.channels.flatMap((row) =>
    row.native
      .filter((entry) => entry.currency !== summary.currency && entry.netSales !== "0.00")
      .map((entry) => ({ channel: row.channel, ...entry })),
  );
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Sales by channel
          </Text>
          <Text as="p" tone="subdued">
            {summary.from} to {summary.to}, in {summary.currency}
          </Text>
        </BlockStack>
      </Box>
      {summary.channels.length === 0 ? (
        <Box padding="400">
          <Text as="p" tone="subdued">
            No orders in these days yet.
          </Text>
        </Box>
      ) : (
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Channel", "Orders", "Units", "Net sales", "Fees", "COGS", "Contribution profit"]}
          rows={rows}
          totals={[
            "",
            formatCount(summary.total.orders),
            formatCount(summary.total.units),
            money(summary.total.netSales),
            money(summary.total.fees),
            money(summary.total.cogs),
            money(summary.total.contributionProfit),
          ]}
          showTotalsInFooter
          fixedFirstColumns={1}
          totalsName={{ singular: "Total", plural: "Total" }}
        />
      )}
      {foreign.length > 0 || summary.total.unconverted.length > 0 ? (
        <Box padding="400">
          <BlockStack gap="100">
            {foreign.map((row) => (
              <Text
                as="p"
                tone="subdued"
                key={`${row.channel}:${row.currency}`}
                id={`native-${row.channel}-${row.currency}`}
              >
                {CHANNEL_NAMES[row.channel] ?? row.channel} reports in {row.currency}:{" "}
                {formatMoney(row.netSales, row.currency)} net sales, converted at each day&apos;s exchange rate.
              </Text>
            ))}
            {summary.total.unconverted.map((entry) => (
              <Text as="p" tone="caution" key={`missing:${entry.channel}:${entry.currency}`}>
                {formatMoney(entry.netSales, entry.currency)} of {CHANNEL_NAMES[entry.channel] ?? entry.channel} net
                sales on {entry.missingRateDays.length} {entry.missingRateDays.length === 1 ? "day" : "days"} have no{" "}
                {entry.currency}→{summary.currency} exchange rate and are not in the totals.
              </Text>
            ))}
          </BlockStack>
        </Box>
      ) : null}
    </Card>
  );
}

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  useLiveData();
  return (
    <Page
      title="Overview"
      subtitle={`${overview.shop.name} · Reporting in ${overview.shop.currency}, days in ${overview.shop.timezone}`}
    >
      <Layout>
        {overview.rangeError ? (
          <Layout.Section>
            <Banner tone="warning" title="That date range cannot be shown">
              <p>{overview.rangeError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {overview.imports.importing ? (
          <Layout.Section>
            <ImportBanner imports={overview.imports} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          {overview.connections.length === 0 ? (
            <Card>
              <EmptyState heading="Connect your sales channels" image="/empty-state-channels.svg">
                <p>
                  Crosschannel shows {overview.shop.name}&apos;s sales, fees, profit and inventory from Shopify, Amazon
                  and Best Buy Marketplace side by side. Nothing is connected yet: connect a channel to start the first
                  sync.
                </p>
                <Box paddingBlockStart="300">
                  <Text as="p" tone="subdued">
                    From a terminal:{" "}
                    <code>
                      npm run cli -- connect --shop {overview.shop.domain} --channel amazon --config amazon.json
                    </code>
                  </Text>
                </Box>
              </EmptyState>
            </Card>
          ) : (
            <BlockStack gap="400">
              <ChannelTable summary={overview.summary} />
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Connected channels
                  </Text>
                  {overview.connections.map((connection) => (
                    <InlineStack key={connection.id} gap="200">
                      <Text as="p">{connection.displayName}</Text>
                      <Text as="p" tone={connection.status === "active" ? "success" : "critical"}>
                        {connection.status}
                      </Text>
                    </InlineStack>
                  ))}
                  {overview.marketplaceImports.map((entry) => {
                    const marketplace = CHANNEL_NAMES[entry.marketplace] ?? entry.marketplace;
                    return (
                      <Text as="p" tone="subdued" key={entry.marketplace}>
                        {formatCount(entry.orders)} Shopify {entry.orders === 1 ? "order was" : "orders were"} imported
                        from {marketplace} (Marketplace Connect or a similar app):{" "}
                        {entry.countedUnder === "shopify"
                          ? `counted under Shopify, because ${marketplace} is not connected here.`
                          : `counted once, under ${marketplace}, from ${marketplace}'s own data.`}
                      </Text>
                    );
                  })}
                </BlockStack>
              </Card>
            </BlockStack>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
