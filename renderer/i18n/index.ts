/**
 * i18next set-up: English and Simplified Chinese, switchable at runtime. The choice is remembered
 * in localStorage; the first start follows the browser language.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;

const STORAGE_KEY = 'lvs.language';

function initialLanguage(): string {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved && LANGUAGES.some((l) => l.code === saved)) return saved;
  } catch {
    // storage disabled: fall through to the browser language
  }
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Switches the UI language and remembers it. */
export function setLanguage(code: string): void {
  void i18n.changeLanguage(code);
  document.documentElement.lang = code;
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered; the switch itself still works
  }
}

document.documentElement.lang = i18n.language;

export default i18n;
