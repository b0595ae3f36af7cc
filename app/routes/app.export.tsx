import type { ActionFunctionArgs } from "@remix-run/node";

import { requireShop } from "#app/services/auth.server.ts";
import { ExportError, exportPath, exportToken } from "#app/services/exports.server.ts";
import { audit } from "#app/services/shops.server.ts";

/**
 * POST table=<name>&params=<the page's query string>: a download URL for the authenticated
 * shop's table as the page shows it, valid for 5 minutes (app/services/exports.server.ts).
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const table = String(form.get("table") ?? "");
  const params = new URLSearchParams(String(form.get("params") ?? ""));
  try {
    const url = exportPath(exportToken(shop.id, table, params));
    // Exports carry the shop's data out of the app: the Settings page's audit log lists them.
    await audit(shop.id, "merchant", "export.created", { table, params: params.toString() });
    return { url, error: null };
  } catch (error) {
    if (error instanceof ExportError)
      return Response.json({ url: null, error: error.message }, { status: error.status });
    throw error;
  }
};
