import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useRouteLoaderData,
} from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  EmptyState,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  List,
  Pagination,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";

import { localDay } from "#app/analytics/days.ts";
import { TitledPage } from "#app/components/titled-page.tsx";
import {
  ALERT_KINDS,
  ALERT_SEVERITIES,
  FREQUENCIES,
  createDestination,
  deleteDestination,
  listDestinations,
  updateDestination,
  type DestinationFieldErrors,
} from "#app/services/alert-destinations.server.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { currenciesInUse } from "#app/services/fx.server.ts";
import {
  AUDIT_ACTIONS,
  auditDetails,
  MERCHANT,
  SETTINGS_SECTIONS,
  destinationInput,
  importCostFile,
  importRatesFile,
  manualRates,
  mapSkuFromForm,
  overrideCostFromForm,
  pageNumber,
  previewCostFile,
  referenceRateSummary,
  saveManualRateFromForm,
  saveStockSettingsFromForm,
  settingsSection,
  stockSettings,
  unmatchedSkuList,
  type CostPreviewRow,
  type FieldErrors,
  type SettingsSection,
} from "#app/services/settings-page.server.ts";
import { auditLog, unitCosts } from "#app/services/unit-costs.server.ts";
import type { CostRowError } from "#app/services/unit-costs.server.ts";

const SECTION_LABELS: Record<SettingsSection, string> = {
  costs: "Unit costs",
  skus: "SKU mapping",
  rates: "Exchange rates",
  stock: "Stock",
  alerts: "Alert destinations",
  audit: "Audit log",
};

const SECTION_NAV_CSS = `.settings-section-select { display: none; }
@media (max-width: 47.9975em) {
  .settings-section-tabs { display: none; }
  .settings-section-select { display: block; }
}`;

const KIND_LABELS: Record<string, string> = {
  anomaly: "Sales anomalies",
  low_stock: "Low stock",
  stockout_projected: "Projected stock-out",
  credentials_expiring: "Credentials expiring",
  sync_failed: "Sync failed",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const section = settingsSection(url.searchParams.get("section"));
  const page = pageNumber(url.searchParams.get("page"));
  const base = {
    section,
    sections: [...SETTINGS_SECTIONS],
    page,
    shop: { currency: shop.currency, timezone: shop.timezone },
  };
  switch (section) {
    case "costs":
      return json({ ...base, costs: await unitCosts(shop.id, page) });
    case "skus":
      return json({ ...base, unmatched: await unmatchedSkuList(shop.id) });
    case "rates": {
      const [rates, reference, currencies] = await Promise.all([
        manualRates(shop.id),
        referenceRateSummary(shop.id),
        currenciesInUse(shop.id),
      ]);
      return json({
        ...base,
        rates,
        reference,
        currencies,
        today: localDay(new Date(), shop.timezone),
      });
    }
    case "stock":
      return json({ ...base, stock: await stockSettings(shop.id) });
    case "alerts":
      return json({
        ...base,
        destinations: await listDestinations(shop.id),
        // The service's choices, sent to the form (the client bundle cannot import a server module).
        choices: { kinds: [...ALERT_KINDS], severities: [...ALERT_SEVERITIES], frequencies: [...FREQUENCIES] },
      });
    case "audit": {
      const audit = await auditLog(shop.id, page);
      return json({
        ...base,
        audit: {
          ...audit,
          entries: audit.entries.map((entry) => ({
            ...entry,
            label: AUDIT_ACTIONS[entry.action] ?? entry.action,
            details: auditDetails(entry.data),
          })),
        },
      });
    }
  }
};

interface ActionData {
  intent: string;
  ok: boolean;
  message: string;
  fieldErrors?: FieldErrors;
  /** "info" for an answer that saved nothing yet (a preview). */
  tone?: "info";
  /** Which row or destination the answer is about. */
  key?: string;
  preview?: { fileName: string; csv: string; rows: CostPreviewRow[]; more: number; errors: CostRowError[] };
  errors?: CostRowError[];
}

function destinationErrors(errors: DestinationFieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, (messages ?? []).join(" ")]));
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (data: Omit<ActionData, "intent">) => json<ActionData>({ intent, ...data });
  switch (intent) {
    case "override-cost":
      return answer(
        await overrideCostFromForm(shop.id, {
          sku: form.get("sku"),
          cost: form.get("cost"),
          currency: form.get("currency"),
        }),
      );
    case "preview-costs": {
      const result = await previewCostFile(shop.id, form.get("file"));
      if (!result.ok) return answer(result);
      const { ok: _ok, ...preview } = result;
      const rows = preview.rows.length + preview.more;
      return answer({
        // A preview saves nothing: informational when the file is good, an error when it is not.
        ok: preview.errors.length === 0,
        tone: "info",
        message:
          preview.errors.length > 0
            ? `Nothing will be imported from ${preview.fileName}: fix the ${preview.errors.length} error${preview.errors.length === 1 ? "" : "s"} below and upload it again.`
            : `${rows} row${rows === 1 ? " is" : "s are"} ready to import from ${preview.fileName}; nothing is saved until you import.`,
        preview,
      });
    }
    case "import-costs":
      return answer(await importCostFile(shop.id, String(form.get("csv") ?? ""), String(form.get("fileName") ?? "")));
    case "map-sku":
      return answer({
        ...(await mapSkuFromForm(shop.id, { channel: form.get("channel"), sku: form.get("sku"), to: form.get("to") })),
        key: `${String(form.get("channel"))}\u0000${String(form.get("sku"))}`,
      });
    case "manual-rate":
      return answer(
        await saveManualRateFromForm(shop, {
          base: form.get("base"),
          quote: form.get("quote"),
          day: form.get("day"),
          rate: form.get("rate"),
        }),
      );
    case "import-rates":
      return answer(await importRatesFile(shop, form.get("file")));
    case "stock":
      return answer(
        await saveStockSettingsFromForm(shop.id, {
          leadTimeDays: form.get("leadTimeDays"),
          serviceLevel: form.get("serviceLevel"),
        }),
      );
    case "create-destination": {
      const result = await createDestination(shop.id, destinationInput(form), { actor: MERCHANT });
      return result.ok
        ? answer({ ok: true, message: `Alerts now also go to ${result.destination.name}.` })
        : answer({ ok: false, message: result.message, fieldErrors: destinationErrors(result.fieldErrors) });
    }
    case "update-destination": {
      const id = String(form.get("id") ?? "");
      const result = await updateDestination(shop.id, id, destinationInput(form, { update: true }), {
        actor: MERCHANT,
      });
      if (!result) return answer({ ok: false, key: id, message: "That destination no longer exists." });
      return result.ok
        ? answer({ ok: true, key: id, message: `${result.destination.name} is saved.` })
        : answer({ ok: false, key: id, message: result.message, fieldErrors: destinationErrors(result.fieldErrors) });
    }
    case "delete-destination": {
      const id = String(form.get("id") ?? "");
      const name = String(form.get("name") ?? "The destination");
      return (await deleteDestination(shop.id, id, { actor: MERCHANT }))
        ? answer({ ok: true, message: `${name} is deleted: it gets no more alerts.` })
        : answer({ ok: false, message: "That destination no longer exists." });
    }
    default:
      return json<ActionData>(
        { intent, ok: false, message: `Unknown form "${intent}": reload the page and try again.` },
        { status: 400 },
      );
  }
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Section<K extends string> = Extract<LoaderData, Record<K, unknown>>;

const decimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const SOURCE_LABELS: Record<string, string> = { shopify: "Shopify", csv: "CSV import", manual: "Set here" };

function useSubmitting(intent: string, key?: string): boolean {
  const navigation = useNavigation();
  return (
    navigation.state === "submitting" &&
    navigation.formData?.get("intent") === intent &&
    (key === undefined || navigation.formData?.get("id") === key || navigation.formData?.get("sku") === key)
  );
}

/** The answer to the form just sent, when it is this form's. */
function useAnswer(intents: string | string[], key?: string): ActionData | undefined {
  const data = useActionData<typeof action>() as ActionData | undefined;
  const list = Array.isArray(intents) ? intents : [intents];
  if (!data || !list.includes(data.intent)) return undefined;
  if (key !== undefined && data.key !== key) return undefined;
  return data;
}

function SaveBanner({ answer }: { answer: ActionData | undefined }) {
  if (!answer) return null;
  return (
    <div role={answer.ok ? "status" : "alert"}>
      <Banner tone={answer.ok ? (answer.tone ?? "success") : "critical"}>{answer.message}</Banner>
    </div>
  );
}

/** A Polaris TextField that keeps its own value and posts it under `name`. */
function Field(props: {
  name: string;
  label: string;
  initial?: string;
  error?: string;
  helpText?: ReactNode;
  type?: "text" | "number" | "email" | "url" | "date";
  placeholder?: string;
  autoComplete?: string;
  multiline?: number;
  suffix?: ReactNode;
}) {
  const [value, setValue] = useState(props.initial ?? "");
  return (
    <TextField
      name={props.name}
      id={`field-${props.name}`}
      label={props.label}
      value={value}
      onChange={setValue}
      error={props.error}
      helpText={props.helpText}
      type={props.type ?? "text"}
      placeholder={props.placeholder}
      autoComplete={props.autoComplete ?? "off"}
      multiline={props.multiline}
      suffix={props.suffix}
    />
  );
}

function Choice(props: {
  name: string;
  label: string;
  options: { label: string; value: string }[];
  initial: string;
  error?: string;
  onChange?: (value: string) => void;
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <Select
      name={props.name}
      label={props.label}
      options={props.options}
      value={value}
      error={props.error}
      onChange={(next) => {
        setValue(next);
        props.onChange?.(next);
      }}
    />
  );
}

function FileField({
  label,
  accept,
  error,
  helpText,
}: {
  label: string;
  accept: string;
  error?: string;
  helpText: string;
}) {
  return (
    <BlockStack gap="100">
      <label htmlFor="settings-file">
        <Text as="span" variant="bodyMd">
          {label}
        </Text>
      </label>
      <input
        id="settings-file"
        type="file"
        name="file"
        accept={accept}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "settings-file-error" : undefined}
        style={{ maxWidth: "100%" }}
      />
      {error ? <InlineError message={error} fieldID="settings-file" /> : null}
      <Text as="p" tone="subdued" variant="bodySm">
        {helpText}
      </Text>
    </BlockStack>
  );
}

/** Forms reset to their initial values after a successful save (a new key remounts them). */
function useResetKey(answer: ActionData | undefined): number {
  const [key, setKey] = useState(0);
  useEffect(() => {
    if (answer?.ok) setKey((value) => value + 1);
  }, [answer]);
  return key;
}

function pageUrl(search: string, page: number): string {
  const params = new URLSearchParams(search);
  params.set("page", String(page));
  return `?${params.toString()}`;
}

function Pager({ page, pageSize, total, label }: { page: number; pageSize: number; total: number; label: string }) {
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total <= pageSize) return null;
  return (
    <InlineStack align="center">
      <Pagination
        label={`${label}: page ${page} of ${pages}`}
        hasPrevious={page > 1}
        previousURL={page > 1 ? pageUrl(location.search, page - 1) : undefined}
        hasNext={page < pages}
        nextURL={page < pages ? pageUrl(location.search, page + 1) : undefined}
      />
    </InlineStack>
  );
}

// --- Unit costs ---------------------------------------------------------------------------

function CostsSection({ data }: { data: Section<"costs"> }) {
  const { costs, shop } = data;
  const override = useAnswer("override-cost");
  const overrideKey = useResetKey(override);
  const upload = useAnswer(["preview-costs", "import-costs"]);
  const saving = useSubmitting("override-cost");
  const previewing = useSubmitting("preview-costs");
  const importing = useSubmitting("import-costs");
  const preview = upload?.intent === "preview-costs" ? upload.preview : undefined;
  const rowErrors = preview?.errors ?? (upload?.intent === "import-costs" ? upload.errors : undefined) ?? [];
  return (
    <Layout>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Unit costs
            </Text>
            <Text as="p" tone="subdued">
              What each SKU costs you (COGS). Costs from Shopify arrive with the catalog; a cost set here or imported is
              used for every order of the SKU until Shopify reports a newer one.
            </Text>
            {costs.total === 0 ? (
              <EmptyState heading="No products yet" image="">
                <p>The catalog fills in as Shopify&apos;s products import.</p>
              </EmptyState>
            ) : (
              <div id="unit-costs">
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "text", "text", "text"]}
                  headings={["SKU", "Product", "Cost", "Currency", "Effective date", "Source"]}
                  rows={costs.products.map((product) => [
                    <span key="sku" style={{ whiteSpace: "nowrap" }}>
                      {product.sku}
                    </span>,
                    product.title,
                    product.unitCost === null ? "No cost" : decimal.format(Number(product.unitCost)),
                    product.currency ?? (product.unitCost === null ? "—" : shop.currency),
                    product.updatedAt?.slice(0, 10) ?? "—",
                    product.unitCost === null ? "—" : (SOURCE_LABELS[product.source ?? ""] ?? "Not recorded"),
                  ])}
                  footerContent={`${costs.total} products, ${costs.products.filter((p) => p.unitCost === null).length} without a cost on this page`}
                />
              </div>
            )}
            <Pager page={costs.page} pageSize={costs.pageSize} total={costs.total} label="Unit costs" />
          </BlockStack>
        </Card>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        <BlockStack gap="400">
          <Card>
            <Form method="post" key={overrideKey} id="override-cost">
              <input type="hidden" name="intent" value="override-cost" />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Set one SKU&apos;s cost
                </Text>
                <SaveBanner answer={override} />
                <FormLayout>
                  <Field name="sku" label="SKU" error={override?.fieldErrors?.sku} placeholder="MUG-BLUE" />
                  <FormLayout.Group condensed>
                    <Field
                      name="cost"
                      label="Cost"
                      error={override?.fieldErrors?.cost}
                      placeholder="12.50"
                      helpText="Per unit, up to 4 decimals"
                    />
                    <Field
                      name="currency"
                      label="Currency"
                      initial={shop.currency}
                      error={override?.fieldErrors?.currency}
                    />
                  </FormLayout.Group>
                </FormLayout>
                <InlineStack align="end">
                  <Button submit variant="primary" loading={saving}>
                    Save cost
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Import costs from a CSV
              </Text>
              <SaveBanner answer={upload} />
              {rowErrors.length > 0 ? (
                <div id="cost-errors">
                  <List type="bullet">
                    {rowErrors.slice(0, 50).map((error, index) => (
                      <List.Item key={index}>
                        Line {error.line} ({error.field}): {error.message}
                      </List.Item>
                    ))}
                  </List>
                  {rowErrors.length > 50 ? (
                    <Text as="p" tone="subdued">
                      and {rowErrors.length - 50} more.
                    </Text>
                  ) : null}
                </div>
              ) : null}
              {preview && preview.errors.length === 0 ? (
                <Form method="post" id="confirm-costs">
                  <input type="hidden" name="intent" value="import-costs" />
                  <input type="hidden" name="csv" value={preview.csv} />
                  <input type="hidden" name="fileName" value={preview.fileName} />
                  <BlockStack gap="300">
                    <div id="cost-preview">
                      <DataTable
                        columnContentTypes={["numeric", "text", "text", "text", "text"]}
                        headings={["Line", "SKU", "Now", "New cost", "Effective"]}
                        rows={preview.rows.map((row) => [
                          row.line,
                          row.sku,
                          row.currentCost === null
                            ? "No cost"
                            : `${decimal.format(Number(row.currentCost))} ${row.currentCurrency ?? shop.currency}`,
                          `${decimal.format(Number(row.cost))} ${row.currency}`,
                          row.effectiveDate,
                        ])}
                        footerContent={preview.more > 0 ? `and ${preview.more} more rows` : undefined}
                      />
                    </div>
                    <InlineStack align="end" gap="200">
                      <Button url={`?section=costs&page=${costs.page}`}>Cancel</Button>
                      <Button submit variant="primary" loading={importing}>
                        {`Import ${preview.rows.length + preview.more} cost${preview.rows.length + preview.more === 1 ? "" : "s"}`}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              ) : (
                <Form method="post" encType="multipart/form-data" id="preview-costs">
                  <input type="hidden" name="intent" value="preview-costs" />
                  <BlockStack gap="300">
                    <FileField
                      label="Cost file (CSV)"
                      accept=".csv,text/csv"
                      error={upload?.intent === "preview-costs" ? upload.fieldErrors?.file : undefined}
                      helpText="Columns sku, cost, currency, effective_date (YYYY-MM-DD), one row per SKU. You see the rows before anything is imported; one bad row and nothing is."
                    />
                    <InlineStack align="end">
                      <Button submit loading={previewing}>
                        Preview import
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              )}
            </BlockStack>
          </Card>
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

// --- SKU mapping --------------------------------------------------------------------------

function SkuRow({ row }: { row: Section<"unmatched">["unmatched"][number] }) {
  const key = `${row.channel}\u0000${row.sku}`;
  const answer = useAnswer("map-sku", key);
  const submitting = useSubmitting("map-sku", row.sku);
  return (
    <Box paddingBlock="300" borderBlockEndWidth="025" borderColor="border">
      <Form method="post">
        <input type="hidden" name="intent" value="map-sku" />
        <input type="hidden" name="channel" value={row.channel} />
        <input type="hidden" name="sku" value={row.sku} />
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center" wrap>
            <Badge>{row.channelName}</Badge>
            <Text as="span" variant="bodyMd" fontWeight="semibold">
              {row.sku}
            </Text>
            <Text as="span" tone="subdued">
              {`${row.rows} order line${row.rows === 1 ? "" : "s"} and listings without a product`}
            </Text>
          </InlineStack>
          {answer && !answer.ok && !answer.fieldErrors?.to ? <SaveBanner answer={answer} /> : null}
          <InlineStack gap="200" blockAlign="end" wrap={false}>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Field
                name="to"
                label={`Catalog SKU for ${row.sku}`}
                error={answer?.fieldErrors?.to}
                placeholder="The SKU in your Shopify catalog"
              />
            </div>
            <Button submit loading={submitting}>
              Map
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Box>
  );
}

function SkusSection({ data }: { data: Section<"unmatched"> }) {
  const answer = useAnswer("map-sku");
  return (
    <Layout>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Unmatched channel SKUs
            </Text>
            <Text as="p" tone="subdued">
              SKUs sold or listed on a channel that match no product of your catalog: their orders have no unit cost, so
              profit leaves out their COGS. Map each to the catalog SKU it is.
            </Text>
            {answer?.ok ? <SaveBanner answer={answer} /> : null}
            {data.unmatched.length === 0 ? (
              <Banner tone="success">Every SKU sold or listed on a channel matches a product of the catalog.</Banner>
            ) : (
              <div id="unmatched-skus">
                {data.unmatched.map((row) => (
                  <SkuRow key={`${row.channel}-${row.sku}`} row={row} />
                ))}
              </div>
            )}
          </BlockStack>
        </Card>
      </Layout.Section>
    </Layout>
  );
}

// --- Exchange rates -----------------------------------------------------------------------

function RatesSection({ data }: { data: Section<"rates"> }) {
  const manual = useAnswer("manual-rate");
  const manualKey = useResetKey(manual);
  const imported = useAnswer("import-rates");
  const importKey = useResetKey(imported);
  const saving = useSubmitting("manual-rate");
  const importing = useSubmitting("import-rates");
  const other = data.currencies.find((code) => code !== data.shop.currency) ?? "";
  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          <Card>
            <Form method="post" key={manualKey} id="manual-rate">
              <input type="hidden" name="intent" value="manual-rate" />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Set an exchange rate
                </Text>
                <Text as="p" tone="subdued">
                  {`Reports convert each day's amounts into ${data.shop.currency} with that day's rate: a manual rate first, else a reference rate, else the latest within 7 days.`}
                  {data.currencies.length > 0 ? ` Your amounts come in ${data.currencies.join(", ")}.` : ""}
                </Text>
                <SaveBanner answer={manual} />
                <FormLayout>
                  <FormLayout.Group condensed>
                    <Field name="base" label="From currency" initial={other} error={manual?.fieldErrors?.base} />
                    <Field
                      name="quote"
                      label="To currency"
                      initial={data.shop.currency}
                      error={manual?.fieldErrors?.quote}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group condensed>
                    <Field name="day" label="Day" type="date" initial={data.today} error={manual?.fieldErrors?.day} />
                    <Field
                      name="rate"
                      label="Rate"
                      placeholder="1.3652"
                      error={manual?.fieldErrors?.rate}
                      helpText="1 unit of From currency in To currency"
                    />
                  </FormLayout.Group>
                </FormLayout>
                <InlineStack align="end">
                  <Button submit variant="primary" loading={saving}>
                    Save rate
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Manual rates
              </Text>
              {data.rates.length === 0 ? (
                <Text as="p" tone="subdued">
                  No manual rates yet.
                </Text>
              ) : (
                <div id="manual-rates">
                  <DataTable
                    columnContentTypes={["text", "text", "numeric"]}
                    headings={["Day", "Pair", "Rate"]}
                    rows={data.rates.map((rate) => [rate.day, `1 ${rate.base} → ${rate.quote}`, rate.rate])}
                  />
                </div>
              )}
            </BlockStack>
          </Card>
        </BlockStack>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        <Card>
          <Form method="post" encType="multipart/form-data" key={importKey} id="import-rates">
            <input type="hidden" name="intent" value="import-rates" />
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Reference rates (ECB)
              </Text>
              <Text as="p" tone="subdued">
                {data.reference.count > 0
                  ? `${data.reference.count} reference rates stored, ${data.reference.firstDay} to ${data.reference.lastDay}.`
                  : "No reference rates stored yet."}
              </Text>
              <SaveBanner answer={imported} />
              <FileField
                label="ECB history file"
                accept=".csv,.xml,text/csv,text/xml,application/xml"
                error={imported?.fieldErrors?.file}
                helpText="eurofxref-hist.csv or .xml from the European Central Bank. A file with one bad value stores nothing; importing it again changes nothing."
              />
              <InlineStack align="end">
                <Button submit loading={importing}>
                  Import rates
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Card>
      </Layout.Section>
    </Layout>
  );
}

// --- Stock --------------------------------------------------------------------------------

function StockSection({ data }: { data: Section<"stock"> }) {
  const answer = useAnswer("stock");
  const saving = useSubmitting("stock");
  return (
    <Layout>
      <Layout.Section variant="oneHalf">
        <Card>
          <Form method="post" id="stock-settings" key={`${data.stock.leadTimeDays}-${data.stock.serviceLevelPercent}`}>
            <input type="hidden" name="intent" value="stock" />
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Reorder defaults
              </Text>
              <Text as="p" tone="subdued">
                Every SKU&apos;s reorder point and suggested order use these: the demand expected over the lead time,
                plus safety stock for the service level. They apply to all products (there is no per-product setting).
              </Text>
              <SaveBanner answer={answer} />
              <FormLayout>
                <Field
                  name="leadTimeDays"
                  label="Lead time"
                  type="number"
                  initial={String(data.stock.leadTimeDays)}
                  suffix="days"
                  error={answer?.fieldErrors?.leadTimeDays}
                  helpText="From placing a purchase order to the stock being sellable, 1 to 365 days."
                />
                <Field
                  name="serviceLevel"
                  label="Service level"
                  initial={data.stock.serviceLevelPercent}
                  suffix="%"
                  error={answer?.fieldErrors?.serviceLevel}
                  helpText="The chance of not running out during a lead time, 50 to 99.9 %. Higher keeps more safety stock."
                />
              </FormLayout>
              <InlineStack align="end">
                <Button submit variant="primary" loading={saving}>
                  Save
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Card>
      </Layout.Section>
    </Layout>
  );
}

// --- Alert destinations -------------------------------------------------------------------

type DestinationView = Section<"destinations">["destinations"][number];
type DestinationChoices = Section<"destinations">["choices"];

function DestinationForm({
  destination,
  choices,
  answer,
  onCancel,
}: {
  destination?: DestinationView;
  choices: DestinationChoices;
  answer: ActionData | undefined;
  onCancel?: () => void;
}) {
  const [kind, setKind] = useState<string>(destination?.kind ?? "email");
  const intent = destination ? "update-destination" : "create-destination";
  const saving = useSubmitting(intent, destination?.id);
  const errors = answer?.fieldErrors ?? {};
  const [kinds, setKinds] = useState<string[]>(destination?.alertKinds ?? []);
  const [enabled, setEnabled] = useState(destination?.enabled ?? true);
  const formId = destination ? `destination-${destination.id}` : "new-destination";
  return (
    <Form method="post" id={formId}>
      <input type="hidden" name="intent" value={intent} />
      {destination ? <input type="hidden" name="id" value={destination.id} /> : null}
      {destination ? <input type="hidden" name="currentKind" value={destination.kind} /> : null}
      <BlockStack gap="300">
        <SaveBanner answer={answer} />
        <FormLayout>
          {destination ? null : (
            <Choice
              name="kind"
              label="Send to"
              initial={kind}
              onChange={setKind}
              error={errors.kind}
              options={[
                { label: "Email", value: "email" },
                { label: "Slack (Incoming Webhook)", value: "slack" },
              ]}
            />
          )}
          <Field name="name" label="Name" initial={destination?.name} error={errors.name} placeholder="Ops team" />
          {kind === "email" ? (
            <Field
              name="emails"
              label="Email addresses"
              initial={destination?.emails.join(", ")}
              error={errors.emails}
              helpText="Separated by commas, up to 10."
              placeholder="ops@example.com"
            />
          ) : (
            <Field
              name="slackWebhookUrl"
              label="Slack webhook URL"
              type="url"
              error={errors.slackWebhookUrl}
              placeholder="https://hooks.slack.com/services/…"
              helpText={
                destination?.slackWebhookHint
                  ? `Stored: ${destination.slackWebhookHint}. Leave empty to keep it.`
                  : "From Slack's Incoming Webhooks page; stored encrypted."
              }
            />
          )}
          <BlockStack gap="100">
            <Text as="p" variant="bodyMd">
              Alert kinds
            </Text>
            <BlockStack gap="050">
              {choices.kinds.map((alertKind) => (
                <Checkbox
                  key={alertKind}
                  label={KIND_LABELS[alertKind] ?? alertKind}
                  name="alertKinds"
                  value={alertKind}
                  checked={kinds.includes(alertKind)}
                  onChange={(checked) =>
                    setKinds((list) => (checked ? [...list, alertKind] : list.filter((k) => k !== alertKind)))
                  }
                />
              ))}
            </BlockStack>
            {errors.alertKinds ? <InlineError message={errors.alertKinds} fieldID={`${formId}-kinds`} /> : null}
            <Text as="p" tone="subdued" variant="bodySm">
              None checked: every kind.
            </Text>
          </BlockStack>
          <FormLayout.Group>
            <Choice
              name="minSeverity"
              label="Minimum severity"
              initial={destination?.minSeverity ?? "warning"}
              error={errors.minSeverity}
              options={choices.severities.map((severity) => ({
                label: severity.charAt(0).toUpperCase() + severity.slice(1),
                value: severity,
              }))}
            />
            <Choice
              name="frequency"
              label="Frequency"
              initial={destination?.frequency ?? "immediate"}
              error={errors.frequency}
              options={choices.frequencies.map((frequency) => ({
                label: frequency === "immediate" ? "Each alert as it opens" : "One digest a day",
                value: frequency,
              }))}
            />
          </FormLayout.Group>
          <Checkbox label="Enabled" name="enabled" value="on" checked={enabled} onChange={setEnabled} />
        </FormLayout>
        <InlineStack align="end" gap="200">
          {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
          <Button submit variant="primary" loading={saving}>
            {destination ? "Save destination" : "Add destination"}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function DestinationCard({ destination, choices }: { destination: DestinationView; choices: DestinationChoices }) {
  const answer = useAnswer("update-destination", destination.id);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (answer?.ok) setEditing(false);
  }, [answer]);
  const deleting = useSubmitting("delete-destination", destination.id);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {destination.name}
            </Text>
            <Badge>{destination.kind === "email" ? "Email" : "Slack"}</Badge>
            {destination.enabled ? null : <Badge tone="attention">Disabled</Badge>}
          </InlineStack>
          {editing ? null : (
            <InlineStack gap="200">
              <Button onClick={() => setEditing(true)} accessibilityLabel={`Edit ${destination.name}`}>
                Edit
              </Button>
              <Form method="post">
                <input type="hidden" name="intent" value="delete-destination" />
                <input type="hidden" name="id" value={destination.id} />
                <input type="hidden" name="name" value={destination.name} />
                <Button submit tone="critical" loading={deleting} accessibilityLabel={`Delete ${destination.name}`}>
                  Delete
                </Button>
              </Form>
            </InlineStack>
          )}
        </InlineStack>
        {editing ? (
          <DestinationForm
            destination={destination}
            choices={choices}
            answer={answer}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <BlockStack gap="100">
            {answer?.ok ? <SaveBanner answer={answer} /> : null}
            <Text as="p">
              {destination.kind === "email"
                ? destination.emails.join(", ")
                : `Slack webhook ${destination.slackWebhookHint ?? ""}`}
            </Text>
            <Text as="p" tone="subdued">
              {`${
                destination.alertKinds.length === 0
                  ? "Every kind"
                  : destination.alertKinds.map((kind) => KIND_LABELS[kind] ?? kind).join(", ")
              } · ${destination.minSeverity} and above · ${
                destination.frequency === "immediate" ? "each alert as it opens" : "one digest a day"
              }`}
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function AlertsSection({ data }: { data: Section<"destinations"> }) {
  const created = useAnswer("create-destination");
  const createKey = useResetKey(created);
  const deleted = useAnswer("delete-destination");
  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          <SaveBanner answer={deleted} />
          {data.destinations.length === 0 ? (
            <Card>
              <Text as="p" tone="subdued">
                No alert destinations yet: alerts show in the app only. Add an email address or a Slack channel.
              </Text>
            </Card>
          ) : (
            <div id="destinations">
              <BlockStack gap="300">
                {data.destinations.map((destination) => (
                  <DestinationCard
                    key={`${destination.id}-${String(destination.updatedAt)}`}
                    destination={destination}
                    choices={data.choices}
                  />
                ))}
              </BlockStack>
            </div>
          )}
        </BlockStack>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Add a destination
            </Text>
            <DestinationForm key={createKey} choices={data.choices} answer={created} />
          </BlockStack>
        </Card>
      </Layout.Section>
    </Layout>
  );
}

// --- Audit log ----------------------------------------------------------------------------

function AuditSection({ data }: { data: Section<"audit"> }) {
  const { audit } = data;
  return (
    <Layout>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Audit log
            </Text>
            <Text as="p" tone="subdued">
              Every change to connections, costs, rates, settings and alert destinations, every import, export and
              deletion, newest first.
            </Text>
            {audit.total === 0 ? (
              <Text as="p" tone="subdued">
                Nothing recorded yet.
              </Text>
            ) : (
              <div id="audit-log">
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={["When (UTC)", "What", "Who", "Details"]}
                  rows={audit.entries.map((entry) => [
                    entry.at.slice(0, 16).replace("T", " "),
                    entry.label,
                    entry.actor,
                    entry.details,
                  ])}
                  verticalAlign="top"
                />
              </div>
            )}
            <Pager page={audit.page} pageSize={audit.pageSize} total={audit.total} label="Audit log" />
          </BlockStack>
        </Card>
      </Layout.Section>
    </Layout>
  );
}

// --- The page -----------------------------------------------------------------------------

/** Inside Shopify admin, a save is also confirmed by App Bridge's toast (the banner stays for standalone use). */
function useSaveToast() {
  const app = useRouteLoaderData<{ embedded: boolean }>("routes/app");
  const answer = useActionData<typeof action>() as ActionData | undefined;
  useEffect(() => {
    if (!app?.embedded || !answer?.ok || answer.tone) return;
    const bridge = (window as { shopify?: { toast?: { show: (message: string) => void } } }).shopify;
    bridge?.toast?.show(answer.message);
  }, [app?.embedded, answer]);
}

export default function Settings() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  useSaveToast();
  const selected = data.sections.indexOf(data.section);
  return (
    <TitledPage title="Settings">
      <BlockStack gap="400">
        {/* Six tabs do not fit a phone: below Polaris' md breakpoint the sections are a select. */}
        <style>{SECTION_NAV_CSS}</style>
        <div className="settings-section-select">
          <Box paddingInline={{ xs: "400", sm: "0" }}>
            <Select
              label="Section"
              options={data.sections.map((section) => ({ label: SECTION_LABELS[section], value: section }))}
              value={data.section}
              onChange={(section) => navigate(`?section=${section}`)}
            />
          </Box>
        </div>
        <div className="settings-section-tabs">
          <Tabs
            tabs={data.sections.map((section) => ({
              id: `settings-${section}`,
              content: SECTION_LABELS[section],
              panelID: `settings-${section}-panel`,
            }))}
            selected={selected}
            onSelect={(index) => navigate(`?section=${data.sections[index] ?? "costs"}`)}
          />
        </div>
        <div id={`settings-${data.section}-panel`} role="tabpanel" aria-labelledby={`settings-${data.section}`}>
          {"costs" in data ? <CostsSection data={data} /> : null}
          {"unmatched" in data ? <SkusSection data={data} /> : null}
          {"rates" in data ? <RatesSection data={data} /> : null}
          {"stock" in data ? <StockSection data={data} /> : null}
          {"destinations" in data ? <AlertsSection data={data} /> : null}
          {"audit" in data ? <AuditSection data={data} /> : null}
        </div>
      </BlockStack>
    </TitledPage>
  );
}
