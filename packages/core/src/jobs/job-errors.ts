/** A payload that does not match the job's schema; names the fields, never their values. */
export class JobPayloadError extends Error {
  override readonly name = "JobPayloadError";
}

/** An attempt that ran past the job's `timeoutMs`. */
export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
}
