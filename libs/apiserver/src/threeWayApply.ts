type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The merge patch that turns what was applied last time into what is applied now, the way
 * `kubectl apply` treats custom resources: fields the user removed from the document become
 * nulls (removed), fields in the document overwrite, and fields nobody applied (those written
 * by controllers, such as spec.providerID) are left alone.
 */
export function threeWayPatch(lastApplied: unknown, desired: unknown): unknown {
  if (!isObject(desired) || !isObject(lastApplied)) return desired;
  const patch: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(desired)) {
    patch[key] =
      isObject(value) && isObject(lastApplied[key])
        ? (threeWayPatch(lastApplied[key], value) as Json)
        : value;
  }
  for (const key of Object.keys(lastApplied)) {
    if (!(key in desired)) patch[key] = null;
  }
  return patch;
}
