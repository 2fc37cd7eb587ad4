// The incident board (grouped by lifecycle state) and an incident's detail: timeline, SOP
// checklist with ticks and overdue marks, linked tracks, recommended units with their ETA,
// tasking, hand-over and transitions. Incidents arrive over the stream (`incident` upserts);
// the open incident's timeline and recommendations are read again when it changes.
import { api, ApiError } from './api';
import { h } from './dom';
import { currentLang, formatDateTime, formatNumber, formatTime, t } from './i18n';
import type { Picture } from './store';
import type { Agency, Incident, IncidentState, IncidentTimeline, Recommendation, Reminder, SopStep } from './types';

/** The lifecycle in docs/domain.md's order; the board shows one group per state. */
export const STATES: IncidentState[] = ['reported', 'verified', 'assigned', 'responding', 'on_scene', 'resolved', 'closed', 'dismissed'];
const FINAL: IncidentState[] = ['closed', 'dismissed'];
const CLOSURES = ['rescued', 'intercepted', 'seized', 'left_area', 'transferred', 'duplicate', 'no_further_action'];
/** Closed and dismissed incidents shown on the board: the most recent ones. */
const FINAL_SHOWN = 10;

export interface IncidentHooks {
  /** Selects a track on the map and flies to it. */
  focusTrack(id: string): void;
  flyTo(lon: number, lat: number): void;
  agencies(): Agency[];
  /** A border section's name in the current language (its id until the zones are read). */
  sectionName(id: string): string;
  /** Called when an incident is opened in the detail (the shell shows the Incidents tab). */
  shown(id: string): void;
}

/** A duration as a person reads it: "4 min 12 s", "2 h 05 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('duration.s', { s });
  if (s < 3600) return t('duration.min_s', { m: Math.floor(s / 60), s: s % 60 });
  return t('duration.h_min', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

export function categoryName(i: { category: string; category_en?: string | null; category_ar?: string | null }): string {
  return (currentLang() === 'ar' ? i.category_ar : i.category_en) ?? i.category;
}

export class IncidentPanel {
  readonly element: HTMLElement;
  private incidents = new Map<string, Incident>();
  private reminders: Reminder[] = [];
  private openId: string | null = null;
  private timeline: IncidentTimeline | null = null;
  private recs: Recommendation[] | null = null;
  private recsError: string | null = null;
  private status: HTMLElement;
  private message = '';
  private messageIsError = false;
  private reloadTimer: number | undefined;
  private readonly canAct: boolean;

  constructor(
    picture: Picture,
    private readonly agency: string,
    roles: string[],
    private readonly hooks: IncidentHooks,
  ) {
    this.canAct = roles.some((r) => ['admin', 'duty_officer', 'watch_officer'].includes(r));
    this.element = h('section', { class: 'panel incidents', 'aria-labelledby': 'incidents-title' });
    this.status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
    picture.onCase((kind, data, op) => {
      if (kind !== 'incident') return;
      if (op === 'remove') this.remove(data.id);
      else this.upsert(data as Incident);
    });
    this.render();
  }

  /** Reads the list and the reminders (at start and after the stream resynchronises). */
  async load(): Promise<void> {
    try {
      const [list, reminders] = await Promise.all([
        api<{ incidents: Incident[] }>('/api/v1/incidents'),
        api<{ reminders: Reminder[] }>('/api/v1/reminders'),
      ]);
      this.incidents.clear();
      for (const i of list.incidents) if (validIncident(i)) this.incidents.set(i.id, i);
      this.reminders = reminders.reminders;
    } catch (e) {
      console.warn('tansiq: incidents not loaded', e);
    }
    if (this.openId) await this.loadDetail();
    this.render();
  }

  async loadReminders(): Promise<void> {
    try {
      this.reminders = (await api<{ reminders: Reminder[] }>('/api/v1/reminders')).reminders;
      this.render();
    } catch {
      // Kept as they were; the next tick tries again.
    }
  }

  upsert(incident: Incident): void {
    if (!validIncident(incident)) return;
    const before = this.incidents.get(incident.id);
    // The stream repeats an unchanged incident when it resynchronises: nothing to read again.
    if (before && JSON.stringify(before) === JSON.stringify(incident)) return;
    this.incidents.set(incident.id, incident);
    if (incident.id === this.openId) {
      // Several updates arrive together after a command: read the detail once.
      window.clearTimeout(this.reloadTimer);
      this.reloadTimer = window.setTimeout(() => void this.loadDetail().then(() => this.render()), 150);
    }
    this.render();
  }

  /** The stream says the incident left what this caller may see: off the board, and its
   * detail closed if it was open. */
  remove(id: string): void {
    if (!this.incidents.delete(id)) return;
    if (this.openId === id) {
      this.openId = null;
      this.timeline = null;
      this.recs = null;
    }
    this.render();
  }

  /** Opens an incident's detail; flies to its first linked track or its place. */
  async open(id: string): Promise<void> {
    this.openId = id;
    this.timeline = null;
    this.recs = null;
    this.say('');
    this.hooks.shown(id);
    this.render();
    if (!this.incidents.has(id)) {
      try {
        const one = await api<Incident>(`/api/v1/incidents/${encodeURIComponent(id)}`);
        this.incidents.set(one.id, one);
      } catch (e) {
        this.say(t('incident.failed', { message: errorText(e) }), true);
      }
    }
    await this.loadDetail();
    this.render();
    const incident = this.incidents.get(id);
    const place = incident ? where(incident) : null;
    if (place) this.hooks.flyTo(place[0], place[1]);
    this.element.querySelector<HTMLElement>('#incident-title')?.focus();
  }

  close(): void {
    const was = this.openId;
    this.openId = null;
    this.say('');
    this.render();
    if (was) this.element.querySelector<HTMLElement>(`.incident-card[data-incident-id="${CSS.escape(was)}"]`)?.focus();
  }

  get openIncident(): string | null {
    return this.openId;
  }

  private async loadDetail(): Promise<void> {
    const id = this.openId;
    if (!id) return;
    const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
    const [timeline, recs] = await Promise.allSettled([
      api<IncidentTimeline>(`${path}/timeline`),
      api<{ recommendations: Recommendation[] }>(`${path}/recommendations`),
    ]);
    if (this.openId !== id) return;
    if (timeline.status === 'fulfilled') this.timeline = timeline.value;
    if (recs.status === 'fulfilled') {
      this.recs = recs.value.recommendations;
      this.recsError = null;
    } else {
      this.recs = [];
      this.recsError = errorText(recs.reason);
    }
  }

  private say(text: string, error = false): void {
    this.message = text;
    this.messageIsError = error;
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  render(): void {
    const keep = remember(this.element);
    this.draw();
    restore(this.element, keep);
  }

  private draw(): void {
    this.status.textContent = this.message;
    this.status.classList.toggle('error', this.messageIsError);
    const incident = this.openId ? this.incidents.get(this.openId) : undefined;
    if (this.openId && incident) this.renderDetail(incident);
    else if (this.openId) {
      this.element.replaceChildren(this.header(t('incident.title', { id: this.openId })), this.status);
    } else this.renderBoard();
  }

  private header(title: string, ...extra: Array<Node | null>): HTMLElement {
    const back = this.openId
      ? h('button', { type: 'button', class: 'back', onclick: () => this.close() }, t('incident.back'))
      : null;
    return h('header', {}, back, h('h2', { id: this.openId ? 'incident-title' : 'incidents-title', tabindex: -1 }, title), ...extra);
  }

  private overdue(id: string): Reminder[] {
    return this.reminders.filter((r) => r.incident === id);
  }

  // ---- the board -------------------------------------------------------------------------

  private renderBoard(): void {
    const all = [...this.incidents.values()];
    const open = all.filter((i) => !FINAL.includes(i.state)).length;
    const groups = STATES.map((state) => {
      let list = all.filter((i) => i.state === state).sort((a, b) => b.updated - a.updated || b.id.localeCompare(a.id));
      if (FINAL.includes(state)) list = list.slice(0, FINAL_SHOWN);
      return h(
        'section',
        { class: `inc-group state-${state}`, 'data-state': state },
        h('h3', {}, h('span', { class: 'state-dot' }), t(`istate.${state}`), h('span', { class: 'count', 'data-count': list.length }, formatNumber(list.length))),
        list.length ? h('ul', {}, ...list.map((i) => h('li', {}, this.card(i)))) : null,
      );
    });
    this.element.replaceChildren(
      h('header', {}, h('h2', { id: 'incidents-title' }, t('incidents.title')), h('span', { class: 'count', 'data-open-incidents': open }, t('incidents.open', { count: open }))),
      h('div', { class: 'board', role: 'list' }, ...groups.map((g) => h('div', { role: 'listitem' }, g))),
      this.status,
    );
  }

  private card(i: Incident): HTMLElement {
    const late = this.overdue(i.id);
    const pending = i.handover && i.handover.to === this.agency;
    return h(
      'button',
      {
        type: 'button',
        class: `incident-card impact-${i.impact}${i.exercise ? ' exercise' : ''}${late.length ? ' overdue' : ''}`,
        'data-incident-id': i.id,
        'data-state': i.state,
        onclick: () => void this.open(i.id),
      },
      h('span', { class: 'inc-id' }, i.id),
      i.exercise ? h('span', { class: 'badge exercise-badge' }, t('exercise')) : null,
      late.length ? h('span', { class: 'badge overdue-badge', title: t('incident.overdue_count', { count: late.length }) }, t('incident.overdue')) : null,
      pending ? h('span', { class: 'badge handover-badge' }, t('incident.handover_offered_to_us')) : null,
      h('strong', { class: 'inc-title' }, categoryName(i)),
      h('span', { class: 'meta' }, `${t(`impact.${i.impact}`)} · ${i.owner} · ${formatTime(i.opened)}`),
    );
  }

  // ---- the detail ------------------------------------------------------------------------

  private renderDetail(i: Incident): void {
    const owned = i.owner === this.agency;
    const act = this.canAct && owned;
    const body = h(
      'div',
      { class: 'incident-detail', 'data-incident-id': i.id, 'data-state': i.state },
      this.summary(i),
      i.handover ? this.handoverBlock(i) : null,
      act ? this.transitions(i) : null,
      this.unitsBlock(i, act),
      this.checklist(i, this.canAct && owned),
      this.linkedTracks(i),
      this.timelineBlock(i),
      i.handover ? null : this.handoverBlock(i),
    );
    this.element.replaceChildren(
      this.header(
        t('incident.title', { id: i.id }),
        i.exercise ? h('span', { class: 'badge exercise-badge' }, t('exercise')) : null,
        this.lateSteps(i) > 0 ? h('span', { class: 'badge overdue-badge', 'data-overdue': this.lateSteps(i) }, t('incident.overdue_n', { count: this.lateSteps(i) })) : null,
        h('span', { class: `badge state-badge state-${i.state}` }, t(`istate.${i.state}`)),
      ),
      this.status,
      body,
    );
  }

  private summary(i: Incident): HTMLElement {
    const row = (key: string, value: string | Node) => [h('dt', {}, t(key)), h('dd', {}, value)];
    const place = where(i);
    return h(
      'dl',
      { class: 'facts' },
      ...row('incident.category', categoryName(i)),
      ...row('incident.name', i.title),
      ...row('incident.impact', t(`impact.${i.impact}`)),
      ...row('incident.owner', i.originator === i.owner ? i.owner : `${i.owner} (${t('incident.originator')}: ${i.originator})`),
      ...row('incident.section', i.border_section ? this.hooks.sectionName(i.border_section) : t('track.none')),
      ...row('incident.opened', formatDateTime(i.opened)),
      ...(place ? row('track.position', `${formatNumber(place[1], 4)}, ${formatNumber(place[0], 4)}`) : []),
    );
  }

  private section(key: string, cls: string, ...children: Array<Node | null>): HTMLElement {
    return h('section', { class: `inc-block ${cls}` }, h('h3', {}, t(key)), ...children);
  }

  private transitions(i: Incident): HTMLElement | null {
    if (i.allowed_transitions.length === 0) return null;
    const reason = h('input', { type: 'text', class: 'reason', 'aria-label': t('incident.reason'), placeholder: t('incident.reason') });
    const closure = i.allowed_transitions.includes('closed')
      ? h('select', { class: 'closure', 'aria-label': t('incident.closure') }, ...CLOSURES.map((c) => h('option', { value: c }, t(`closure.${c}`))))
      : null;
    const buttons = i.allowed_transitions.map((to) =>
      h(
        'button',
        {
          type: 'button',
          class: `transition to-${to}`,
          'data-to': to,
          onclick: () => void this.transition(i.id, to, reason.value, closure?.value),
        },
        t(`transition.${to}`),
      ),
    );
    return this.section('incident.transitions', 'transitions', h('div', { class: 'row' }, reason, closure), h('div', { class: 'row buttons' }, ...buttons));
  }

  private async transition(id: string, to: IncidentState, reason: string, closure?: string): Promise<void> {
    const body: Record<string, string> = { to, reason };
    if (to === 'closed' && closure) body.closure = closure;
    await this.command(`/api/v1/incidents/${encodeURIComponent(id)}/transition`, body, t('incident.moved', { state: t(`istate.${to}`) }));
  }

  /** Posts a command; the answer is the incident as folded, or an error whose message is shown. */
  private async command(path: string, body: unknown, done: string): Promise<boolean> {
    try {
      const incident = await api<Incident>(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
      if (validIncident(incident)) this.incidents.set(incident.id, incident);
      this.say(done);
      await this.loadDetail();
      void this.loadReminders();
      this.render();
      return true;
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      this.say(t('incident.refused', { status, message: errorText(e) }), true);
      // A refusal often means the screen was stale (a unit taken, a state moved on): read again.
      if (status === 409) await this.loadDetail();
      this.render();
      return false;
    }
  }

  private handoverBlock(i: Incident): HTMLElement | null {
    const pending = i.handover;
    if (pending && pending.to === this.agency) {
      const reason = h('input', { type: 'text', class: 'reason', 'aria-label': t('incident.reason'), placeholder: t('incident.reason') });
      const path = `/api/v1/incidents/${encodeURIComponent(i.id)}/handover`;
      return this.section(
        'incident.handover',
        'handover',
        h('p', {}, t('incident.handover_offered', { from: pending.from, user: pending.actor.user, reason: pending.reason || '—' })),
        this.canAct
          ? h(
              'div',
              { class: 'row' },
              reason,
              h('button', { type: 'button', class: 'accept', onclick: () => void this.command(`${path}/accept`, {}, t('incident.handover_accepted')) }, t('incident.accept')),
              h('button', { type: 'button', class: 'decline', onclick: () => void this.command(`${path}/decline`, { reason: reason.value }, t('incident.handover_declined')) }, t('incident.decline')),
            )
          : null,
      );
    }
    if (pending) return this.section('incident.handover', 'handover', h('p', {}, t('incident.handover_waiting', { to: pending.to, time: formatTime(pending.offered) })));
    if (!this.canAct || i.owner !== this.agency || FINAL.includes(i.state)) return null;
    const others = this.hooks.agencies().filter((a) => a.id !== this.agency);
    if (others.length === 0) return null;
    const select = h('select', { class: 'handover-to', 'aria-label': t('incident.handover_to') }, ...others.map((a) => h('option', { value: a.id }, `${currentLang() === 'ar' ? a.name_ar : a.name_en} (${a.id})`)));
    const reason = h('input', { type: 'text', class: 'reason', 'aria-label': t('incident.reason'), placeholder: t('incident.reason') });
    return this.section(
      'incident.handover',
      'handover',
      h(
        'div',
        { class: 'row' },
        select,
        reason,
        h(
          'button',
          {
            type: 'button',
            class: 'offer',
            onclick: () =>
              void this.command(`/api/v1/incidents/${encodeURIComponent(i.id)}/handover`, { agency: select.value, reason: reason.value }, t('incident.handover_sent', { to: select.value })),
          },
          t('incident.handover_offer'),
        ),
      ),
    );
  }

  private linkedTracks(i: Incident): HTMLElement {
    const items = i.tracks.map((id) =>
      h('li', {}, h('button', { type: 'button', class: 'link-track', 'data-track-id': id, onclick: () => this.hooks.focusTrack(id) }, t('incident.show_track', { id }))),
    );
    const place = where(i);
    return this.section(
      'incident.tracks',
      'tracks',
      items.length ? h('ul', { class: 'inline' }, ...items) : h('p', { class: 'muted' }, t('track.none')),
      place ? h('button', { type: 'button', class: 'link', onclick: () => this.hooks.flyTo(place[0], place[1]) }, t('incident.show_place')) : null,
    );
  }

  private unitsBlock(i: Incident, act: boolean): HTMLElement {
    const tasked = Object.entries(i.units ?? {});
    const taskedList = tasked.length
      ? h(
          'ul',
          { class: 'tasked' },
          ...tasked.map(([unit, task]) =>
            h(
              'li',
              { 'data-unit-id': unit },
              h('strong', {}, unit),
              ` · ${t('incident.tasked_at', { time: formatTime(task.tasked), user: task.actor.user })}`,
              task.acknowledged ? ` · ${t('incident.unit_acked', { time: formatTime(task.acknowledged) })}` : '',
            ),
          ),
        )
      : null;
    let recs: Node;
    if (this.recs === null) recs = h('p', { class: 'muted' }, t('incident.loading'));
    else if (this.recsError) recs = h('p', { class: 'error' }, t('incident.failed', { message: this.recsError }));
    else if (this.recs.length === 0) recs = h('p', { class: 'muted' }, t('incident.no_units'));
    else {
      recs = h(
        'table',
        { class: 'recs' },
        h('thead', {}, h('tr', {}, h('th', {}, t('units.name')), h('th', {}, t('incident.eta')), h('th', {}, t('incident.distance')), act ? h('th', {}, '') : null)),
        h(
          'tbody',
          {},
          ...this.recs.map((r) =>
            h(
              'tr',
              { 'data-unit-id': r.unit },
              h('td', {}, h('strong', {}, r.name), h('div', { class: 'meta' }, `${r.agency} · ${t(`ukind.${r.kind}`)} · ${t(`method.${r.method}`)}`)),
              h('td', { class: 'num eta', 'data-eta-s': Math.round(r.eta_s) }, formatDuration(r.eta_s * 1000)),
              h('td', { class: 'num' }, t('units.km', { value: formatNumber(r.distance_m / 1000, 1) })),
              act
                ? h(
                    'td',
                    {},
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'task',
                        'data-unit-id': r.unit,
                        onclick: () => void this.command(`/api/v1/incidents/${encodeURIComponent(i.id)}/tasks`, { unit: r.unit }, t('incident.task_done', { unit: r.name })),
                      },
                      t('incident.task'),
                    ),
                  )
                : null,
            ),
          ),
        ),
      );
    }
    return this.section('incident.units', 'units-block', taskedList, h('h4', {}, t('incident.recommended')), recs);
  }

  /** Open steps past their due time (the server's reminders, or the clock for what is newer). */
  private lateSteps(i: Incident): number {
    const steps = this.timeline?.id === i.id ? this.timeline.steps : [];
    const late = new Set(this.overdue(i.id).flatMap((r) => (r.step ? [r.step] : [])));
    const now = Date.now();
    return steps.filter((s) => s.completed === null && (late.has(s.step.id) || (s.due !== null && s.due < now))).length;
  }

  private checklist(i: Incident, act: boolean): HTMLElement | null {
    const steps = this.timeline?.id === i.id ? this.timeline.steps : null;
    if (!steps) return this.section('incident.sop', 'sop', h('p', { class: 'muted' }, t('incident.loading')));
    const late = new Set(this.overdue(i.id).flatMap((r) => (r.step ? [r.step] : [])));
    const now = Date.now();
    const items = steps.map((s: SopStep) => {
      const done = s.completed !== null;
      const overdue = !done && (late.has(s.step.id) || (s.due !== null && s.due < now));
      const box = h('input', {
        type: 'checkbox',
        class: 'tick',
        id: `step-${s.step.id}`,
        checked: done,
        disabled: done || !act || FINAL.includes(i.state),
        'data-step': s.step.id,
        onchange: () => void this.command(`/api/v1/incidents/${encodeURIComponent(i.id)}/steps/${encodeURIComponent(s.step.id)}`, {}, t('incident.step_done')),
      });
      return h(
        'li',
        { class: `step${done ? ' done' : ''}${overdue ? ' overdue' : ''}`, 'data-step': s.step.id },
        box,
        h(
          'label',
          { for: `step-${s.step.id}` },
          currentLang() === 'ar' ? s.step.ar : s.step.en,
          s.step.mandatory ? null : h('span', { class: 'muted' }, ` (${t('incident.optional')})`),
        ),
        h(
          'div',
          { class: 'meta' },
          done && s.completed
            ? t('incident.step_by', { user: s.by?.user ?? '—', time: formatTime(s.completed) })
            : s.due !== null
              ? t('incident.step_due', { time: formatTime(s.due), role: t(`role.${s.step.role}`) })
              : '',
          overdue ? h('span', { class: 'badge overdue-badge' }, s.due !== null ? t('incident.overdue_by', { duration: formatDuration(now - s.due) }) : t('incident.overdue')) : null,
        ),
      );
    });
    return this.section('incident.sop', 'sop', h('ol', { class: 'steps' }, ...items));
  }

  private timelineBlock(i: Incident): HTMLElement {
    const tl = this.timeline?.id === i.id ? this.timeline : null;
    type Row = { time: number; kind: string; text: string };
    const rows: Row[] = [];
    const stamps = tl?.timeline ?? i.timeline;
    for (const [key, time] of Object.entries(stamps ?? {})) if (typeof time === 'number') rows.push({ time, kind: 'stamp', text: t(`stamp.${key}`) });
    for (const tr of tl?.transitions ?? i.transitions ?? []) {
      rows.push({
        time: tr.time,
        kind: 'transition',
        text: t('incident.tl_transition', { from: t(`istate.${tr.from}`), to: t(`istate.${tr.to}`), user: tr.actor.user, reason: tr.reason || '—' }),
      });
    }
    for (const [unit, task] of Object.entries(tl?.units ?? i.units ?? {})) {
      rows.push({ time: task.tasked, kind: 'task', text: t('incident.tl_task', { unit, user: task.actor.user }) });
      if (task.acknowledged) rows.push({ time: task.acknowledged, kind: 'unit-ack', text: t('incident.tl_unit_ack', { unit }) });
    }
    for (const s of tl?.steps ?? []) {
      if (s.completed) rows.push({ time: s.completed, kind: 'step', text: t('incident.tl_step', { step: currentLang() === 'ar' ? s.step.ar : s.step.en, user: s.by?.user ?? '—' }) });
    }
    if (tl?.handover) rows.push({ time: tl.handover.offered, kind: 'handover', text: t('incident.tl_handover', { to: tl.handover.to, user: tl.handover.actor.user }) });
    rows.sort((a, b) => b.time - a.time);
    return this.section(
      'incident.timeline',
      'timeline',
      h(
        'ol',
        { class: 'tl' },
        ...rows.map((r) => h('li', { class: `tl-${r.kind}`, 'data-kind': r.kind }, h('time', { datetime: new Date(r.time).toISOString() }, formatTime(r.time)), h('span', {}, r.text))),
      ),
    );
  }
}

/** What a re-render would lose: the focused control and typed values. */
interface Kept {
  focus: string | null;
  values: Array<[string, string]>;
}

function keyOf(el: Element): string {
  const data = ['data-to', 'data-unit-id', 'data-step', 'data-incident-id', 'data-track-id'].map((a) => el.getAttribute(a) ?? '').join('|');
  return `${el.tagName}.${el.className}|${data}`;
}

export function remember(root: HTMLElement): Kept {
  const active = document.activeElement;
  const focus = active && root.contains(active) ? keyOf(active) : null;
  const values: Array<[string, string]> = [];
  for (const el of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[type=text], select')) values.push([keyOf(el), el.value]);
  return { focus, values };
}

export function restore(root: HTMLElement, kept: Kept): void {
  const controls = [...root.querySelectorAll<HTMLElement>('button, input, select, [tabindex]')];
  for (const [key, value] of kept.values) {
    const el = controls.find((c) => keyOf(c) === key) as HTMLInputElement | undefined;
    if (el && 'value' in el) el.value = value;
  }
  if (kept.focus) controls.find((c) => keyOf(c) === kept.focus)?.focus();
}

function where(i: Incident): [number, number] | null {
  const loc = i.location;
  if (!loc) return null;
  if (loc.type === 'point') return [loc.position.lon, loc.position.lat];
  const first = loc.ring?.[0];
  return first ? [first[0], first[1]] : null;
}

function validIncident(data: unknown): data is Incident {
  const i = data as Partial<Incident> | null;
  return (
    typeof i === 'object' &&
    i !== null &&
    typeof i.id === 'string' &&
    typeof i.state === 'string' &&
    Array.isArray(i.tracks) &&
    Array.isArray(i.allowed_transitions)
  );
}
