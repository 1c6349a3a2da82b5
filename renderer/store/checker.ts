/**
 * The rule checker as the designer loads it: on its own, after the first paint (its ~150 rules are
 * the largest part of the app's code). See `loadChecker` in ./diagnostics.ts.
 */
export { validate } from '../../shared/validation/index.ts';
export { quickFixFor } from '../../shared/validation/quickfixes.ts';
