// Serves each language's messages in two modules, `virtual:messages/<language>/first` (what the
// first screens say) and `virtual:messages/<language>/rest`, from the one file per language that
// people edit (src/i18n/fa.ts…). The split is by key prefix (src/i18n/first-screen.ts).
// Messages arrive already parsed (ICU syntax trees), so the browser needs no ICU parser:
// vite.config.ts swaps it for the parser package's no-parser build (about 8 KB gzipped less).
import { parse } from '@formatjs/icu-messageformat-parser';
import fs from 'node:fs/promises';
import path from 'node:path';
import { transformWithOxc, type Plugin } from 'vite';
import { isFirstScreenKey } from '../src/i18n/first-screen.ts';

const PREFIX = 'virtual:messages/';
const I18N_DIR = path.join(import.meta.dirname, '../src/i18n');

/** The messages object a language file exports (`export const fa = {…}`), read without running the app. */
async function readMessages(language: string): Promise<Record<string, string>> {
  const file = path.join(I18N_DIR, `${language}.ts`);
  const { code } = await transformWithOxc(await fs.readFile(file, 'utf8'), file);
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, Record<string, string>>;
  const messages = module[language];
  if (!messages) throw new Error(`${file} does not export ${language}`);
  return messages;
}

export function messagesPlugin(): Plugin {
  return {
    name: 'vafa-messages',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : undefined;
    },
    async load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      const [language, part] = id.slice(PREFIX.length + 1).split('/');
      if (!language || !/^[a-z]{2}$/.test(language) || (part !== 'first' && part !== 'rest')) throw new Error(`unknown messages module ${id}`);
      this.addWatchFile(path.join(I18N_DIR, `${language}.ts`));
      const messages = await readMessages(language);
      // Parsed as react-intl would at run time (intl-messageformat: the default options and the locale).
      const locale = new Intl.Locale(language);
      const picked = Object.fromEntries(Object.entries(messages)
        .filter(([key]) => isFirstScreenKey(key) === (part === 'first'))
        .map(([key, message]) => [key, parse(message, { locale })]));
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(picked))});`;
    },
  };
}
