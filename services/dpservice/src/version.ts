/**
 * Reported by GetVersion as both service_protocol and service_version (upstream reports its one
 * version string twice). Clients only log it.
 */
export const DPSERVICE_VERSION = "v0.1.0-ironcore-ts";
