/**
 * NetworkIPClaim (ironcore-ts addition): one internal IP of one Network, held by a
 * NetworkInterface; named `<network>.<ip>` so its atomic create makes NIC IPs unique within a
 * network. Written by the server (NetworkInterface admission) only.
 */
import { type ApiObject, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateImmutable } from "@ironcore-ts/apiserver";
import type { NetworkIPClaimJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/networkipclaim_pb.js";
import { expandedIPv6, parseIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";
import { validateUIDRef } from "./refs.js";

export type NetworkIPClaimObject = NetworkIPClaimJson & ApiObject;

const specPath = FieldPath.root("spec");

/**
 * The claim's name: `<network>.<ip>`; IPv4 dotted, IPv6 as eight 4-digit hex groups joined by
 * `-` (colons are not allowed in names, and the full form never starts or ends with `-`).
 * Network names are DNS labels, so the first dot separates the two parts.
 */
export function networkIPClaimName(network: string, ip: string): string {
  const parsed = parseIP(ip);
  if (!parsed) throw new RangeError(`not an IP address: ${JSON.stringify(ip)}`);
  return `${network}.${parsed.family === "IPv4" ? ip : expandedIPv6(parsed.value)}`;
}

export const networkIPClaimRules: KindRules<NetworkIPClaimObject> = {
  validate(obj) {
    const spec = obj.spec ?? {};
    const errs = [];
    const network = spec.networkRef?.name;
    if (!network) errs.push(specPath.child("networkRef").child("name").required());
    if (!spec.ip) errs.push(specPath.child("ip").required());
    else errs.push(...validateIPLiteral(spec.ip, undefined, specPath.child("ip")));
    errs.push(...validateUIDRef(spec.claimRef, specPath.child("claimRef"), true));
    const name = obj.metadata.name ?? "";
    if (network && spec.ip && parseIP(spec.ip) && name && name !== networkIPClaimName(network, spec.ip)) {
      errs.push(
        FieldPath.root("metadata")
          .child("name")
          .invalid(name, `must be ${networkIPClaimName(network, spec.ip)} (<network>.<ip>)`),
      );
    }
    return errs;
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec, old.spec, specPath);
  },
};
