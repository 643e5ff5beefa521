/**
 * dpservice's numeric status codes (the `status.code` of every response) and their names, which
 * are also the `status.message` clients see. Numbers and names are upstream's, so clients that
 * compare codes (metalnet ignores e.g. ROUTE_EXISTS and ALREADY_EXISTS) keep working.
 */
export const StatusCode = {
  OK: 0,
  BAD_REQUEST: 101,
  NOT_FOUND: 201,
  ALREADY_EXISTS: 202,
  WRONG_TYPE: 203,
  BAD_IPVER: 204,
  NO_VM: 205,
  NO_VNI: 206,
  ITERATOR: 207,
  OUT_OF_MEMORY: 208,
  LIMIT_REACHED: 209,
  ALREADY_ACTIVE: 210,
  NOT_ACTIVE: 211,
  ROLLBACK: 212,
  RTE_RULE_ADD: 213,
  RTE_RULE_DEL: 214,
  ROUTE_EXISTS: 301,
  ROUTE_NOT_FOUND: 302,
  ROUTE_INSERT: 303,
  ROUTE_BAD_PORT: 304,
  ROUTE_RESET: 305,
  DNAT_NO_DATA: 321,
  DNAT_CREATE: 322,
  DNAT_EXISTS: 323,
  SNAT_NO_DATA: 341,
  SNAT_CREATE: 342,
  SNAT_EXISTS: 343,
  VNI_INIT4: 361,
  VNI_INIT6: 362,
  VNI_FREE4: 363,
  VNI_FREE6: 364,
  PORT_START: 381,
  PORT_STOP: 382,
  PORT_METER: 383,
  VNF_INSERT: 401,
  VM_HANDLE: 402,
  VNF_DELETE: 403,
  NO_BACKIP: 421,
  NO_LB: 422,
  BACKIP_ADD: 423,
  BACKIP_DEL: 424,
  NO_DROP_SUPPORT: 441,
} as const;

export type StatusCodeName = keyof typeof StatusCode;
export type StatusCodeValue = (typeof StatusCode)[StatusCodeName];

const names = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** The message for a code: "Success" for 0 (as upstream), else the code's name. */
export function statusMessage(code: number): string {
  if (code === StatusCode.OK) return "Success";
  return names.get(code) ?? `UNKNOWN_${code}`;
}

/**
 * A state operation refused: the call still succeeds at the gRPC level and reports `code` in
 * its status. Thrown (not returned) so multi-step operations can roll back in one place.
 */
export class DpError extends Error {
  constructor(readonly code: Exclude<StatusCodeValue, 0>) {
    super(statusMessage(code));
    this.name = "DpError";
  }
}

export function fail(code: Exclude<StatusCodeValue, 0>): never {
  throw new DpError(code);
}
