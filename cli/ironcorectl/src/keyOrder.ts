/**
 * Key order for printed objects. kubectl prints unstructured objects with every map's keys
 * sorted, which happens to put apiVersion, kind, metadata, spec, status in that order for most
 * kinds. We keep that (sorted keys below the top level, so output is stable whatever order the
 * server sent) but fix the top level to apiVersion, kind, metadata, spec, the kind's own
 * top-level fields (LoadBalancerRouting's networkRef, destinations), and status last.
 */
const head = ["apiVersion", "kind", "metadata", "spec"];
const tail = ["status"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) out[key] = sortedDeep(v[key]);
  return out;
}

/** A copy of the object with keys in printing order. */
export function orderForPrinting(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const middle = Object.keys(obj)
    .filter((k) => !head.includes(k) && !tail.includes(k))
    .sort();
  for (const key of [...head, ...middle, ...tail]) {
    if (Object.hasOwn(obj, key)) out[key] = sortedDeep(obj[key]);
  }
  return out;
}
