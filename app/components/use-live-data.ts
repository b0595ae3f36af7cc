import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** How often a visible page asks its loader again (App Bridge authenticates these fetches). */
export const LIVE_REFRESH_MS = 30_000;

/**
 * Keeps a page's loader data fresh: revalidates every `everyMs` while the page is visible and
 * at once when it becomes visible or gains focus again. (EventSource cannot carry App Bridge's
 * session token, so pages poll their own loader instead.)
 */
export function useLiveData(everyMs = LIVE_REFRESH_MS): void {
  const revalidator = useRevalidator();
  const latest = useRef(revalidator);
  latest.current = revalidator;
  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState === "visible" && latest.current.state === "idle") latest.current.revalidate();
    };
    const timer = window.setInterval(refresh, everyMs);
    document.addEventListener("visibilitychange", refresh);
    window.addEventListener("focus", refresh);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
      window.removeEventListener("focus", refresh);
    };
  }, [everyMs]);
}
