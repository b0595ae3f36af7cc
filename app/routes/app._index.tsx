import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
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
  Tooltip,
} from "@shopify/polaris";

import { formatCount, formatMoney, formatPercent } from "#app/components/format.ts";
import { useLiveData } from "#app/components/use-live-data.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { importProgress } from "#app/services/import-progress.server.ts";
import { channelSummary, overviewRange, shopOverview } from "#app/services/overview.server.ts";
import { periodTiles } from "#app/services/overview-periods.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const { range, rangeError } = overviewRange(url.searchParams.get("from"), url.searchParams.get("to"), shop.timezone);
  const [overview, summary, imports, periods] = await Promise.all([
    shopOverview(shop),
    channelSummary(shop, range),
    importProgress(shop.id),
    periodTiles(shop),
  ]);
  return { ...overview, summary, imports, periods, rangeError };
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

// Definitions from docs/metrics.md ("Period tiles"), one hover or tap away.
const DEFINITIONS = {
  netSales: "Gross sales − discounts − returns (returns on the refund's day), in the shop's currency.",
  orders: "Orders placed in the period with at least one counted line; canceled orders count nowhere.",
  units: "Units sold less units canceled.",
  fees: "Channel fees (commission, fulfillment, penalties) on their order's day.",
  cogs: "Units × the product's unit cost; products without a cost add nothing.",
  contributionProfit: "Net sales − fees − COGS.",
  margin: "Contribution profit ÷ net sales.",
};

function Figure({ label, value, definition }: { label: string; value: string; definition: string }) {
  return (
    <InlineStack align="space-between" gap="200" wrap={false}>
      <Tooltip content={definition}>
        <span tabIndex={0} style={{ borderBottom: "1px dotted" }}>
          <Text as="span" tone="subdued">
            {label}
          </Text>
        </span>
      </Tooltip>
      <Text as="span" numeric>
        {value}
      </Text>
    </InlineStack>
  );
}

function PeriodTiles({ periods, currency }: { periods: LoaderData["periods"]; currency: string }) {
  const money = (amount: string) => formatMoney(amount, currency);
  return (
    <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(14rem, 1fr))", gap: "1rem" }}>
      {periods.tiles.map((tile) => (
        <Card key={tile.id}>
          <BlockStack gap="200">
            <Text as="h2" variant="headingSm">
              {tile.label}
            </Text>
            <Text as="p" variant="headingLg" numeric id={`tile-${tile.id}-net`}>
              {money(tile.figures.netSales)}
            </Text>
            <Tooltip
              content={`Against ${tile.previous.from}${tile.previous.to === tile.previous.from ? "" : ` to ${tile.previous.to}`}: ${money(tile.previousFigures.netSales)} net sales`}
            >
              <span tabIndex={0}>
                <Text
                  as="span"
                  tone={tile.netSalesChange === null ? "subdued" : tile.netSalesChange >= 0 ? "success" : "critical"}
                >
                  {tile.netSalesChange === null
                    ? "No sales in the previous period"
                    : `${tile.netSalesChange >= 0 ? "+" : ""}${formatPercent(tile.netSalesChange)} vs previous period`}
                </Text>
              </span>
            </Tooltip>
            <Figure label="Orders" value={formatCount(tile.figures.orders)} definition={DEFINITIONS.orders} />
            <Figure label="Units" value={formatCount(tile.figures.units)} definition={DEFINITIONS.units} />
            <Figure label="Fees" value={money(tile.figures.fees)} definition={DEFINITIONS.fees} />
            <Figure label="COGS" value={money(tile.figures.cogs)} definition={DEFINITIONS.cogs} />
            <Figure
              label="Contribution profit"
              value={money(tile.figures.contributionProfit)}
              definition={DEFINITIONS.contributionProfit}
            />
            <Figure
              label="Margin"
              value={tile.figures.margin === null ? "—" : formatPercent(tile.figures.margin)}
              definition={DEFINITIONS.margin}
            />
            {tile.unconverted.map((entry) => (
              <Text as="p" tone="caution" key={entry.currency}>
                {formatMoney(entry.netSales, entry.currency)} without a {entry.currency}→{currency} rate, not included.
              </Text>
            ))}
          </BlockStack>
        </Card>
      ))}
    </div>
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
              <PeriodTiles periods={overview.periods} currency={overview.shop.currency} />
              <ChannelTable summary={overview.summary} />
              <Text as="p" tone="subdued">
                Figures differ from Shopify&apos;s or Amazon&apos;s own reports?{" "}
                <RemixLink to="/app/help/numbers">Why numbers differ</RemixLink>
              </Text>
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
