import type { SalesReport } from "#app/services/report.server.ts";

const COLUMNS = [
  ["orders", "Orders"],
  ["units", "Units"],
  ["grossSales", "Gross sales"],
  ["discounts", "Discounts"],
  ["returns", "Returns"],
  ["netSales", "Net sales"],
  ["shipping", "Shipping"],
  ["taxes", "Taxes"],
  ["fees", "Fees"],
  ["cogs", "COGS"],
  ["contributionProfit", "Contribution profit"],
] as const;

/** The report as a plain-text table for a terminal. */
export function formatReportTable(report: SalesReport): string {
  const header = ["Channel", "Currency", ...COLUMNS.map(([, label]) => label)];
  const rows = [
    ...report.channels.map((row) => [row.channel, row.currency, ...COLUMNS.map(([key]) => String(row[key]))]),
    ["Total", report.total.currency, ...COLUMNS.map(([key]) => String(report.total[key]))],
  ];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const format = (cells: string[]) =>
    cells.map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join("  ");
  const lines = [
    `${report.shop}: ${report.from} to ${report.to} (${report.timezone})`,
    format(header),
    ...rows.map(format),
  ];
  for (const missing of report.total.unconverted) {
    lines.push(
      `Not in the total: ${missing.channel} ${missing.currency} net sales ${missing.netSales} — no ${missing.currency}→${report.total.currency} rate on ${missing.missingRateDays.join(", ")}.`,
    );
  }
  return lines.join("\n");
}
