// The track detail panel: identity, sources, kinematics and the alerts naming the track.
import { h } from './dom';
import { currentLang, formatDateTime, formatNumber, t } from './i18n';
import type { Picture } from './store';
import { affiliation } from './symbols';

export class TrackDetail {
  readonly element: HTMLElement;
  private id: string | null = null;

  constructor(
    private readonly picture: Picture,
    private readonly agency: string,
    private readonly onClose: () => void,
  ) {
    this.element = h('aside', { class: 'panel track-detail', hidden: true, 'aria-labelledby': 'track-title' });
    picture.onTracks(() => this.render());
    picture.onAlerts(() => this.render());
  }

  show(id: string | null): void {
    this.id = id;
    this.render();
  }

  render(): void {
    const id = this.id;
    this.element.hidden = id === null;
    if (id === null) return;
    const close = h('button', { type: 'button', class: 'close', 'aria-label': t('track.close'), onclick: () => this.onClose() }, '×');
    const track = this.picture.tracks.get(id);
    if (!track) {
      this.element.replaceChildren(h('header', {}, h('h2', { id: 'track-title' }, t('track.title')), close), h('p', {}, t('track.gone')));
      return;
    }
    const p = track.properties;
    const alerts = this.picture.sortedAlerts().filter((a) => a.tracks.includes(id));
    const aff = affiliation(p, alerts.length > 0, this.agency);
    const identity = Object.entries(p.identity ?? {})
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(' · ');
    const [lon, lat] = track.geometry.coordinates;
    const row = (key: string, value: string | Node) => [h('dt', {}, t(key)), h('dd', {}, value)];
    const speed = p.speed_mps != null ? t('track.knots', { value: formatNumber(p.speed_mps * 1.943844, 1) }) : '—';
    const course = p.course_deg != null ? t('track.degrees', { value: formatNumber(p.course_deg, 0) }) : '—';
    this.element.replaceChildren(
      h(
        'header',
        {},
        h('h2', { id: 'track-title' }, `${t('track.title')} ${p.identity?.name ?? p.identity?.mmsi ?? p.id}`),
        p.exercise ? h('span', { class: 'badge exercise-badge' }, t('exercise')) : null,
        close,
      ),
      h(
        'dl',
        {},
        ...row('track.kind', `${t(`kind.${p.kind}`)} · ${t(`affiliation.${aff}`)}`),
        ...row('track.state', t(`state.${p.state}`)),
        ...row('track.agency', p.agency),
        ...row('track.marking', t(`level.${p.marking?.level ?? 'unclassified'}`)),
        ...row('track.identity', identity || t('track.none')),
        ...row('track.sources', (p.sources ?? []).join(', ') || t('track.none')),
        ...row('track.position', `${formatNumber(lat, 4)}, ${formatNumber(lon, 4)}`),
        ...row('track.speed', speed),
        ...row('track.course', course),
        ...row('track.last', formatDateTime(p.last_time)),
        ...row('track.observations', formatNumber(p.observations ?? 0)),
        ...row(
          'track.alerts',
          alerts.length
            ? h('ul', {}, ...alerts.map((a) => h('li', { class: `sev-${a.severity}` }, (currentLang() === 'ar' ? a.title_ar : a.title) ?? a.rule)))
            : t('track.none'),
        ),
      ),
    );
  }
}
