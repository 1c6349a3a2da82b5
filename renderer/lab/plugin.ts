/** Registers the strings of the "Built-in lab" section (shown in the Deploy and Live tabs). */
import '../styles/lab.css';
import { registerTranslations } from '../app/extensions.ts';
import { labEn, labZh } from './strings.ts';

registerTranslations('en', { lab: labEn });
registerTranslations('zh-CN', { lab: labZh });
