/** A value or an error, for operations that can fail on bad input (never thrown across layers). */
export type Result<T, E = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** Wraps a successful value. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** Wraps an error. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
