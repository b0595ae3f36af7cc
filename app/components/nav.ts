/**
 * The app's sections, in the order Shopify admin's navigation (App Bridge NavMenu) shows them, or
 * Polaris' Navigation when the app runs standalone. Flat, as Built for Shopify requires.
 */
export const NAV_PAGES = [
  { url: "/app", label: "Overview" },
  { url: "/app/products", label: "Products" },
  { url: "/app/inventory", label: "Inventory" },
  { url: "/app/insights", label: "Insights" },
  { url: "/app/channels", label: "Channels" },
  { url: "/app/settings", label: "Settings" },
] as const;
