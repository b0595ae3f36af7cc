import { defer, type LoaderFunctionArgs } from "@remix-run/node";
import { Await, Link as RemixLink, useLoaderData, useNavigate } from "@remix-run/react";
import {
  Badge,
  Banner,
  Button,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  ProgressBar,
  Select,
  SkeletonBodyText,
  Text,
  TextField,
  Tooltip,
} from "@shopify/polaris";
import { Suspense, useEffect, useState } from "react";

import { DonutChart, LineChart, StackedAreaChart } from "#app/components/charts/index.tsx";

import { Defined } from "#app/components/defined.tsx";
import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatCount, formatMoney, formatPercent, formatShortDay } from "#app/components/format.ts";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { localDay } from "#app/analytics/days.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { importProgress } from "#app/services/import-progress.server.ts";
import { CHANNEL_IDS, channelName, isChannel } from "#app/services/channels.server.ts";
import {
  channelSummary,
  overviewRange,
  parseCompare,
  rangePresets,
  rangeProducts,
  salesTrend,
  shopOverview,
} from "#app/services/overview.server.ts";
import { channelFreshness, needsAttention } from "#app/services/overview-attention.server.ts";
import { periodTiles } from "#app/services/overview-periods.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const { range, rangeError } = overviewRange(url.searchParams.get("from"), url.searchParams.get("to"), shop.timezone);
  const compare = parseCompare(url.searchParams.get("compare"));
  const channelParam = url.searchParams.get("channel");
  const channel = isChannel(channelParam) ? channelParam : null;
  const [overview, summary, imports, periods, trend, products, freshness] = await Promise.all([
    shopOverview(shop),
    channelSummary(shop, range),
    importProgress(shop.id),
    periodTiles(shop),
    salesTrend(shop, range, { channel, compare }),
    rangeProducts(shop, range, { channel }),
    channelFreshness(shop.id),
  ]);
  const today = localDay(new Date(), shop.timezone);
  return defer({
    ...overview,
    summary,
    imports,
    periods,
    trend,
    products,
    freshness,
    rangeError,
    filters: { from: range.from, to: range.to, compare, channel },
    presets: rangePresets(today),
    channelNames: Object.fromEntries(CHANNEL_IDS.map((id) => [id, channelName(id)])) as Record<string, string>,
    // The slowest part (stock health needs every forecast): streamed in after the first paint.
    attention: needsAttention(shop),
  });
};

const STREAM_NAMES: Record<string, string> = {
  orders: "orders",
  listings: "listings",
  inventory: "inventory",
  fees: "fees",
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The channel's name in a sentence, from the registry (sent by the loader). */
function useChannelName(): (id: string) => string {
  const { channelNames } = useLoaderData<typeof loader>();
  return (id) => channelNames[id] ?? id;
}

function ImportBanner({ imports }: { imports: LoaderData["imports"] }) {
  const name = useChannelName();
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
                `${name(stream.channel)} ${STREAM_NAMES[stream.stream] ?? stream.stream}` +
                (stream.progress === null ? "" : ` ${formatPercent(stream.progress)}`),
            )
            .join(" · ")}
        </Text>
        {failing.map((stream) => (
          <Text as="p" tone="critical" key={`${stream.connectionId}:${stream.stream}`}>
            {name(stream.channel)} {stream.stream}: the last attempt failed
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
  const name = useChannelName();
  const money = (amount: string) => formatMoney(amount, summary.currency);
  const rows = summary.channels.map((row) => [
    name(row.channel),
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
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Sales by channel
            </Text>
            <Text as="p" tone="subdued">
              {summary.from} to {summary.to}, in {summary.currency}
            </Text>
          </BlockStack>
          {summary.channels.length > 0 ? <ExportButton table="sales-by-channel" what="sales by channel" /> : null}
        </InlineStack>
      </Box>
      {summary.channels.length === 0 ? (
        <Box padding="400">
          <Text as="p" tone="subdued">
            No orders in these days yet.
          </Text>
        </Box>
      ) : (
        <div id="sales-by-channel">
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
        </div>
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
                {name(row.channel)} reports in {row.currency}: {formatMoney(row.netSales, row.currency)} net sales,
                converted at each day&apos;s exchange rate.
              </Text>
            ))}
            {summary.total.unconverted.map((entry) => (
              <Text as="p" tone="caution" key={`missing:${entry.channel}:${entry.currency}`}>
                {formatMoney(entry.netSales, entry.currency)} of {name(entry.channel)} net sales on{" "}
                {entry.missingRateDays.length} {entry.missingRateDays.length === 1 ? "day" : "days"} have no{" "}
                {entry.currency}→{summary.currency} exchange rate and are not in the totals.
              </Text>
            ))}
          </BlockStack>
        </Box>
      ) : null}
    </Card>
  );
}

// Definitions from docs/metrics.md ("Overview charts", "Profit bridge", "Top and bottom products",
// "Needs attention", "Freshness"), one hover or tap away.
const CHART_DEFINITIONS = {
  trend:
    "Net sales per shop-local day in the shop's currency, converted with each day's exchange rate; the dashed line is the comparison period, day by day.",
  share:
    "Each channel's net sales ÷ all channels' net sales over the selected days (channels with net sales above zero).",
  bridge:
    "From gross sales to contribution profit: gross sales − discounts − returns = net sales; net sales − fees − COGS = contribution profit. Per channel, in the shop's currency.",
  top: "Products with the highest net sales over the selected days, across channels (or on the chosen channel).",
  bottom:
    "Products sold in the selected days with the lowest contribution profit (net sales − fees − COGS): where money is lost first.",
  coverage:
    "Net sales of the products that have a unit cost ÷ net sales of all products over the selected days. Products without a cost count no COGS, so profit is overstated.",
  freshness: "Fresh: a sync finished in the last hour. Delayed: in the last 24 hours. Stale: longer ago, or never.",
};

function RangePicker() {
  const { filters, presets, connections } = useLoaderData<typeof loader>();
  const name = useChannelName();
  const navigate = useNavigate();
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  useEffect(() => {
    setFrom(filters.from);
    setTo(filters.to);
  }, [filters.from, filters.to]);
  const go = (next: { from?: string; to?: string; compare?: string; channel?: string | null }) => {
    const params = new URLSearchParams();
    params.set("from", next.from ?? filters.from);
    params.set("to", next.to ?? filters.to);
    const compare = next.compare ?? filters.compare;
    if (compare !== "previous") params.set("compare", compare);
    const channel = next.channel === undefined ? filters.channel : next.channel;
    if (channel) params.set("channel", channel);
    navigate(`?${params.toString()}`);
  };
  const preset = presets.find((entry) => entry.from === filters.from && entry.to === filters.to)?.id ?? "custom";
  const channels = [...new Set(connections.map((connection) => connection.channel as string))];
  return (
    <Card>
      <form
        id="range-form"
        onSubmit={(event) => {
          event.preventDefault();
          go({ from, to });
        }}
      >
        <InlineStack gap="300" blockAlign="end" wrap>
          <Box minWidth="10rem">
            <Select
              label="Date range"
              id="range-preset"
              options={[
                ...presets.map((entry) => ({ label: entry.label, value: entry.id })),
                { label: "Custom", value: "custom" },
              ]}
              value={preset}
              onChange={(value) => {
                const chosen = presets.find((entry) => entry.id === value);
                if (chosen) go({ from: chosen.from, to: chosen.to });
              }}
            />
          </Box>
          <Box minWidth="9rem">
            <TextField label="From" type="date" id="range-from" value={from} onChange={setFrom} autoComplete="off" />
          </Box>
          <Box minWidth="9rem">
            <TextField label="To" type="date" id="range-to" value={to} onChange={setTo} autoComplete="off" />
          </Box>
          <Button submit>Apply</Button>
          <Box minWidth="11rem">
            <Select
              label="Compare with"
              id="range-compare"
              options={[
                { label: "Previous period", value: "previous" },
                { label: "Same days last year", value: "year" },
                { label: "No comparison", value: "none" },
              ]}
              value={filters.compare}
              onChange={(value) => go({ compare: value })}
            />
          </Box>
          <Box minWidth="10rem">
            <Select
              label="Channel"
              id="range-channel"
              options={[
                { label: "All channels", value: "" },
                ...channels.map((id) => ({ label: name(id), value: id })),
              ]}
              value={filters.channel ?? ""}
              onChange={(value) => go({ channel: value || null })}
            />
          </Box>
        </InlineStack>
      </form>
    </Card>
  );
}

function SalesCharts() {
  const { trend, summary, filters, shop } = useLoaderData<typeof loader>();
  const name = useChannelName();
  const money = (value: number) => formatMoney(value, shop.currency);
  const toNumber = (value: string | null) => (value === null ? null : Number(value));
  const total = trend.days.map((_, index) => {
    let sum = 0;
    for (const series of trend.channels) {
      const value = series.netSales[index];
      if (value === null || value === undefined) return null;
      sum += Number(value);
    }
    return sum;
  });
  const lines = [
    {
      name: filters.channel ? name(filters.channel) : "All channels",
      data: trend.days.map((day, i) => ({ key: day, value: total[i] ?? null })),
    },
    ...(trend.comparison
      ? [
          {
            name: `${trend.comparison.from} to ${trend.comparison.to}`,
            comparison: true,
            data: trend.days.map((day, i) => ({ key: day, value: toNumber(trend.comparison?.netSales[i] ?? null) })),
          },
        ]
      : []),
  ];
  const stacked = trend.channels.map((series) => ({
    name: name(series.channel),
    data: trend.days.map((day, i) => ({ key: day, value: toNumber(series.netSales[i] ?? null) })),
  }));
  const shares = summary.channels
    .filter((row) => (!filters.channel || row.channel === filters.channel) && Number(row.converted.netSales) > 0)
    .map((row) => ({ name: name(row.channel), data: [{ key: "Net sales", value: Number(row.converted.netSales) }] }));
  return (
    <div
      style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 22rem), 1fr))", gap: "1rem" }}
    >
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            <Defined definition={CHART_DEFINITIONS.trend}>Net sales over time</Defined>
          </Text>
          <LineChart
            series={lines}
            height={260}
            label={`Net sales per day from ${filters.from} to ${filters.to}${trend.comparison ? ", with the comparison period" : ""}`}
            formatValue={money}
            formatKey={formatShortDay}
          />
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            <Defined definition={CHART_DEFINITIONS.trend}>Net sales by channel</Defined>
          </Text>
          <StackedAreaChart
            series={stacked}
            height={260}
            label={`Net sales per day and channel from ${filters.from} to ${filters.to}`}
            formatValue={money}
            formatKey={formatShortDay}
          />
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            <Defined definition={CHART_DEFINITIONS.share}>Channel share</Defined>
          </Text>
          <DonutChart
            series={shares}
            height={220}
            label="Share of net sales by channel"
            formatValue={money}
            showLegend={false}
          />
          <BlockStack gap="050">
            {shares.map((entry) => {
              const all = shares.reduce((sum, item) => sum + (item.data[0]?.value ?? 0), 0);
              return (
                <Text
                  as="p"
                  tone="subdued"
                  key={entry.name}
                  id={`share-${entry.name.toLowerCase().replace(/\W+/g, "-")}`}
                >
                  {entry.name}: {formatPercent((entry.data[0]?.value ?? 0) / all)}
                </Text>
              );
            })}
          </BlockStack>
        </BlockStack>
      </Card>
    </div>
  );
}

function CogsCoverage() {
  const { products } = useLoaderData<typeof loader>();
  const { share } = products.cogsCoverage;
  if (share === null) return null;
  const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(share);
  return (
    <Text as="p" tone={share < 1 ? "caution" : "subdued"}>
      <Defined definition={CHART_DEFINITIONS.coverage}>COGS coverage</Defined>:{" "}
      <span id="cogs-coverage">{percent}</span> of net sales come from products with a unit cost.{" "}
      {share < 1 ? <RemixLink to="/app/settings?section=costs">Add the missing unit costs</RemixLink> : null}
    </Text>
  );
}

function ProfitBridge() {
  const { summary, filters } = useLoaderData<typeof loader>();
  const name = useChannelName();
  const money = (amount: string) => formatMoney(amount, summary.currency);
  // A cost shown as a subtraction: "−$12.00"; nothing to subtract shows as "$0.00", not "−$0.00".
  const negative = (amount: string) =>
    Number(amount) === 0 ? money("0") : amount.startsWith("-") ? money(amount.slice(1)) : money(`-${amount}`);
  const rows = summary.channels.filter((row) => !filters.channel || row.channel === filters.channel);
  if (rows.length === 0) return null;
  const columns = [
    ...rows.map((row) => ({ id: row.channel, label: name(row.channel), figures: row.converted })),
    ...(rows.length > 1 ? [{ id: "all", label: "All channels", figures: summary.total }] : []),
  ];
  const steps: Array<[string, (figures: (typeof columns)[number]["figures"]) => string]> = [
    ["Gross sales", (f) => money(f.grossSales)],
    ["Discounts", (f) => negative(f.discounts)],
    ["Returns", (f) => negative(f.returns)],
    ["Net sales", (f) => money(f.netSales)],
    ["Fees", (f) => negative(f.fees)],
    ["COGS", (f) => negative(f.cogs)],
    ["Contribution profit", (f) => money(f.contributionProfit)],
  ];
  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            <Defined definition={CHART_DEFINITIONS.bridge}>Profit bridge</Defined>
          </Text>
          <ExportButton table="profit-bridge" what="the profit bridge" />
        </InlineStack>
        <CogsCoverage />
      </Box>
      <div id="profit-bridge">
        <DataTable
          columnContentTypes={["text", ...columns.map(() => "numeric" as const)]}
          headings={["", ...columns.map((column) => column.label)]}
          rows={steps.map(([label, cell]) => [label, ...columns.map((column) => cell(column.figures))])}
          fixedFirstColumns={1}
        />
      </div>
    </Card>
  );
}

function ProductList({
  title,
  definition,
  rows,
  id,
  figure,
}: {
  title: string;
  definition: string;
  id: string;
  rows: LoaderData["products"]["top"];
  figure: "netSales" | "contributionProfit";
}) {
  const { shop } = useLoaderData<typeof loader>();
  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            <Defined definition={definition}>{title}</Defined>
          </Text>
          {rows.length > 0 ? <ExportButton table={id} what={title.toLowerCase()} /> : null}
        </InlineStack>
      </Box>
      {rows.length === 0 ? (
        <Box padding="400">
          <Text as="p" tone="subdued">
            No products sold in these days.
          </Text>
        </Box>
      ) : (
        <div id={id}>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Product", "Units", figure === "netSales" ? "Net sales" : "Contribution profit"]}
            rows={rows.map((row) => [
              <RemixLink key={row.sku} to={`/app/products/${encodeURIComponent(row.sku)}`}>
                {row.title ?? row.sku}
              </RemixLink>,
              formatCount(row.units),
              formatMoney(row[figure], shop.currency) + (row.partial ? " *" : ""),
            ])}
            truncate
          />
        </div>
      )}
    </Card>
  );
}

/** True once the page has hydrated (false on the server and during hydration). */
function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function NeedsAttention() {
  const { attention } = useLoaderData<typeof loader>();
  // The list streams in after the first paint. Its Suspense boundary is mounted only after
  // hydration: a boundary still hydrating when Polaris' frame updates on mount would make React
  // throw away the server HTML (React error 421).
  const hydrated = useHydrated();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Needs attention
        </Text>
        {!hydrated ? (
          <SkeletonBodyText lines={3} />
        ) : (
          <Suspense fallback={<SkeletonBodyText lines={3} />}>
            <Await
              resolve={attention}
              errorElement={
                <Text as="p" tone="critical">
                  This list could not be loaded; the rest of the page is up to date. It is tried again on the next
                  refresh.
                </Text>
              }
            >
              {(items) =>
                items.length === 0 ? (
                  <Text as="p" tone="subdued" id="attention-none">
                    Nothing needs you right now.
                  </Text>
                ) : (
                  <BlockStack gap="150">
                    {items.map((item) => (
                      <InlineStack key={item.id} gap="200" blockAlign="center" wrap={false}>
                        <Badge tone={item.tone}>{String(item.count)}</Badge>
                        <Text as="p" id={`attention-${item.id}`}>
                          <RemixLink to={item.url}>{item.text}</RemixLink>
                        </Text>
                      </InlineStack>
                    ))}
                  </BlockStack>
                )
              }
            </Await>
          </Suspense>
        )}
      </BlockStack>
    </Card>
  );
}

const BADGES = {
  fresh: { tone: "success", label: "Fresh" },
  delayed: { tone: "attention", label: "Delayed" },
  stale: { tone: "warning", label: "Stale" },
  paused: { tone: undefined, label: "Paused" },
  failing: { tone: "critical", label: "Failing" },
} as const;

function Freshness() {
  const { freshness, shop } = useLoaderData<typeof loader>();
  const when = (iso: string) =>
    new Date(iso).toLocaleString("en-US", { timeZone: shop.timezone, dateStyle: "medium", timeStyle: "short" });
  return (
    <BlockStack gap="150">
      {freshness.map((entry) => (
        <InlineStack key={entry.connectionId} gap="200" blockAlign="center">
          <Text as="p" fontWeight="semibold">
            {entry.name}
          </Text>
          <Tooltip content={CHART_DEFINITIONS.freshness}>
            <span tabIndex={0} id={`fresh-${entry.channel}`}>
              <Badge tone={BADGES[entry.badge].tone}>{BADGES[entry.badge].label}</Badge>
            </span>
          </Tooltip>
          <Text as="p" tone="subdued">
            {entry.syncing ? "Syncing now · " : ""}
            {entry.lastSyncAt ? `Last synced ${when(entry.lastSyncAt)}` : "Not synced yet"}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

function SetupGuide() {
  const { connections, channelNames } = useLoaderData<typeof loader>();
  const connected = new Set(connections.map((connection) => connection.channel as string));
  const missing = Object.keys(channelNames).filter((id) => !connected.has(id));
  if (missing.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Finish setting up
        </Text>
        <Text as="p">
          {connected.size} of {Object.keys(channelNames).length} channels connected. Connect the rest to see your whole
          business here.
        </Text>
        <BlockStack gap="100">
          {Object.keys(channelNames).map((id) => (
            <InlineStack key={id} gap="200" blockAlign="center">
              <Badge tone={connected.has(id) ? "success" : undefined}>
                {connected.has(id) ? "Connected" : "To do"}
              </Badge>
              {connected.has(id) ? (
                <Text as="span">{channelNames[id]}</Text>
              ) : (
                <RemixLink to="/app/channels">Connect {channelNames[id]}</RemixLink>
              )}
            </InlineStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  const name = useChannelName();
  useLiveData();
  return (
    <TitledPage
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
                  <RemixLink to="/app/channels">Connect a channel</RemixLink>
                </Box>
                <Box paddingBlockStart="300">
                  <Text as="p" tone="subdued">
                    Or from a terminal:{" "}
                    <code>
                      npm run cli -- connect --shop {overview.shop.domain} --channel amazon --config amazon.json
                    </code>
                  </Text>
                </Box>
              </EmptyState>
            </Card>
          ) : (
            <BlockStack gap="400">
              <SetupGuide />
              <PeriodTiles periods={overview.periods} currency={overview.shop.currency} />
              <NeedsAttention />
              <RangePicker />
              <SalesCharts />
              <ChannelTable summary={overview.summary} />
              <ProfitBridge />
              <div
                style={{
                  display: "grid",
                  gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 22rem), 1fr))",
                  gap: "1rem",
                }}
              >
                <ProductList
                  title="Top products"
                  definition={CHART_DEFINITIONS.top}
                  rows={overview.products.top}
                  id="top-products"
                  figure="netSales"
                />
                <ProductList
                  title="Bottom products"
                  definition={CHART_DEFINITIONS.bottom}
                  rows={overview.products.bottom}
                  id="bottom-products"
                  figure="contributionProfit"
                />
              </div>
              <Text as="p" tone="subdued">
                Figures differ from Shopify&apos;s or Amazon&apos;s own reports?{" "}
                <RemixLink to="/app/help/numbers">Why numbers differ</RemixLink>
              </Text>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Connected channels
                  </Text>
                  <Freshness />
                  {overview.marketplaceImports.map((entry) => {
                    const marketplace = name(entry.marketplace);
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
    </TitledPage>
  );
}
