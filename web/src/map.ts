// The live map: an offline MapLibre style drawn only from data the centre ships (the region's
// country outlines bundled at build time, zones from /api/v1/zones) — no tiles, no glyphs, no
// sprites from anywhere. Tracks, cluster cells and halos are drawn by one custom WebGL layer
// (tracklayer.ts) from milsymbol images drawn on demand; labels are drawn into those images,
// so the style needs no glyph server.
//
// The map tells the stream what it shows (`picture.view`, sent on `moveend`) so that the server
// sends only that view's tracks, with `cluster` cells for what a crowded view leaves out.
// Changes are drawn once per animation frame, however many batches arrived: one buffer for the
// track layer, drawn in the next frame. Each batch's stamps are kept until the frame that shows
// it has rendered, in `window.__tansiqRender` (bench/web measures the latency from them).
import { Map as MapLibre, NavigationControl, Popup, ScaleControl, AttributionControl, setWorkerUrl } from 'maplibre-gl';
import type { GeoJSONSource, MapLayerMouseEvent, StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import 'maplibre-gl-css';
import workerUrl from 'maplibre-gl-worker?url';
import countriesUrl from '../../data/region/countries.geojson?url';
import { PIXEL_RATIO, affiliation, drawSymbol, label, sidc } from './symbols';
import { formatNumber, localName, t } from './i18n';
import type { BatchStamp, Cluster, Picture } from './store';
import { mark } from './stream';
import { TrackLayer, type Mark, type Sprite } from './tracklayer';

setWorkerUrl(workerUrl);

export type Theme = 'dark' | 'light';

const COLORS = {
  dark: { sea: '#08131f', land: '#171b20', home: '#222a31', landLine: '#4b5560', belt: '#2f6f9f', border: '#c9d1d9', heading: '#e6edf3', trail: '#ffd166' },
  light: { sea: '#cfe3f1', land: '#e9e6df', home: '#faf8f3', landLine: '#8a8f94', belt: '#2a6fb0', border: '#333333', heading: '#1b1f24', trail: '#d17a00' },
};

const IMPACT: ExpressionSpecification = [
  'match',
  ['coalesce', ['get', 'impact'], 'low'],
  'critical', '#d62828',
  'high', '#f77f00',
  'medium', '#fcbf49',
  '#2a9d8f',
];

/** Above this many tracks, symbols are drawn without their labels: each labelled symbol is an
 * image of its own, drawn by milsymbol into the track layer's atlas, which costs the main
 * thread milliseconds apiece; a crowded view is unreadable with labels anyway. */
const MAX_LABELLED = 300;
/** Above this many tracks, heading vectors are left out too (a second source to re-tile). */
const MAX_VECTORS = 1000;

/** Batches drawn, with when their frame rendered (ms since the epoch); the newest kept. */
export interface RenderStamp extends BatchStamp {
  rendered: number;
}
const RENDER_LOG = 20_000;
const NO_CELLS: Cluster[] = [];

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

function style(theme: Theme): StyleSpecification {
  const c = COLORS[theme];
  return {
    version: 8,
    sources: {
      countries: { type: 'geojson', data: countriesUrl },
      zones: { type: 'geojson', data: EMPTY },
      trail: { type: 'geojson', data: EMPTY },
      headings: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': c.sea } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': ['case', ['==', ['get', 'iso_a3'], 'LBY'], c.home, c.land] } },
      { id: 'land-line', type: 'line', source: 'countries', paint: { 'line-color': c.landLine, 'line-width': 0.7 } },
      {
        id: 'belts', type: 'fill', source: 'zones',
        filter: ['in', ['get', 'kind'], ['literal', ['territorial_sea', 'contiguous_zone']]],
        paint: { 'fill-color': c.belt, 'fill-opacity': ['match', ['get', 'kind'], 'territorial_sea', 0.16, 0.07] },
      },
      {
        id: 'belts-line', type: 'line', source: 'zones',
        filter: ['in', ['get', 'kind'], ['literal', ['territorial_sea', 'contiguous_zone']]],
        paint: { 'line-color': c.belt, 'line-width': 1, 'line-dasharray': [3, 2] },
      },
      {
        id: 'user-zones', type: 'line', source: 'zones', filter: ['==', ['get', 'kind'], 'user'],
        paint: { 'line-color': '#b388ff', 'line-width': 1.5, 'line-dasharray': [2, 2] },
      },
      {
        id: 'land-borders', type: 'line', source: 'zones', filter: ['==', ['get', 'kind'], 'land_border'],
        paint: { 'line-color': c.border, 'line-width': 1.2 },
      },
      {
        id: 'sections', type: 'line', source: 'zones',
        filter: ['all', ['==', ['get', 'kind'], 'border_section'], ['==', ['geometry-type'], 'LineString']],
        paint: { 'line-color': IMPACT, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 2.5, 9, 5], 'line-opacity': 0.85 },
      },
      {
        id: 'site-areas', type: 'line', source: 'zones', minzoom: 8,
        filter: ['all', ['in', ['get', 'kind'], ['literal', ['crossing_point', 'port']]], ['==', ['geometry-type'], 'Polygon']],
        paint: { 'line-color': ['match', ['get', 'kind'], 'port', '#4895ef', '#e63946'], 'line-width': 1, 'line-dasharray': [2, 2] },
      },
      {
        id: 'crossings', type: 'circle', source: 'zones',
        filter: ['all', ['==', ['get', 'kind'], 'crossing_point'], ['==', ['geometry-type'], 'Point']],
        paint: { 'circle-radius': 4.5, 'circle-color': '#ffffff', 'circle-stroke-color': '#e63946', 'circle-stroke-width': 2.5 },
      },
      {
        id: 'ports', type: 'circle', source: 'zones',
        filter: ['all', ['==', ['get', 'kind'], 'port'], ['==', ['geometry-type'], 'Point']],
        paint: { 'circle-radius': 4, 'circle-color': '#4895ef', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
      },
      { id: 'trail', type: 'line', source: 'trail', paint: { 'line-color': c.trail, 'line-width': 2, 'line-dasharray': [1, 1] } },
      { id: 'headings', type: 'line', source: 'headings', paint: { 'line-color': c.heading, 'line-width': 1.4 } },
      // The tracks, cluster cells and halos: a custom layer added on load (tracklayer.ts).
    ],
  };
}

export class LiveMap {
  readonly map: MapLibre;
  private theme: Theme;
  private selected: string | null = null;
  private readonly trackLayer: TrackLayer;
  private overTrack = false;
  private pending = false;
  private vectorsShown = false;
  /** Batches handed to the track layer and not yet seen rendered. */
  private inFlight: BatchStamp[] = [];
  /** The track symbols drawn now. */
  private drawn: Mark[] = [];
  private readonly renderLog: RenderStamp[] = [];
  /** A replayed picture drawn instead of the live one (replay.ts); null draws the live one. */
  private shown: Picture | null = null;
  private popup: Popup;
  private attribution: AttributionControl;

  constructor(
    private readonly container: HTMLElement,
    private readonly picture: Picture,
    private readonly agency: string,
    theme: Theme,
    private readonly onSelect: (id: string | null) => void,
  ) {
    this.theme = theme;
    this.trackLayer = new TrackLayer('tracks', (name) => this.sprite(name), PIXEL_RATIO);
    container.dataset.mapIdle = 'false';
    this.map = new MapLibre({
      container,
      style: style(theme),
      center: [17.5, 28.5],
      zoom: 4.6,
      minZoom: 3,
      maxZoom: 14,
      attributionControl: false,
      localIdeographFontFamily: "'Noto Sans Arabic', sans-serif",
      // Symbols appear at once: a fade animates every frame for 300 ms after each placement,
      // and with the picture changing twice a second the map would hardly ever stop drawing.
      fadeDuration: 0,
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'nautical' }), 'bottom-left');
    this.attribution = new AttributionControl({ compact: true, customAttribution: t('map.attribution') });
    this.map.addControl(this.attribution, 'bottom-right');
    this.popup = new Popup({ closeButton: false, closeOnClick: false, className: 'zone-popup' });
    (window as unknown as { __map: MapLibre }).__map = this.map;
    (window as unknown as { __trackLayer: TrackLayer }).__trackLayer = this.trackLayer;
    (window as unknown as { __tansiqRender: RenderStamp[] }).__tansiqRender = this.renderLog;
    picture.view = () => this.viewRequest();
    this.map.on('moveend', () => picture.viewChanged());
    this.map.on('render', () => this.rendered());

    this.map.on('idle', () => {
      container.dataset.mapIdle = 'true';
    });
    // The track layer is added as soon as the style is parsed: the first tracks need not wait
    // for the basemap's and zones' tiles ('load'). A lost WebGL context comes back as a style
    // rebuilt from a snapshot, without custom layers: the layer is added again then (its onAdd
    // draws its sprites anew in the new context).
    this.map.on('style.load', () => {
      if (!this.map.getLayer(this.trackLayer.id)) this.map.addLayer(this.trackLayer);
      this.refresh();
    });
    this.map.on('load', () => mark('tansiq:map-load'));

    this.map.on('click', (e) => this.onSelect(this.trackLayer.hit(e.point)));
    this.map.on('mousemove', (e) => {
      const over = this.trackLayer.hit(e.point) !== null;
      if (over !== this.overTrack) {
        this.overTrack = over;
        this.map.getCanvas().style.cursor = over ? 'pointer' : '';
      }
    });
    for (const layer of ['crossings', 'ports']) {
      this.map.on('mouseenter', layer, () => (this.map.getCanvas().style.cursor = 'pointer'));
      this.map.on('mouseleave', layer, () => {
        this.map.getCanvas().style.cursor = '';
        this.popup.remove();
      });
    }
    for (const layer of ['crossings', 'ports']) {
      this.map.on('mousemove', layer, (e: MapLayerMouseEvent) => {
        const p = e.features?.[0]?.properties as { name?: string; name_ar?: string; kind?: string } | undefined;
        if (!p) return;
        const el = document.createElement('div');
        const kind = document.createElement('small');
        kind.textContent = t(`zone.${p.kind ?? ''}`);
        const name = document.createElement('strong');
        name.textContent = localName(p);
        el.append(name, document.createElement('br'), kind);
        this.popup.setLngLat(e.lngLat).setDOMContent(el).addTo(this.map);
      });
    }
    picture.onTracks(() => this.schedule());
    picture.onAlerts(() => this.schedule());
  }

  setZones(zones: GeoJSON.FeatureCollection): void {
    // Crossing points and ports come as circles drawn as polygons; mark each by its centre.
    const markers: GeoJSON.Feature[] = zones.features
      .filter((f) => Array.isArray(f.properties?.center))
      .map((f) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: f.properties?.center as number[] }, properties: f.properties }));
    zones = { type: 'FeatureCollection', features: [...zones.features, ...markers] };
    this.whenLoaded(() => (this.map.getSource('zones') as GeoJSONSource).setData(zones));
  }

  /** The map's own strings follow the language. */
  setLanguage(): void {
    this.map.removeControl(this.attribution);
    this.attribution = new AttributionControl({ compact: true, customAttribution: t('map.attribution') });
    this.map.addControl(this.attribution, 'bottom-right');
  }

  /** Recolours the layers in place (a new style would drop the sources' data and images). */
  setTheme(theme: Theme): void {
    this.theme = theme;
    const c = COLORS[theme];
    type Paint = Parameters<MapLibre['setPaintProperty']>;
    const paint: Array<[string, Paint[1], Paint[2]]> = [
      ['sea', 'background-color', c.sea],
      ['land', 'fill-color', ['case', ['==', ['get', 'iso_a3'], 'LBY'], c.home, c.land]],
      ['land-line', 'line-color', c.landLine],
      ['belts', 'fill-color', c.belt],
      ['belts-line', 'line-color', c.belt],
      ['land-borders', 'line-color', c.border],
      ['trail', 'line-color', c.trail],
      ['headings', 'line-color', c.heading],
    ];
    this.whenLoaded(() => {
      for (const [layer, property, value] of paint) this.map.setPaintProperty(layer, property, value);
      this.trackLayer.clearSprites();
      this.refresh();
    });
  }

  select(id: string | null): void {
    this.selected = id;
    this.picture.viewChanged();
    this.schedule();
    const trail = this.map.getSource('trail') as GeoJSONSource | undefined;
    trail?.setData(EMPTY);
  }

  setTrail(line: GeoJSON.Feature | null): void {
    (this.map.getSource('trail') as GeoJSONSource | undefined)?.setData(
      line ? { type: 'FeatureCollection', features: [line] } : EMPTY,
    );
  }

  /** Draws `picture` (a replay) instead of the live picture; null returns to live. */
  showPicture(picture: Picture | null): void {
    this.shown = picture;
    this.schedule();
  }

  flyTo(id: string): void {
    const track = this.picture.tracks.get(id);
    if (!track) return;
    const [lon, lat] = track.geometry.coordinates;
    this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 7) });
  }

  private whenLoaded(f: () => void): void {
    if (this.map.isStyleLoaded()) f();
    else this.map.once('load', f);
  }

  /** What the map shows, for the stream's viewport. */
  private viewRequest(): { bbox: [number, number, number, number]; zoom: number; selected: string | null } {
    const b = this.map.getBounds();
    return { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: this.map.getZoom(), selected: this.selected };
  }

  /** Coalesces bursts of stream messages into one redraw, on the next animation frame. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.container.dataset.mapIdle = 'false';
    window.requestAnimationFrame(() => {
      this.pending = false;
      this.refresh();
    });
  }

  /** After a frame: the batches handed to the track layer before it have been drawn. */
  private rendered(): void {
    if (this.inFlight.length === 0) return;
    const now = Date.now();
    for (const { server, received, newest } of this.inFlight) this.renderLog.push({ server, received, newest, rendered: now });
    this.inFlight = [];
    mark('tansiq:first-render');
    if (this.renderLog.length > RENDER_LOG) this.renderLog.splice(0, this.renderLog.length - RENDER_LOG);
  }

  private refresh(): void {
    const headings = this.map.getSource('headings') as GeoJSONSource | undefined;
    if (!headings || !this.map.getLayer(this.trackLayer.id)) return;
    const picture = this.shown ?? this.picture;
    const alerted = picture.alertedTracks();
    const labelled = picture.tracks.size <= MAX_LABELLED;
    const vectored = picture.tracks.size <= MAX_VECTORS;
    // Drawing order: cluster cells, halos, then the symbols on top.
    const cells = this.shown ? NO_CELLS : picture.clusters;
    const marks: Mark[] = cells.map(([lon, lat, count]) => ({ lon, lat, sprite: `c|${count}|${this.theme}` }));
    const symbols: Mark[] = [];
    const vectors: GeoJSON.Feature[] = [];
    for (const f of picture.tracks.values()) {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const code = sidc(p, affiliation(p, alerted.has(p.id), this.agency));
      if (p.exercise) marks.push({ lon, lat, sprite: `h|exercise|${this.theme}` });
      if (p.id === this.selected) marks.push({ lon, lat, sprite: `h|selected|${this.theme}` });
      // Each labelled symbol is its own sprite; past MAX_LABELLED tracks only the symbol (one
      // sprite per SIDC) is drawn.
      symbols.push({ lon, lat, id: p.id, sprite: `t|${code}|${labelled ? label(p) : ''}|${this.theme}` });
      const course = p.course_deg ?? p.heading_deg;
      const speed = p.speed_mps ?? 0;
      if (vectored && course != null && speed > 0.3) {
        // Where the track will be in 15 minutes (at least 2 km, for slow movers).
        const metres = Math.max(speed * 900, 2000);
        const rad = (course * Math.PI) / 180;
        const dLat = (metres * Math.cos(rad)) / 111_195;
        const dLon = (metres * Math.sin(rad)) / (111_195 * Math.max(Math.cos((lat * Math.PI) / 180), 1e-6));
        vectors.push({
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: [[lon, lat], [lon + dLon, lat + dLat]] },
          properties: {},
        });
      }
    }
    marks.push(...symbols);
    this.drawn = symbols;
    // The layer draws them in the next frame: the batches are shown by that frame.
    const stamps = picture === this.picture ? this.picture.stamps.splice(0) : [];
    this.inFlight.push(...stamps);
    this.trackLayer.setMarks(marks);
    if (vectors.length > 0 || this.vectorsShown) headings.setData({ type: 'FeatureCollection', features: vectors });
    this.vectorsShown = vectors.length > 0;
    this.container.dataset.trackCount = String(symbols.length);
  }

  /** The tracks the map draws now (id and position), for tests and the console. */
  drawnTracks(): Record<string, [number, number]> {
    return Object.fromEntries(this.drawn.map((m) => [m.id ?? '', [m.lon, m.lat]]));
  }

  /** A sprite for the track layer: `t|sidc|label|theme`, `c|count|theme` or `h|kind|theme`. */
  private sprite(name: string): Sprite | null {
    const [kind, a, b, c] = name.split('|');
    if (kind === 't') return drawSymbol(a, b, c === 'dark');
    if (kind === 'c') return this.clusterSprite(Number(a), b as Theme);
    if (kind === 'h') return haloSprite(a, b as Theme);
    return null;
  }

  /** A cluster cell: a disc sized by its count, and the count (the style has no glyphs). */
  private clusterSprite(count: number, theme: Theme): Sprite | null {
    const c = COLORS[theme];
    // 9 px for one track, 15 px for 100, 22 px for 1,000 and more.
    const radius = count <= 100 ? 9 + (6 * (count - 1)) / 99 : Math.min(22, 15 + (7 * (count - 100)) / 900);
    const text = formatNumber(count);
    const font = `bold ${11 * PIXEL_RATIO}px sans-serif`;
    const canvas = document.createElement('canvas');
    // Read back at once: a GPU-backed canvas would make getImageData wait on the GPU process.
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.font = font;
    const textWidth = Math.ceil(ctx.measureText(text).width) + 4 * PIXEL_RATIO;
    const side = Math.max(Math.ceil((radius + 1) * 2 * PIXEL_RATIO), textWidth);
    canvas.width = side;
    canvas.height = Math.ceil((radius + 1) * 2 * PIXEL_RATIO);
    const [x, y] = [canvas.width / 2, canvas.height / 2];
    ctx.beginPath();
    ctx.arc(x, y, radius * PIXEL_RATIO, 0, 2 * Math.PI);
    ctx.fillStyle = 'rgba(120,144,156,0.35)';
    ctx.fill();
    ctx.lineWidth = PIXEL_RATIO;
    ctx.strokeStyle = c.heading;
    ctx.stroke();
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3;
    ctx.strokeStyle = c.sea;
    ctx.fillStyle = c.heading;
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
    return { width: canvas.width, height: canvas.height, data: ctx.getImageData(0, 0, canvas.width, canvas.height).data, offset: [0, 0] };
  }
}

/** The ring around a selected track, or around exercise data. */
function haloSprite(kind: string, theme: Theme): Sprite | null {
  const selected = kind === 'selected';
  const radius = selected ? 20 : 17;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  canvas.width = canvas.height = Math.ceil((radius + 2) * 2 * PIXEL_RATIO);
  const centre = canvas.width / 2;
  ctx.beginPath();
  ctx.arc(centre, centre, radius * PIXEL_RATIO, 0, 2 * Math.PI);
  if (selected) {
    ctx.fillStyle = 'rgba(255,209,102,0.18)';
    ctx.fill();
  }
  ctx.lineWidth = 2 * PIXEL_RATIO;
  ctx.strokeStyle = selected ? COLORS[theme].trail : '#ff4fd8';
  ctx.stroke();
  return { width: canvas.width, height: canvas.height, data: ctx.getImageData(0, 0, canvas.width, canvas.height).data, offset: [0, 0] };
}
