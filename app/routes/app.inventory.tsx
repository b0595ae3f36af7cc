import { defer, type LoaderFunctionArgs } from "@remix-run/node";
import { Await, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  Pagination,
  Select,
  SkeletonBodyText,
  Tabs,
  Text,
  TextField,
  Tooltip,
} from "@shopify/polaris";
import { Suspense, useEffect, useState } from "react";

import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatCount } from "#app/components/format.ts";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { requireShop } from "#app/services/auth.server.ts";
import {
  BUCKETS,
  BUCKET_LABELS,
  INVENTORY_HEADER,
  inventoryCells,
  inventoryTable,
} from "#app/services/inventory-page.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const params = new URL(request.url).searchParams;
  const today = params.get("today") ?? new Date().toISOString().slice(0, 10);
  const table = inventoryTable(shop, params, today).then(
    ({ rows: _all, pageRows, ...result }) => ({ ok: true as const, ...result, pageRows: pageRows.map(inventoryCells) }),
    (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
  );
  // defer: the page (tabs, filters, skeleton) paints first and the table streams in. Without
  // single fetch, only defer() streams a promise; a plain object would serialise it as {}.
  return defer({
    buckets: BUCKETS.map((id) => ({ id, label: BUCKET_LABELS[id] })),
    header: INVENTORY_HEADER,
    shop: {
      leadTimeDays: shop.leadTimeDays,
      lowStockDays: shop.lowStockDays,
      serviceLevel: shop.serviceLevel.toString(),
    },
    table,
  });
};

type TableData =
  | ({ ok: true; pageRows: (string | number | null)[][] } & Omit<
      Awaited<ReturnType<typeof inventoryTable>>,
      "rows" | "pageRows"
    >)
  | { ok: false; error: string };

const CHANNEL_NAMES: Record<string, string> = { shopify: "Shopify", amazon: "Amazon", bestbuy: "Best Buy Marketplace" };
const TONES: Record<string, "critical" | "warning" | "attention" | "success" | "info"> = {
  Out: "critical",
  Critical: "critical",
  Low: "warning",
  OK: "success",
  Overstock: "info",
};
const DEFINITIONS: Record<string, string> = {
  Status:
    "Out: nothing sellable. Critical: runs out before an order placed today arrives (days of cover < lead time). Low: days of cover < your low-stock days. Overstock: more than 90 days of cover. OK otherwise.",
  Available: "Sellable units now, summed over the channel's locations (net of reserved units).",
  Reserved: "Units held for open orders; never counted as sellable.",
  Inbound: "Units on their way (purchase orders, transfers, FBA shipments).",
  "Days of cover": "Days until sellable stock runs out at forecast demand. Blank: no forecast or no demand.",
  "Stock-out date": "The forecast day on which the last sellable unit sells.",
  "Reorder point": "Forecast demand over the lead time plus safety stock for your service level.",
  "Suggested quantity":
    "When stock plus inbound is at or below the reorder point: enough to cover the lead time, the safety stock and 30 more days.",
};

function Heading({ title }: { title: string }) {
  const definition = DEFINITIONS[title];
  if (!definition) return <>{title}</>;
  return (
    <Tooltip content={definition}>
      <span tabIndex={0} style={{ borderBottom: "1px dotted", cursor: "help" }}>
        {title}
      </span>
    </Tooltip>
  );
}

function TableSkeleton() {
  return (
    <Card>
      <Box minHeight="480px">
        <SkeletonBodyText lines={14} />
      </Box>
    </Card>
  );
}

export default function Inventory() {
  const { buckets, header, shop, table } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  useLiveData();
  const [search, setSearch] = useState(params.get("q") ?? "");
  useEffect(() => setSearch(params.get("q") ?? ""), [params]);

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    if (!("page" in changes)) next.delete("page");
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };
  const selectedTab = buckets.findIndex((entry) => entry.id === params.get("bucket")) + 1;

  return (
    <TitledPage
      title="Inventory"
      subtitle={`Lead time ${shop.leadTimeDays} days · service level ${Math.round(Number(shop.serviceLevel) * 100)}% · low stock under ${shop.lowStockDays} days of cover`}
      secondaryActions={<ExportButton table="inventory" />}
    >
      <Layout>
        <Layout.Section>
          <Suspense fallback={<TableSkeleton />}>
            <Await resolve={table as unknown as Promise<TableData>}>
              {(data) =>
                data.ok ? (
                  <Card padding="0">
                    <Tabs
                      tabs={[
                        { id: "all", content: `All (${formatCount(data.total)})` },
                        ...buckets.map((entry) => ({
                          id: entry.id,
                          content: `${entry.label} (${formatCount(data.counts[entry.id])})`,
                        })),
                      ]}
                      selected={selectedTab}
                      onSelect={(index) => go({ bucket: index === 0 ? null : (buckets[index - 1]?.id ?? null) })}
                    />
                    <Box padding="300">
                      <InlineStack gap="300" wrap>
                        <Box minWidth="14rem">
                          <form
                            onSubmit={(event) => {
                              event.preventDefault();
                              go({ q: search });
                            }}
                          >
                            <TextField
                              label="Search SKU"
                              labelHidden
                              placeholder="Search SKU"
                              value={search}
                              onChange={setSearch}
                              onBlur={() => go({ q: search })}
                              autoComplete="off"
                              clearButton
                              onClearButtonClick={() => go({ q: null })}
                            />
                          </form>
                        </Box>
                        <Select
                          label="Channel"
                          labelInline
                          options={[
                            { label: "All channels", value: "" },
                            ...data.channels.map((channel) => ({
                              label: CHANNEL_NAMES[channel] ?? channel,
                              value: channel,
                            })),
                          ]}
                          value={params.get("channel") ?? ""}
                          onChange={(value) => go({ channel: value })}
                        />
                        <Select
                          label="Sort"
                          labelInline
                          options={[
                            { label: "Days of cover", value: "cover" },
                            { label: "SKU", value: "sku" },
                            { label: "Available", value: "available" },
                            { label: "Suggested quantity", value: "order" },
                          ]}
                          value={data.filters.sort}
                          onChange={(value) => go({ sort: value })}
                        />
                        <Select
                          label="Order"
                          labelHidden
                          options={[
                            { label: "Ascending", value: "asc" },
                            { label: "Descending", value: "desc" },
                          ]}
                          value={data.filters.dir}
                          onChange={(value) => go({ dir: value })}
                        />
                      </InlineStack>
                    </Box>
                    {data.total === 0 ? (
                      <EmptyState heading="No stock levels yet" image="/empty-state-channels.svg">
                        <p>
                          Stock appears here after a channel&apos;s inventory syncs. Connect a channel on the Channels
                          page, or wait for the next sync.
                        </p>
                      </EmptyState>
                    ) : data.matching === 0 ? (
                      <Box padding="400">
                        <Text as="p" tone="subdued">
                          No SKUs match these filters. Clear the search or pick another status.
                        </Text>
                      </Box>
                    ) : (
                      <>
                        <div data-testid="inventory-table">
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
                            headings={header.map((title) => (
                              <Heading key={title} title={title} />
                            ))}
                            rows={data.pageRows.map((cells) =>
                              cells.map((cell, index) =>
                                index === 2 ? (
                                  <Badge key="status" tone={TONES[String(cell)]}>
                                    {String(cell)}
                                  </Badge>
                                ) : index === 1 ? (
                                  (CHANNEL_NAMES[String(cell)] ?? String(cell))
                                ) : cell === null ? (
                                  "—"
                                ) : typeof cell === "number" ? (
                                  formatCount(cell)
                                ) : (
                                  cell
                                ),
                              ),
                            )}
                            truncate
                          />
                        </div>
                        <Box padding="300">
                          <InlineStack align="center" blockAlign="center" gap="300">
                            <Pagination
                              hasPrevious={data.page > 1}
                              onPrevious={() => go({ page: String(data.page - 1) })}
                              hasNext={data.page < data.pages}
                              onNext={() => go({ page: String(data.page + 1) })}
                              label={`Page ${data.page} of ${data.pages} · ${formatCount(data.matching)} rows`}
                            />
                          </InlineStack>
                        </Box>
                      </>
                    )}
                  </Card>
                ) : (
                  <Banner tone="critical" title="Inventory could not be loaded">
                    <BlockStack gap="200">
                      <p>{data.error}</p>
                      <p>Reload the page; if it keeps failing, check the server log.</p>
                    </BlockStack>
                  </Banner>
                )
              }
            </Await>
          </Suspense>
        </Layout.Section>
      </Layout>
    </TitledPage>
  );
}
