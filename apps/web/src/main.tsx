import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'vazirmatn/Vazirmatn-Variable-font-face.css';
import './ui/ui.css';
import './styles/app.css';
import { App } from './app/App.tsx';
import { initialLanguage } from './app/prefs.tsx';
import { loadLanguage } from './i18n/load.ts';

// Set direction before the first paint so nothing flips once React mounts.
const language = initialLanguage();
document.documentElement.lang = language;
document.documentElement.dir = language === 'en' ? 'ltr' : 'rtl';

// The first render waits for this language's messages (fetched beside the session, which App.tsx
// has already asked for), so no message key ever shows. Should they fail to load, the app still
// starts, and a later change of language tries again.
const render = () => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
loadLanguage(language).then(render, render);
