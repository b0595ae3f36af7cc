import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Select,
  Text,
} from "@shopify/polaris";

import { Defined } from "#app/components/defined.tsx";
import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatCount, formatMoney, formatPercent1 } from "#app/components/format.ts";
import { RangeSelect } from "#app/components/range-select.tsx";
import {
  ChannelSelect,
  RangeErrorBanner,
  SearchForm,
  TablePager,
  useUrlState,
} from "#app/components/table-controls.tsx";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { localDay } from "#app/analytics/days.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { CHANNEL_IDS, channelName } from "#app/services/channels.server.ts";
import { rangePresets } from "#app/services/overview.server.ts";
import { productsTable, type ProductSort } from "#app/services/products-page.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const params = new URL(request.url).searchParams;
  const table = await productsTable(shop, params);
  const { rows: _all, ...rest } = table;
  return {
    ...rest,
    presets: rangePresets(localDay(new Date(), shop.timezone)),
    channelNames: Object.fromEntries(CHANNEL_IDS.map((id) => [id, channelName(id)])) as Record<string, string>,
  };
};

// Definitions from docs/metrics.md ("Products page"), one hover or tap away.
const DEFINITIONS: Partial<Record<ProductSort | "abc" | "channels", string>> = {
  units: "Units sold less units canceled, over the selected days, all channels.",
  netSales: "Gross sales − discounts − returns over the selected days, in the shop's currency.",
  margin: "Contribution profit (net sales − fees − COGS) ÷ net sales.",
  velocity: "Units per day over the selected days.",
  trend: "Velocity against the same number of days just before: +25% sells a quarter faster.",
  cover: "Days the stock lasts at the forecast's daily demand; the lowest of the channels that stock it.",
  abc: "A: the products making the first 80% of net sales; B: the next 15%; C: the rest and products without sales.",
  channels: "Units sold and units available on each channel.",
};

const COLUMNS: Array<{ label: string; sort?: ProductSort; definition?: string; numeric: boolean }> = [
  { label: "Product", sort: "sku", numeric: false },
  { label: "ABC", definition: DEFINITIONS.abc, numeric: false },
  { label: "Units", sort: "units", definition: DEFINITIONS.units, numeric: true },
  { label: "Net sales", sort: "netSales", definition: DEFINITIONS.netSales, numeric: true },
  { label: "Margin", sort: "margin", definition: DEFINITIONS.margin, numeric: true },
  { label: "Velocity", sort: "velocity", definition: DEFINITIONS.velocity, numeric: true },
  { label: "Trend", sort: "trend", definition: DEFINITIONS.trend, numeric: true },
  { label: "Available", numeric: true },
  { label: "Days of cover", sort: "cover", definition: DEFINITIONS.cover, numeric: true },
  { label: "By channel", definition: DEFINITIONS.channels, numeric: false },
];

const ABC_TONES = { A: "success", B: "info", C: undefined } as const;

export default function Products() {
  const data = useLoaderData<typeof loader>();
  const { search, href: withParams, go } = useUrlState("/app/products");
  useLiveData();
  const name = (id: string) => data.channelNames[id] ?? id;
  const money = (amount: string) => formatMoney(amount, data.currency);

  const sortIndex = COLUMNS.findIndex((column) => column.sort === data.filters.sort);
  const sortable = COLUMNS.map((column) => column.sort !== undefined);
  const filtered = Boolean(data.filters.q || data.filters.channel || data.filters.abc);

  return (
    <TitledPage
      title="Products"
      subtitle={`${data.range.from} to ${data.range.to} · against ${data.previous.from} to ${data.previous.to} · in ${data.currency}`}
    >
      <Layout>
        {data.rangeError ? (
          <Layout.Section>
            <RangeErrorBanner error={data.rangeError} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <SearchForm
                path="/app/products"
                keep={["from", "to", "sort", "dir", "channel", "abc"]}
                id="product-search"
                query={data.filters.q}
                placeholder="SKU or product name"
              >
                <Box minWidth="10rem">
                  <RangeSelect
                    presets={data.presets}
                    range={data.range}
                    onChange={(range) => go({ from: range.from, to: range.to })}
                  />
                </Box>
                <Box minWidth="10rem">
                  <ChannelSelect
                    id="product-channel"
                    channels={data.channels}
                    names={data.channelNames}
                    value={data.filters.channel}
                    onChange={(channel) => go({ channel })}
                  />
                </Box>
                <Box minWidth="8rem">
                  <Select
                    label="ABC class"
                    id="product-abc"
                    options={[
                      { label: "All classes", value: "" },
                      { label: "A", value: "A" },
                      { label: "B", value: "B" },
                      { label: "C", value: "C" },
                    ]}
                    value={data.filters.abc ?? ""}
                    onChange={(value) => go({ abc: value || null })}
                  />
                </Box>
              </SearchForm>
            </Card>
            <Card padding="0">
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="p" tone="subdued" id="product-count">
                    {data.matching === data.total
                      ? `${formatCount(data.total)} products`
                      : `${formatCount(data.matching)} of ${formatCount(data.total)} products`}
                  </Text>
                  {data.matching > 0 ? <ExportButton table="products" /> : null}
                </InlineStack>
              </Box>
              {data.total === 0 ? (
                <EmptyState heading="No products yet" image="/empty-state-channels.svg">
                  <p>
                    Products appear here once a channel&apos;s catalog or orders have been imported.{" "}
                    <RemixLink to="/app">See the import on the overview</RemixLink>.
                  </p>
                </EmptyState>
              ) : data.matching === 0 ? (
                <Box padding="400">
                  <BlockStack gap="200">
                    <Text as="p" id="products-none">
                      No products match {data.filters.q ? `“${data.filters.q}”` : "these filters"}.
                    </Text>
                    {filtered ? (
                      <RemixLink to={withParams({ q: null, channel: null, abc: null })}>Clear the filters</RemixLink>
                    ) : null}
                  </BlockStack>
                </Box>
              ) : (
                <div id="products-table">
                  <DataTable
                    columnContentTypes={COLUMNS.map((column) => (column.numeric ? "numeric" : "text"))}
                    headings={COLUMNS.map((column) =>
                      column.definition ? (
                        <Defined key={column.label} definition={column.definition}>
                          {column.label}
                        </Defined>
                      ) : (
                        column.label
                      ),
                    )}
                    sortable={sortable}
                    initialSortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
                    defaultSortDirection={data.filters.dir === "asc" ? "ascending" : "descending"}
                    onSort={(index, direction) => {
                      const sort = COLUMNS[index]?.sort;
                      if (sort) go({ sort, dir: direction === "ascending" ? "asc" : "desc" });
                    }}
                    fixedFirstColumns={1}
                    rows={data.pageRows.map((row) => [
                      <BlockStack key={row.sku} gap="050">
                        <RemixLink to={`/app/products/${encodeURIComponent(row.sku)}${search}`}>
                          {row.title ?? row.sku}
                        </RemixLink>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {row.sku}
                        </Text>
                      </BlockStack>,
                      <Badge key="abc" tone={ABC_TONES[row.abc]}>
                        {row.abc}
                      </Badge>,
                      formatCount(row.units),
                      money(row.netSales),
                      formatPercent1(row.margin),
                      row.velocity.toFixed(2),
                      row.trend === null
                        ? row.units > 0
                          ? "New"
                          : "—"
                        : `${row.trend >= 0 ? "+" : ""}${formatPercent1(row.trend)}`,
                      row.available === null ? "—" : formatCount(row.available),
                      row.daysOfCover === null ? "—" : row.daysOfCover.toFixed(1),
                      row.channels.length === 0 ? (
                        "—"
                      ) : (
                        <BlockStack key="channels" gap="050">
                          {row.channels.map((entry) => (
                            <Text as="span" key={entry.channel} variant="bodySm">
                              {`${name(entry.channel)}: ${formatCount(entry.units)} sold` +
                                (entry.available === null ? "" : `, ${formatCount(entry.available)} in stock`)}
                            </Text>
                          ))}
                        </BlockStack>
                      ),
                    ])}
                  />
                </div>
              )}
              <TablePager path="/app/products" page={data.page} pages={data.pages} />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </TitledPage>
  );
}
