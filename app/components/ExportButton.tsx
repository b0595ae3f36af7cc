import { useFetcher, useLocation } from "@remix-run/react";
import { Button, InlineStack, Link, Text } from "@shopify/polaris";
import { useEffect } from "react";

interface ExportResult {
  url: string | null;
  error: string | null;
}

/**
 * Exports a table as the page shows it (the current URL's filters, every page of rows) as CSV.
 * Asks /app/export for a short-lived signed URL, then downloads from it: a real HTTP download
 * with Content-Disposition, which the admin iframe and Shopify Mobile accept (a blob: link they refuse).
 */
export function ExportButton({ table, label = "Export CSV" }: { table: string; label?: string }) {
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
        onClick={() =>
          fetcher.submit(
            { table, params: location.search.replace(/^\?/, "") },
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
