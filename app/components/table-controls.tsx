import { Form, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import { Banner, Box, Button, InlineStack, Pagination, Select, TextField } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";

/**
 * A table page's state in its URL: `href` gives the page's URL with some parameters changed (a
 * filter or the sort resets the page number; `page` keeps the rest), `go` navigates there.
 */
export function useUrlState(path: string) {
  const location = useLocation();
  const navigate = useNavigate();
  const href = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(key);
      else params.set(key, value);
    }
    if (!("page" in changes)) params.delete("page");
    const search = params.toString();
    return `${path}${search ? `?${search}` : ""}`;
  };
  return { search: location.search, href, go: (changes: Record<string, string | null>) => navigate(href(changes)) };
}

/**
 * The search box of a table page: a GET form (it works before the page's script has loaded)
 * that keeps the URL's other parameters, then the page's other filters after it.
 */
export function SearchForm({
  path,
  keep,
  id,
  query,
  placeholder,
  children,
}: {
  path: string;
  /** URL parameters the search keeps (range, sort, other filters). */
  keep: readonly string[];
  id: string;
  query: string;
  placeholder: string;
  children?: ReactNode;
}) {
  const { search, go } = useUrlState(path);
  const navigation = useNavigation();
  const [value, setValue] = useState(query);
  useEffect(() => setValue(query), [query]);
  const params = new URLSearchParams(search);
  return (
    <Form method="get" action={path}>
      {keep.map((key) => {
        const kept = params.get(key);
        return kept ? <input key={key} type="hidden" name={key} value={kept} /> : null;
      })}
      <InlineStack gap="300" blockAlign="end" wrap>
        <Box minWidth="14rem">
          <TextField
            label="Search"
            name="q"
            id={id}
            value={value}
            onChange={setValue}
            placeholder={placeholder}
            autoComplete="off"
            clearButton
            onClearButtonClick={() => go({ q: null })}
          />
        </Box>
        <Button submit loading={navigation.state === "loading"}>
          Search
        </Button>
        {children}
      </InlineStack>
    </Form>
  );
}

/** Previous / next links under a table, by URL (`?page=`), when there is more than one page. */
export function TablePager({ path, page, pages }: { path: string; page: number; pages: number }) {
  const { href } = useUrlState(path);
  if (pages <= 1) return null;
  return (
    <Box padding="400">
      <InlineStack align="center">
        <Pagination
          hasPrevious={page > 1}
          previousURL={href({ page: String(page - 1) })}
          hasNext={page < pages}
          nextURL={href({ page: String(page + 1) })}
          label={`Page ${page} of ${pages}`}
        />
      </InlineStack>
    </Box>
  );
}

/** The warning a page shows when the URL's date range was refused (the page then shows its default range). */
export function RangeErrorBanner({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Banner tone="warning" title="That date range cannot be shown">
      <p>{error}</p>
    </Banner>
  );
}

/** The "Channel" filter of a page: all channels, or one of those the page has data for. */
export function ChannelSelect({
  id,
  channels,
  names,
  value,
  onChange,
}: {
  id: string;
  channels: readonly string[];
  names: Record<string, string>;
  value: string | null;
  onChange: (channel: string | null) => void;
}) {
  return (
    <Select
      label="Channel"
      id={id}
      options={[
        { label: "All channels", value: "" },
        ...channels.map((channel) => ({ label: names[channel] ?? channel, value: channel })),
      ]}
      value={value ?? ""}
      onChange={(next) => onChange(next || null)}
    />
  );
}
