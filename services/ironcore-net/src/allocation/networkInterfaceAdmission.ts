/**
 * NetworkInterface admission: its internal IPs are claimed within its Network (one
 * NetworkIPClaim `<network>.<ip>` each, so two interfaces of a network never share an IP), then
 * its public IPs (publicIPClaimer.ts). Internal IPs are immutable, so they are only claimed on
 * create and released when the interface is gone.
 */
import { errors, type FieldError, FieldPath } from "@ironcore-ts/apimachinery";
import type { AdmissionContext, KindAdmission } from "@ironcore-ts/apiserver";
import { apinetApiVersion, apinetGroup, apinetRefs, resources } from "../apinet.js";
import type { NetworkInterfaceObject } from "../kinds/networkInterface.js";
import { type NetworkIPClaimObject, networkIPClaimName } from "../kinds/networkIPClaim.js";
import type { Claims } from "./claims.js";
import type { PublicIPClaimer } from "./publicIPClaimer.js";

const ipsPath = FieldPath.root("spec").child("ips");

function subject(obj: NetworkInterfaceObject) {
  return { kind: "NetworkInterface", group: apinetGroup, name: obj.metadata.name ?? "" };
}

async function releaseIPs(claims: Claims, obj: NetworkInterfaceObject, ips: readonly string[]) {
  const network = obj.spec?.networkRef?.name;
  const uid = obj.metadata.uid;
  if (!network || !uid) return;
  for (const ip of ips) {
    await claims.release(
      apinetRefs.NetworkIPClaim,
      obj.metadata.namespace,
      networkIPClaimName(network, ip),
      uid,
    );
  }
}

async function claimIPs(claims: Claims, obj: NetworkInterfaceObject): Promise<void> {
  const network = obj.spec?.networkRef?.name ?? "";
  const claimed: string[] = [];
  const errs: FieldError[] = [];
  try {
    for (const [i, ip] of (obj.spec?.ips ?? []).entries()) {
      const claim: NetworkIPClaimObject = {
        apiVersion: apinetApiVersion,
        kind: "NetworkIPClaim",
        metadata: { namespace: obj.metadata.namespace, name: networkIPClaimName(network, ip) },
        spec: {
          networkRef: { name: network },
          ip,
          claimRef: {
            group: apinetGroup,
            resource: resources.networkInterfaces,
            name: obj.metadata.name,
            uid: obj.metadata.uid,
          },
        },
      };
      const result = await claims.create(claim, apinetRefs.NetworkIPClaim);
      if ("created" in result) claimed.push(ip);
      else {
        const holder = result.taken?.spec?.claimRef?.name ?? "another interface";
        errs.push(
          ipsPath
            .index(i)
            .invalid(ip, `IP ${ip} is already used by NetworkInterface "${holder}" in network "${network}"`),
        );
      }
    }
    if (errs.length > 0) throw errors.invalid(subject(obj), errs);
  } catch (err) {
    await releaseIPs(claims, obj, claimed);
    throw err;
  }
}

export function networkInterfaceAdmission(
  claims: () => Claims,
  publicIPs: PublicIPClaimer<NetworkInterfaceObject>,
): KindAdmission<NetworkInterfaceObject> {
  const pub = publicIPs.admission();
  const releaseAll = async (obj: NetworkInterfaceObject, ctx: AdmissionContext) => {
    await releaseIPs(claims(), obj, obj.spec?.ips ?? []);
    await pub.afterDelete?.(obj, ctx);
  };
  return {
    async beforeCreate(obj, ctx) {
      await claimIPs(claims(), obj);
      try {
        await pub.beforeCreate?.(obj, ctx);
      } catch (err) {
        await releaseIPs(claims(), obj, obj.spec?.ips ?? []);
        throw err;
      }
    },
    onCreateFailed: releaseAll,
    beforeUpdate: pub.beforeUpdate,
    onUpdateFailed: pub.onUpdateFailed,
    afterUpdate: pub.afterUpdate,
    afterDelete: releaseAll,
  };
}
