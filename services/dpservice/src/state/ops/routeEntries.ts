import type { IpPrefix } from "../ipAddr.js";
import { Limits } from "../limits.js";
import type { LpmEntry } from "../lpmEntry.js";
import type { RouteTarget } from "../routeTarget.js";
import { fail, StatusCode } from "../statusCode.js";
import type { VniTable } from "../vniTable.js";

/** Adds a route: ROUTE_EXISTS for the same (normalized) prefix, ROUTE_INSERT when the table is full. */
export function insertRoute(table: VniTable, prefix: IpPrefix, target: RouteTarget): void {
  const addr = prefix.addr;
  const lpm = addr.family === 4 ? table.v4 : table.v6;
  const exists =
    addr.family === 4
      ? table.v4.getExact(addr.value, prefix.length)
      : table.v6.getExact(addr.value, prefix.length);
  if (exists) fail(StatusCode.ROUTE_EXISTS);
  if (lpm.size >= Limits.routesPerVniFamily) fail(StatusCode.ROUTE_INSERT);
  if (addr.family === 4) table.v4.insert(addr.value, prefix.length, target);
  else table.v6.insert(addr.value, prefix.length, target);
}

export function findRoute(
  table: VniTable,
  prefix: IpPrefix,
): LpmEntry<number | bigint, RouteTarget> | undefined {
  const addr = prefix.addr;
  return addr.family === 4
    ? table.v4.getExact(addr.value, prefix.length)
    : table.v6.getExact(addr.value, prefix.length);
}

export function removeRoute(table: VniTable, prefix: IpPrefix): void {
  const addr = prefix.addr;
  if (addr.family === 4) table.v4.remove(addr.value, prefix.length);
  else table.v6.remove(addr.value, prefix.length);
}
