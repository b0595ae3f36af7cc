import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

import { amazonAppSettings, startAmazonAuthorization } from "#app/services/amazon-authorization.server.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { InputError } from "#app/services/validation.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShop(request);
  let configured = true;
  try {
    amazonAppSettings();
  } catch {
    configured = false;
  }
  return { configured };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const context = await requireShop(request);
  const form = await request.formData();
  const region = String(form.get("region") ?? "");
  const marketplaceIds = String(form.get("marketplaceIds") ?? "")
    .split(/[\s,]+/)
    .filter(Boolean);
  if (!["na", "eu", "fe"].includes(region) || marketplaceIds.length === 0) {
    return { error: "Choose the region and at least one marketplace id (e.g. ATVPDKIKX0DER for Amazon.com)." };
  }
  let consentUrl: string;
  try {
    consentUrl = await startAmazonAuthorization(context.shop, { region: region as "na" | "eu" | "fe", marketplaceIds });
  } catch (error) {
    if (error instanceof InputError) return { error: error.message };
    throw error;
  }
  // Amazon's consent page cannot open inside Shopify admin's frame: leave it for the top window.
  if ("redirect" in context && typeof context.redirect === "function") {
    return context.redirect(consentUrl, { target: "_top" });
  }
  return redirect(consentUrl);
};

export default function ConnectAmazon() {
  const { configured } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [region, setRegion] = useState("na");
  const [marketplaceIds, setMarketplaceIds] = useState("ATVPDKIKX0DER");
  return (
    <Page title="Connect Amazon" backAction={{ content: "Channels", url: "/app/channels" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="post">
              <BlockStack gap="300">
                {!configured && (
                  <Banner tone="warning">
                    This installation has no Amazon app credentials, so sellers cannot sign in with Amazon here. A
                    self-authorized seller can still connect with a refresh token: npm run cli -- connect --channel
                    amazon.
                  </Banner>
                )}
                {result && "error" in result && <Banner tone="critical">{result.error}</Banner>}
                <Text as="p">
                  You will sign in to Seller Central and allow Crosschannel to read your orders, inventory, prices and
                  fees. Crosschannel never asks for buyers&apos; personal information.
                </Text>
                <Select
                  label="Region"
                  name="region"
                  options={[
                    { label: "North America", value: "na" },
                    { label: "Europe", value: "eu" },
                    { label: "Far East", value: "fe" },
                  ]}
                  value={region}
                  onChange={setRegion}
                />
                <TextField
                  label="Marketplace ids"
                  name="marketplaceIds"
                  helpText="Comma separated, e.g. ATVPDKIKX0DER (US), A2EUQ1WTGCTBG2 (Canada)"
                  value={marketplaceIds}
                  onChange={setMarketplaceIds}
                  autoComplete="off"
                />
                <Button submit variant="primary" disabled={!configured}>
                  Sign in with Amazon
                </Button>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
