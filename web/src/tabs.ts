// The side area's tabs: Alerts | Incidents | Units | Dashboard. A WAI-ARIA tab list: arrow
// keys move between tabs (mirrored in Arabic), Home/End jump, and the digits 1–4 switch tabs
// from anywhere outside a text field. Builds the incident, unit and dashboard panels.
import type { AlertQueue } from './alerts';
import { Dashboard } from './dashboard';
import { h } from './dom';
import { currentLang, localName, t } from './i18n';
import { IncidentPanel } from './incidents';
import type { LiveMap } from './map';
import type { Picture } from './store';
import type { Agency } from './types';
import { PlaceMarker, UnitsPanel } from './units';

const TABS = ['alerts', 'incidents', 'units', 'dashboard'] as const;
type Tab = (typeof TABS)[number];

export interface Panels {
  /** Re-renders every panel in the current language. */
  render(): void;
  /** The stream is (again) live: read incidents and units afresh. */
  resync(): void;
  openIncident(id: string): void;
  stop(): void;
}

export function mountPanels(
  side: HTMLElement,
  queue: AlertQueue,
  picture: Picture,
  session: { agency: string; roles: string[] },
  liveMap: LiveMap,
  selectTrack: (id: string) => void,
  agencies: () => Agency[],
  /** The zones, as main.ts asked the centre for them once (460 KB: not fetched twice). */
  zoneList: Promise<GeoJSON.FeatureCollection>,
): Panels {
  const marker = new PlaceMarker(liveMap.map);
  const zones = new Map<string, { name?: string; name_ar?: string }>();
  // Border section names for the incident detail (the map reads the same list for itself).
  zoneList
    .then((fc) => {
      for (const f of fc.features) {
        const p = f.properties as { id?: string; name?: string; name_ar?: string } | null;
        if (p?.id) zones.set(p.id, p);
      }
      incidents.render();
    })
    .catch(() => {});
  let current: Tab = 'alerts';
  const incidents = new IncidentPanel(picture, session.agency, session.roles, {
    focusTrack: (id) => {
      selectTrack(id);
      liveMap.flyTo(id);
    },
    flyTo: (lon, lat) => marker.show(lon, lat, t('map.incident_here', { id: incidents.openIncident ?? '' })),
    agencies,
    sectionName: (id) => {
      const zone = zones.get(id);
      return zone ? localName(zone) : id;
    },
    shown: () => show('incidents', false),
  });
  const units = new UnitsPanel(
    picture,
    session.agency,
    session.roles,
    (u) => marker.show(u.position.lon, u.position.lat, t('map.unit_here', { unit: u.registration?.name ?? u.id })),
    (id) => void incidents.open(id),
  );
  const dashboard = new Dashboard();
  const content: Record<Tab, HTMLElement> = { alerts: queue.element, incidents: incidents.element, units: units.element, dashboard: dashboard.element };

  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('tab.label') });
  const buttons = {} as Record<Tab, HTMLButtonElement>;
  const panels = {} as Record<Tab, HTMLElement>;
  for (const [n, tab] of TABS.entries()) {
    buttons[tab] = h('button', {
      type: 'button',
      role: 'tab',
      class: 'tab',
      id: `tab-${tab}`,
      'data-tab': tab,
      'aria-controls': `tabpanel-${tab}`,
      'aria-keyshortcuts': String(n + 1),
      onclick: () => show(tab, false),
    });
    panels[tab] = h('div', { class: 'tabpanel', role: 'tabpanel', id: `tabpanel-${tab}`, 'aria-labelledby': `tab-${tab}`, 'data-tab': tab }, content[tab]);
    tablist.append(buttons[tab]);
  }
  tablist.addEventListener('keydown', (event) => {
    const i = TABS.indexOf(current);
    const forward = currentLang() === 'ar' ? 'ArrowLeft' : 'ArrowRight';
    const back = currentLang() === 'ar' ? 'ArrowRight' : 'ArrowLeft';
    let next: number | null = null;
    if (event.key === forward) next = (i + 1) % TABS.length;
    else if (event.key === back) next = (i + TABS.length - 1) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    show(TABS[next], true);
  });
  side.replaceChildren(tablist, ...TABS.map((tab) => panels[tab]));

  function show(tab: Tab, focus: boolean): void {
    current = tab;
    side.dataset.tab = tab;
    for (const other of TABS) {
      const on = other === tab;
      buttons[other].setAttribute('aria-selected', String(on));
      buttons[other].tabIndex = on ? 0 : -1;
      panels[other].hidden = !on;
    }
    if (tab === 'dashboard') dashboard.show();
    else dashboard.hide();
    if (focus) buttons[tab].focus();
  }

  function labels(): void {
    tablist.setAttribute('aria-label', t('tab.label'));
    for (const tab of TABS) buttons[tab].textContent = t(`tab.${tab}`);
  }

  const onKey = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const n = Number(event.key);
    if (Number.isInteger(n) && n >= 1 && n <= TABS.length) {
      event.preventDefault();
      show(TABS[n - 1], true);
    }
  };
  document.addEventListener('keydown', onKey);
  // The alert queue's "incident iN" note opens that incident.
  queue.element.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLElement>('.incident-link[data-incident-id]');
    if (!link?.dataset.incidentId) return;
    event.stopPropagation();
    void incidents.open(link.dataset.incidentId);
  });
  // Overdue marks follow the clock: reminders are read again every half minute.
  const timer = window.setInterval(() => void incidents.loadReminders(), 30_000);

  labels();
  show('alerts', false);
  return {
    render(): void {
      labels();
      incidents.render();
      units.render();
      dashboard.render();
    },
    resync(): void {
      void incidents.load();
      void units.load();
    },
    openIncident: (id) => void incidents.open(id),
    stop(): void {
      window.clearInterval(timer);
      dashboard.hide();
      document.removeEventListener('keydown', onKey);
      marker.clear();
    },
  };
}
