import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";

import { standaloneShop } from "#app/services/auth.server.ts";
import { login } from "#app/shopify.server.ts";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || standaloneShop()) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return { showForm: Boolean(login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <main style={{ fontFamily: "Inter, system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>Crosschannel</h1>
      <p>
        Your Shopify, Amazon and Best Buy Marketplace sales, fees, profit and inventory in one place, with forecasts and
        alerts, inside Shopify admin.
      </p>
      {showForm && (
        <Form method="post" action="/auth/login">
          <label>
            <span>Shop domain </span>
            <input type="text" name="shop" placeholder="example.myshopify.com" />
          </label>{" "}
          <button type="submit">Log in</button>
        </Form>
      )}
    </main>
  );
}
