/**
 * Unit costs (COGS) the merchant sets: per SKU on the Settings page, or a CSV of
 * `sku,cost,currency,effective_date`. A CSV is checked whole first: one bad row and nothing
 * is imported, and each error names its line. Costs from Shopify's catalog arrive through the
 * sync (connectors.server.ts); a cost set here wins until Shopify reports a newer one.
 */
import { parse } from "csv-parse/sync";

import prisma from "#app/db.server.ts";
import { markRollupsStale, refreshRollups } from "#app/services/rollups.server.ts";
import { audit } from "#app/services/shops.server.ts";

export interface CostRow {
  line: number;
  sku: string;
  cost: string;
  currency: string;
  effectiveDate: string;
}

export interface CostRowError {
  line: number;
  field: string;
  message: string;
}

export interface CostPreview {
  rows: CostRow[];
  errors: CostRowError[];
}

const HEADER = ["sku", "cost", "currency", "effective_date"];
const MAX_ROWS = 50_000;

function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** Parses and validates a cost CSV against the shop's catalog; nothing is written. */
export async function previewCostCsv(shopId: string, text: string): Promise<CostPreview> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, field: "file", message: `Not readable as CSV: ${(error as Error).message}` }] };
  }
  const errors: CostRowError[] = [];
  if (records.length === 0) {
    return { rows: [], errors: [{ line: 1, field: "file", message: "The file is empty; expected a header row." }] };
  }
  const header = records[0]!.map(normalizeHeader);
  const missing = HEADER.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    return {
      rows: [],
      errors: [
        {
          line: 1,
          field: "header",
          message: `The header must name the columns ${HEADER.join(", ")}; missing ${missing.join(", ")}.`,
        },
      ],
    };
  }
  if (records.length - 1 > MAX_ROWS) {
    return { rows: [], errors: [{ line: 1, field: "file", message: `At most ${MAX_ROWS} rows per file.` }] };
  }
  const column = Object.fromEntries(HEADER.map((name) => [name, header.indexOf(name)]));
  const rows: CostRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    const value = (name: string) => (record[column[name]!] ?? "").trim();
    const row: CostRow = {
      line,
      sku: value("sku"),
      cost: value("cost"),
      currency: value("currency").toUpperCase(),
      effectiveDate: value("effective_date"),
    };
    if (row.sku === "") errors.push({ line, field: "sku", message: "The SKU is empty." });
    else if (seen.has(row.sku)) {
      errors.push({
        line,
        field: "sku",
        message: `${row.sku} is also on line ${seen.get(row.sku)}; keep one row per SKU.`,
      });
    } else seen.set(row.sku, line);
    if (!/^\d{1,14}(\.\d{1,4})?$/.test(row.cost)) {
      errors.push({
        line,
        field: "cost",
        message: `The cost ${JSON.stringify(row.cost)} is not an amount (use digits and a dot, e.g. 12.50, at most 4 decimals).`,
      });
    }
    if (!/^[A-Z]{3}$/.test(row.currency)) {
      errors.push({
        line,
        field: "currency",
        message: `The currency ${JSON.stringify(row.currency)} is not a 3-letter ISO code (e.g. USD).`,
      });
    }
    const date = /^\d{4}-\d{2}-\d{2}$/.test(row.effectiveDate) ? new Date(`${row.effectiveDate}T00:00:00Z`) : null;
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== row.effectiveDate) {
      errors.push({
        line,
        field: "effective_date",
        message: `The effective date ${JSON.stringify(row.effectiveDate)} is not a date (YYYY-MM-DD).`,
      });
    }
    rows.push(row);
  });
  if (rows.length === 0) errors.push({ line: 2, field: "file", message: "The file has a header but no rows." });
  const skus = rows.map((row) => row.sku).filter(Boolean);
  const known = new Set(
    (await prisma.product.findMany({ where: { shopId, sku: { in: skus } }, select: { sku: true } })).map((p) => p.sku),
  );
  for (const row of rows) {
    if (row.sku !== "" && !known.has(row.sku)) {
      errors.push({
        line: row.line,
        field: "sku",
        message: `No product has the SKU ${row.sku} in this shop's catalog.`,
      });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

export class CostImportError extends Error {
  override readonly name = "CostImportError";
  constructor(readonly errors: CostRowError[]) {
    super(
      `Nothing was imported: ${errors.length} error${errors.length === 1 ? "" : "s"}; first on line ${errors[0]?.line}: ${errors[0]?.message}`,
    );
  }
}

/** Where a stored unit cost came from (Product.costSource). */
export type CostSource = "shopify" | "csv" | "manual";

async function applyCosts(
  shopId: string,
  rows: readonly Omit<CostRow, "line">[],
  source: Exclude<CostSource, "shopify">,
): Promise<void> {
  await prisma.$transaction(
    rows.map((row) =>
      prisma.product.update({
        where: { shopId_sku: { shopId, sku: row.sku } },
        data: {
          unitCost: row.cost,
          costCurrency: row.currency,
          costUpdatedAt: new Date(`${row.effectiveDate}T00:00:00Z`),
          costSource: source,
        },
      }),
    ),
  );
  await markRollupsStale(shopId, { skus: rows.map((row) => row.sku) });
  await refreshRollups(shopId);
}

/** Imports a cost CSV: all rows or, when any is bad, none (CostImportError lists them). */
export async function importCostCsv(
  shopId: string,
  text: string,
  actor: string,
  fileName = "costs.csv",
): Promise<{ imported: number }> {
  const preview = await previewCostCsv(shopId, text);
  if (preview.errors.length > 0) throw new CostImportError(preview.errors);
  await applyCosts(shopId, preview.rows, "csv");
  await audit(shopId, actor, "costs.imported", { file: fileName, rows: preview.rows.length });
  return { imported: preview.rows.length };
}

/** Sets one SKU's unit cost by hand (overriding Shopify's until Shopify reports a newer one). */
export async function overrideUnitCost(
  shopId: string,
  input: { sku: string; cost: string; currency: string },
  actor: string,
  today = new Date(),
): Promise<void> {
  const csv = `sku,cost,currency,effective_date\n${[
    input.sku,
    input.cost,
    input.currency,
    today.toISOString().slice(0, 10),
  ]
    .map((value) => `"${value.replaceAll('"', '""')}"`)
    .join(",")}\n`;
  const preview = await previewCostCsv(shopId, csv);
  if (preview.errors.length > 0) throw new CostImportError(preview.errors);
  await applyCosts(shopId, preview.rows, "manual");
  await audit(shopId, actor, "costs.overridden", {
    sku: input.sku,
    cost: input.cost,
    currency: preview.rows[0]!.currency,
  });
}

/** The catalog's unit costs, a page at a time. */
export async function unitCosts(shopId: string, page = 1, pageSize = 25) {
  const [total, products] = await Promise.all([
    prisma.product.count({ where: { shopId } }),
    prisma.product.findMany({
      where: { shopId },
      orderBy: { sku: "asc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { sku: true, title: true, unitCost: true, costCurrency: true, costUpdatedAt: true, costSource: true },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    products: products.map((p) => ({
      sku: p.sku,
      title: p.title,
      unitCost: p.unitCost?.toString() ?? null,
      currency: p.costCurrency,
      updatedAt: p.costUpdatedAt?.toISOString() ?? null,
      source: p.unitCost === null ? null : ((p.costSource as CostSource | null) ?? null),
    })),
  };
}

/** The shop's audit log, newest first, a page at a time. */
export async function auditLog(shopId: string, page = 1, pageSize = 20) {
  const [total, entries] = await Promise.all([
    prisma.auditLog.count({ where: { shopId } }),
    prisma.auditLog.findMany({
      where: { shopId },
      orderBy: { createdAt: "desc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    entries: entries.map((e) => ({
      id: e.id,
      actor: e.actor,
      action: e.action,
      target: e.target,
      data: e.data === null ? null : JSON.stringify(e.data),
      at: e.createdAt.toISOString(),
    })),
  };
}
