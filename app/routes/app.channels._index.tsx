import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  Divider,
  InlineStack,
  Layout,
  List,
  Modal,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";

import { AppToast, type Notice } from "#app/components/app-toast.tsx";
import { formatCount } from "#app/components/format.ts";
import { TitledPage } from "#app/components/titled-page.tsx";
import { useLiveData } from "#app/components/use-live-data.ts";
import { requireShop } from "#app/services/auth.server.ts";
import type { StatusKind } from "#app/services/channel-management.server.ts";
import { channelAction, channelsPage, type PageCard } from "#app/services/channels-page.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const page = await channelsPage(shop);
  // After the Best Buy form: which connection was just connected (the toast names it).
  const connectedId = new URL(request.url).searchParams.get("connected");
  const connected = connectedId ? page.cards.find((card) => card.id === connectedId) : undefined;
  return json({
    ...page,
    timezone: shop.timezone,
    connected: connected
      ? { id: connected.id, message: `${connected.displayName} connected: its history is importing.` }
      : null,
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session } = await requireShop(request);
  const form = Object.fromEntries(await request.formData());
  const actor = session.onlineAccessInfo?.associated_user?.email ?? "admin";
  const outcome = await channelAction(shop.id, form, actor);
  // A refused action is an answer (its message goes in the toast), not a failed request.
  return json({ ...outcome, at: Date.now() });
};

const TONES: Record<StatusKind, "success" | "info" | "attention" | "critical" | "warning" | undefined> = {
  connected: "success",
  syncing: "info",
  throttled: "attention",
  failing: "critical",
  paused: undefined,
  expiring: "warning",
  revoked: "critical",
};

function useDateFormat(timezone: string) {
  return useMemo(() => {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
    });
    return (iso: string | null) => (iso ? format.format(new Date(iso)) : "—");
  }, [timezone]);
}

function every(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "daily" : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "hourly" : `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}

export default function ChannelsPage() {
  const { cards, available, timezone, connected } = useLoaderData<typeof loader>();
  useLiveData(15_000);
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    if (connected) setNotice({ id: `connected-${connected.id}`, message: connected.message });
  }, [connected]);
  const notify = useCallback((next: Notice) => setNotice(next), []);
  const date = useDateFormat(timezone);
  return (
    <TitledPage title="Channels" subtitle={`Times in ${timezone}`}>
      <AppToast notice={notice} />
      <Layout>
        {cards.map((card) => (
          <Layout.Section key={card.id}>
            <ConnectionCardView card={card} date={date} notify={notify} />
          </Layout.Section>
        ))}
        {available.map((channel) => (
          <Layout.Section key={channel.channel}>
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {channel.name}
                  </Text>
                  <Badge>Not connected</Badge>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {channel.how}
                </Text>
                {channel.connectUrl ? (
                  <InlineStack>
                    <Button variant="primary" url={channel.connectUrl} accessibilityLabel={`Connect ${channel.name}`}>
                      Connect
                    </Button>
                  </InlineStack>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ))}
      </Layout>
    </TitledPage>
  );
}

type ActionData = { ok: boolean; message: string; at: number };

function ConnectionCardView({
  card,
  date,
  notify,
}: {
  card: PageCard;
  date: (iso: string | null) => string;
  notify: (notice: Notice) => void;
}) {
  const fetcher = useFetcher<ActionData>();
  const [confirming, setConfirming] = useState(false);
  const busy = fetcher.state !== "idle";
  const pending = busy ? String(fetcher.formData?.get("intent") ?? "") : "";
  // As soon as the action answers (a disconnected card is gone once the page revalidates).
  useEffect(() => {
    if (!fetcher.data) return;
    notify({ id: `${card.id}-${fetcher.data.at}`, message: fetcher.data.message, error: !fetcher.data.ok });
    setConfirming(false);
  }, [fetcher.data, card.id, notify]);
  const submit = (intent: string, extra: Record<string, string> = {}) =>
    fetcher.submit({ intent, connectionId: card.id, ...extra }, { method: "post" });
  const { words } = card;
  const paused = card.status === "paused";
  const revoked = card.status === "revoked";
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <InlineStack gap="200" align="space-between" blockAlign="center">
            <BlockStack gap="050">
              <Text as="h2" variant="headingMd">
                {card.channelName}
              </Text>
              <Text as="p" tone="subdued" breakWord>
                {card.displayName}
                {card.origin ? ` · ${card.origin}` : ""}
              </Text>
            </BlockStack>
            <span data-testid={`status-${card.channel}`}>
              <Badge tone={TONES[words.kind]}>{words.label}</Badge>
            </span>
          </InlineStack>
          {words.kind === "failing" || words.kind === "revoked" || words.kind === "expiring" ? (
            <Banner tone={words.kind === "expiring" ? "warning" : "critical"} title={words.label}>
              <BlockStack gap="100">
                <Text as="p">{words.detail}</Text>
                {words.action ? <Text as="p">{words.action}</Text> : null}
              </BlockStack>
            </Banner>
          ) : (
            <Text as="p">
              {words.detail}
              {words.action ? ` ${words.action}` : ""}
            </Text>
          )}
          {words.kind === "syncing" && card.data.progress !== null ? (
            <ProgressBar progress={Math.round(card.data.progress * 100)} size="small" tone="primary" />
          ) : null}
          {revoked && card.channel !== "shopify" ? (
            <InlineStack>
              <Button url={card.channel === "amazon" ? "/app/channels/amazon" : "/app/channels/bestbuy"}>
                Connect again
              </Button>
            </InlineStack>
          ) : null}
        </BlockStack>

        <ButtonGroup>
          <Button
            variant="primary"
            onClick={() => submit("sync")}
            loading={pending === "sync"}
            disabled={busy || paused || revoked}
          >
            Sync now
          </Button>
          {paused ? (
            <Button onClick={() => submit("resume")} loading={pending === "resume"} disabled={busy}>
              Resume
            </Button>
          ) : (
            <Button onClick={() => submit("pause")} loading={pending === "pause"} disabled={busy || revoked}>
              Pause
            </Button>
          )}
          {card.canDisconnect ? (
            <Button tone="critical" variant="secondary" onClick={() => setConfirming(true)} disabled={busy}>
              Disconnect
            </Button>
          ) : null}
        </ButtonGroup>

        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Streams
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={["Stream", "Schedule", "Last sync", "Result", "Records", "API calls", "Throttled", "Next sync"]}
            rows={card.streams.map((stream) => [
              stream.stream,
              every(stream.everyMinutes),
              date(stream.lastRun?.finishedAt ?? stream.lastRun?.startedAt ?? null),
              stream.lastRun?.status ?? "not synced yet",
              formatCount(stream.lastRun?.records ?? 0),
              formatCount(stream.lastRun?.apiCalls ?? 0),
              formatCount(stream.lastRun?.throttled ?? 0),
              stream.nextSyncAt ? date(stream.nextSyncAt) : paused ? "paused" : "—",
            ])}
          />
        </BlockStack>

        <RunHistory card={card} date={date} />
        <Quarantine card={card} date={date} notify={notify} />
      </BlockStack>

      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Disconnect ${card.displayName}?`}
        primaryAction={{
          content: "Disconnect and delete",
          destructive: true,
          loading: pending === "disconnect",
          onAction: () => submit("disconnect"),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">This deletes everything Crosschannel synced through this connection:</Text>
            <List>
              <List.Item>{formatCount(card.data.orders)} orders, with their refunds, cancellations and fees</List.Item>
              <List.Item>
                {formatCount(card.data.listings)} listings and {formatCount(card.data.inventoryLevels)} inventory levels
              </List.Item>
              <List.Item>
                The sync schedules of its {card.data.streams} streams, its run history and quarantined records
              </List.Item>
            </List>
            <Text as="p">
              Your products, unit costs and SKU mappings stay. Reports no longer include this channel&apos;s orders.
              Connecting again imports its history from the start.
            </Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Card>
  );
}

function RunHistory({ card, date }: { card: PageCard; date: (iso: string | null) => string }) {
  const [all, setAll] = useState(false);
  const runs = all ? card.runs : card.runs.slice(0, 5);
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          Run history
        </Text>
        {card.runs.length > 5 ? (
          <Button variant="plain" onClick={() => setAll(!all)}>
            {all ? "Show the last 5" : `Show all ${card.runs.length}`}
          </Button>
        ) : null}
      </InlineStack>
      {runs.length === 0 ? (
        <Text as="p" tone="subdued">
          No runs yet: the first sync is queued.
        </Text>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
          headings={["Started", "Stream", "Result", "Records", "Quarantined", "API calls", "Throttled", "Error"]}
          rows={runs.map((run) => [
            date(run.startedAt),
            run.stream,
            run.status,
            formatCount(run.records),
            formatCount(run.quarantined),
            formatCount(run.apiCalls),
            formatCount(run.throttled),
            run.error ?? "",
          ])}
        />
      )}
    </BlockStack>
  );
}

function Quarantine({
  card,
  date,
  notify,
}: {
  card: PageCard;
  date: (iso: string | null) => string;
  notify: (notice: Notice) => void;
}) {
  if (card.quarantined.length === 0) return null;
  return (
    <BlockStack gap="200">
      <Divider />
      <Text as="h3" variant="headingSm">
        Quarantined records ({card.quarantined.length})
      </Text>
      <Text as="p" tone="subdued">
        Records the channel sent that could not be stored. Fix the cause in the channel, then Retry: the next full sync
        of the stream reads the record again.
      </Text>
      {card.quarantined.map((record) => (
        <QuarantinedRecordView key={record.id} record={record} date={date} notify={notify} />
      ))}
    </BlockStack>
  );
}

function QuarantinedRecordView({
  record,
  date,
  notify,
}: {
  record: PageCard["quarantined"][number];
  date: (iso: string | null) => string;
  notify: (notice: Notice) => void;
}) {
  const fetcher = useFetcher<ActionData>();
  useEffect(() => {
    if (!fetcher.data) return;
    notify({ id: `${record.id}-${fetcher.data.at}`, message: fetcher.data.message, error: !fetcher.data.ok });
  }, [fetcher.data, record.id, notify]);
  return (
    <Box padding="300" borderColor="border" borderWidth="025" borderRadius="200">
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="p" fontWeight="semibold" breakWord>
            {record.stream} · {record.externalId ?? "no id"} · {date(record.at)}
          </Text>
          <Button
            onClick={() => fetcher.submit({ intent: "retry", recordId: record.id }, { method: "post" })}
            loading={fetcher.state !== "idle"}
          >
            Retry
          </Button>
        </InlineStack>
        <Text as="p" tone="critical" breakWord>
          {record.reason}
        </Text>
        <Box background="bg-surface-secondary" padding="200" borderRadius="100" overflowX="scroll">
          <pre style={{ margin: 0, fontSize: 12, maxHeight: 240 }}>{record.payload}</pre>
        </Box>
      </BlockStack>
    </Box>
  );
}
