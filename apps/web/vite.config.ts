import optimizeLocales from '@react-aria/optimize-locales-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { messagesPlugin } from './build/messages-plugin.ts';

// The API runs separately in development (`npm start` on :3000); Vite proxies /api to it so the
// session cookie and CSRF header work exactly as in production (same origin).
export default defineConfig({
  plugins: [
    react(),
    // React Aria bundles its strings in 30-odd languages; the app gives it its own table for fa,
    // ar and en (src/i18n/react-aria-strings.ts), so none of the bundled ones is ever read.
    { ...optimizeLocales.vite({ locales: [] }), enforce: 'pre' },
    // Each language's messages in two parts: the first screens' and the rest (src/i18n/load.ts).
    messagesPlugin(),
  ],
  resolve: {
    // Messages come parsed from the build (build/messages-plugin.ts): the parser stays out of the bundle.
    alias: [{ find: /^@formatjs\/icu-messageformat-parser$/, replacement: '@formatjs/icu-messageformat-parser/no-parser.js' }],
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.VAFA_API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Fonts and icons are bundled as files from our own origin (CSP default-src 'self').
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
