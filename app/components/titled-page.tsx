import { useRouteLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Page, type PageProps } from "@shopify/polaris";

/**
 * A Polaris Page with App Bridge's TitleBar when the app is embedded in Shopify admin (the
 * standalone demo has no App Bridge). The title must equal the section's nav label.
 */
export function TitledPage({ title, ...props }: PageProps & { title: string }) {
  const app = useRouteLoaderData<{ embedded: boolean }>("routes/app");
  return (
    <>
      {app?.embedded ? <TitleBar title={title} /> : null}
      <Page title={title} {...props} />
    </>
  );
}
