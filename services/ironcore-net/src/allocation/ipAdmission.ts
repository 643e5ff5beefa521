/**
 * IP admission: the address is claimed (explicit `spec.ip`, which must lie in a public prefix)
 * or allocated before the IP is stored, and released when storing fails or the IP is gone.
 * Reference section 3.
 */
import { errors, FieldPath } from "@ironcore-ts/apimachinery";
import type { KindAdmission } from "@ironcore-ts/apiserver";
import { isIPFamily, parseIP } from "@ironcore-ts/ipam";
import { apinetGroup } from "../apinet.js";
import { type IPObject, setIPLabels } from "../kinds/ip.js";
import type { IPAddressAllocator } from "./ipAddresses.js";

const ipPath = FieldPath.root("spec").child("ip");

function subject(obj: IPObject) {
  return { kind: "IP", group: apinetGroup, name: obj.metadata.name ?? "" };
}

export function ipAdmission(addresses: () => IPAddressAllocator): KindAdmission<IPObject> {
  const release = async (obj: IPObject) => {
    if (obj.spec?.ip && obj.metadata.uid) await addresses().release(obj.spec.ip, obj.metadata.uid);
  };
  return {
    async beforeCreate(obj) {
      const allocator = addresses();
      obj.spec ??= {};
      const spec = obj.spec;
      const owner = {
        namespace: obj.metadata.namespace ?? "",
        name: obj.metadata.name ?? "",
        uid: obj.metadata.uid ?? "",
      };
      if (spec.ip) {
        const ip = parseIP(spec.ip);
        if (!ip) throw errors.invalid(subject(obj), [ipPath.invalid(spec.ip, "must be a valid IP address")]);
        if (!allocator.pools.contains(ip)) {
          const prefixes = allocator.pools.describe(ip.family) || "none configured";
          throw errors.invalid(subject(obj), [
            ipPath.invalid(
              spec.ip,
              `not in range of the public prefixes of family ${ip.family} (${prefixes})`,
            ),
          ]);
        }
        const holder = await allocator.claim(ip, owner);
        if (holder) {
          const by = holder.spec?.claimRef;
          throw errors.invalid(subject(obj), [
            ipPath.invalid(spec.ip, `provided IP is already allocated (by IP ${by?.namespace}/${by?.name})`),
          ]);
        }
      } else {
        const family = spec.ipFamily;
        if (!isIPFamily(family)) return; // validation has refused this already
        if (allocator.pools.prefixes(family).length === 0) {
          // Upstream: "no allocator for IPs of family X". An empty pool is an exhausted pool for
          // the caller (RESOURCE_EXHAUSTED), with the configuration named so an operator can fix it.
          throw errors.exhausted(
            `no allocator for IPs of family ${family}: no public prefix of that family is configured (IRONCORE_NET_PUBLIC_PREFIXES)`,
          );
        }
        const ip = await allocator.allocate(family, owner);
        // Upstream answers 409 Conflict; a pool running dry is RESOURCE_EXHAUSTED here.
        if (ip === undefined)
          throw errors.exhausted(`all IP addresses of family ${family} are already allocated`);
        spec.ip = ip;
      }
      setIPLabels(obj);
    },
    onCreateFailed: release,
    afterDelete: release,
  };
}
