// Every chart of the app, wrapped once. Pages import charts from here and never from
// `@shopify/polaris-viz`, so a later move to another chart library (polaris-viz 16.16.0 is its
// last release: docs/decisions/008-polaris-react-and-polaris-viz.md) touches this file only.
//
// polaris-viz measures its container in the browser and draws nothing on the server. Each chart
// therefore sits in a slot of fixed height that holds a skeleton until the chart has drawn, so
// nothing moves when it appears (CLS), and the first paint never waits for the chart's script.
import {
  BarChart as VizBarChart,
  DonutChart as VizDonutChart,
  LineChart as VizLineChart,
  PolarisVizProvider,
  StackedAreaChart as VizStackedAreaChart,
} from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { SkeletonBodyText, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";

/** The stylesheet polaris-viz needs, for a route's or the layout's `links`. */
export const chartLinks = () => [{ rel: "stylesheet", href: vizStyles }];

/** One point of a series: `key` is the x value (a day, a channel, a product), `value` the y. */
export interface ChartPoint {
  key: string;
  value: number | null;
}

/** A named series. `comparison` draws it as the comparison period (dashed, muted). */
export interface ChartSeries {
  name: string;
  data: ChartPoint[];
  color?: string;
  comparison?: boolean;
}

/** A marked range on a chart's x axis (an anomaly, a promotion), with a sentence saying what it is. */
export interface ChartMark {
  key: string;
  endKey?: string;
  label: string;
  detail?: string;
}

export interface ChartProps {
  series: ChartSeries[];
  /** Height of the slot in pixels; the slot keeps it before, while and after the chart draws. */
  height?: number;
  /** Read by screen readers in place of the drawing. */
  label: string;
  formatValue?: (value: number) => string;
  formatKey?: (key: string) => string;
  emptyText?: string;
  marks?: ChartMark[];
  showLegend?: boolean;
}

/** Provides the charts' theme; mounted once by the app layout. */
export function ChartsProvider({ children }: { children: ReactNode }) {
  return <PolarisVizProvider>{children}</PolarisVizProvider>;
}

/** True after the first render in the browser (never on the server, never during hydration). */
function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** A fixed-height box: the skeleton while the chart cannot draw, the chart once it can. */
export function ChartSlot({ height, label, children }: { height: number; label: string; children: () => ReactNode }) {
  const mounted = useMounted();
  return (
    <div role="img" aria-label={label} style={{ height, width: "100%", position: "relative", overflow: "hidden" }}>
      {mounted ? (
        children()
      ) : (
        <div style={{ paddingTop: 8 }}>
          <SkeletonBodyText lines={Math.max(2, Math.floor(height / 40))} />
        </div>
      )}
    </div>
  );
}

function vizData(series: ChartSeries[]) {
  return series.map((item) => ({
    name: item.name,
    color: item.color,
    isComparison: item.comparison ?? false,
    data: item.data.map((point) => ({ key: point.key, value: point.value })),
  }));
}

function hasValues(series: ChartSeries[]): boolean {
  return series.some((item) => item.data.some((point) => point.value !== null && point.value !== 0));
}

function EmptyChart({ height, text }: { height: number; text: string }) {
  return (
    <div style={{ height, display: "flex", alignItems: "center", justifyContent: "center" }}>
      <Text as="p" tone="subdued">
        {text}
      </Text>
    </div>
  );
}

function axisFormatters(props: ChartProps) {
  const value = (input: string | number | null) =>
    input === null ? "" : props.formatValue ? props.formatValue(Number(input)) : String(input);
  const key = (input: string | number | null) =>
    input === null ? "" : props.formatKey ? props.formatKey(String(input)) : String(input);
  return {
    xAxisOptions: { labelFormatter: key },
    yAxisOptions: { labelFormatter: value },
    tooltipOptions: { valueFormatter: value, keyFormatter: key, titleFormatter: key },
  };
}

function annotations(marks: ChartMark[] | undefined) {
  return (marks ?? []).map((mark) => ({
    axis: "x" as const,
    label: mark.label,
    startKey: mark.key,
    endKey: mark.endKey,
    content: mark.detail ? { content: mark.detail } : undefined,
  }));
}

/** Values over time, one line per series (comparison series dashed). */
export function LineChart(props: ChartProps) {
  const height = props.height ?? 280;
  return (
    <ChartSlot height={height} label={props.label}>
      {() =>
        hasValues(props.series) ? (
          <VizLineChart
            data={vizData(props.series)}
            isAnimated={false}
            showLegend={props.showLegend ?? true}
            annotations={annotations(props.marks)}
            {...axisFormatters(props)}
          />
        ) : (
          <EmptyChart height={height} text={props.emptyText ?? "No data in this period."} />
        )
      }
    </ChartSlot>
  );
}

/** Values over time stacked: the parts (channels) add up to the whole. */
export function StackedAreaChart(props: ChartProps) {
  const height = props.height ?? 280;
  return (
    <ChartSlot height={height} label={props.label}>
      {() =>
        hasValues(props.series) ? (
          <VizStackedAreaChart
            data={vizData(props.series.filter((item) => !item.comparison))}
            isAnimated={false}
            showLegend={props.showLegend ?? true}
            {...axisFormatters(props)}
          />
        ) : (
          <EmptyChart height={height} text={props.emptyText ?? "No data in this period."} />
        )
      }
    </ChartSlot>
  );
}

/** Bars per key; several series side by side (or stacked with `stacked`). */
export function BarChart(props: ChartProps & { horizontal?: boolean; stacked?: boolean }) {
  const height = props.height ?? 280;
  return (
    <ChartSlot height={height} label={props.label}>
      {() =>
        hasValues(props.series) ? (
          <VizBarChart
            data={vizData(props.series)}
            isAnimated={false}
            direction={props.horizontal ? "horizontal" : "vertical"}
            type={props.stacked ? "stacked" : "default"}
            showLegend={props.showLegend ?? props.series.length > 1}
            annotations={annotations(props.marks)}
            {...axisFormatters(props)}
          />
        ) : (
          <EmptyChart height={height} text={props.emptyText ?? "No data in this period."} />
        )
      }
    </ChartSlot>
  );
}

/** Shares of a whole: one slice per series (its first point's value). */
export function DonutChart(props: ChartProps) {
  const height = props.height ?? 240;
  return (
    <ChartSlot height={height} label={props.label}>
      {() =>
        hasValues(props.series) ? (
          <VizDonutChart
            data={vizData(props.series)}
            isAnimated={false}
            showLegend={props.showLegend ?? true}
            legendPosition="right"
            labelFormatter={(value) => (props.formatValue ? props.formatValue(Number(value)) : String(value))}
          />
        ) : (
          <EmptyChart height={height} text={props.emptyText ?? "No data in this period."} />
        )
      }
    </ChartSlot>
  );
}
