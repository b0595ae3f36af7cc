import type { LoaderFunctionArgs } from "@remix-run/node";

import { ExportError, exportCsv } from "#app/services/exports.server.ts";

/**
 * A CSV download from a signed, 5-minute URL made by /app/export for one shop. Not behind the
 * admin session (a download navigation cannot carry App Bridge's token): the signature is the
 * authorisation, and it names the shop.
 */
export const loader = async ({ params }: LoaderFunctionArgs) => {
  try {
    const { filename, csv } = await exportCsv(params.token ?? "");
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof ExportError) {
      return new Response(error.message, {
        status: error.status,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    throw error;
  }
};
