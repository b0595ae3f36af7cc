import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Text,
} from "@shopify/polaris";

import { Defined } from "#app/components/defined.tsx";
import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatCount } from "#app/components/format.ts";
import { ChannelSelect, SearchForm, TablePager, useUrlState } from "#app/components/table-controls.tsx";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { localDay } from "#app/analytics/days.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { CHANNEL_IDS, channelName } from "#app/services/channels.server.ts";
import {
  BUCKETS,
  BUCKET_LABELS,
  OVERSTOCK_DAYS,
  inventoryCells,
  inventoryTable,
  rowLocations,
} from "#app/services/inventory-page.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const params = new URL(request.url).searchParams;
  const today = localDay(new Date(), shop.timezone);
  const table = await inventoryTable(shop, params, today);
  const locations = await rowLocations(shop.id, table.pageRows);
  return {
    today,
    buckets: BUCKETS,
    bucketLabels: BUCKET_LABELS,
    overstockDays: OVERSTOCK_DAYS,
    settings: {
      leadTimeDays: shop.leadTimeDays,
      lowStockDays: shop.lowStockDays,
      serviceLevel: Number(shop.serviceLevel),
    },
    total: table.total,
    matching: table.matching,
    counts: table.counts,
    channels: table.channels,
    filters: table.filters,
    page: table.page,
    pages: table.pages,
    rows: table.pageRows.map((row) => ({
      key: `${row.channel}\u0000${row.sku}`,
      sku: row.sku,
      channel: row.channel,
      bucket: row.bucket,
      cells: inventoryCells(row),
      forecastAccuracy: row.forecastAccuracy,
      locations: locations[`${row.channel}\u0000${row.sku}`] ?? [],
    })),
    channelNames: Object.fromEntries(CHANNEL_IDS.map((id) => [id, channelName(id)])) as Record<string, string>,
  };
};

const BUCKET_TONES = {
  out: "critical",
  critical: "critical",
  low: "warning",
  ok: "success",
  overstock: "info",
} as const;

const SORT_COLUMNS: Array<string | null> = ["sku", null, null, "available", null, null, "cover", null, null, "order"];

export default function Inventory() {
  const data = useLoaderData<typeof loader>();
  const { go } = useUrlState("/app/inventory");
  useLiveData();
  const name = (id: string) => data.channelNames[id] ?? id;
  const { leadTimeDays, lowStockDays, serviceLevel } = data.settings;
  const labels = data.bucketLabels;

  // Definitions from docs/metrics.md ("Inventory" and "Inventory buckets"), with this shop's settings.
  const definitions = {
    cover: "Days the sellable stock lasts at the forecast's daily demand (summed day by day).",
    stockOut: "The forecast day on which sellable stock reaches zero.",
    reorder: `Demand over the ${leadTimeDays}-day lead time plus safety stock for a ${Math.round(serviceLevel * 100)}% service level.`,
    order: "Units to order now to bring stock plus inbound back above the reorder point; 0 when it already is.",
    bucket: `Out: nothing sellable. Critical: runs out within the ${leadTimeDays}-day lead time. Low: within ${lowStockDays} days. Overstock: more than ${data.overstockDays} days of cover. OK otherwise.`,
  };
  const headings = [
    "SKU",
    "Channel",
    <Defined key="bucket" definition={definitions.bucket}>
      Status
    </Defined>,
    "Available",
    "Reserved",
    "Inbound",
    <Defined key="cover" definition={definitions.cover}>
      Days of cover
    </Defined>,
    <Defined key="stockout" definition={definitions.stockOut}>
      Stock-out date
    </Defined>,
    <Defined key="reorder" definition={definitions.reorder}>
      Reorder point
    </Defined>,
    <Defined key="order" definition={definitions.order}>
      Suggested quantity
    </Defined>,
  ];
  const sortIndex = SORT_COLUMNS.indexOf(data.filters.sort);

  return (
    <TitledPage
      title="Inventory"
      subtitle={`Stock on every channel on ${data.today} · lead time ${leadTimeDays} days, service level ${Math.round(serviceLevel * 100)}%`}
      secondaryActions={[{ content: "Lead time and service level", url: "/app/settings?section=stock" }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <div role="group" aria-label="Filter by status" id="inventory-buckets" style={{ overflowX: "auto" }}>
                  <ButtonGroup>
                    <Button pressed={!data.filters.bucket} onClick={() => go({ bucket: null })}>
                      {`All ${formatCount(data.total)}`}
                    </Button>
                    {data.buckets.map((bucket) => (
                      <Button
                        key={bucket}
                        pressed={data.filters.bucket === bucket}
                        onClick={() => go({ bucket })}
                        id={`bucket-${bucket}`}
                      >
                        {`${labels[bucket]} ${formatCount(data.counts[bucket])}`}
                      </Button>
                    ))}
                  </ButtonGroup>
                </div>
                <SearchForm
                  path="/app/inventory"
                  keep={["bucket", "channel", "sort", "dir"]}
                  id="inventory-search"
                  query={data.filters.q}
                  placeholder="SKU"
                >
                  <Box minWidth="10rem">
                    <ChannelSelect
                      id="inventory-channel"
                      channels={data.channels}
                      names={data.channelNames}
                      value={data.filters.channel}
                      onChange={(channel) => go({ channel })}
                    />
                  </Box>
                </SearchForm>
              </BlockStack>
            </Card>
            <Card padding="0">
              <Box padding="400">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="p" tone="subdued" id="inventory-count">
                    {data.matching === data.total
                      ? `${formatCount(data.total)} SKUs by channel`
                      : `${formatCount(data.matching)} of ${formatCount(data.total)} SKUs by channel`}
                  </Text>
                  {data.matching > 0 ? <ExportButton table="inventory" /> : null}
                </InlineStack>
              </Box>
              {data.total === 0 ? (
                <EmptyState heading="No stock reported yet" image="/empty-state-channels.svg">
                  <p>
                    Stock appears once a connected channel&apos;s inventory has synced.{" "}
                    <RemixLink to="/app/channels">See your channels</RemixLink>.
                  </p>
                </EmptyState>
              ) : data.matching === 0 ? (
                <Box padding="400">
                  <BlockStack gap="200">
                    <Text as="p" id="inventory-none">
                      Nothing matches these filters.
                    </Text>
                    <RemixLink to="/app/inventory">Show all stock</RemixLink>
                  </BlockStack>
                </Box>
              ) : (
                <div id="inventory-table">
                  <DataTable
                    columnContentTypes={[
                      "text",
                      "text",
                      "text",
                      "numeric",
                      "numeric",
                      "numeric",
                      "numeric",
                      "text",
                      "numeric",
                      "numeric",
                    ]}
                    headings={headings}
                    sortable={SORT_COLUMNS.map((column) => column !== null)}
                    initialSortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
                    defaultSortDirection={data.filters.dir === "desc" ? "descending" : "ascending"}
                    onSort={(index, direction) => {
                      const sort = SORT_COLUMNS[index];
                      if (sort) go({ sort, dir: direction === "descending" ? "desc" : "asc" });
                    }}
                    fixedFirstColumns={1}
                    rows={data.rows.map((row) => {
                      const [sku, , , available, reserved, inbound, cover, stockOut, reorder, order] = row.cells;
                      return [
                        <BlockStack key={row.key} gap="050">
                          <RemixLink to={`/app/products/${encodeURIComponent(row.sku)}`}>{String(sku)}</RemixLink>
                          {row.locations.length > 1 ? (
                            <Text as="span" tone="subdued" variant="bodySm">
                              {row.locations
                                .map((entry) => `${entry.locationId}: ${formatCount(entry.available)}`)
                                .join(" · ")}
                            </Text>
                          ) : null}
                        </BlockStack>,
                        name(row.channel),
                        <Badge key="bucket" tone={BUCKET_TONES[row.bucket]}>
                          {labels[row.bucket]}
                        </Badge>,
                        formatCount(Number(available)),
                        formatCount(Number(reserved)),
                        formatCount(Number(inbound)),
                        cover === null ? "—" : Number(cover).toFixed(1),
                        stockOut ?? "—",
                        formatCount(Number(reorder)),
                        formatCount(Number(order)),
                      ];
                    })}
                  />
                </div>
              )}
              <TablePager path="/app/inventory" page={data.page} pages={data.pages} />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </TitledPage>
  );
}
