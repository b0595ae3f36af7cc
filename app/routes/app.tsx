import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Frame, Navigation } from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";

import { ChartsProvider, chartLinks } from "#app/components/charts/index.tsx";
import { NAV_PAGES } from "#app/components/nav.ts";

import { requireShop, standaloneShop } from "#app/services/auth.server.ts";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }, ...chartLinks()];

const PAGES = NAV_PAGES;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return {
    apiKey: process.env.SHOPIFY_API_KEY ?? "",
    embedded: !standaloneShop(),
    shop: { domain: shop.domain, name: shop.name ?? shop.domain },
  };
};

export default function AppLayout() {
  const { apiKey, embedded, shop } = useLoaderData<typeof loader>();
  const location = useLocation();
  if (embedded) {
    return (
      <AppProvider isEmbeddedApp apiKey={apiKey}>
        <NavMenu>
          {PAGES.map((page, index) => (
            <Link key={page.url} to={page.url} rel={index === 0 ? "home" : undefined}>
              {page.label}
            </Link>
          ))}
        </NavMenu>
        <ChartsProvider>
          <Outlet />
        </ChartsProvider>
      </AppProvider>
    );
  }
  return (
    <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
      <Frame
        navigation={
          <Navigation location={location.pathname}>
            <Navigation.Section
              title={shop.name}
              items={PAGES.map((page) => ({ ...page, exactMatch: page.url === "/app" }))}
            />
          </Navigation>
        }
      >
        <ChartsProvider>
          <Outlet />
        </ChartsProvider>
      </Frame>
    </AppProvider>
  );
}

// Shopify needs Remix to catch thrown responses so that its headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
