/**
 * NATGateway (networking.ironcore.dev/v1alpha1): source NAT for every NIC of a network that has
 * an IP of `ipFamily` and no public IP of that family. Reference: ironcore-api.md sections 4, 10.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import {
  type KindRules,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateObjectName,
} from "@ironcore-ts/apiserver";
import type { NATGatewayJson } from "@ironcore-ts/gen/ironcore/networking/v1alpha1/natgateway_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPFamily, validateIPLiteral } from "@ironcore-ts/netvalidation";

export type NATGatewayObject = NATGatewayJson & ApiObject;

export const natGatewayTypes = ["Public"] as const;
export const defaultPortsPerNetworkInterface = 2048;
/** Ports are 16 bit: no NIC can be given more than all of them. */
const maxPortsPerNetworkInterface = 65536;

const specPath = FieldPath.root("spec");

/**
 * Each NIC gets a block of `portsPerNetworkInterface` source ports of a NAT IP; blocks are
 * carved out of the port space by halving, hence a power of two.
 */
export function validatePortsPerNetworkInterface(value: number | undefined, path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  const isPowerOfTwo = Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
  if (!isPowerOfTwo) return [path.invalid(value, "must be a power of 2 greater than 0 (e.g. 64, 2048)")];
  if (value > maxPortsPerNetworkInterface) {
    return [path.invalid(value, `must be at most ${maxPortsPerNetworkInterface}`)];
  }
  return [];
}

export const natGatewayRules: KindRules<NATGatewayObject> = {
  default(obj) {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.portsPerNetworkInterface ??= defaultPortsPerNetworkInterface;
    if (obj.status?.ips) obj.status.ips = obj.status.ips.map((ip) => canonicalIP(ip) ?? ip);
  },

  validate(obj) {
    const spec = obj.spec ?? {};
    return [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateEnum(spec.type, natGatewayTypes, specPath.child("type")),
      ...validateIPFamily(spec.ipFamily, specPath.child("ipFamily")),
      ...validateLocalRef(spec.networkRef, specPath.child("networkRef"), "DNSSubdomain", true),
      ...validatePortsPerNetworkInterface(
        spec.portsPerNetworkInterface,
        specPath.child("portsPerNetworkInterface"),
      ),
    ];
  },

  validateUpdate(obj, old) {
    return validateImmutable(obj.spec?.networkRef, old.spec?.networkRef, specPath.child("networkRef"));
  },

  validateStatus(obj) {
    const errs: FieldError[] = [];
    (obj.status?.ips ?? []).forEach((ip, i) => {
      errs.push(...validateIPLiteral(ip, obj.spec?.ipFamily, FieldPath.root("status").child("ips").index(i)));
    });
    return errs;
  },
};
