// The client's picture: tracks and alerts by id, fed by REST and the stream, with listeners.
// It also carries what the map looks at (`view`), which the stream tells the server, and the
// cluster cells the server sends for what it left out of a crowded view.
import type { Alert, TrackFeature } from './types';

type Listener = () => void;

/** What the map shows, as the stream's viewport message says it. */
export interface ViewRequest {
  bbox: [number, number, number, number];
  zoom: number;
  selected: string | null;
}

/** A cell of tracks the server left out of a crowded view: [lon, lat, count]. */
export type Cluster = [number, number, number];

/** A batch as received: the server's stamp, when it arrived, the newest track time in it. */
export interface BatchStamp {
  server: number;
  received: number;
  newest: number;
}

export class Picture {
  readonly tracks = new Map<string, TrackFeature>();
  readonly alerts = new Map<string, Alert>();
  private trackListeners: Listener[] = [];
  private alertListeners: Listener[] = [];
  /** Incident and unit upserts, handed on to the workspace panels (incidents.ts, units.ts). */
  private caseListeners: Array<(kind: 'incident' | 'unit', data: { id: string }, op: 'upsert' | 'remove') => void> =
    [];
  private zoneListeners: Array<(zone: GeoJSON.Feature) => void> = [];
  /** Ids seen since the stream (re)connected; on `sync` everything else is dropped. */
  private resync: { tracks: Set<string>; alerts: Set<string> } | null = null;
  /** Cells of tracks left out of the view (viewport streams only). */
  clusters: Cluster[] = [];
  /** Batches applied and not yet drawn (the map takes them when it draws). */
  readonly stamps: BatchStamp[] = [];
  /** The map's view, when a map is attached; the stream sends it to the server. */
  view: (() => ViewRequest | null) | null = null;
  private viewListeners: Listener[] = [];
  /** Inside `batch`: listeners are told once, at its end. */
  private quiet = 0;
  private changed = { tracks: false, alerts: false };

  onTracks(listener: Listener): void {
    this.trackListeners.push(listener);
  }

  onAlerts(listener: Listener): void {
    this.alertListeners.push(listener);
  }

  onCase(listener: (kind: 'incident' | 'unit', data: { id: string }, op: 'upsert' | 'remove') => void): void {
    this.caseListeners.push(listener);
  }

  /** A zone changed (a border section's impact level): the new feature, as /api/v1/zones has it. */
  onZone(listener: (zone: GeoJSON.Feature) => void): void {
    this.zoneListeners.push(listener);
  }

  onView(listener: Listener): void {
    this.viewListeners.push(listener);
  }

  /** The map moved or the selection changed. */
  viewChanged(): void {
    for (const l of this.viewListeners) l();
  }

  /** Runs `f` (many applies) and tells the listeners once. */
  batch(f: () => void): void {
    this.quiet += 1;
    try {
      f();
    } finally {
      this.quiet -= 1;
      if (this.quiet === 0) {
        const { tracks, alerts } = this.changed;
        this.changed = { tracks: false, alerts: false };
        if (tracks) this.emitTracks();
        if (alerts) this.emitAlerts();
      }
    }
  }

  /** The server's cluster cells; false when malformed. */
  setClusters(data: unknown): boolean {
    const cells = (data as { cells?: unknown } | null)?.cells;
    if (!Array.isArray(cells)) return false;
    const valid = cells.every((c) => Array.isArray(c) && c.length === 3 && c.every((x) => Number.isFinite(x)));
    if (!valid) return false;
    this.clusters = cells as Cluster[];
    this.emitTracks();
    return true;
  }

  setTracks(features: TrackFeature[]): void {
    this.tracks.clear();
    for (const f of features) if (validTrack(f)) this.tracks.set(f.id, f);
    this.emitTracks();
  }

  setAlerts(alerts: Alert[]): void {
    this.alerts.clear();
    for (const a of alerts) if (validAlert(a) && a.state !== 'closed') this.alerts.set(a.id, a);
    this.emitAlerts();
  }

  beginResync(): void {
    this.resync = { tracks: new Set(), alerts: new Set() };
    // A new connection sends its own cluster cells (none without a viewport).
    this.clusters = [];
  }

  endResync(): void {
    if (!this.resync) return;
    for (const id of [...this.tracks.keys()]) if (!this.resync.tracks.has(id)) this.tracks.delete(id);
    for (const id of [...this.alerts.keys()]) if (!this.resync.alerts.has(id)) this.alerts.delete(id);
    this.resync = null;
    this.emitTracks();
    this.emitAlerts();
  }

  /** Applies one stream message; false when it was malformed (the caller logs and skips it). */
  apply(kind: string, op: string, data: unknown): boolean {
    if (kind === 'track') {
      if (op === 'upsert' && validTrack(data)) {
        this.tracks.set(data.id, data);
        this.resync?.tracks.add(data.id);
      } else if (op === 'remove' && hasId(data)) {
        this.tracks.delete(data.id);
      } else return false;
      this.emitTracks();
      return true;
    }
    if (kind === 'alert') {
      if (op === 'upsert' && validAlert(data)) {
        if (data.state === 'closed') this.alerts.delete(data.id);
        else {
          this.alerts.set(data.id, data);
          this.resync?.alerts.add(data.id);
        }
      } else if (op === 'remove' && hasId(data)) {
        this.alerts.delete(data.id);
      } else return false;
      this.emitAlerts();
      return true;
    }
    if (kind === 'zone') {
      const zone = data as GeoJSON.Feature | null;
      if (op !== 'upsert' || !hasId(data) || zone?.type !== 'Feature') return false;
      for (const l of this.zoneListeners) l(zone);
      return true;
    }
    if (kind === 'incident' || kind === 'unit') {
      // A remove: the case left what this caller may see (e.g. handed over and accepted).
      if ((op !== 'upsert' && op !== 'remove') || !hasId(data)) return false;
      for (const l of this.caseListeners) l(kind, data, op);
      return true;
    }
    return false;
  }

  /** Alerts in the queue's order: newest first. */
  sortedAlerts(): Alert[] {
    return [...this.alerts.values()].sort((a, b) => b.first_time - a.first_time || b.id.localeCompare(a.id));
  }

  alertedTracks(): Set<string> {
    const ids = new Set<string>();
    for (const a of this.alerts.values()) for (const id of a.tracks) ids.add(id);
    return ids;
  }

  private emitTracks(): void {
    if (this.quiet > 0) this.changed.tracks = true;
    else for (const l of this.trackListeners) l();
  }

  private emitAlerts(): void {
    if (this.quiet > 0) this.changed.alerts = true;
    else for (const l of this.alertListeners) l();
  }
}

function hasId(data: unknown): data is { id: string } {
  return typeof data === 'object' && data !== null && typeof (data as { id?: unknown }).id === 'string';
}

function validTrack(data: unknown): data is TrackFeature {
  if (!hasId(data)) return false;
  const f = data as Partial<TrackFeature>;
  const c = f.geometry?.coordinates;
  return (
    Array.isArray(c) &&
    c.length >= 2 &&
    Number.isFinite(c[0]) &&
    Number.isFinite(c[1]) &&
    typeof f.properties === 'object' &&
    f.properties !== null
  );
}

function validAlert(data: unknown): data is Alert {
  if (!hasId(data)) return false;
  const a = data as Partial<Alert>;
  return typeof a.rule === 'string' && typeof a.severity === 'string' && Array.isArray(a.tracks);
}
