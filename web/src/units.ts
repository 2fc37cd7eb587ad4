// The units panel: every unit the caller may see with its status, tasked incident and place;
// a unit of the caller's own agency has its status changed here (watch officers, duty
// officers, admins, field units). Click a unit to fly to it. Live: `unit` upserts.
import { Marker, type Map as MapLibre } from 'maplibre-gl';
import { api } from './api';
import { h } from './dom';
import { formatNumber, formatTime, t } from './i18n';
import { errorText } from './incidents';
import type { Picture } from './store';
import type { Unit, UnitStatus } from './types';

export const UNIT_STATUSES: UnitStatus[] = ['available', 'tasked', 'en_route', 'on_scene', 'out_of_service'];

/** One marker on the map for "look here": a unit or an incident's place. */
export class PlaceMarker {
  private marker: Marker | null = null;
  constructor(private readonly map: MapLibre) {}

  show(lon: number, lat: number, label: string): void {
    const el = document.createElement('div');
    el.className = 'place-marker';
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.title = label;
    this.marker?.remove();
    this.marker = new Marker({ element: el }).setLngLat([lon, lat]).addTo(this.map);
    this.map.easeTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 8) });
  }

  clear(): void {
    this.marker?.remove();
    this.marker = null;
  }
}

export class UnitsPanel {
  readonly element: HTMLElement;
  private units = new Map<string, Unit>();
  private status: HTMLElement;
  /** The last status change's outcome, kept as a key so that it follows the language. */
  private note: { key: string; params: Record<string, string>; error: boolean } | null = null;
  private readonly canChange: boolean;

  constructor(
    picture: Picture,
    private readonly agency: string,
    roles: string[],
    private readonly onFly: (unit: Unit) => void,
    private readonly onIncident: (id: string) => void,
  ) {
    this.canChange = roles.some((r) => ['admin', 'duty_officer', 'watch_officer', 'unit'].includes(r));
    this.element = h('section', { class: 'panel units', 'aria-labelledby': 'units-title' });
    this.status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
    picture.onCase((kind, data, op) => {
      if (kind !== 'unit') return;
      if (op === 'remove') {
        if (this.units.delete(data.id)) this.render();
      } else if (validUnit(data)) {
        this.units.set(data.id, data);
        this.render();
      }
    });
    this.render();
  }

  async load(): Promise<void> {
    try {
      const list = await api<{ units: Unit[] }>('/api/v1/units');
      this.units.clear();
      for (const u of list.units) if (validUnit(u)) this.units.set(u.id, u);
    } catch (e) {
      console.warn('tansiq: units not loaded', e);
    }
    this.render();
  }

  render(): void {
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active && this.element.contains(active) ? `${active.className}|${active.dataset.unitId ?? ''}` : null;
    const list = [...this.units.values()].sort((a, b) => Number(b.agency === this.agency) - Number(a.agency === this.agency) || a.agency.localeCompare(b.agency) || a.id.localeCompare(b.id));
    const params = this.note?.params.status ? { ...this.note.params, status: t(`ustatus.${this.note.params.status}`) } : this.note?.params;
    this.status.textContent = this.note ? t(this.note.key, params) : '';
    this.status.classList.toggle('error', this.note?.error ?? false);
    const counts = UNIT_STATUSES.map((s) => [s, list.filter((u) => u.status === s).length] as const).filter(([, n]) => n > 0);
    this.element.replaceChildren(
      h('header', {}, h('h2', { id: 'units-title' }, t('units.title')), h('span', { class: 'count', 'data-units': list.length }, t('units.count', { count: list.length }))),
      h('p', { class: 'unit-summary' }, ...counts.map(([s, n]) => h('span', { class: `ustatus ustatus-${s}` }, `${t(`ustatus.${s}`)}: ${formatNumber(n)}`))),
      this.status,
      list.length ? h('ul', { class: 'unit-list' }, ...list.map((u) => this.item(u))) : h('p', { class: 'muted empty' }, t('units.empty')),
    );
    if (focusKey) {
      const again = [...this.element.querySelectorAll<HTMLElement>('button, select')].find((el) => `${el.className}|${el.dataset.unitId ?? ''}` === focusKey);
      again?.focus();
    }
  }

  private item(u: Unit): HTMLElement {
    const mine = u.agency === this.agency && this.canChange;
    const name = u.registration?.name ?? u.id;
    const status = mine
      ? h(
          'select',
          {
            class: 'unit-status',
            'data-unit-id': u.id,
            'aria-label': t('units.change_status', { unit: name }),
            onchange: (e: Event) => void this.setStatus(u.id, (e.target as HTMLSelectElement).value as UnitStatus),
          },
          ...UNIT_STATUSES.map((s) => h('option', { value: s, selected: s === u.status }, t(`ustatus.${s}`))),
        )
      : h('span', { class: `ustatus ustatus-${u.status}` }, t(`ustatus.${u.status}`));
    return h(
      'li',
      { class: `unit ustate-${u.status}`, 'data-unit-id': u.id, 'data-status': u.status },
      h(
        'button',
        { type: 'button', class: 'unit-fly', 'data-unit-id': u.id, 'aria-label': t('units.fly', { unit: name }), onclick: () => this.onFly(u) },
        h('strong', {}, name),
        h('span', { class: 'meta' }, `${u.id} · ${u.agency} · ${t(`ukind.${u.registration?.kind ?? 'boat'}`)} · ${t('units.updated', { time: formatTime(u.updated) })}`),
      ),
      status,
      u.incident
        ? h('button', { type: 'button', class: 'link unit-incident', 'data-unit-id': u.id, onclick: () => this.onIncident(u.incident as string) }, t('units.on_incident', { id: u.incident }))
        : null,
    );
  }

  private async setStatus(id: string, status: UnitStatus): Promise<void> {
    try {
      const unit = await api<Unit>(`/api/v1/units/${encodeURIComponent(id)}/status`, { method: 'POST', body: JSON.stringify({ status }) });
      if (validUnit(unit)) this.units.set(unit.id, unit);
      this.note = { key: 'units.status_set', params: { unit: unit.registration?.name ?? id, status }, error: false };
    } catch (e) {
      this.note = { key: 'units.status_failed', params: { message: errorText(e) }, error: true };
    }
    this.render();
  }
}

function validUnit(data: unknown): data is Unit {
  const u = data as Partial<Unit> | null;
  return (
    typeof u === 'object' &&
    u !== null &&
    typeof u.id === 'string' &&
    typeof u.status === 'string' &&
    typeof u.position?.lon === 'number' &&
    typeof u.position?.lat === 'number'
  );
}
