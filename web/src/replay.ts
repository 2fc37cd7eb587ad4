// The replay control: a time slider over the last 24 h. The picture at the slider's time comes
// from GET /api/v1/replay (the server folds the log to that moment, through the access policy);
// the live stream keeps running underneath and "Live" returns the map to it. Keyboard: the
// slider takes ←/→ (mirrored in Arabic), ↑/↓ a minute, PageUp/PageDown an hour, Home/End; the
// play button steps forward at the chosen speed. Times are shown in UTC, localised.
import './replay.css';
import { ApiError, api } from './api';
import { h } from './dom';
import { currentLang, formatDateTime, t } from './i18n';
import type { LiveMap } from './map';
import { Picture } from './store';
import type { Alert, TrackFeature } from './types';

interface Window24 {
  from: string;
  to: string;
  log_start: string | null;
}

interface Replayed {
  at: string;
  tracks: { features: TrackFeature[] };
  alerts: Alert[];
  folded: number;
}

/** Simulated seconds per real second the play button offers. */
const SPEEDS = [60, 600, 3600];
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** The slider's step: one second, so a replay can land between two close events. */
const STEP = 1000;

export class ReplayControl {
  readonly element: HTMLElement;
  private readonly picture = new Picture();
  private active = false;
  private from = 0;
  private to = 0;
  private at = 0;
  private speed = SPEEDS[0];
  private playing: number | null = null;
  /** The time the map shows (null: nothing replayed yet), and the one asked for. */
  private shownAt: number | null = null;
  private wanted: number | null = null;
  private inFlight = false;
  private debounce: number | null = null;
  private error: string | null = null;

  private readonly toggle = h('button', { type: 'button', class: 'replay-toggle', 'aria-pressed': 'false' });
  private readonly badge = h('span', { class: 'replay-badge', role: 'status', 'aria-live': 'polite' });
  private readonly slider = h('input', { type: 'range', class: 'replay-slider', step: STEP }) as HTMLInputElement;
  private readonly time = h('output', { class: 'replay-time' });
  private readonly play = h('button', { type: 'button', class: 'replay-play' });
  private readonly speedSelect = h('select', { class: 'replay-speed' }) as HTMLSelectElement;
  private readonly live = h('button', { type: 'button', class: 'replay-live' });
  private readonly message = h('span', { class: 'replay-error', role: 'alert' });
  private readonly controls: HTMLElement;

  constructor(private readonly map: LiveMap) {
    this.controls = h(
      'div',
      { class: 'replay-controls', hidden: true },
      this.badge,
      this.play,
      this.speedSelect,
      this.slider,
      this.time,
      this.live,
      this.message,
    );
    this.element = h('div', { class: 'replay', 'data-replay': 'off' }, this.toggle, this.controls);
    this.toggle.addEventListener('click', () => void this.enter());
    this.live.addEventListener('click', () => this.leave());
    this.play.addEventListener('click', () => (this.playing === null ? this.start() : this.pause()));
    this.speedSelect.addEventListener('change', () => {
      this.speed = Number(this.speedSelect.value) || SPEEDS[0];
    });
    this.slider.addEventListener('input', () => {
      this.pause();
      this.moveTo(Number(this.slider.value), false);
    });
    this.slider.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.active) {
        e.preventDefault();
        e.stopPropagation();
        this.leave();
      }
    });
    this.render();
    (window as unknown as { __tansiq?: Record<string, unknown> }).__tansiq ??= {};
    const debug = (window as unknown as { __tansiq: Record<string, unknown> }).__tansiq;
    debug.replay = () => ({
      active: this.active,
      at: this.at,
      shownAt: this.shownAt,
      from: this.from,
      to: this.to,
      playing: this.playing !== null,
      error: this.error,
      tracks: [...this.picture.tracks.values()].map((f) => ({ id: f.id, coordinates: f.geometry.coordinates })),
    });
    debug.replayTo = (ms: number) => this.moveTo(ms, true);
  }

  /** Enters replay mode at the window's end (the present), or returns the slider's range. */
  async enter(): Promise<void> {
    if (this.active) return;
    try {
      const w = await api<Window24>('/api/v1/replay/window');
      this.from = Date.parse(w.from);
      this.to = Date.parse(w.to);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.active = true;
    this.at = this.to;
    this.shownAt = null;
    this.map.showPicture(this.picture);
    this.picture.setTracks([]);
    this.picture.setAlerts([]);
    this.render();
    this.slider.focus();
    this.moveTo(this.to, true);
  }

  /** Ends timers and requests when the shell is torn down (sign-out). */
  stop(): void {
    this.pause();
    this.active = false;
    this.wanted = null;
    if (this.debounce !== null) window.clearTimeout(this.debounce);
  }

  leave(): void {
    this.pause();
    this.active = false;
    this.wanted = null;
    this.error = null;
    this.map.showPicture(null);
    this.render();
    this.toggle.focus();
  }

  render(): void {
    this.element.dataset.replay = this.active ? 'on' : 'off';
    this.element.dir = currentLang() === 'ar' ? 'rtl' : 'ltr';
    this.toggle.textContent = t('replay.open');
    this.toggle.title = t('replay.open.hint');
    this.toggle.hidden = this.active;
    this.toggle.setAttribute('aria-pressed', String(this.active));
    this.controls.hidden = !this.active;
    this.badge.textContent = t('replay.mode');
    this.slider.min = String(this.from);
    this.slider.max = String(this.to);
    this.slider.value = String(this.at);
    this.slider.setAttribute('aria-label', t('replay.slider'));
    this.slider.setAttribute('aria-valuetext', this.label(this.at));
    this.time.textContent = this.label(this.at);
    this.time.dataset.at = String(this.at);
    this.play.textContent = this.playing === null ? t('replay.play') : t('replay.pause');
    this.play.setAttribute('aria-label', this.playing === null ? t('replay.play') : t('replay.pause'));
    this.speedSelect.setAttribute('aria-label', t('replay.speed'));
    this.speedSelect.replaceChildren(
      ...SPEEDS.map((s) => {
        const option = h('option', { value: s }, t(`replay.speed.${s}`));
        option.selected = s === this.speed;
        return option;
      }),
    );
    this.live.textContent = t('replay.live');
    this.message.textContent = this.error ? t(`replay.error.${this.error}`) : '';
    this.message.hidden = this.error === null;
  }

  private label(ms: number): string {
    return `${formatDateTime(ms)} ${t('header.utc')}`;
  }

  private onKey(e: KeyboardEvent): void {
    const rtl = currentLang() === 'ar';
    const steps: Record<string, number> = {
      ArrowRight: rtl ? -MINUTE : MINUTE,
      ArrowLeft: rtl ? MINUTE : -MINUTE,
      ArrowUp: MINUTE,
      ArrowDown: -MINUTE,
      PageUp: HOUR,
      PageDown: -HOUR,
    };
    let next: number | null = null;
    if (e.key in steps) next = this.at + steps[e.key] * (e.shiftKey ? 10 : 1);
    else if (e.key === 'Home') next = this.from;
    else if (e.key === 'End') next = this.to;
    else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      if (this.playing === null) this.start();
      else this.pause();
      return;
    }
    if (next === null) return;
    e.preventDefault();
    this.pause();
    this.moveTo(next, false);
  }

  private start(): void {
    if (!this.active || this.playing !== null) return;
    this.playing = window.setInterval(() => {
      const next = this.at + this.speed * 1000;
      if (next >= this.to) {
        this.moveTo(this.to, true);
        this.pause();
        return;
      }
      this.moveTo(next, true);
    }, 1000);
    this.render();
  }

  private pause(): void {
    if (this.playing === null) return;
    window.clearInterval(this.playing);
    this.playing = null;
    this.render();
  }

  /** Moves the slider to `ms` and asks for that picture: at once, or after the user pauses. */
  private moveTo(ms: number, now: boolean): void {
    if (!this.active) return;
    this.at = Math.min(this.to, Math.max(this.from, Math.round(ms)));
    this.render();
    this.wanted = this.at;
    if (this.debounce !== null) window.clearTimeout(this.debounce);
    this.debounce = window.setTimeout(() => {
      this.debounce = null;
      void this.fetch();
    }, now ? 0 : 150);
  }

  /** One request at a time; when it answers, the newest wanted time is asked for next. */
  private async fetch(): Promise<void> {
    if (this.inFlight || this.wanted === null) return;
    const at = this.wanted;
    this.wanted = null;
    this.inFlight = true;
    this.element.dataset.loading = 'true';
    try {
      const body = await api<Replayed>(`/api/v1/replay?at=${encodeURIComponent(new Date(at).toISOString())}`);
      if (this.active) {
        this.picture.setTracks(body.tracks.features);
        this.picture.setAlerts(body.alerts);
        this.map.showPicture(this.picture);
        this.shownAt = at;
        this.error = null;
        this.element.dataset.shownAt = String(at);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.inFlight = false;
      this.element.dataset.loading = 'false';
      this.render();
      if (this.wanted !== null) void this.fetch();
    }
  }

  private fail(error: unknown): void {
    const code = error instanceof ApiError ? error.code : 'network';
    this.error = ['bad_time', 'replay_too_old', 'replay_in_future'].includes(code) ? code : 'other';
    console.warn('tansiq: replay failed', error);
    this.render();
  }
}
