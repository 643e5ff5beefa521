/**
 * kubectl's `HumanDuration` (k8s.io/apimachinery/pkg/util/duration): precise while small and
 * coarser as it grows, so the AGE column stays narrow: 45s, 3m20s, 15m, 2h5m, 10h, 3d4h, 40d, 2y.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // A couple of seconds in the future is clock skew between client and server, not an error.
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** The AGE of an object from its creationTimestamp; `<unknown>` when it has none. */
export function ageOf(timestamp: string | undefined, now: number = Date.now()): string {
  if (!timestamp) return "<unknown>";
  const created = Date.parse(timestamp);
  if (Number.isNaN(created)) return "<unknown>";
  return humanDuration(now - created);
}
