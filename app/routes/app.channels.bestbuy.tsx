import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";

import { requireShop } from "#app/services/auth.server.ts";
import { BESTBUY_DEFAULT_URL, connectBestBuy } from "#app/services/channels-page.server.ts";
import { listConnections } from "#app/services/channels.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const existing = await listConnections(shop.id, "bestbuy");
  return json({
    defaultUrl: BESTBUY_DEFAULT_URL,
    // Connected already: the form updates that connection's key (same instance and shop).
    existing: existing.map((connection) => ({
      id: connection.id,
      displayName: connection.displayName,
      baseUrl: String((connection.config as { baseUrl?: unknown } | null)?.baseUrl ?? ""),
      status: connection.status,
    })),
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const context = await requireShop(request);
  const form = await request.formData();
  const instanceUrl = String(form.get("instanceUrl") ?? "");
  const result = await connectBestBuy(
    context.shop,
    { instanceUrl, apiKey: String(form.get("apiKey") ?? "") },
    { actor: context.session.onlineAccessInfo?.associated_user?.email ?? "admin" },
  );
  if (!result.ok) {
    // The key is never sent back to the browser; the URL is, so it need not be typed again.
    // (200: the form answers with its errors; a 4xx would show as a failed load in the console.)
    return json({ fieldErrors: result.fieldErrors, formError: result.formError, instanceUrl });
  }
  const target = `/app/channels?connected=${encodeURIComponent(result.connection.id)}`;
  if ("redirect" in context && typeof context.redirect === "function") return context.redirect(target);
  return redirect(target);
};

export default function ConnectBestBuy() {
  const { defaultUrl, existing } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [instanceUrl, setInstanceUrl] = useState(result?.instanceUrl ?? existing[0]?.baseUrl ?? defaultUrl);
  const [apiKey, setApiKey] = useState("");
  // A refused key is not kept in the field: the merchant pastes the right one.
  useEffect(() => {
    if (result) setApiKey("");
  }, [result]);
  const submitting = navigation.state === "submitting";
  return (
    <Page title="Connect Best Buy Marketplace" backAction={{ content: "Channels", url: "/app/channels" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="post" noValidate>
              <BlockStack gap="400">
                {result?.formError ? (
                  <Banner tone="critical" title="Best Buy did not accept the connection">
                    {result.formError}
                  </Banner>
                ) : null}
                {existing.length > 0 ? (
                  <Banner tone="info">
                    {existing.map((connection) => connection.displayName).join(", ")} is connected. Entering a new API
                    key for the same instance updates that connection; its data stays.
                  </Banner>
                ) : null}
                <Text as="p">
                  Crosschannel reads your Best Buy Marketplace orders, offers (price and stock) and commissions through
                  Mirakl&apos;s seller API. The key is checked with Best Buy before anything is saved, and stored
                  encrypted.
                </Text>
                <FormLayout>
                  <TextField
                    label="Instance URL"
                    id="instanceUrl"
                    name="instanceUrl"
                    type="url"
                    value={instanceUrl}
                    onChange={setInstanceUrl}
                    autoComplete="off"
                    helpText={`${defaultUrl} for Best Buy Canada; for the US marketplace, the URL Best Buy gave you.`}
                    error={result?.fieldErrors.instanceUrl}
                  />
                  <TextField
                    label="Shop API key"
                    id="apiKey"
                    name="apiKey"
                    type="password"
                    value={apiKey}
                    onChange={setApiKey}
                    autoComplete="off"
                    helpText="Checked with Best Buy, then stored encrypted; it is never shown again."
                    error={result?.fieldErrors.apiKey}
                  />
                </FormLayout>
                <InlineButtons submitting={submitting} />
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function InlineButtons({ submitting }: { submitting: boolean }) {
  return (
    <div>
      <Button submit variant="primary" loading={submitting}>
        Check and connect
      </Button>
    </div>
  );
}
