import { ApiError } from "@ironcore-ts/apimachinery";

/**
 * The store only knows collections and names, not kinds: the API server above rewrites these into
 * kind-specific messages where it has them, so here the aim is a message that is still clear when
 * it reaches a user unchanged.
 */
function subject(collection: string, name: string): string {
  return `${collection} "${name}"`;
}

export const storeErrors = {
  notFound: (collection: string, name: string) =>
    new ApiError("NotFound", `${subject(collection, name)} not found`),

  alreadyExists: (collection: string, name: string) =>
    new ApiError("AlreadyExists", `${subject(collection, name)} already exists`),

  conflict: (collection: string, name: string, expected: number, actual: number) =>
    new ApiError(
      "Conflict",
      `Operation cannot be fulfilled on ${subject(collection, name)}: expected resource version ${expected} but it is ${actual}; please apply your changes to the latest version and try again`,
    ),

  /** `oldestKept` is the first event still in the log (undefined if the log is empty). */
  expired: (fromResourceVersion: number, oldestKept: number | undefined) =>
    new ApiError(
      "Expired",
      `resource version ${fromResourceVersion} is too old (oldest kept is ${oldestKept ?? "none"}): list again and watch from the list's resourceVersion`,
    ),

  /** A live watch could not keep up: events it had not delivered yet were compacted. */
  fellBehind: (collection: string, deliveredUpTo: number) =>
    new ApiError(
      "Expired",
      `watch on ${collection} fell behind: events after resource version ${deliveredUpTo} were compacted before they were delivered: list again and watch from the list's resourceVersion`,
    ),

  invalidVersion: (version: number) =>
    new ApiError("BadRequest", `resource version must be a non-negative integer, got ${version}`),

  closed: () => new ApiError("Unavailable", "the store is closed"),
};
