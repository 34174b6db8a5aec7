import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'vazirmatn/Vazirmatn-Variable-font-face.css';
import './ui/ui.css';
import './styles/app.css';
import { App } from './app/App.tsx';
import { initialLanguage } from './app/prefs.tsx';

// Set direction before the first paint so nothing flips once React mounts.
const language = initialLanguage();
document.documentElement.lang = language;
document.documentElement.dir = language === 'en' ? 'ltr' : 'rtl';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
