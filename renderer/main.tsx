/** Renderer entry: styles, i18n, then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import './i18n/index.ts';
import { App } from './app/App.tsx';
import { prefetchRecovery } from './app/files.ts';

prefetchRecovery();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
