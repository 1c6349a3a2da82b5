/** A writable deep copy type for building test designs. */
export type DeepMutableDraft<T> = T extends string
  ? T
  : T extends readonly (infer U)[]
    ? DeepMutableDraft<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepMutableDraft<T[K]> }
      : T;
