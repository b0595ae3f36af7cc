import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  Pagination,
  Tabs,
  Text,
} from "@shopify/polaris";

import { LineChart } from "#app/components/charts/index.tsx";
import { ExportButton } from "#app/components/ExportButton.tsx";
import { formatMoney, formatShortDay } from "#app/components/format.ts";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { requireShop } from "#app/services/auth.server.ts";
import { CHANNEL_IDS, channelName } from "#app/services/channels.server.ts";
import { generateInsight } from "#app/services/insights.server.ts";
import {
  ALERT_TABS,
  AlertNotFoundError,
  alertList,
  anomalyCharts,
  changeAlert,
  latestInsight,
} from "#app/services/insights-page.server.ts";
import { InputError } from "#app/services/validation.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const params = new URL(request.url).searchParams;
  const [insight, charts, alerts] = await Promise.all([
    latestInsight(shop.id),
    anomalyCharts(shop),
    alertList(shop.id, params),
  ]);
  return {
    insight,
    charts,
    alerts,
    tabs: ALERT_TABS,
    timezone: shop.timezone,
    channelNames: Object.fromEntries(CHANNEL_IDS.map((id) => [id, channelName(id)])) as Record<string, string>,
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "summarize") {
      await generateInsight(shop, { period: "on_demand" });
      return { ok: true as const, message: "This week's summary is written.", error: null };
    }
    const alertId = String(form.get("alertId") ?? "");
    const result = await changeAlert(shop.id, alertId, intent);
    const done = { dismissed: "Alert dismissed.", resolved: "Alert marked resolved.", open: "Alert reopened." };
    return { ok: true as const, message: done[result.status], error: null };
  } catch (error) {
    if (error instanceof AlertNotFoundError || error instanceof InputError) {
      return Response.json({ ok: false, message: null, error: error.message }, { status: 400 });
    }
    throw error;
  }
};

const SEVERITY_TONES = { info: "info", warning: "warning", critical: "critical" } as const;
const TAB_LABELS = { open: "Open", dismissed: "Dismissed", resolved: "Resolved" } as const;

/** One action on one alert: a form of its own, so it works before the page's script has loaded. */
function AlertAction(props: { alertId: string; title: string; intent: string; label: string; primary?: boolean }) {
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" &&
    navigation.formData?.get("alertId") === props.alertId &&
    navigation.formData?.get("intent") === props.intent;
  return (
    <Form method="post">
      <input type="hidden" name="alertId" value={props.alertId} />
      <input type="hidden" name="intent" value={props.intent} />
      <Button
        submit
        loading={busy}
        variant={props.primary ? "primary" : undefined}
        accessibilityLabel={`${props.label}: ${props.title}`}
      >
        {props.label}
      </Button>
    </Form>
  );
}

export default function Insights() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  useLiveData();
  const name = (id: string) => data.channelNames[id] ?? id;
  const when = (iso: string) =>
    new Date(iso).toLocaleString("en-US", { timeZone: data.timezone, dateStyle: "medium", timeStyle: "short" });
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const tabIndex = data.tabs.indexOf(data.alerts.status);
  const pageUrl = (page: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(page));
    return `/app/insights?${params.toString()}`;
  };

  return (
    <TitledPage title="Insights" subtitle="What changed, what looks unusual, and what needs you">
      <Layout>
        {result?.error || result?.message ? (
          <Layout.Section>
            <Banner
              tone={result.error ? "critical" : "success"}
              onDismiss={() => navigate(location, { replace: true })}
            >
              <p id="insights-result">{result.error ?? result.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <Text as="h2" variant="headingMd">
                    This week
                  </Text>
                  <Form method="post">
                    <input type="hidden" name="intent" value="summarize" />
                    <Button submit loading={busy === "summarize"}>
                      {data.insight ? "Write it again now" : "Write this week's summary"}
                    </Button>
                  </Form>
                </InlineStack>
                {data.insight ? (
                  <BlockStack gap="200" id="weekly-insight">
                    {data.insight.headline ? (
                      <Text as="p" variant="headingSm">
                        {data.insight.headline}
                      </Text>
                    ) : null}
                    <Text as="p">{data.insight.text}</Text>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {data.insight.from} to {data.insight.to}, against the week before · written{" "}
                      {when(data.insight.createdAt)}
                      {data.insight.rewritten ? " · reworded by the language model from the same figures" : ""}
                    </Text>
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued" id="weekly-insight-none">
                    The first summary is written on Monday morning, from last week&apos;s figures. Write one now to see
                    it today.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Net sales with anomalies marked
                </Text>
                {data.charts.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No sales in the last 90 days yet.
                  </Text>
                ) : (
                  data.charts.map((chart) => (
                    <BlockStack gap="150" key={`${chart.channel}:${chart.currency}`}>
                      <Text as="h3" variant="headingSm">
                        {name(chart.channel)} ({chart.currency})
                      </Text>
                      <LineChart
                        series={[
                          {
                            name: `${name(chart.channel)} net sales`,
                            data: chart.points.map((point) => ({ key: point.day, value: point.value })),
                          },
                        ]}
                        marks={chart.marks.map((mark) => ({ key: mark.day, label: mark.title, detail: mark.body }))}
                        height={200}
                        showLegend={false}
                        label={`${name(chart.channel)} net sales per day in ${chart.currency} over the last 90 days, ${chart.marks.length} anomalies marked`}
                        formatKey={formatShortDay}
                        formatValue={(value) => formatMoney(value, chart.currency)}
                      />
                      <div id={`anomalies-${chart.channel}-${chart.currency}`}>
                        {chart.marks.length === 0 ? (
                          <Text as="p" tone="subdued">
                            No unusual days.
                          </Text>
                        ) : (
                          <BlockStack gap="050">
                            {chart.marks.map((mark) => (
                              <Text as="p" tone="subdued" variant="bodySm" key={mark.id}>
                                {mark.title}
                              </Text>
                            ))}
                          </BlockStack>
                        )}
                      </div>
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
            <Card padding="0">
              {data.alerts.alerts.length > 0 ? (
                <Box padding="400" paddingBlockEnd="0">
                  <InlineStack align="end">
                    <ExportButton table="alerts" />
                  </InlineStack>
                </Box>
              ) : null}
              <Tabs
                tabs={data.tabs.map((tab) => ({
                  id: `alerts-${tab}`,
                  content: `${TAB_LABELS[tab]} ${data.alerts.counts[tab]}`,
                  url: `/app/insights?status=${tab}`,
                }))}
                selected={tabIndex}
                onSelect={(index) => navigate(`/app/insights?status=${data.tabs[index]}`)}
              />
              {data.alerts.alerts.length === 0 ? (
                <Box padding="400">
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm" id="alerts-none">
                      {`No ${TAB_LABELS[data.alerts.status].toLowerCase()} alerts`}
                    </Text>
                    <Text as="p" tone="subdued">
                      {data.alerts.status === "open"
                        ? "Alerts appear here when sales look unusual, stock runs low or a channel's access is about to expire."
                        : "Alerts you act on move here."}
                    </Text>
                  </BlockStack>
                </Box>
              ) : (
                <BlockStack>
                  {data.alerts.alerts.map((alert) => (
                    <Box key={alert.id} padding="400" borderBlockStartWidth="025" borderColor="border">
                      <BlockStack gap="200">
                        <InlineStack gap="200" blockAlign="center">
                          <Badge tone={SEVERITY_TONES[alert.severity]}>{alert.severity}</Badge>
                          <Text as="h3" variant="headingSm">
                            {alert.title}
                          </Text>
                        </InlineStack>
                        <Text as="p">{alert.body}</Text>
                        <InlineStack align="space-between" blockAlign="center" gap="200">
                          <Text as="p" tone="subdued" variant="bodySm">
                            Raised {when(alert.createdAt)}
                          </Text>
                          <InlineStack gap="200">
                            {data.alerts.status === "open" ? (
                              <>
                                <AlertAction alertId={alert.id} title={alert.title} intent="dismiss" label="Dismiss" />
                                <AlertAction
                                  alertId={alert.id}
                                  title={alert.title}
                                  intent="resolve"
                                  label="Resolve"
                                  primary
                                />
                              </>
                            ) : (
                              <AlertAction alertId={alert.id} title={alert.title} intent="reopen" label="Reopen" />
                            )}
                          </InlineStack>
                        </InlineStack>
                      </BlockStack>
                    </Box>
                  ))}
                </BlockStack>
              )}
              {data.alerts.pages > 1 ? (
                <Box padding="400">
                  <InlineStack align="center">
                    <Pagination
                      hasPrevious={data.alerts.page > 1}
                      previousURL={pageUrl(data.alerts.page - 1)}
                      hasNext={data.alerts.page < data.alerts.pages}
                      nextURL={pageUrl(data.alerts.page + 1)}
                      label={`Page ${data.alerts.page} of ${data.alerts.pages}`}
                    />
                  </InlineStack>
                </Box>
              ) : null}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </TitledPage>
  );
}
