/**
 * NATTable (named like its NATGateway): which interface got which port slice of which NAT IP.
 * Written by the NAT controller. Reference: ironcore-net.md sections 1 and 4.
 */
import { type ApiObject, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import { type KindRules, validateLocalRef, validateObjectName } from "@ironcore-ts/apiserver";
import type { NATTableJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/nattable_pb.js";
import { canonicalIP } from "@ironcore-ts/ipam";
import { validateIPLiteral } from "@ironcore-ts/netvalidation";
import { natFirstPort, natLastPort } from "../natPortSlices.js";
import { validateUIDRef } from "./refs.js";

export type NATTableObject = NATTableJson & ApiObject;

function validateNATPort(value: number | undefined, path: FieldPath): FieldError[] {
  const n = value ?? 0;
  return n >= natFirstPort && n <= natLastPort
    ? []
    : [path.invalid(n, `must be between ${natFirstPort} and ${natLastPort}, inclusive`)];
}

export const natTableRules: KindRules<NATTableObject> = {
  default(obj) {
    for (const ip of obj.ips ?? []) {
      if (ip.ip) ip.ip = canonicalIP(ip.ip) ?? ip.ip;
      for (const s of ip.sections ?? []) if (s.ip) s.ip = canonicalIP(s.ip) ?? s.ip;
    }
  },

  validate(obj) {
    const errs: FieldError[] = validateObjectName(obj, "DNSLabel");
    (obj.ips ?? []).forEach((natIP, i) => {
      const p = FieldPath.root("ips").index(i);
      if (!natIP.ip) errs.push(p.child("ip").required());
      else errs.push(...validateIPLiteral(natIP.ip, undefined, p.child("ip")));
      (natIP.sections ?? []).forEach((s, j) => {
        const sp = p.child("sections").index(j);
        if (!s.ip) errs.push(sp.child("ip").required());
        else errs.push(...validateIPLiteral(s.ip, undefined, sp.child("ip")));
        errs.push(
          ...validateNATPort(s.port, sp.child("port")),
          ...validateNATPort(s.endPort, sp.child("endPort")),
        );
        if ((s.endPort ?? 0) < (s.port ?? 0)) {
          errs.push(
            sp.child("endPort").forbidden(`endPort ${s.endPort ?? 0} must be >= port ${s.port ?? 0}`),
          );
        }
        if (s.targetRef) {
          errs.push(...validateUIDRef(s.targetRef, sp.child("targetRef"), true));
          errs.push(
            ...validateLocalRef(
              s.targetRef.nodeRef,
              sp.child("targetRef").child("nodeRef"),
              "DNSSubdomain",
              false,
            ),
          );
        }
      });
    });
    return errs;
  },
};
