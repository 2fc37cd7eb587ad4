// The alert queue: newest first, severity colours, acknowledge; j/k move, a acknowledges.
import { api, ApiError } from './api';
import { h } from './dom';
import { currentLang, formatTime, t } from './i18n';
import type { Picture } from './store';
import type { Alert } from './types';

export class AlertQueue {
  readonly element: HTMLElement;
  private list: HTMLElement;
  private status: HTMLElement;
  private selected: string | null = null;
  private known = new Set<string>();
  /** Incidents opened from alerts in this session: alert id → incident id. */
  private incidents = new Map<string, string>();
  private primed = false;

  constructor(
    private readonly picture: Picture,
    private readonly canAck: boolean,
    private readonly onFocusTrack: (id: string) => void,
  ) {
    this.list = h('ol', { class: 'alert-list', 'aria-live': 'polite' });
    this.status = h('p', { class: 'panel-status', role: 'status' });
    this.element = h('section', { class: 'panel alerts', 'aria-labelledby': 'alerts-title' });
    picture.onAlerts(() => this.render());
    this.render();
  }

  render(): void {
    const alerts = this.picture.sortedAlerts();
    this.cueNew(alerts);
    if (this.selected && !this.picture.alerts.has(this.selected)) this.selected = null;
    this.list.replaceChildren(...alerts.map((a) => this.item(a)));
    if (alerts.length === 0) this.list.append(h('li', { class: 'empty' }, t('alerts.empty')));
    const open = alerts.filter((a) => a.state === 'open').length;
    this.element.replaceChildren(
      h('header', {}, h('h2', { id: 'alerts-title' }, t('alerts.title')), h('span', { class: 'count', 'data-open-alerts': open }, t('status.alerts', { count: open }))),
      this.list,
      this.status,
      h('p', { class: 'keys' }, t('alerts.keys')),
    );
  }

  /** Takes what is in the queue now as already seen: no cue for the initial load. */
  prime(): void {
    if (this.primed) return;
    for (const id of this.picture.alerts.keys()) this.known.add(id);
    this.primed = true;
  }

  private cueNew(alerts: Alert[]): void {
    const fresh = alerts.filter((a) => !this.known.has(a.id));
    for (const a of fresh) this.known.add(a.id);
    if (!this.primed) return;
    const loud = fresh.find((a) => a.state === 'open' && (a.severity === 'high' || a.severity === 'critical'));
    if (!loud) return;
    this.status.textContent = t('alerts.new_high', { severity: t(`severity.${loud.severity}`), title: this.title(loud) });
    this.element.classList.remove('flash');
    void this.element.offsetWidth;
    this.element.classList.add('flash');
    beep();
  }

  private title(a: Alert): string {
    return (currentLang() === 'ar' ? a.title_ar : a.title) ?? a.title ?? a.rule;
  }

  private item(a: Alert): HTMLElement {
    const ack = this.canAck && a.state === 'open'
      ? h('button', { class: 'ack', type: 'button', onclick: (e: Event) => { e.stopPropagation(); void this.acknowledge(a.id); } }, t('alerts.ack'))
      : null;
    const li = h(
      'li',
      {
        class: `alert sev-${a.severity} state-${a.state}${a.id === this.selected ? ' selected' : ''}${a.exercise ? ' exercise' : ''}`,
        tabindex: 0,
        'data-alert-id': a.id,
        'data-state': a.state,
        'aria-selected': a.id === this.selected ? 'true' : 'false',
        onclick: () => this.select(a.id),
      },
      h('span', { class: 'sev' }, t(`severity.${a.severity}`)),
      a.exercise ? h('span', { class: 'badge exercise-badge' }, t('exercise')) : null,
      h('strong', { class: 'title' }, this.title(a)),
      h('time', { datetime: new Date(a.first_time).toISOString() }, formatTime(a.first_time)),
      h('div', { class: 'meta' }, t('alerts.tracks', { count: a.tracks.length }), a.zone ? ` · ${t('alerts.zone', { zone: a.zone })}` : ''),
      a.state === 'acknowledged' && a.acknowledged_by ? h('div', { class: 'meta acked' }, t('alerts.acked', { user: a.acknowledged_by })) : null,
      ack,
      this.incidentControl(a),
    );
    return li;
  }

  private incidentControl(a: Alert): HTMLElement | null {
    const opened = this.incidents.get(a.id);
    if (opened) return h('div', { class: 'meta incident-link', 'data-incident-id': opened }, t('alerts.incident', { id: opened }));
    if (!this.canAck) return null;
    return h(
      'button',
      { class: 'open-incident', type: 'button', onclick: (e: Event) => { e.stopPropagation(); void this.openIncident(a.id); } },
      t('alerts.open_incident'),
    );
  }

  /** Opens an incident from an alert: its category from the rule, its tracks and place. */
  async openIncident(id: string): Promise<void> {
    const a = this.picture.alerts.get(id);
    if (!a || !this.canAck) return;
    const first = a.evidence?.[0];
    const body = {
      category: categoryFor(a.rule),
      title: a.title ?? a.rule,
      alerts: [a.id],
      tracks: a.tracks,
      exercise: a.exercise,
      ...(first ? { location: { type: 'point', position: { lon: first.lon, lat: first.lat } } } : {}),
    };
    try {
      const incident = await api<{ id: string }>('/api/v1/incidents', { method: 'POST', body: JSON.stringify(body) });
      this.incidents.set(a.id, incident.id);
      this.render();
      this.status.textContent = t('alerts.incident_opened', { id: incident.id });
    } catch (e) {
      this.status.textContent = t('alerts.incident_failed', { message: e instanceof ApiError ? e.message : String(e) });
    }
  }

  select(id: string | null): void {
    this.selected = id;
    this.render();
    if (!id) return;
    const el = this.list.querySelector<HTMLElement>(`[data-alert-id="${CSS.escape(id)}"]`);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
    const alert = this.picture.alerts.get(id);
    if (alert && alert.tracks[0] && this.picture.tracks.has(alert.tracks[0])) this.onFocusTrack(alert.tracks[0]);
  }

  move(step: number): void {
    const alerts = this.picture.sortedAlerts();
    if (alerts.length === 0) return;
    const index = alerts.findIndex((a) => a.id === this.selected);
    const next = index < 0 ? (step > 0 ? 0 : alerts.length - 1) : Math.min(Math.max(index + step, 0), alerts.length - 1);
    this.select(alerts[next].id);
  }

  acknowledgeSelected(): void {
    if (this.selected) void this.acknowledge(this.selected);
  }

  async acknowledge(id: string): Promise<void> {
    if (!this.canAck) return;
    try {
      const alert = await api<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST' });
      this.picture.apply('alert', 'upsert', alert);
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = t('alerts.ack_failed', { message: e instanceof ApiError ? e.message : String(e) });
    }
  }
}

/** The incident category (crates/incident/data/taxonomy.toml) an alert's rule suggests. */
function categoryFor(rule: string): string {
  if (rule.startsWith('sar.')) return 'sar.distress';
  if (rule === 'coast.unidentified_departure') return 'migration.departure';
  if (rule === 'crossing.outside_bcp') return 'crossing.outside_bcp';
  if (rule.startsWith('crossing.')) return 'crossing.irregular';
  if (rule === 'encounter' || rule === 'rendezvous' || rule.startsWith('ais.')) return 'smuggling.fuel';
  if (rule === 'convoy') return 'smuggling.goods';
  return 'suspect.unidentified';
}

let audio: AudioContext | null = null;

/** A short two-tone cue for a new high-severity alert (generated, no sound file). */
function beep(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.08, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    }
  } catch {
    // No audio device: the visual cue remains.
  }
}
