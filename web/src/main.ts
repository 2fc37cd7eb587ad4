// The operator's screen: sign-in, then the header, the live map, the alert queue and the track
// detail. Everything comes from the centre that served this page; nothing from elsewhere.
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import './style.css';
import { api, clearSession, loadSession, logout, setExpiredHandler, type Session } from './api';
import { AlertQueue } from './alerts';
import { TrackDetail } from './detail';
import { h } from './dom';
import { applyLang, currentLang, formatTime, localName, onLangChange, setLang, t } from './i18n';
import { renderLogin } from './login';
import { LiveMap, type Theme } from './map';
import { ReplayControl } from './replay';
import { Picture } from './store';
import { Stream, type StreamStatus } from './stream';
import { mountPanels } from './tabs';
import type { Agency } from './types';

const root = document.getElementById('app') as HTMLElement;
let theme: Theme = localStorage.getItem('tansiq.theme') === 'light' ? 'light' : 'dark';
let teardown: (() => void) | null = null;
let notice: string | null = null;

function applyTheme(): void {
  document.documentElement.dataset.theme = theme;
}

function showLogin(): void {
  teardown?.();
  teardown = null;
  renderLogin(root, notice, (session) => {
    notice = null;
    void showShell(session);
  });
}

setExpiredHandler(() => {
  if (teardown === null) return; // already on the sign-in page: no loop
  notice = t('login.expired');
  showLogin();
});

async function showShell(session: Session): Promise<void> {
  const picture = new Picture();
  const canAck = session.roles.some((r) => ['admin', 'duty_officer', 'watch_officer'].includes(r));
  let agencies: Agency[] = [];

  const userBox = h('div', { class: 'who' });
  const clock = h('time', { class: 'clock' });
  const counts = h('span', { class: 'counts', 'data-track-count': '0' });
  const live = h('span', { class: 'live', 'data-stream': 'connecting' });
  const exerciseBanner = h('span', { class: 'badge exercise-badge banner', hidden: true });
  const langButton = h('button', { type: 'button', class: 'lang-switch' });
  const themeButton = h('button', { type: 'button', class: 'theme-switch' });
  const signOut = h('button', { type: 'button', class: 'signout' });
  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark' }, 'ت'), h('strong', { class: 'app-name' })),
    clock,
    exerciseBanner,
    counts,
    live,
    h('div', { class: 'spacer' }),
    userBox,
    langButton,
    themeButton,
    signOut,
  );
  const mapBox = h('div', { class: 'map', id: 'map' });
  const detail = new TrackDetail(picture, session.agency, () => select(null));
  const main = h('main', { class: 'workspace' }, h('div', { class: 'map-wrap' }, mapBox, detail.element));
  const alertsSlot = h('div', { class: 'side' });
  main.append(alertsSlot);
  root.replaceChildren(h('div', { class: 'shell' }, header, main));

  // For tests and the console: what this client holds.
  const debug: Record<string, () => unknown> = {
    trackIds: () => [...picture.tracks.keys()].sort(),
    alertIds: () => picture.sortedAlerts().map((a) => a.id),
  };
  (window as unknown as { __tansiq: object }).__tansiq = debug;
  const liveMap = new LiveMap(mapBox, picture, session.agency, theme, (id) => select(id));
  debug.drawn = () => liveMap.drawnTracks();
  debug.clusters = () => picture.clusters.length;
  const replay = new ReplayControl(liveMap);
  mapBox.after(replay.element);
  const queue = new AlertQueue(picture, canAck, (id) => liveMap.flyTo(id));
  const zoneList = api<GeoJSON.FeatureCollection>('/api/v1/zones');
  const panels = mountPanels(alertsSlot, queue, picture, session, liveMap, (id) => select(id), () => agencies, zoneList);

  let status: StreamStatus = 'connecting';
  function renderHeader(): void {
    (header.querySelector('.app-name') as HTMLElement).textContent = t('app.name');
    const agency = agencies.find((a) => a.id === session.agency);
    userBox.replaceChildren(
      h('span', { class: 'user', title: t('header.user') }, session.user),
      h('span', { class: 'agency', title: t('header.agency') }, agency ? `${localName(agency)} (${session.agency})` : session.agency),
      h('span', { class: 'role', title: t('header.role') }, session.roles.map((r) => t(`role.${r}`)).join(', ')),
    );
    langButton.textContent = t('header.language');
    langButton.setAttribute('aria-label', t('header.language.label'));
    langButton.lang = currentLang() === 'ar' ? 'en' : 'ar';
    themeButton.textContent = theme === 'dark' ? t('header.theme.light') : t('header.theme.dark');
    themeButton.setAttribute('aria-label', t('header.theme.label'));
    signOut.textContent = t('header.signout');
    renderCounts();
    live.textContent = t(`status.${status}`);
    live.dataset.stream = status;
  }
  // Written only when they change: every DOM write is a repaint, and with software GL each
  // composited frame of the whole screen costs tens of milliseconds of the GPU process.
  const setText = (el: HTMLElement, text: string) => {
    if (el.textContent !== text) el.textContent = text;
  };
  function renderCounts(): void {
    setText(counts, t('status.tracks', { count: picture.tracks.size }));
    counts.dataset.trackCount = String(picture.tracks.size);
    const exercise = [...picture.tracks.values()].some((f) => f.properties.exercise) || [...picture.alerts.values()].some((a) => a.exercise);
    if (exerciseBanner.hidden === exercise) exerciseBanner.hidden = !exercise;
    setText(exerciseBanner, `${t('exercise')} · ${t('exercise.present')}`);
  }
  function tick(): void {
    clock.textContent = `${formatTime(Date.now())} ${t('header.utc')}`;
  }

  let selected: string | null = null;
  function select(id: string | null): void {
    selected = id;
    liveMap.select(id);
    detail.show(id);
    if (id) {
      api<GeoJSON.Feature>(`/api/v1/tracks/${encodeURIComponent(id)}/history`)
        .then((line) => {
          if (selected === id) liveMap.setTrail(line);
        })
        .catch(() => {});
    }
  }

  langButton.addEventListener('click', () => setLang(currentLang() === 'ar' ? 'en' : 'ar'));
  themeButton.addEventListener('click', () => {
    theme = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('tansiq.theme', theme);
    applyTheme();
    liveMap.setTheme(theme);
    renderHeader();
  });
  signOut.addEventListener('click', async () => {
    await logout();
    notice = null;
    showLogin();
  });

  const onKey = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'j') queue.move(1);
    else if (event.key === 'k') queue.move(-1);
    else if (event.key === 'a') queue.acknowledgeSelected();
    else if (event.key === 'Escape') select(null);
    else return;
    event.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  picture.onTracks(renderCounts);
  picture.onAlerts(renderCounts);
  onLangChange(() => {
    if (teardown === null) return;
    renderHeader();
    queue.render();
    detail.render();
    panels.render();
    liveMap.setLanguage();
    replay.render();
    tick();
  });

  const stream = new Stream(
    session.token,
    picture,
    (s) => {
      if (s === 'live' && status !== 'live') {
        // The first sync brought the queue as it stands: no cue for what was already there.
        queue.prime();
        panels.resync();
      }
      status = s;
      renderHeader();
    },
    () => {
      clearSession();
      notice = t('login.expired');
      showLogin();
    },
    () => api('/api/v1/agencies'),
  );
  debug.dropStream = () => stream.drop();
  debug.receive = ((raw: unknown) => stream.receive(raw)) as () => unknown;
  debug.malformed = () => stream.malformed;
  const timer = window.setInterval(tick, 1000);
  teardown = () => {
    stream.stop();
    panels.stop();
    window.clearInterval(timer);
    replay.stop();
    document.removeEventListener('keydown', onKey);
    liveMap.map.remove();
  };
  tick();
  renderHeader();

  // The stream opens at once, beside the REST calls: it brings the view's tracks and every
  // alert the caller may see (its resync), so the first picture does not wait for them.
  stream.start();
  try {
    // Tracks come from the stream alone: those in the map's view, thinned beyond the server's
    // limit (fetching every track here would defeat that with 20,000 of them).
    const [agencyList, zones] = await Promise.all([api<{ agencies: Agency[] }>('/api/v1/agencies'), zoneList]);
    agencies = agencyList.agencies;
    liveMap.setZones(zones);
    // A section's impact level set by the joint centre comes on the stream: redraw with it.
    picture.onZone((zone) => {
      zones.features = zones.features.map((f) => (f.id === zone.id ? zone : f));
      liveMap.setZones(zones);
    });
    renderHeader();
  } catch (error) {
    console.warn('tansiq: initial load failed', error);
  }
}

applyLang();
applyTheme();
onLangChange(() => {
  if (teardown === null) showLogin();
});
const session = loadSession();
if (session) void showShell(session);
else showLogin();
