/** Renderer entry: styles, i18n, then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import i18n from './i18n/index.ts';
import { App } from './app/App.tsx';
import { prefetchRecovery } from './app/files.ts';
import { useApp } from './store/index.ts';
import { emptyDesign } from '../shared/model/commands.ts';

prefetchRecovery();
// The first, untouched design is named in the UI language (the store is created before i18n), and
// before the first render, which would otherwise draw the whole window twice.
useApp.getState().load(emptyDesign(i18n.t('file.untitled')), null, null);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
