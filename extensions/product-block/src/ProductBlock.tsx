import { useEffect, useState } from "preact/hooks";

import { blockView, type BlockData, type BlockView } from "./view.ts";

/** What loading the app's data gave: the data, or a message for the merchant. */
export type LoadResult = { data: BlockData } | { message: string };

/** Reads the app endpoint (Shopify adds the session token to the extension's fetch of the app URL). */
export async function loadBlockData(productNumber: string, fetcher: typeof fetch = fetch): Promise<LoadResult> {
  let response: Response;
  try {
    response = await fetcher(`/api/extension/product/${encodeURIComponent(productNumber)}`);
  } catch {
    return { message: "Crosschannel could not be reached. Reload the page to try again." };
  }
  if (response.ok) return { data: (await response.json()) as BlockData };
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  if (typeof body?.error === "string") return { message: body.error };
  if (response.status === 401 || response.status === 403) {
    return { message: "Open Crosschannel once from your apps to finish setting it up, then reload this page." };
  }
  return { message: `Crosschannel could not load this product (HTTP ${response.status}). Reload to try again.` };
}

export function ProductBlock({ load }: { load: () => Promise<LoadResult> }) {
  const [result, setResult] = useState<LoadResult | null>(null);
  useEffect(() => {
    let live = true;
    load().then((loaded) => {
      if (live) setResult(loaded);
    });
    return () => {
      live = false;
    };
  }, [load]);

  if (result === null) {
    return (
      <s-admin-block heading="Crosschannel">
        <s-spinner accessibilityLabel="Loading sales by channel" />
      </s-admin-block>
    );
  }
  if ("message" in result) {
    return (
      <s-admin-block heading="Crosschannel">
        <s-text>{result.message}</s-text>
      </s-admin-block>
    );
  }
  return <BlockContent view={blockView(result.data)} />;
}

function BlockContent({ view }: { view: BlockView }) {
  return (
    <s-admin-block heading="Crosschannel" collapsedSummary={`${view.total.netSales} net sales, last 30 days`}>
      <s-stack direction="block" gap="base">
        <s-text color="subdued">Last 30 days ({view.period})</s-text>
        {view.sales.length === 0 ? (
          <s-text>No sales in the last 30 days.</s-text>
        ) : (
          <s-table>
            <s-table-header-row>
              <s-table-header listSlot="primary">Channel</s-table-header>
              <s-table-header format="numeric">Units</s-table-header>
              <s-table-header format="currency">Net sales</s-table-header>
              <s-table-header format="currency">Contribution profit</s-table-header>
            </s-table-header-row>
            <s-table-body>
              {[...view.sales, ...(view.sales.length > 1 ? [view.total] : [])].map((row) => (
                <s-table-row key={row.key}>
                  <s-table-cell>{row.channel}</s-table-cell>
                  <s-table-cell>{row.units}</s-table-cell>
                  <s-table-cell>{row.netSales}</s-table-cell>
                  <s-table-cell>{row.contributionProfit}</s-table-cell>
                </s-table-row>
              ))}
            </s-table-body>
          </s-table>
        )}
        {view.stock.length === 0 ? (
          <s-text>No stock reported by any channel.</s-text>
        ) : (
          <s-table>
            <s-table-header-row>
              <s-table-header listSlot="primary">Channel</s-table-header>
              <s-table-header format="numeric">Stock</s-table-header>
              <s-table-header>Days of cover</s-table-header>
            </s-table-header-row>
            <s-table-body>
              {view.stock.map((row) => (
                <s-table-row key={row.key}>
                  <s-table-cell>{row.sku ? `${row.channel} · ${row.sku}` : row.channel}</s-table-cell>
                  <s-table-cell>{row.stock}</s-table-cell>
                  <s-table-cell>
                    {row.tone === "neutral" ? row.cover : <s-badge tone={row.tone}>{row.cover}</s-badge>}
                  </s-table-cell>
                </s-table-row>
              ))}
            </s-table-body>
          </s-table>
        )}
        <s-stack direction="inline" gap="base">
          {view.links.map((link) => (
            <s-link key={link.key} href={link.href}>
              {link.label}
            </s-link>
          ))}
        </s-stack>
      </s-stack>
    </s-admin-block>
  );
}
