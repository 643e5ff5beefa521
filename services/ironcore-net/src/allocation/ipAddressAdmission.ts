/**
 * IPAddress admission (upstream plugin IPAddressInUseProtection): every IPAddress gets the
 * protection finalizer on create, so deleting it by hand while its IP exists cannot free the
 * address for a second allocation; the ipaddress GC drops the finalizer once the IP is gone.
 */
import type { KindAdmission } from "@ironcore-ts/apiserver";
import { finalizers } from "../apinet.js";
import type { IPAddressObject } from "../kinds/ipAddress.js";

export function ipAddressAdmission(): KindAdmission<IPAddressObject> {
  return {
    async beforeCreate(obj) {
      const list = obj.metadata.finalizers ?? [];
      if (!list.includes(finalizers.ipAddressProtection)) {
        obj.metadata.finalizers = [...list, finalizers.ipAddressProtection];
      }
    },
  };
}
