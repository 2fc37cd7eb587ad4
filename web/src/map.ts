// The live map: an offline MapLibre style drawn only from data the centre ships (the region's
// country outlines bundled at build time, zones from /api/v1/zones) — no tiles, no glyphs, no
// sprites from anywhere. Tracks are milsymbol images registered on demand; labels are drawn
// into those images, so the style needs no glyph server.
import { Map as MapLibre, NavigationControl, Popup, ScaleControl, AttributionControl, setWorkerUrl } from 'maplibre-gl';
import type { GeoJSONSource, MapLayerMouseEvent, StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import 'maplibre-gl-css';
import workerUrl from 'maplibre-gl-worker?url';
import countriesUrl from '../../data/region/countries.geojson?url';
import { PIXEL_RATIO, affiliation, drawSymbol, label, sidc } from './symbols';
import { localName, t } from './i18n';
import type { Picture } from './store';

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

/** Above this many tracks, symbols are drawn without their labels. */
const MAX_LABELLED = 2000;

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
      tracks: { type: 'geojson', data: EMPTY, promoteId: 'id' },
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
      {
        id: 'exercise-halo', type: 'circle', source: 'tracks', filter: ['==', ['get', 'exercise'], true],
        paint: { 'circle-radius': 17, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ff4fd8', 'circle-stroke-width': 2 },
      },
      {
        id: 'selected', type: 'circle', source: 'tracks', filter: ['==', ['get', 'selected'], true],
        paint: { 'circle-radius': 20, 'circle-color': 'rgba(255,209,102,0.18)', 'circle-stroke-color': c.trail, 'circle-stroke-width': 2 },
      },
      {
        id: 'tracks', type: 'symbol', source: 'tracks',
        layout: {
          'icon-image': ['get', 'icon'],
          'icon-offset': ['get', 'offset'],
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
        },
      },
    ],
  };
}

export class LiveMap {
  readonly map: MapLibre;
  private theme: Theme;
  private selected: string | null = null;
  private offsets = new Map<string, [number, number]>();
  private pending = false;
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
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new ScaleControl({ unit: 'nautical' }), 'bottom-left');
    this.attribution = new AttributionControl({ compact: true, customAttribution: t('map.attribution') });
    this.map.addControl(this.attribution, 'bottom-right');
    this.popup = new Popup({ closeButton: false, closeOnClick: false, className: 'zone-popup' });
    (window as unknown as { __map: MapLibre }).__map = this.map;

    this.map.on('styleimagemissing', (e) => this.addSymbolImage(e.id));
    this.map.on('idle', () => {
      container.dataset.mapIdle = 'true';
    });
    this.map.on('load', () => this.refresh());
    this.map.on('click', 'tracks', (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') this.onSelect(id);
    });
    this.map.on('click', (e) => {
      if (this.map.queryRenderedFeatures(e.point, { layers: ['tracks'] }).length === 0) this.onSelect(null);
    });
    for (const layer of ['tracks', 'crossings', 'ports']) {
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
      ['selected', 'circle-stroke-color', c.trail],
    ];
    this.whenLoaded(() => {
      for (const [layer, property, value] of paint) this.map.setPaintProperty(layer, property, value);
      this.refresh();
    });
  }

  select(id: string | null): void {
    this.selected = id;
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

  /** Coalesces bursts of stream messages into one redraw. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.container.dataset.mapIdle = 'false';
    window.setTimeout(() => {
      this.pending = false;
      this.refresh();
    }, 150);
  }

  private refresh(): void {
    const tracks = this.map.getSource('tracks') as GeoJSONSource | undefined;
    const headings = this.map.getSource('headings') as GeoJSONSource | undefined;
    if (!tracks || !headings) return;
    const picture = this.shown ?? this.picture;
    const alerted = picture.alertedTracks();
    const labelled = picture.tracks.size <= MAX_LABELLED;
    const features: GeoJSON.Feature[] = [];
    const vectors: GeoJSON.Feature[] = [];
    for (const f of picture.tracks.values()) {
      const p = f.properties;
      const code = sidc(p, affiliation(p, alerted.has(p.id), this.agency));
      // Each labelled symbol is its own image; past a few thousand tracks only the symbol
      // (one image per SIDC) is drawn, until the viewport-thinned stream arrives.
      const icon = `t|${code}|${labelled ? label(p) : ''}|${this.theme}`;
      const [lon, lat] = f.geometry.coordinates;
      features.push({
        type: 'Feature',
        id: p.id,
        geometry: { type: 'Point', coordinates: [lon, lat] },
        properties: { id: p.id, icon, offset: this.offsets.get(icon) ?? [0, 0], exercise: !!p.exercise, selected: p.id === this.selected },
      });
      const course = p.course_deg ?? p.heading_deg;
      const speed = p.speed_mps ?? 0;
      if (course != null && speed > 0.3) {
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
    // Offsets are known once an image has been drawn; draw any new one now so the first
    // frame is already right.
    for (const feature of features) {
      const props = feature.properties as { icon: string; offset: [number, number] };
      if (!this.map.hasImage(props.icon)) this.addSymbolImage(props.icon);
      props.offset = this.offsets.get(props.icon) ?? [0, 0];
    }
    tracks.setData({ type: 'FeatureCollection', features });
    headings.setData({ type: 'FeatureCollection', features: vectors });
    this.container.dataset.trackCount = String(features.length);
  }

  private addSymbolImage(id: string): void {
    if (!id.startsWith('t|') || this.map.hasImage(id)) return;
    const [, code, text, theme] = id.split('|');
    const image = drawSymbol(code, text, theme === 'dark');
    if (!image) return;
    this.offsets.set(id, image.offset);
    this.map.addImage(id, { width: image.width, height: image.height, data: image.data }, { pixelRatio: PIXEL_RATIO });
  }
}
