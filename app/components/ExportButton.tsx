import { useFetcher, useLocation } from "@remix-run/react";
import { Button, InlineStack, Link, Text } from "@shopify/polaris";
import { useEffect } from "react";

interface ExportResult {
  url: string | null;
  error: string | null;
}

function withExtra(search: string, extra: Record<string, string> | undefined): string {
  const query = new URLSearchParams(search);
  for (const [key, value] of Object.entries(extra ?? {})) query.set(key, value);
  return query.toString();
}

/**
 * Exports a table as the page shows it (the current URL's filters, every page of rows) as CSV.
 * Asks /app/export for a short-lived signed URL, then downloads from it: a real HTTP download
 * with Content-Disposition, which the admin iframe and Shopify Mobile accept (a blob: link they refuse).
 */
export function ExportButton({
  table,
  label = "Export CSV",
  params,
  what,
}: {
  table: string;
  label?: string;
  /** What the table is, for screen readers when a page has several ("Top products"). */
  what?: string;
  /** Parameters the table needs beyond the page's URL query (a product page's SKU, say). */
  params?: Record<string, string>;
}) {
  const fetcher = useFetcher<ExportResult>();
  const location = useLocation();
  const url = fetcher.data?.url;
  useEffect(() => {
    if (url) window.location.assign(url);
  }, [url]);
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button
        loading={fetcher.state !== "idle"}
        accessibilityLabel={what ? `Export ${what} as CSV` : undefined}
        onClick={() =>
          fetcher.submit(
            { table, params: withExtra(location.search, params) },
            { method: "post", action: "/app/export" },
          )
        }
      >
        {label}
      </Button>
      {url ? (
        <Text as="span" tone="subdued">
          Download not started? <Link url={url}>Download the CSV</Link>
        </Text>
      ) : null}
      {fetcher.data?.error ? (
        <Text as="span" tone="critical">
          {fetcher.data.error}
        </Text>
      ) : null}
    </InlineStack>
  );
}
