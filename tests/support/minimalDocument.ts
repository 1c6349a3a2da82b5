/**
 * Import first in a test that renders components without a DOM: the i18n module sets
 * `<html lang>` when it loads, and this is all of `document` it needs. (Module imports run in
 * order, so this runs before the renderer modules imported after it.)
 */
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
export {};
