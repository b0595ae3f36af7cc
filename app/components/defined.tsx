import { Tooltip } from "@shopify/polaris";

/**
 * A figure's or heading's name with its definition (from docs/metrics.md) one hover, focus or
 * tap away: dotted underline, reachable with the keyboard.
 */
export function Defined({ children, definition }: { children: string; definition: string }) {
  return (
    <Tooltip content={definition}>
      <span tabIndex={0} style={{ borderBottom: "1px dotted" }}>
        {children}
      </span>
    </Tooltip>
  );
}
