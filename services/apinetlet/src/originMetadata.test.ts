import { describe, expect, it } from "vitest";
import {
  hasOrigin,
  originAnnotations,
  originKey,
  originLabels,
  originMetadata,
  originOf,
  removeOriginPatch,
} from "./originMetadata.js";

const vip = { metadata: { namespace: "default", name: "virtualip-sample", uid: "u-1" } };

describe("origin metadata", () => {
  it("puts uid and namespace in labels and the name in an annotation", () => {
    expect(originLabels("virtualip", vip)).toEqual({
      "apinetlet.ironcore.dev/virtualip-uid": "u-1",
      "apinetlet.ironcore.dev/virtualip-namespace": "default",
    });
    expect(originAnnotations("virtualip", vip)).toEqual({
      "apinetlet.ironcore.dev/virtualip-name": "virtualip-sample",
    });
  });

  it("maps an apinet object back to its ironcore object", () => {
    const apinet = { metadata: { name: "u-1", ...originMetadata("virtualip", vip) } };
    expect(originOf("virtualip", apinet)).toEqual({
      namespace: "default",
      name: "virtualip-sample",
      uid: "u-1",
    });
    expect(originKey("virtualip", apinet)).toBe("default/virtualip-sample");
    expect(hasOrigin("virtualip", apinet, vip)).toBe(true);
    expect(hasOrigin("virtualip", apinet, { metadata: { uid: "other" } })).toBe(false);
    // Another kind's origin is not this kind's.
    expect(originOf("network", apinet)).toBeUndefined();
  });

  it("reads the name from the old name label too", () => {
    const legacy = {
      metadata: {
        labels: { ...originLabels("network", vip), "apinetlet.ironcore.dev/network-name": "old-style" },
      },
    };
    expect(originKey("network", legacy)).toBe("default/old-style");
  });

  it("removes the origin with a merge patch", () => {
    expect(removeOriginPatch("networkinterface")).toEqual({
      labels: {
        "apinetlet.ironcore.dev/networkinterface-uid": null,
        "apinetlet.ironcore.dev/networkinterface-namespace": null,
      },
      annotations: { "apinetlet.ironcore.dev/networkinterface-name": null },
    });
  });
});
