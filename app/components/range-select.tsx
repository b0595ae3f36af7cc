import { Select } from "@shopify/polaris";

export interface RangePreset {
  id: string;
  label: string;
  from: string;
  to: string;
}

/**
 * The date range as one select of presets (Last 30 days, Month to date, ...). A range set by
 * the URL that is no preset shows as its own option, so the select never lies about the days.
 */
export function RangeSelect({
  presets,
  range,
  onChange,
  id = "range-preset",
}: {
  presets: readonly RangePreset[];
  range: { from: string; to: string };
  onChange: (range: { from: string; to: string }) => void;
  id?: string;
}) {
  const current = presets.find((preset) => preset.from === range.from && preset.to === range.to);
  const options = [
    ...(current ? [] : [{ label: `${range.from} to ${range.to}`, value: "custom" }]),
    ...presets.map((preset) => ({ label: preset.label, value: preset.id })),
  ];
  return (
    <Select
      label="Date range"
      id={id}
      options={options}
      value={current?.id ?? "custom"}
      onChange={(value) => {
        const preset = presets.find((entry) => entry.id === value);
        if (preset) onChange({ from: preset.from, to: preset.to });
      }}
    />
  );
}
