/**
 * Extension points for features added beside the designer (classroom mode, deploy panel, ...).
 *
 * A feature lives in its own folder `renderer/<feature>/` and provides `plugin.ts`, which is loaded
 * at start (by ./plugins.ts, after this module) and registers what it adds:
 * - `registerRightPanelTab({ id, titleKey, order, component })` — a tab of the right panel
 *   (built-in: inspector 10, services 20, config 30);
 * - `registerMode({ id, titleKey, order, main?, rightTabs? })` — an entry of the mode switch in the
 *   toolbar; `main` replaces the canvas area, `rightTabs` limits the tabs shown in that mode;
 * - `registerTranslations(lang, resources)` — its UI strings (`en` and `zh-CN`);
 * - `registerNodeDecoration({ id, component })` — a mark in the header of every host card
 *   (`component` gets the `hostId` and reads the store itself);
 * - `registerEdgeDecoration({ id, component })` — a label on every host–segment link (`component`
 *   gets the `hostId` and the `interfaceId` of the link and reads the store itself);
 * - `registerCanvasLayer({ id, component })` — drawn inside React Flow (e.g. in a `ViewportPortal`,
 *   in flow coordinates), for marks that span several cards.
 * Components read and edit the design through `useApp` (renderer/store) and pure commands.
 */
import type { ComponentType } from 'react';
import { useSyncExternalStore } from 'react';
import i18n from '../i18n/index.ts';
import type { HostId } from '../../shared/model/ids.ts';

export interface RightPanelTab {
  readonly id: string;
  /** i18n key of the tab title. */
  readonly titleKey: string;
  readonly order: number;
  readonly component: ComponentType;
}

export interface AppMode {
  readonly id: string;
  readonly titleKey: string;
  readonly order: number;
  /** Replaces the canvas area in this mode; the canvas shows when absent. */
  readonly main?: ComponentType;
  /** Ids of the right-panel tabs shown in this mode; all when absent. */
  readonly rightTabs?: readonly string[];
}

export interface NodeDecoration {
  readonly id: string;
  readonly component: ComponentType<{ hostId: HostId }>;
}

export interface EdgeDecoration {
  readonly id: string;
  readonly component: ComponentType<{ hostId: string; interfaceId: string }>;
}

export interface CanvasLayer {
  readonly id: string;
  readonly component: ComponentType;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let tabs: readonly RightPanelTab[] = [];
let decorations: readonly NodeDecoration[] = [];
let edgeDecorations: readonly EdgeDecoration[] = [];
let canvasLayers: readonly CanvasLayer[] = [];
let modes: readonly AppMode[] = [{ id: 'design', titleKey: 'mode.design', order: 0 }];

const emit = () => {
  for (const l of listeners) l();
};
const subscribe = (l: Listener) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Adds (or replaces, by id) a right-panel tab. */
export function registerRightPanelTab(tab: RightPanelTab): void {
  tabs = [...tabs.filter((x) => x.id !== tab.id), tab].sort((a, b) => a.order - b.order);
  emit();
}

/** Adds (or replaces, by id) an app mode. */
export function registerMode(mode: AppMode): void {
  modes = [...modes.filter((x) => x.id !== mode.id), mode].sort((a, b) => a.order - b.order);
  emit();
}

/** Adds (or replaces, by id) a decoration of host cards on the canvas. */
export function registerNodeDecoration(decoration: NodeDecoration): void {
  decorations = [...decorations.filter((x) => x.id !== decoration.id), decoration];
  emit();
}

/** Adds (or replaces, by id) a label of host–segment links on the canvas. */
export function registerEdgeDecoration(decoration: EdgeDecoration): void {
  edgeDecorations = [...edgeDecorations.filter((x) => x.id !== decoration.id), decoration];
  emit();
}

/** Adds (or replaces, by id) a layer drawn inside the canvas. */
export function registerCanvasLayer(layer: CanvasLayer): void {
  canvasLayers = [...canvasLayers.filter((x) => x.id !== layer.id), layer];
  emit();
}

/** Adds UI strings for a language (`en` or `zh-CN`), merged into the default namespace. */
export function registerTranslations(lang: 'en' | 'zh-CN', resources: Record<string, unknown>): void {
  i18n.addResourceBundle(lang, 'translation', resources, true, true);
}

export const useRightPanelTabs = (): readonly RightPanelTab[] => useSyncExternalStore(subscribe, () => tabs);
export const useModes = (): readonly AppMode[] => useSyncExternalStore(subscribe, () => modes);
export const useNodeDecorations = (): readonly NodeDecoration[] => useSyncExternalStore(subscribe, () => decorations);
export const useEdgeDecorations = (): readonly EdgeDecoration[] => useSyncExternalStore(subscribe, () => edgeDecorations);
export const useCanvasLayers = (): readonly CanvasLayer[] => useSyncExternalStore(subscribe, () => canvasLayers);
