/**
 * Network admission: the VNI is claimed (explicit `spec.id`) or allocated before the Network is
 * stored, and released when storing fails or the Network is gone. Reference section 2.
 */
import { errors, FieldPath } from "@ironcore-ts/apimachinery";
import type { KindAdmission } from "@ironcore-ts/apiserver";
import { apinetGroup } from "../apinet.js";
import { type NetworkObject, parseVNI } from "../kinds/network.js";
import type { NetworkIDAllocator } from "./networkIDs.js";

const idPath = FieldPath.root("spec").child("id");

function subject(obj: NetworkObject) {
  return { kind: "Network", group: apinetGroup, name: obj.metadata.name ?? "" };
}

export function networkAdmission(ids: () => NetworkIDAllocator): KindAdmission<NetworkObject> {
  const release = async (obj: NetworkObject) => {
    if (obj.spec?.id && obj.metadata.uid) await ids().release(obj.spec.id, obj.metadata.uid);
  };
  return {
    async beforeCreate(obj) {
      const allocator = ids();
      obj.spec ??= {};
      const spec = obj.spec;
      const claimer = {
        namespace: obj.metadata.namespace ?? "",
        name: obj.metadata.name ?? "",
        uid: obj.metadata.uid ?? "",
      };
      if (spec.id) {
        const vni = parseVNI(spec.id);
        if (vni === undefined) throw errors.invalid(subject(obj), [idPath.invalid(spec.id, "invalid VNI")]);
        if (!allocator.inRange(vni)) {
          throw errors.invalid(subject(obj), [
            idPath.invalid(spec.id, `the provided ID is not in range [${allocator.min}, ${allocator.max}]`),
          ]);
        }
        const holder = await allocator.claim(vni, claimer);
        if (holder) {
          const by = holder.spec?.claimRef;
          throw errors.invalid(subject(obj), [
            idPath.invalid(
              spec.id,
              `provided ID is already allocated (by Network ${by?.namespace}/${by?.name})`,
            ),
          ]);
        }
        return;
      }
      const vni = await allocator.allocate(claimer);
      if (vni === undefined) {
        throw errors.exhausted(`all IDs are allocated (VNI range [${allocator.min}, ${allocator.max}])`);
      }
      spec.id = String(vni);
    },
    onCreateFailed: release,
    afterDelete: release,
  };
}
