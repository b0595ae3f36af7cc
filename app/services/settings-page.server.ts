/**
 * The Settings page's forms (app/routes/app.settings.tsx): each takes the form's raw strings,
 * checks every field, answers field errors named after the form's own fields (never the CLI's
 * flags), and stores nothing when any field is wrong. The work itself is done by the services
 * the CLI uses (unit costs, SKU mapping, exchange rates, alert destinations).
 */
import type { Channel } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { CHANNEL_IDS, channelName, isChannel } from "#app/services/channels.server.ts";
import { importReferenceRates, setManualRate } from "#app/services/fx.server.ts";
import { audit } from "#app/services/shops.server.ts";
import { mapSku, unmatchedSkus } from "#app/services/skus.server.ts";
import {
  CostImportError,
  importCostCsv,
  overrideUnitCost,
  previewCostCsv,
  type CostRowError,
} from "#app/services/unit-costs.server.ts";
import { InputError, parseCurrency, parseDay, parseRate } from "#app/services/validation.server.ts";

export const SETTINGS_SECTIONS = ["costs", "skus", "rates", "stock", "alerts", "audit"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/** The section a `?section=` names; the costs section when it names none we know. */
export function settingsSection(value: string | null | undefined): SettingsSection {
  return (SETTINGS_SECTIONS as readonly string[]).includes(value ?? "") ? (value as SettingsSection) : "costs";
}

/** A `?page=` number: a whole number from 1, else 1. */
export function pageNumber(value: string | null | undefined): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}

/** Who the page's changes are audited as (the shop's merchant in Shopify admin, or the standalone demo's). */
export const MERCHANT = "merchant";

export type FieldErrors = Record<string, string>;
export type FormResult = { ok: true; message: string } | { ok: false; message: string; fieldErrors: FieldErrors };

function failed(fieldErrors: FieldErrors, labels: Record<string, string>): FormResult {
  const names = Object.keys(fieldErrors).map((field) => labels[field] ?? field);
  return { ok: false, fieldErrors, message: `Check ${names.join(", ")}: nothing was saved.` };
}

const text = (value: FormDataEntryValue | null | undefined) => (typeof value === "string" ? value.trim() : "");

// --- Unit costs ---------------------------------------------------------------------------

const COST_LABELS = { sku: "SKU", cost: "cost", currency: "currency" };

/** One SKU's cost set by hand (effective today). */
export async function overrideCostFromForm(
  shopId: string,
  input: { sku: FormDataEntryValue | null; cost: FormDataEntryValue | null; currency: FormDataEntryValue | null },
  today = new Date(),
): Promise<FormResult> {
  const sku = text(input.sku);
  const cost = text(input.cost);
  const currency = text(input.currency).toUpperCase();
  const fieldErrors: FieldErrors = {};
  if (sku === "") fieldErrors.sku = "Enter the SKU of a product of your catalog.";
  if (cost === "") fieldErrors.cost = "Enter the unit cost, e.g. 12.50.";
  if (currency === "") fieldErrors.currency = "Enter the cost's currency, e.g. USD.";
  if (Object.keys(fieldErrors).length > 0) return failed(fieldErrors, COST_LABELS);
  try {
    await overrideUnitCost(shopId, { sku, cost, currency }, MERCHANT, today);
  } catch (error) {
    if (!(error instanceof CostImportError)) throw error;
    for (const problem of error.errors) {
      const field = problem.field in COST_LABELS ? problem.field : "sku";
      fieldErrors[field] ??= problem.message;
    }
    return failed(fieldErrors, COST_LABELS);
  }
  return { ok: true, message: `${sku} now costs ${cost} ${currency}; its orders' COGS are recomputed.` };
}

/** Largest cost file the page accepts (50,000 rows fit well within it). */
export const MAX_COST_FILE_BYTES = 5 * 1024 * 1024;

export interface CostPreviewRow {
  line: number;
  sku: string;
  title: string | null;
  currentCost: string | null;
  currentCurrency: string | null;
  cost: string;
  currency: string;
  effectiveDate: string;
}

export type CostFileResult =
  | { ok: false; message: string; fieldErrors: FieldErrors }
  | {
      ok: true;
      fileName: string;
      /** The file's text, sent back with the confirmation (checked again in full then). */
      csv: string;
      rows: CostPreviewRow[];
      /** Rows beyond `rows` (the preview lists the first 100). */
      more: number;
      errors: CostRowError[];
    };

const PREVIEW_ROWS = 100;

async function readUpload(file: FormDataEntryValue | null, what: string): Promise<{ name: string; text: string }> {
  if (file === null || typeof file === "string" || file.size === 0) {
    throw new InputError("file", `Choose a ${what} file to upload.`);
  }
  if (file.size > MAX_COST_FILE_BYTES) {
    throw new InputError(
      "file",
      `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_COST_FILE_BYTES / 1024 / 1024} MB: split it.`,
    );
  }
  return { name: file.name || `${what}.csv`, text: await file.text() };
}

/** Checks an uploaded cost CSV against the catalog and lists what would be imported; nothing is written. */
export async function previewCostFile(shopId: string, file: FormDataEntryValue | null): Promise<CostFileResult> {
  let upload: { name: string; text: string };
  try {
    upload = await readUpload(file, "cost CSV");
  } catch (error) {
    if (error instanceof InputError) return { ok: false, message: error.message, fieldErrors: { file: error.message } };
    throw error;
  }
  const preview = await previewCostCsv(shopId, upload.text);
  const shown = preview.rows.slice(0, PREVIEW_ROWS);
  const current = new Map(
    (
      await prisma.product.findMany({
        where: { shopId, sku: { in: shown.map((row) => row.sku).filter(Boolean) } },
        select: { sku: true, title: true, unitCost: true, costCurrency: true },
      })
    ).map((product) => [product.sku, product]),
  );
  return {
    ok: true,
    fileName: upload.name,
    csv: upload.text,
    more: preview.rows.length - shown.length,
    errors: preview.errors,
    rows: shown.map((row) => {
      const product = current.get(row.sku);
      return {
        line: row.line,
        sku: row.sku,
        title: product?.title ?? null,
        currentCost: product?.unitCost?.toString() ?? null,
        currentCurrency: product?.costCurrency ?? null,
        cost: row.cost,
        currency: row.currency,
        effectiveDate: row.effectiveDate,
      };
    }),
  };
}

export type CostImportResult =
  { ok: true; message: string; imported: number } | { ok: false; message: string; errors: CostRowError[] };

/** The confirmed import: every row, or none when any row is bad (checked again in full). */
export async function importCostFile(shopId: string, csv: string, fileName: string): Promise<CostImportResult> {
  if (csv.trim() === "") return { ok: false, message: "Upload the file again: the preview was lost.", errors: [] };
  try {
    const { imported } = await importCostCsv(shopId, csv, MERCHANT, fileName.slice(0, 200) || "costs.csv");
    return {
      ok: true,
      imported,
      message: `Imported ${imported} unit cost${imported === 1 ? "" : "s"} from ${fileName}; COGS are recomputed.`,
    };
  } catch (error) {
    if (error instanceof CostImportError) return { ok: false, message: error.message, errors: error.errors };
    throw error;
  }
}

// --- SKU mapping --------------------------------------------------------------------------

export interface UnmatchedSkuView {
  channel: Channel;
  channelName: string;
  sku: string;
  rows: number;
}

export async function unmatchedSkuList(shopId: string): Promise<UnmatchedSkuView[]> {
  return (await unmatchedSkus(shopId))
    .filter((row): row is typeof row & { channel: Channel } => isChannel(row.channel))
    .map((row) => ({ ...row, channelName: channelName(row.channel) }));
}

/** Maps a channel's SKU to a catalog product from the form's channel, sku and to fields. */
export async function mapSkuFromForm(
  shopId: string,
  input: { channel: FormDataEntryValue | null; sku: FormDataEntryValue | null; to: FormDataEntryValue | null },
): Promise<FormResult> {
  const channel = text(input.channel);
  const sku = text(input.sku);
  const to = text(input.to);
  const fieldErrors: FieldErrors = {};
  if (!isChannel(channel)) fieldErrors.channel = `Choose the channel: one of ${CHANNEL_IDS.join(", ")}.`;
  if (sku === "") fieldErrors.sku = "Name the SKU the channel uses.";
  if (to === "") fieldErrors.to = "Enter the catalog SKU this channel SKU is, e.g. MUG-BLUE.";
  else if (!(await prisma.product.findUnique({ where: { shopId_sku: { shopId, sku: to } }, select: { id: true } }))) {
    fieldErrors.to = `No product of your catalog has the SKU ${to}: enter a SKU listed under Unit costs.`;
  }
  const labels = { channel: "channel", sku: "channel SKU", to: "catalog SKU" };
  if (Object.keys(fieldErrors).length > 0 || !isChannel(channel)) return failed(fieldErrors, labels);
  const result = await mapSku(shopId, { channel, sku, to }, { actor: MERCHANT });
  return {
    ok: true,
    message: `${channelName(channel)} ${sku} is now ${result.product} (${result.lines} order line${result.lines === 1 ? "" : "s"} linked); COGS are recomputed.`,
  };
}

// --- Exchange rates -----------------------------------------------------------------------

/** A manual rate from the form's base, quote, day and rate: 1 base = rate quote on that day. */
export async function saveManualRateFromForm(
  shop: { id: string },
  input: {
    base: FormDataEntryValue | null;
    quote: FormDataEntryValue | null;
    day: FormDataEntryValue | null;
    rate: FormDataEntryValue | null;
  },
): Promise<FormResult> {
  const fieldErrors: FieldErrors = {};
  const check = <T>(field: string, parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      fieldErrors[field] = error.message;
      return undefined;
    }
  };
  const base = check("base", () => parseCurrency(text(input.base), "From currency"));
  const quote = check("quote", () => parseCurrency(text(input.quote), "To currency"));
  const day = check("day", () => parseDay(text(input.day), "Day"));
  const rate = check("rate", () => parseRate(text(input.rate), "Rate"));
  if (base && quote && base === quote)
    fieldErrors.quote = `To currency must differ from From currency; both are ${base}.`;
  const labels = { base: "From currency", quote: "To currency", day: "Day", rate: "Rate" };
  if (Object.keys(fieldErrors).length > 0 || !base || !quote || !day || !rate) return failed(fieldErrors, labels);
  const stored = await setManualRate(shop.id, { base, quote, day, rate });
  const shown = stored.rate.toFixed(10).replace(/0+$/, "").replace(/\.$/, "");
  await audit(shop.id, MERCHANT, "fx.set", { day, base, quote, rate: stored.rate.toFixed(10) });
  return {
    ok: true,
    message: `1 ${base} = ${shown} ${quote} on ${day} (manual rate, used before any reference rate).`,
  };
}

/** An uploaded ECB reference-rate file (eurofxref-hist CSV or XML). */
export async function importRatesFile(
  shop: { id: string; currency: string },
  file: FormDataEntryValue | null,
): Promise<FormResult> {
  try {
    const upload = await readUpload(file, "ECB reference-rate");
    const result = await importReferenceRates(shop, upload.text, upload.name);
    await audit(shop.id, MERCHANT, "fx.import", { file: upload.name, ...result });
    const missing =
      result.missingCurrencies.length > 0
        ? ` Not in the file: ${result.missingCurrencies.join(", ")}; set those as manual rates.`
        : "";
    return {
      ok: true,
      message:
        `${result.stored} reference rates from ${result.days} days (${result.firstDay} to ${result.lastDay})` +
        (result.pairs.length > 0
          ? ` for ${result.pairs.join(", ")}.`
          : "; the shop has no amounts in other currencies.") +
        missing,
    };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { ok: false, message: `Nothing was imported: ${error.message}`, fieldErrors: { file: error.message } };
  }
}

/** The shop's manual rates, newest day first. */
export async function manualRates(shopId: string, take = 20) {
  const rows = await prisma.fxRate.findMany({
    where: { shopId, source: "manual" },
    orderBy: [{ day: "desc" }, { base: "asc" }, { quote: "asc" }],
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    day: row.day.toISOString().slice(0, 10),
    base: row.base,
    quote: row.quote,
    rate: row.rate.toFixed(10).replace(/0+$/, "").replace(/\.$/, ""),
  }));
}

/** Reference rates stored: how many, and the days they span. */
export async function referenceRateSummary(shopId: string) {
  const summary = await prisma.fxRate.aggregate({
    where: { shopId, source: "reference" },
    _count: true,
    _min: { day: true },
    _max: { day: true },
  });
  return {
    count: summary._count,
    firstDay: summary._min.day?.toISOString().slice(0, 10) ?? null,
    lastDay: summary._max.day?.toISOString().slice(0, 10) ?? null,
  };
}

// --- Stock --------------------------------------------------------------------------------

export const LEAD_TIME_DAYS = { min: 1, max: 365 } as const;
export const SERVICE_LEVEL_PERCENT = { min: 50, max: 99.9 } as const;

export async function stockSettings(shopId: string) {
  const shop = await prisma.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { leadTimeDays: true, serviceLevel: true },
  });
  return {
    leadTimeDays: shop.leadTimeDays,
    serviceLevelPercent: (Number(shop.serviceLevel.toString()) * 100).toFixed(1).replace(/\.0$/, ""),
  };
}

/** The shop's default lead time (whole days) and service level (percent, one decimal at most). */
export async function saveStockSettingsFromForm(
  shopId: string,
  input: { leadTimeDays: FormDataEntryValue | null; serviceLevel: FormDataEntryValue | null },
): Promise<FormResult> {
  const leadText = text(input.leadTimeDays);
  const levelText = text(input.serviceLevel).replace(/%$/, "").trim();
  const fieldErrors: FieldErrors = {};
  const lead = /^\d+$/.test(leadText) ? Number(leadText) : NaN;
  if (!(lead >= LEAD_TIME_DAYS.min && lead <= LEAD_TIME_DAYS.max)) {
    fieldErrors.leadTimeDays = `Lead time must be a whole number of days from ${LEAD_TIME_DAYS.min} to ${LEAD_TIME_DAYS.max}; got ${JSON.stringify(leadText)}.`;
  }
  const level = /^\d{1,3}(\.\d)?$/.test(levelText) ? Number(levelText) : NaN;
  if (!(level >= SERVICE_LEVEL_PERCENT.min && level <= SERVICE_LEVEL_PERCENT.max)) {
    fieldErrors.serviceLevel = `Service level must be a percentage from ${SERVICE_LEVEL_PERCENT.min} to ${SERVICE_LEVEL_PERCENT.max} with at most one decimal, e.g. 95; got ${JSON.stringify(levelText)}.`;
  }
  if (Object.keys(fieldErrors).length > 0) {
    return failed(fieldErrors, { leadTimeDays: "Lead time", serviceLevel: "Service level" });
  }
  // Stored as a fraction with 3 decimals (Shop.serviceLevel numeric(4, 3)): 97.5 % → 0.975.
  const fraction = (Math.round(level * 10) / 1000).toFixed(3);
  const before = await stockSettings(shopId);
  await prisma.shop.update({ where: { id: shopId }, data: { leadTimeDays: lead, serviceLevel: fraction } });
  await audit(shopId, MERCHANT, "stock.settings_updated", {
    leadTimeDays: { from: before.leadTimeDays, to: lead },
    serviceLevelPercent: { from: before.serviceLevelPercent, to: String(level) },
  });
  return {
    ok: true,
    message: `Lead time ${lead} days and service level ${level}% saved; reorder points use them from the next forecast refresh.`,
  };
}

// --- Alert destinations -------------------------------------------------------------------

/** The destination form's fields as the alert-destinations service reads them. */
export function destinationInput(form: FormData, options: { update?: boolean } = {}): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: text(form.get("name")),
    alertKinds: form.getAll("alertKinds").map(text).filter(Boolean),
    minSeverity: text(form.get("minSeverity")) || undefined,
    frequency: text(form.get("frequency")) || undefined,
    enabled: form.get("enabled") === "on" || form.get("enabled") === "true",
  };
  if (!options.update) input.kind = text(form.get("kind")) || undefined;
  const kind = options.update ? text(form.get("currentKind")) : input.kind;
  if (kind === "email") input.emails = text(form.get("emails"));
  if (kind === "slack") {
    const url = text(form.get("slackWebhookUrl"));
    // Editing: an empty URL keeps the stored one.
    if (url !== "" || !options.update) input.slackWebhookUrl = url;
  }
  return input;
}

// --- Audit log ----------------------------------------------------------------------------

/** What an audit entry's action means, in words (unknown actions are shown as they are). */
export const AUDIT_ACTIONS: Record<string, string> = {
  "shop.installed": "App installed",
  "shop.added": "Shop added",
  "shop.uninstalled": "App uninstalled",
  "connection.saved": "Channel connected",
  "quarantine.retried": "Quarantined record retried",
  "customers.data_request": "Customer data requested",
  "customers.redact": "Customer data deleted",
  "export.created": "Table exported",
  "connection.paused": "Connection paused",
  "connection.resumed": "Connection resumed",
  "connection.disconnected": "Channel disconnected",
  "costs.imported": "Unit costs imported",
  "costs.overridden": "Unit cost set",
  "sku.mapped": "SKU mapped",
  "fx.set": "Exchange rate set",
  "fx.import": "Reference rates imported",
  "stock.settings_updated": "Stock settings changed",
  "alert_destination.created": "Alert destination added",
  "alert_destination.updated": "Alert destination changed",
  "alert_destination.deleted": "Alert destination deleted",
};

/** An audit entry's data in words: "file: costs.csv, rows: 2" (nested values as JSON). */
export function auditDetails(data: string | null): string {
  if (data === null) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return data;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return JSON.stringify(parsed);
  return Object.entries(parsed as Record<string, unknown>)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}
