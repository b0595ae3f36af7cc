import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";

import { requireShop } from "#app/services/auth.server.ts";
import { shopOverview } from "#app/services/overview.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return shopOverview(shop);
};

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  return (
    <Page title="Overview">
      <Layout>
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
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Connected channels
                </Text>
                {overview.connections.map((connection) => (
                  <Text as="p" key={connection.id}>
                    {connection.displayName} ({connection.channel}) — {connection.status}
                  </Text>
                ))}
                {overview.marketplaceImports.map((entry) => (
                  <Text as="p" tone="subdued" key={entry.marketplace}>
                    {entry.orders} Shopify {entry.orders === 1 ? "order was" : "orders were"} imported from{" "}
                    {entry.marketplace} (Marketplace Connect or a similar app):{" "}
                    {entry.countedUnder === "shopify"
                      ? `counted under Shopify, because ${entry.marketplace} is not connected here.`
                      : `counted once, under ${entry.marketplace}, from ${entry.marketplace}'s own data.`}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          )}
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">
                {overview.shop.name}
              </Text>
              <Text as="p" tone="subdued">
                Reporting in {overview.shop.currency}, days in {overview.shop.timezone}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
