/**
 * Loads every `renderer/<feature>/plugin.ts` at start; each registers its tabs, modes and strings
 * through ./extensions.ts. Kept apart from extensions.ts so a plugin importing the registry never
 * meets a half-evaluated module.
 */
import.meta.glob('../*/plugin.ts', { eager: true });
