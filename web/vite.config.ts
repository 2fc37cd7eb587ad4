// Vite builds the operator screen into web/dist, which the tansiq binary embeds
// (crates/server/build.rs runs `npm run build`, crates/server/src/web.rs serves it).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const maplibre = fileURLToPath(new URL('./node_modules/maplibre-gl/dist/', import.meta.url));
const milsymbol = fileURLToPath(new URL('./node_modules/milsymbol/', import.meta.url));

export default defineConfig({
  base: '/',
  resolve: {
    // maplibre-gl exports only its entry; its stylesheet and worker are reached by path.
    alias: [
      { find: /^maplibre-gl-css$/, replacement: `${maplibre}maplibre-gl.css` },
      { find: /^maplibre-gl-worker/, replacement: `${maplibre}maplibre-gl-worker.mjs` },
      // milsymbol's package entry loads every symbol set (2525B–E, APP-6B/D); its ES module
      // index lets us take only the 2525C letter codes the map uses.
      { find: /^milsymbol-parts$/, replacement: `${milsymbol}index.mjs` },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // `npm run dev` against a running centre on :8080.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
    fs: { allow: ['..'] },
  },
});
