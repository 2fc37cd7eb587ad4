// The client's picture: tracks and alerts by id, fed by REST and the stream, with listeners.
import type { Alert, TrackFeature } from './types';

type Listener = () => void;

export class Picture {
  readonly tracks = new Map<string, TrackFeature>();
  readonly alerts = new Map<string, Alert>();
  private trackListeners: Listener[] = [];
  private alertListeners: Listener[] = [];
  /** Incident and unit upserts, handed on to the workspace panels (incidents.ts, units.ts). */
  private caseListeners: Array<(kind: 'incident' | 'unit', data: { id: string }) => void> = [];
  /** Ids seen since the stream (re)connected; on `sync` everything else is dropped. */
  private resync: { tracks: Set<string>; alerts: Set<string> } | null = null;

  onTracks(listener: Listener): void {
    this.trackListeners.push(listener);
  }

  onAlerts(listener: Listener): void {
    this.alertListeners.push(listener);
  }

  onCase(listener: (kind: 'incident' | 'unit', data: { id: string }) => void): void {
    this.caseListeners.push(listener);
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
    if (kind === 'incident' || kind === 'unit') {
      if (op !== 'upsert' || !hasId(data)) return false;
      for (const l of this.caseListeners) l(kind, data);
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
    for (const l of this.trackListeners) l();
  }

  private emitAlerts(): void {
    for (const l of this.alertListeners) l();
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
