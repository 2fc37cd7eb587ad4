// The dashboard: response times against their targets (GET /api/v1/metrics/response-times),
// alerts and incidents per border section and a chart of them per hour over the last 24 h
// (GET /api/v1/dashboard), all as the caller may see them. Exercise events are counted apart.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from './api';
import { h } from './dom';
import { currentLang, formatNumber, t } from './i18n';
import { errorText, formatDuration } from './incidents';
import type { DashboardData, GroupStats, ResponseMetrics } from './types';

const HOURS = 24;
/** The measures shown, in the order of a response. */
const MEASURES = ['acknowledge', 'dispatch', 'travel', 'resolve'];

export class Dashboard {
  readonly element: HTMLElement;
  private data: DashboardData | null = null;
  private metrics: ResponseMetrics | null = null;
  private error: string | null = null;
  private exercise = false;
  private chart: uPlot | null = null;
  private chartBox: HTMLElement;
  private visible = false;
  private timer: number | undefined;

  constructor() {
    this.element = h('section', { class: 'panel dashboard', 'aria-labelledby': 'dashboard-title' });
    this.chartBox = h('div', { class: 'chart', dir: 'ltr', 'data-chart': 'hourly' });
    this.render();
  }

  /** The tab is shown: read now and every minute while it stays shown. */
  show(): void {
    this.visible = true;
    void this.load();
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => void this.load(), 60_000);
  }

  hide(): void {
    this.visible = false;
    window.clearInterval(this.timer);
  }

  async load(): Promise<void> {
    const to = Date.now();
    const from = to - HOURS * 3_600_000;
    try {
      const [data, metrics] = await Promise.all([
        api<DashboardData>(`/api/v1/dashboard?hours=${HOURS}`),
        api<ResponseMetrics>(`/api/v1/metrics/response-times?from=${from}&to=${to}&exercise=${this.exercise}`),
      ]);
      this.data = data;
      this.metrics = metrics;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
    this.render();
  }

  render(): void {
    const exercise = h('input', {
      type: 'checkbox',
      id: 'dash-exercise',
      checked: this.exercise,
      onchange: (e: Event) => {
        this.exercise = (e.target as HTMLInputElement).checked;
        void this.load();
      },
    });
    this.element.replaceChildren(
      h('header', {}, h('h2', { id: 'dashboard-title' }, t('dash.title')), h('button', { type: 'button', class: 'refresh', onclick: () => void this.load() }, t('dash.refresh'))),
      h(
        'div',
        { class: 'dash-body' },
        this.error ? h('p', { class: 'panel-status error', role: 'status' }, t('dash.failed', { message: this.error })) : null,
        h('section', { class: 'inc-block' }, h('h3', {}, t('dash.per_hour', { hours: HOURS })), this.chartBox, this.legend()),
        h('section', { class: 'inc-block' }, h('h3', {}, t('dash.response', { hours: HOURS })), h('label', { class: 'check' }, exercise, t('dash.include_exercise')), this.responseTable()),
        h('section', { class: 'inc-block' }, h('h3', {}, t('dash.per_section', { hours: HOURS })), this.sectionTable()),
      ),
    );
    this.drawChart();
  }

  private responseTable(): Node {
    const m = this.metrics;
    if (!m) return h('p', { class: 'muted' }, t('incident.loading'));
    const rows: Node[] = [];
    const row = (label: string, group: GroupStats | undefined, measure: string, targetS: number | null | undefined) => {
      const stat = group?.measures?.[measure];
      const p50 = stat?.p50_ms ?? null;
      const p90 = stat?.p90_ms ?? null;
      const breaches = group?.breaches?.[measure] ?? 0;
      // Over target: the p90 above it, or any incident past it (still waiting counts too).
      const over = targetS != null && ((p90 != null && p90 > targetS * 1000) || breaches > 0);
      rows.push(
        h(
          'tr',
          { class: over ? 'over' : targetS != null && p90 != null ? 'within' : '', 'data-measure': measure },
          h('th', { scope: 'row' }, label),
          h('td', { class: 'num' }, formatNumber(stat?.count ?? 0)),
          h('td', { class: 'num' }, p50 != null ? formatDuration(p50) : '—'),
          h('td', { class: 'num' }, p90 != null ? formatDuration(p90) : '—'),
          h('td', { class: 'num' }, targetS != null ? formatDuration(targetS * 1000) : '—'),
          h('td', { class: 'num' }, targetS != null ? h('span', { class: breaches ? 'badge overdue-badge' : 'ok' }, formatNumber(breaches)) : '—'),
        ),
      );
    };
    for (const measure of MEASURES) {
      const target = measure === 'acknowledge' ? m.targets.acknowledge_s : measure === 'dispatch' ? m.targets.dispatch_default_s : null;
      row(t(`measure.${measure}`), m.overall, measure, target);
    }
    for (const [category, target] of Object.entries(m.targets.dispatch_s ?? {})) {
      const group = m.by_category?.[category];
      const known = t(`category.${category}`);
      row(t('dash.dispatch_for', { category: known === `category.${category}` ? category : known }), group, 'dispatch', target);
    }
    return h(
      'table',
      { class: 'metrics', 'data-incidents': m.overall?.incidents ?? 0 },
      h('thead', {}, h('tr', {}, h('th', {}, t('dash.measure')), h('th', {}, t('dash.n')), h('th', {}, 'p50'), h('th', {}, 'p90'), h('th', {}, t('dash.target')), h('th', {}, t('dash.breaches')))),
      h('tbody', {}, ...rows),
    );
  }

  private sectionTable(): Node {
    const d = this.data;
    if (!d) return h('p', { class: 'muted' }, t('incident.loading'));
    if (d.sections.length === 0) return h('p', { class: 'muted empty' }, t('dash.no_events'));
    const max = Math.max(1, ...d.sections.map((s) => s.alerts + s.incidents + s.exercise_alerts + s.exercise_incidents));
    const name = (s: DashboardData['sections'][number]) => (currentLang() === 'ar' ? s.name_ar : s.name_en) || s.section;
    return h(
      'table',
      { class: 'sections' },
      h('thead', {}, h('tr', {}, h('th', {}, t('dash.section')), h('th', {}, t('dash.alerts')), h('th', {}, t('dash.incidents')), h('th', {}, t('dash.exercise')), h('th', { class: 'bar-col' }, ''))),
      h(
        'tbody',
        {},
        ...d.sections.map((s) => {
          const total = s.alerts + s.incidents + s.exercise_alerts + s.exercise_incidents;
          return h(
            'tr',
            { 'data-section': s.section, 'data-alerts': s.alerts, 'data-incidents': s.incidents, 'data-exercise': s.exercise_alerts + s.exercise_incidents },
            h('th', { scope: 'row' }, h('span', { class: `impact-dot impact-${s.impact ?? 'none'}`, title: s.impact ? t(`severity.${s.impact}`) : '' }), name(s)),
            h('td', { class: 'num' }, formatNumber(s.alerts)),
            h('td', { class: 'num' }, formatNumber(s.incidents)),
            h('td', { class: 'num exercise-num' }, formatNumber(s.exercise_alerts + s.exercise_incidents)),
            h('td', { class: 'bar-col' }, h('span', { class: 'bar', style: `inline-size: ${Math.round((100 * total) / max)}%` })),
          );
        }),
      ),
    );
  }

  private legend(): Node {
    const d = this.data;
    const totals = d?.totals;
    return h(
      'p',
      { class: 'chart-legend' },
      h('span', { class: 'key key-alerts' }, t('dash.alerts_n', { count: totals?.alerts ?? 0 })),
      h('span', { class: 'key key-incidents' }, t('dash.incidents_n', { count: totals?.incidents ?? 0 })),
      h('span', { class: 'key key-exercise' }, t('dash.exercise_n', { count: (totals?.exercise_alerts ?? 0) + (totals?.exercise_incidents ?? 0) })),
    );
  }

  private drawChart(): void {
    const d = this.data;
    if (!d || !this.visible) return;
    const width = Math.max(240, this.element.clientWidth - 32);
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || '#888';
    const xs = d.hourly.map((b) => b.start / 1000 + 1800);
    const range: uPlot.Range.MinMax = [d.from / 1000, d.to / 1000];
    const data: uPlot.AlignedData = [
      xs,
      d.hourly.map((b) => b.alerts),
      d.hourly.map((b) => b.incidents),
      d.hourly.map((b) => b.exercise_alerts + b.exercise_incidents),
    ];
    // At the middle of each hour: alerts in its first half, incidents in its second.
    const bars = uPlot.paths.bars?.({ size: [0.45, 12], align: -1 });
    const axis = { stroke: color('--muted'), grid: { stroke: color('--line'), width: 1 }, ticks: { stroke: color('--line'), width: 1 } };
    const hourLabel = new Intl.DateTimeFormat(currentLang() === 'ar' ? 'ar-LY' : 'en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const opts: uPlot.Options = {
      width,
      height: 170,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: false, range: () => range }, y: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil(max * 1.15))] } },
      axes: [
        {
          ...axis,
          // A label every six whole hours (UTC), as the watch's shifts are read.
          splits: () => d.hourly.filter((b) => new Date(b.start).getUTCHours() % 6 === 0).map((b) => b.start / 1000),
          values: (_u, splits) => splits.map((v) => hourLabel.format(new Date(v * 1000))),
        },
        { ...axis, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? formatNumber(v) : '')), size: 36 },
      ],
      series: [
        {},
        { label: t('dash.alerts'), stroke: color('--sev-high'), fill: color('--sev-high'), paths: bars, points: { show: false } },
        { label: t('dash.incidents'), stroke: color('--accent'), fill: color('--accent'), paths: uPlot.paths.bars?.({ size: [0.45, 12], align: 1 }), points: { show: false } },
        // Exercise events as a stepped outline over the hour's bars, so they stay apart.
        { label: t('dash.exercise'), stroke: color('--exercise'), width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false } },
      ],
    };
    this.chart?.destroy();
    this.chartBox.replaceChildren();
    this.chart = new uPlot(opts, data, this.chartBox);
    this.chartBox.setAttribute('role', 'img');
    this.chartBox.setAttribute('aria-label', t('dash.chart_label', { hours: HOURS, alerts: d.totals.alerts, incidents: d.totals.incidents }));
  }
}
