import { useRouteLoaderData } from "@remix-run/react";
import { Toast } from "@shopify/polaris";
import { useEffect, useState } from "react";

export interface Notice {
  /** Changes with every notice, so the same words twice show twice. */
  id: string;
  message: string;
  error?: boolean;
}

interface AppBridgeToast {
  toast: { show: (message: string, options?: { isError?: boolean; duration?: number }) => void };
}

/**
 * A confirmation after an action: App Bridge's toast (`shopify.toast.show`) when the app is
 * embedded in Shopify admin, Polaris' Toast when it runs standalone (app.tsx gives it a Frame
 * there; embedded there is no Frame and no Polaris Toast).
 */
export function AppToast({ notice }: { notice: Notice | null }) {
  const app = useRouteLoaderData<{ embedded: boolean }>("routes/app");
  const embedded = app?.embedded ?? false;
  const [shown, setShown] = useState<Notice | null>(null);
  useEffect(() => {
    if (!notice) return;
    if (embedded) {
      const bridge = (window as unknown as { shopify?: AppBridgeToast }).shopify;
      bridge?.toast.show(notice.message, { isError: notice.error ?? false, duration: 6000 });
      return;
    }
    setShown(notice);
  }, [notice, embedded]);
  if (embedded || !shown) return null;
  return <Toast content={shown.message} error={shown.error} duration={8000} onDismiss={() => setShown(null)} />;
}
