/** React Flow's built-in accessible labels (zoom buttons, minimap, handles…) in the UI language. */
import type { TFunction } from 'i18next';

export function flowAriaLabels(t: TFunction) {
  return {
    'node.a11yDescription.default': t('flow.nodeHelp'),
    'node.a11yDescription.keyboardDisabled': t('flow.nodeHelp'),
    'node.a11yDescription.ariaLiveMessage': ({ x, y }: { direction: string; x: number; y: number }) => t('flow.moved', { x, y }),
    'edge.a11yDescription.default': t('flow.edgeHelp'),
    'controls.ariaLabel': t('flow.controls'),
    'controls.zoomIn.ariaLabel': t('flow.zoomIn'),
    'controls.zoomOut.ariaLabel': t('flow.zoomOut'),
    'controls.fitView.ariaLabel': t('flow.fitView'),
    'controls.interactive.ariaLabel': t('flow.interactive'),
    'minimap.ariaLabel': t('flow.minimap'),
    'handle.ariaLabel': t('flow.handle'),
  };
}
