import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";

import { standaloneShop } from "#app/services/auth.server.ts";

export const loader = () => ({
  // Inside Shopify admin the app uses Shopify's Inter font from its CDN; standalone (the demo,
  // offline) it uses the system font stack Polaris falls back to, and asks no outside host.
  shopifyFonts: !standaloneShop(),
});

export default function App() {
  const { shopifyFonts } = useLoaderData<typeof loader>();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {shopifyFonts ? (
          <>
            <link rel="preconnect" href="https://cdn.shopify.com/" />
            <link rel="stylesheet" href="https://cdn.shopify.com/static/fonts/inter/v4/styles.css" />
          </>
        ) : null}
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
