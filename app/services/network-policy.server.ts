import type { HttpOverrides, NetworkPolicy } from "@crosschannel/connector-sdk";

/**
 * Which hosts connectors may reach (the SDK never reads the environment: the app decides).
 * Each connector allows its channel's documented hosts. Loopback hosts (the channel
 * simulators of the demo and the tests) are allowed outside production; in production only
 * with CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS=1. CROSSCHANNEL_EXTRA_CHANNEL_HOSTS (comma-separated,
 * "*.domain" allowed) adds hosts, e.g. a channel sandbox.
 */
export function networkPolicy(env: NodeJS.ProcessEnv = process.env): NetworkPolicy {
  const production = env.NODE_ENV === "production";
  const extraHosts = (env.CROSSCHANNEL_EXTRA_CHANNEL_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  return { allowLoopback: !production || env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS === "1", extraHosts };
}

/** The HTTP overrides of a run, with the app's network policy (a caller's own policy wins in tests). */
export function withNetworkPolicy(overrides: HttpOverrides | undefined): HttpOverrides {
  return { network: networkPolicy(), ...overrides };
}
