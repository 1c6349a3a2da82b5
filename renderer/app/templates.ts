/**
 * The built-in templates: an empty design and the seed article's NAT, DR and TUN labs. The labs go
 * through the same parser as any file; this module (and with it the zod schema) loads when a
 * template is picked or the classroom compares them, not with the first paint.
 */
import type { Design } from '../../shared/model/commands.ts';
import { emptyDesign } from '../../shared/model/commands.ts';
import { parseDesignFile } from '../../shared/model/file.ts';
import type { TemplateId } from './files.ts';
import i18n from '../i18n/index.ts';
import natLab from '../../examples/nat-lab.lvs.json';
import drLab from '../../examples/dr-lab.lvs.json';
import tunLab from '../../examples/tun-lab.lvs.json';

const TEMPLATE_SOURCES: Record<Exclude<TemplateId, 'empty'>, unknown> = { nat: natLab, dr: drLab, tun: tunLab };

/** The design of a template (the seed labs go through the same parser as any file). */
export function templateDesign(id: TemplateId): Design {
  if (id === 'empty') return emptyDesign(i18n.t('file.untitled'));
  const parsed = parseDesignFile(JSON.stringify(TEMPLATE_SOURCES[id]));
  if (!parsed.ok) throw new Error(`template ${id}: ${parsed.error.message}`);
  // Name and description in the language of the UI (the example files carry English).
  const topology = { ...parsed.value.topology, name: i18n.t(`templates.${id}.name`), description: i18n.t(`templates.${id}.description`) };
  return { topology, layout: parsed.value.layout };
}
