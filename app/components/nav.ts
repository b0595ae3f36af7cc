/**
 * The app's sections, in the order Shopify admin's navigation (App Bridge NavMenu) shows them, or
 * Polaris' Navigation when the app runs standalone. Flat, as Built for Shopify requires.
 * Products, Inventory, Insights, Channels and Settings join as their pages are built (issues [I], [J]).
 */
export const NAV_PAGES = [
  { url: "/app", label: "Overview" },
  { url: "/app/channels/amazon", label: "Connect Amazon" },
] as const;
