/**
 * Builds the browser UI into dist/ui/: `launcher.js` (tiny, injected in every page, no React)
 * and `app.js` (React, loaded on first open), `standalone.js` (the full page at `{mountPath}/`),
 * plus their chunks, all flat in one folder because
 * the server serves them as `{mountPath}/static/<file>`.
 *
 * Run from the repo root: `vite build --config ui/vite.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  plugins: [react()],
  define: {
    // React is bundled, and its production build is chosen by this.
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir: here('../dist/ui'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: true,
    // Not library mode: that keeps whitespace in ES output. An app build with JS entries is
    // fully minified; `exports-only` keeps the app's `mount` export.
    modulePreload: false,
    rollupOptions: {
      input: { launcher: here('./launcher.ts'), app: here('./app/main.tsx'), standalone: here('./standalone.ts') },
      preserveEntrySignatures: 'exports-only',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunk-[name]-[hash].js',
      },
    },
  },
});
