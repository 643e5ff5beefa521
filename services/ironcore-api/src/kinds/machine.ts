/**
 * Machine (compute.ironcore.dev/v1alpha1), the networking-relevant rules: class and pool
 * references, power, volumes, and network interfaces (references or ephemeral NIC templates,
 * which get the NetworkInterface spec rules). Reference: ironcore-api.md sections 8-11.
 */
import {
  type ApiObject,
  type FieldError,
  FieldPath,
  isDNS1123Label,
  isDNS1123Subdomain,
  validateLabels,
  validateLabelValue,
  validateQualifiedName,
} from "@ironcore-ts/apimachinery";
import {
  DuplicateTracker,
  type KindRules,
  validateConditions,
  validateEnum,
  validateImmutable,
  validateLocalRef,
  validateNameWith,
  validateObjectName,
  validateSetOnce,
  validateTemplateMetadata,
} from "@ironcore-ts/apiserver";
import type {
  MachineJson,
  MachineNetworkInterfaceJson,
  MachineSpecJson,
  TolerationJson,
  VolumeJson,
} from "@ironcore-ts/gen/ironcore/compute/v1alpha1/machine_pb.js";
import { validateQuantity } from "../validation/quantity.js";
import { defaultNetworkInterfaceSpec, validateNetworkInterfaceSpec } from "./networkInterface.js";

export type MachineObject = MachineJson & ApiObject;

export const machinePowers = ["On", "Off"] as const;
export const machineStates = ["Pending", "Running", "Shutdown", "Terminated", "Terminating"] as const;
/** States of a machine's NIC and volume attachments (status.networkInterfaces / volumes). */
export const attachmentStates = ["Pending", "Attached"] as const;
export const tolerationOperators = ["Equal", "Exists"] as const;
export const taintEffects = ["NoSchedule"] as const;

const specPath = FieldPath.root("spec");
const statusPath = FieldPath.root("status");

/** Name of the NIC the ephemeral controller creates for a machine's entry. */
export function ephemeralNetworkInterfaceName(machine: string, entry: string): string {
  return `${machine}-${entry}`;
}

function ephemeralNicNameIfValid(machine: string | undefined, entry: string | undefined): string | undefined {
  if (!machine || !entry || !isDNS1123Label(machine) || !isDNS1123Subdomain(entry)) return undefined;
  return ephemeralNetworkInterfaceName(machine, entry);
}

/** Device names are a two-letter prefix and a one- or two-letter index (`oda`, `odab`). */
const deviceName = /^[a-z]{2}[a-z][a-z]?$/;

function validateVolume(vol: VolumeJson, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!vol.name) errs.push(path.child("name").required());
  else errs.push(...validateNameWith("DNSSubdomain", vol.name, path.child("name")));
  if (vol.device && !deviceName.test(vol.device)) {
    errs.push(
      path
        .child("device")
        .invalid(vol.device, "must be a device name like oda or odab (regex ^[a-z]{2}[a-z][a-z]?$)"),
    );
  }

  const sources = (["volumeRef", "emptyDisk", "localDisk", "ephemeral"] as const).filter(
    (k) => vol[k] !== undefined,
  );
  if (sources.length === 0)
    errs.push(path.required("must specify one of volumeRef, emptyDisk, localDisk, ephemeral"));
  for (const extra of sources.slice(1)) {
    errs.push(
      path.child(extra).forbidden(`cannot specify more than one volume source (already ${sources[0]})`),
    );
  }
  if (vol.volumeRef)
    errs.push(...validateLocalRef(vol.volumeRef, path.child("volumeRef"), "DNSSubdomain", true));
  if (vol.emptyDisk?.sizeLimit) {
    errs.push(...validateQuantity(vol.emptyDisk.sizeLimit, path.child("emptyDisk").child("sizeLimit")));
  }
  if (vol.localDisk?.sizeLimit) {
    errs.push(...validateQuantity(vol.localDisk.sizeLimit, path.child("localDisk").child("sizeLimit")));
  }
  if (vol.ephemeral && !vol.ephemeral.volumeTemplate) {
    errs.push(path.child("ephemeral").child("volumeTemplate").required());
  }
  return errs;
}

function validateMachineNetworkInterface(
  nic: MachineNetworkInterfaceJson,
  machineName: string | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!nic.name) errs.push(path.child("name").required());
  else errs.push(...validateNameWith("DNSSubdomain", nic.name, path.child("name")));

  const hasRef = nic.networkInterfaceRef !== undefined;
  if (hasRef) {
    errs.push(
      ...validateLocalRef(nic.networkInterfaceRef, path.child("networkInterfaceRef"), "DNSSubdomain", true),
    );
  }
  if (nic.ephemeral) {
    const ePath = path.child("ephemeral");
    if (hasRef) {
      errs.push(ePath.forbidden("cannot specify both networkInterfaceRef and ephemeral"));
    } else {
      const tPath = ePath.child("networkInterfaceTemplate");
      const template = nic.ephemeral.networkInterfaceTemplate;
      if (!template) {
        errs.push(tPath.required("an ephemeral network interface needs a networkInterfaceTemplate"));
      } else {
        // The NIC will be named `<machine>-<entry>`; knowing the name lets the NIC rules check
        // the names of the Prefixes / VirtualIP derived from it (upstream skips these checks).
        // Only done when both parts are valid, so one bad name is not reported twice.
        const nicName = ephemeralNicNameIfValid(machineName, nic.name);
        if (nicName && !isDNS1123Subdomain(nicName)) {
          errs.push(
            path
              .child("name")
              .invalid(
                nic.name,
                `resulting NetworkInterface name "${nicName}" is not a valid DNS subdomain (at most 253 characters)`,
              ),
          );
        }
        errs.push(
          ...validateTemplateMetadata(
            template.metadata,
            tPath.child("metadata"),
            "an ephemeral network interface",
          ),
          ...validateNetworkInterfaceSpec(template.spec, nicName, tPath.child("spec")),
        );
      }
    }
  }
  if (!hasRef && !nic.ephemeral) errs.push(path.required("must specify networkInterfaceRef or ephemeral"));
  return errs;
}

function validateToleration(t: TolerationJson, path: FieldPath): FieldError[] {
  const operator = t.operator || "Equal";
  const errs = validateEnum(t.operator, tolerationOperators, path.child("operator"), false);
  if (t.key) errs.push(...validateQualifiedName(t.key, path.child("key")));
  else if (operator !== "Exists")
    errs.push(path.child("operator").invalid(t.operator ?? "", "must be Exists when key is empty"));
  if (operator === "Exists" && t.value)
    errs.push(path.child("value").forbidden("must be empty when operator is Exists"));
  if (operator === "Equal" && t.value) errs.push(...validateLabelValue(t.value, path.child("value")));
  errs.push(...validateEnum(t.effect, taintEffects, path.child("effect"), false));
  return errs;
}

function validateMachineSpec(spec: MachineSpecJson, machineName: string | undefined): FieldError[] {
  const errs = [
    ...validateLocalRef(spec.machineClassRef, specPath.child("machineClassRef"), "DNSSubdomain", true),
    ...validateLocalRef(spec.machinePoolRef, specPath.child("machinePoolRef"), "DNSSubdomain", false),
    ...validateEnum(spec.power, machinePowers, specPath.child("power")),
    ...validateLocalRef(spec.ignitionRef, specPath.child("ignitionRef"), "DNSSubdomain", false),
    ...validateLocalRef(spec.imagePullSecret, specPath.child("imagePullSecret"), "DNSSubdomain", false),
    ...validateLabels(spec.machinePoolSelector, specPath.child("machinePoolSelector")),
  ];

  // Upstream reports these under `spec.volume[i]` / `spec.networkInterface[i]`; the JSON fields
  // are plural, so are the paths here.
  const volumeNames = new DuplicateTracker();
  const devices = new DuplicateTracker();
  (spec.volumes ?? []).forEach((vol, i) => {
    const p = specPath.child("volumes").index(i);
    errs.push(
      ...volumeNames.check(vol.name, p.child("name")),
      ...devices.check(vol.device, p.child("device")),
    );
    errs.push(...validateVolume(vol, p));
  });

  const nicNames = new DuplicateTracker();
  // Two entries binding the same NIC can never both be satisfied (a NIC has one machineRef).
  const nicRefs = new DuplicateTracker();
  (spec.networkInterfaces ?? []).forEach((nic, i) => {
    const p = specPath.child("networkInterfaces").index(i);
    errs.push(...nicNames.check(nic.name, p.child("name")));
    errs.push(...nicRefs.check(nic.networkInterfaceRef?.name, p.child("networkInterfaceRef").child("name")));
    errs.push(...validateMachineNetworkInterface(nic, machineName, p));
  });

  (spec.tolerations ?? []).forEach((t, i) => {
    errs.push(...validateToleration(t, specPath.child("tolerations").index(i)));
  });

  const hostname = spec.guestConfig?.hostname;
  if (hostname)
    errs.push(...validateNameWith("DNSLabel", hostname, specPath.child("guestConfig").child("hostname")));
  return errs;
}

function validateMachineSpecUpdate(spec: MachineSpecJson, old: MachineSpecJson): FieldError[] {
  const errs = [
    ...validateImmutable(spec.machineClassRef, old.machineClassRef, specPath.child("machineClassRef")),
    // The scheduler sets the pool once; moving a running machine is not supported.
    ...validateSetOnce(spec.machinePoolRef, old.machinePoolRef, specPath.child("machinePoolRef")),
  ];

  // A local disk's image was written to the disk at creation: it can't be swapped or removed.
  const newVolumes = new Map((spec.volumes ?? []).map((v) => [v.name ?? "", v]));
  for (const oldVol of old.volumes ?? []) {
    const image = oldVol.localDisk?.image;
    if (!image) continue;
    const imagePath = specPath
      .child("volumes")
      .key(oldVol.name ?? "")
      .child("localDisk")
      .child("image");
    const newImage = newVolumes.get(oldVol.name ?? "")?.localDisk?.image;
    if (!newVolumes.has(oldVol.name ?? "")) {
      errs.push(imagePath.forbidden("a volume with an image may not be removed"));
    } else if (!newImage) {
      errs.push(imagePath.forbidden("the image of a volume may not be cleared"));
    } else if (newImage !== image) {
      errs.push(imagePath.immutable(newImage));
    }
  }

  // The hostname is given to the guest at first boot: it can't be added later or changed.
  const hostnamePath = specPath.child("guestConfig").child("hostname");
  const hostname = spec.guestConfig?.hostname ?? "";
  const oldHostname = old.guestConfig?.hostname ?? "";
  if (!oldHostname && hostname) {
    errs.push(hostnamePath.forbidden("cannot be set if it was not set when the machine was created"));
  } else if (oldHostname && !hostname) {
    errs.push(hostnamePath.forbidden("cannot be cleared"));
  } else if (oldHostname !== hostname) {
    errs.push(hostnamePath.immutable(hostname));
  }
  return errs;
}

export const machineRules: KindRules<MachineObject> = {
  default(obj) {
    obj.spec ??= {};
    const spec = obj.spec;
    spec.power ||= "On";
    for (const nic of spec.networkInterfaces ?? []) {
      const tmplSpec = nic.ephemeral?.networkInterfaceTemplate?.spec;
      if (tmplSpec) defaultNetworkInterfaceSpec(tmplSpec);
    }
    obj.status ??= {};
    const status = obj.status;
    status.state ||= "Pending";
    for (const s of status.networkInterfaces ?? []) s.state ||= "Pending";
    for (const s of status.volumes ?? []) s.state ||= "Pending";
  },

  validate(obj) {
    return [
      ...validateObjectName(obj, "DNSLabel"),
      ...validateMachineSpec(obj.spec ?? {}, obj.metadata.name),
    ];
  },

  validateUpdate(obj, old) {
    return validateMachineSpecUpdate(obj.spec ?? {}, old.spec ?? {});
  },

  validateStatus(obj) {
    const status = obj.status ?? {};
    const errs = [
      ...validateEnum(status.state, machineStates, statusPath.child("state"), false),
      ...validateConditions(status.conditions, statusPath.child("conditions")),
    ];
    (status.networkInterfaces ?? []).forEach((s, i) => {
      const p = statusPath.child("networkInterfaces").index(i);
      if (!s.name) errs.push(p.child("name").required());
      errs.push(...validateEnum(s.state, attachmentStates, p.child("state"), false));
    });
    (status.volumes ?? []).forEach((s, i) => {
      const p = statusPath.child("volumes").index(i);
      if (!s.name) errs.push(p.child("name").required());
      errs.push(...validateEnum(s.state, attachmentStates, p.child("state"), false));
    });
    return errs;
  },
};
