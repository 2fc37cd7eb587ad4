// Module declarations for imports Vite resolves through aliases (vite.config.ts).
declare module 'maplibre-gl-css';
declare module 'maplibre-gl-worker?url' {
  const url: string;
  export default url;
}
declare module '*.geojson?url' {
  const url: string;
  export default url;
}
declare module 'milsymbol-parts' {
  import ms from 'milsymbol';
  export const ms: typeof ms;
  export const std2525c: unknown;
}
