import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link as RemixLink,
  useLoaderData,
  useLocation,
  useNavigate,
  useRouteError,
} from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineStack, Layout, Text } from "@shopify/polaris";

import { LineChart } from "#app/components/charts/index.tsx";
import { Defined } from "#app/components/defined.tsx";
import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatCount, formatMoney, formatPercent1, formatShortDay } from "#app/components/format.ts";
import { RangeSelect } from "#app/components/range-select.tsx";
import { RangeErrorBanner } from "#app/components/table-controls.tsx";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { localDay } from "#app/analytics/days.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { CHANNEL_IDS, channelName } from "#app/services/channels.server.ts";
import { rangePresets } from "#app/services/overview.server.ts";
import { PRODUCT_FORECAST_DAYS, ProductNotFoundError, productDetail } from "#app/services/product-detail.server.ts";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const sku = params.sku ?? "";
  try {
    const detail = await productDetail(shop, sku, new URL(request.url).searchParams);
    return {
      ...detail,
      forecastDays: PRODUCT_FORECAST_DAYS,
      timezone: shop.timezone,
      presets: rangePresets(localDay(new Date(), shop.timezone)),
      channelNames: Object.fromEntries(CHANNEL_IDS.map((id) => [id, channelName(id)])) as Record<string, string>,
    };
  } catch (error) {
    if (error instanceof ProductNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

// Definitions from docs/metrics.md ("Product page").
const DEFINITIONS = {
  units: "Units sold less units canceled over the selected days, all channels.",
  netSales: "Gross sales − discounts − returns over the selected days, in the shop's currency.",
  contribution: "Net sales − fees − COGS.",
  margin: "Contribution profit ÷ net sales.",
  velocity: "Units per day over the selected days; the change is against the same number of days just before.",
  forecast:
    "Expected units per day on the channel. The darker dashed lines hold the day's units 80% of the time, the lighter ones 95%.",
  cover: "Days the channel's stock lasts at the forecast's daily demand.",
  reorder: "Demand over the lead time plus safety stock for the shop's service level; order when stock falls to it.",
};

function Figure({
  label,
  value,
  detail,
  definition,
}: {
  label: string;
  value: string;
  detail?: string;
  definition: string;
}) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          <Defined definition={definition}>{label}</Defined>
        </Text>
        <Text as="p" variant="headingLg" numeric>
          {value}
        </Text>
        {detail ? (
          <Text as="p" tone="subdued">
            {detail}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** The forecasting methods (docs/metrics.md, Forecasts) in a merchant's words. */
const METHODS: Record<string, string> = {
  mstl: "seasonal decomposition (weekly and yearly patterns)",
  ets: "exponential smoothing with trend and weekly pattern",
  ses: "simple exponential smoothing",
  tsb: "intermittent-demand model (TSB)",
  croston: "intermittent-demand model (Croston)",
  movingAverage: "28-day moving average",
  seasonalNaive: "same weekday last week (seasonal naive)",
  mean: "long-run daily average",
  combination: "average of the best-scoring models",
  zero: "no recent sales: no demand expected",
};

/** The forecast's range bounds, drawn dashed around its mean. */
const BANDS = [
  { name: "80% range, high", bound: "hi80" },
  { name: "80% range, low", bound: "lo80" },
  { name: "95% range, high", bound: "hi95" },
  { name: "95% range, low", bound: "lo95" },
] as const;

const LISTING_TONES: Record<string, "success" | "attention" | "critical" | undefined> = {
  active: "success",
  inactive: "attention",
  out_of_stock: "attention",
  suppressed: "critical",
};

export default function ProductDetail() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const navigate = useNavigate();
  useLiveData();
  const name = (id: string) => data.channelNames[id] ?? id;
  const money = (amount: string) => formatMoney(amount, data.currency);
  const figures = data.figures;
  // The shop's day, as every date on the page.
  const when = (iso: string) => localDay(new Date(iso), data.timezone);

  return (
    <TitledPage
      title={data.title ?? data.sku}
      subtitle={`SKU ${data.sku} · ${data.range.from} to ${data.range.to} · in ${data.currency}`}
      backAction={{ content: "Products", url: `/app/products${location.search}` }}
    >
      <Layout>
        {data.rangeError ? (
          <Layout.Section>
            <RangeErrorBanner error={data.rangeError} />
          </Layout.Section>
        ) : null}
        {!data.inCatalog ? (
          <Layout.Section>
            <Banner tone="info" title="This SKU is not in your Shopify catalog">
              <p>
                It sold on a channel under a SKU no Shopify product has. Map it to a catalog product in{" "}
                <RemixLink to="/app/settings?section=skus">Settings, SKU mapping</RemixLink> to count it with that
                product.
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Box maxWidth="16rem">
              <RangeSelect
                presets={data.presets}
                range={data.range}
                onChange={(range) => {
                  const params = new URLSearchParams(location.search);
                  params.set("from", range.from);
                  params.set("to", range.to);
                  navigate(`${location.pathname}?${params.toString()}`);
                }}
              />
            </Box>
            {figures ? (
              <div
                id="product-figures"
                style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(10rem, 1fr))", gap: "1rem" }}
              >
                <Figure
                  label="Units"
                  value={formatCount(figures.units)}
                  detail={`${formatCount(figures.previousUnits)} the period before`}
                  definition={DEFINITIONS.units}
                />
                <Figure
                  label="Net sales"
                  value={money(figures.netSales)}
                  detail={`${money(figures.previousNetSales)} the period before`}
                  definition={DEFINITIONS.netSales}
                />
                <Figure
                  label="Contribution profit"
                  value={money(figures.contributionProfit)}
                  definition={DEFINITIONS.contribution}
                />
                <Figure label="Margin" value={formatPercent1(figures.margin)} definition={DEFINITIONS.margin} />
                <Figure
                  label="Velocity"
                  value={`${figures.velocity.toFixed(2)} / day`}
                  detail={
                    figures.velocityChange === null
                      ? "Nothing sold the period before"
                      : `${figures.velocityChange >= 0 ? "+" : ""}${formatPercent1(figures.velocityChange)} vs the period before`
                  }
                  definition={DEFINITIONS.velocity}
                />
              </div>
            ) : (
              <Card>
                <Text as="p" tone="subdued" id="product-no-sales">
                  No sales of this product from {data.range.from} to {data.range.to}.
                </Text>
              </Card>
            )}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Units per day by channel
                </Text>
                <LineChart
                  series={data.trend.map((series) => ({
                    name: name(series.channel),
                    data: series.points.map((point) => ({ key: point.day, value: point.units })),
                  }))}
                  height={240}
                  label={`Units of ${data.sku} sold per day and channel from ${data.range.from} to ${data.range.to}`}
                  formatKey={formatShortDay}
                  formatValue={(value) => formatCount(value)}
                  emptyText="No units sold in these days."
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  <Defined definition={DEFINITIONS.forecast}>{`Forecast, next ${data.forecastDays} days`}</Defined>
                </Text>
                {data.forecasts.length === 0 ? (
                  <Text as="p" tone="subdued" id="forecast-none">
                    No forecast yet: forecasts are made nightly for products with sales in the last two years.
                  </Text>
                ) : (
                  data.forecasts.map((forecast) => (
                    <BlockStack gap="200" key={forecast.channel}>
                      <Text as="h3" variant="headingSm">
                        {name(forecast.channel)}
                      </Text>
                      <Text as="p" id={`forecast-${forecast.channel}-next`}>
                        About {formatCount(forecast.next28.mean)} units in the next {data.forecastDays} days.
                      </Text>
                      <Text
                        as="p"
                        tone={forecast.accuracyStatus === "measured" ? undefined : "subdued"}
                        id={`forecast-${forecast.channel}-accuracy`}
                      >
                        {forecast.accuracy ?? "Accuracy not measured yet."}
                      </Text>
                      <LineChart
                        series={[
                          {
                            name: "Forecast",
                            data: forecast.points.map((point) => ({ key: point.day, value: point.mean })),
                          },
                          ...BANDS.map((band) => ({
                            name: band.name,
                            comparison: true,
                            data: forecast.points.map((point) => ({ key: point.day, value: point[band.bound] })),
                          })),
                        ]}
                        height={220}
                        label={`Forecast units per day of ${data.sku} on ${name(forecast.channel)}, with its 80% and 95% ranges`}
                        formatKey={formatShortDay}
                        formatValue={(value) => value.toFixed(1)}
                      />
                      <Text as="p" tone="subdued" variant="bodySm">
                        Method: {METHODS[forecast.method] ?? forecast.method}, made {when(forecast.generatedAt)}.
                      </Text>
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
            <Card padding="0">
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="h2" variant="headingMd">
                    Stock
                  </Text>
                  <ExportButton table="product-stock" what="stock" params={{ sku: data.sku }} />
                </InlineStack>
              </Box>
              {data.stock.length === 0 ? (
                <Box padding="400">
                  <Text as="p" tone="subdued">
                    No channel reports stock for this product.
                  </Text>
                </Box>
              ) : (
                <div id="product-stock">
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text", "numeric"]}
                    headings={[
                      "Channel",
                      "Locations",
                      "Available",
                      "Inbound",
                      <Defined key="cover" definition={DEFINITIONS.cover}>
                        Days of cover
                      </Defined>,
                      <Defined key="reorder" definition={DEFINITIONS.reorder}>
                        Reorder point
                      </Defined>,
                      "Stock-out date",
                      "Suggested order",
                    ]}
                    rows={data.stock.map((row) => [
                      name(row.channel),
                      row.locations
                        .map((location) => `${location.locationId}: ${formatCount(location.available)}`)
                        .join(" · "),
                      formatCount(row.available),
                      formatCount(row.inbound),
                      row.daysOfCover === null ? "—" : row.daysOfCover.toFixed(1),
                      formatCount(row.reorderPoint),
                      row.stockOutDate ?? "—",
                      formatCount(row.suggestedOrderQuantity),
                    ])}
                    fixedFirstColumns={1}
                  />
                </div>
              )}
            </Card>
            <Card padding="0">
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="h2" variant="headingMd">
                    Listings
                  </Text>
                  <ExportButton table="product-listings" what="listings" params={{ sku: data.sku }} />
                </InlineStack>
              </Box>
              {data.listings.length === 0 ? (
                <Box padding="400">
                  <Text as="p" tone="subdued">
                    No channel lists this SKU.
                  </Text>
                </Box>
              ) : (
                <div id="product-listings">
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "text"]}
                    headings={["Channel", "Listing", "Price", "Status"]}
                    rows={data.listings.map((listing) => [
                      name(listing.channel),
                      <BlockStack key={listing.externalId} gap="050">
                        <Text as="span">{listing.title ?? "—"}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {listing.externalId}
                        </Text>
                      </BlockStack>,
                      listing.price === null ? "—" : formatMoney(listing.price, listing.currency ?? data.currency),
                      <InlineStack key="status" gap="100" blockAlign="center">
                        <Badge tone={listing.active ? LISTING_TONES[listing.status] : undefined}>
                          {listing.active ? listing.status : "removed"}
                        </Badge>
                        {listing.rawStatus && listing.rawStatus !== listing.status ? (
                          <Text as="span" tone="subdued" variant="bodySm">
                            {listing.rawStatus}
                          </Text>
                        ) : null}
                      </InlineStack>,
                    ])}
                    fixedFirstColumns={1}
                  />
                </div>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </TitledPage>
  );
}

/** A SKU the shop does not have: say so inside the app's frame, with the way back. */
export function ErrorBoundary() {
  const error = useRouteError();
  if (!isRouteErrorResponse(error) || error.status !== 404) throw error;
  return (
    <TitledPage title="Product not found" backAction={{ content: "Products", url: "/app/products" }}>
      <Banner tone="warning" title="This product is not in your shop">
        <p id="product-not-found">{String(error.data)}</p>
      </Banner>
    </TitledPage>
  );
}
