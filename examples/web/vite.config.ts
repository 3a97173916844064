/**
 * Builds the web app (the presenter's console and the viewer) into static files that `lectern
 * serve` sends from dist/web. Two pages, one shared chunk; `lectern/client` resolves to the
 * library's source so the pages always ship the client of this very checkout.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  resolve: {
    alias: { 'lectern/client': here('../../client/index.ts') },
  },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // Inline nothing: every script and stylesheet is a file, so the pages' CSP needs no 'unsafe-inline'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    // The viewer carries CodeMirror: about 430 kB minified, 145 kB gzipped, beside the shared chunk.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: { present: here('present.html'), join: here('join.html') },
      // The chunk both pages load (the API client, the base stylesheet) is named for what it is.
      output: {
        chunkFileNames: 'assets/shared-[hash].js',
        assetFileNames: ({ names }) => (names.some((name) => /^(present|join)\./.test(name)) ? 'assets/[name]-[hash][extname]' : 'assets/shared-[hash][extname]'),
      },
    },
  },
})
