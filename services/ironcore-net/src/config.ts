import { type EnvConfig, env as processEnv } from "@ironcore-ts/runtime";
import { PublicIPPools } from "./allocation/publicIPPools.js";

/** A VNI is 24 bits on the wire (VXLAN/Geneve-style overlay id). */
export const maxVNILimit = 2 ** 24 - 1;

/**
 * Allocation settings of ironcore-net (upstream apiserver flags in brackets).
 * Environment: IRONCORE_NET_MIN_VNI, IRONCORE_NET_MAX_VNI, IRONCORE_NET_PUBLIC_PREFIXES,
 * IRONCORE_NET_CLAIM_GC_GRACE.
 */
export interface IronCoreNetConfig {
  /** Lowest VNI handed out [--min-vni]; 200 unless set. */
  minVNI: number;
  /** Highest VNI handed out [--max-vni]; 16777215 (2^24 − 1) unless set. */
  maxVNI: number;
  /** CIDRs public IPs are allocated from, IPv4 and IPv6, in order [--public-prefix]. */
  publicPrefixes: string[];
  /**
   * How old an orphaned claim (NetworkID, IPAddress, NetworkIPClaim, an IP's claimRef) must be
   * before the garbage collectors remove it. Claims are made before their claimer is stored, so
   * a young claim without a claimer is usually a create in flight, not an orphan. 10 s unless set.
   */
  claimGracePeriodMs: number;
}

/** Documentation prefixes (RFC 5737 / RFC 3849): safe defaults on a laptop, routed nowhere. */
export const defaultPublicPrefixes = ["203.0.113.0/24", "2001:db8:ff::/56"];

export const defaultConfig: IronCoreNetConfig = {
  minVNI: 200,
  maxVNI: maxVNILimit,
  publicPrefixes: defaultPublicPrefixes,
  claimGracePeriodMs: 10_000,
};

export interface ResolvedConfig extends IronCoreNetConfig {
  pools: PublicIPPools;
}

/** Fills defaults and checks the values; throws a RangeError naming what is wrong. */
export function resolveConfig(partial: Partial<IronCoreNetConfig> = {}): ResolvedConfig {
  const config: IronCoreNetConfig = { ...defaultConfig, ...partial };
  const { minVNI, maxVNI } = config;
  // Upstream: invalid if min < 0, max <= 0 or min >= max. It does not cap max; a VNI above
  // 2^24 − 1 cannot be carried by the data plane, so it is refused here too.
  if (!Number.isInteger(minVNI) || minVNI < 0) throw new RangeError(`min VNI must be >= 0, got ${minVNI}`);
  if (!Number.isInteger(maxVNI) || maxVNI <= 0) throw new RangeError(`max VNI must be > 0, got ${maxVNI}`);
  if (minVNI >= maxVNI) throw new RangeError(`min VNI (${minVNI}) must be below max VNI (${maxVNI})`);
  if (maxVNI > maxVNILimit)
    throw new RangeError(`max VNI must be <= ${maxVNILimit} (24 bits), got ${maxVNI}`);
  if (!(config.claimGracePeriodMs >= 0)) {
    throw new RangeError(`claim grace period must be >= 0, got ${config.claimGracePeriodMs}`);
  }
  return { ...config, pools: new PublicIPPools(config.publicPrefixes) };
}

/** The configuration from the environment (main.ts); unset variables take the defaults. */
export function configFromEnv(env: EnvConfig = processEnv): IronCoreNetConfig {
  return {
    minVNI: env.int("IRONCORE_NET_MIN_VNI", defaultConfig.minVNI),
    maxVNI: env.int("IRONCORE_NET_MAX_VNI", defaultConfig.maxVNI),
    publicPrefixes: env.list("IRONCORE_NET_PUBLIC_PREFIXES", defaultConfig.publicPrefixes),
    claimGracePeriodMs: env.durationMs("IRONCORE_NET_CLAIM_GC_GRACE", defaultConfig.claimGracePeriodMs),
  };
}
