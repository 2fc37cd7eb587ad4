// Browser test of the replay control (web/src/replay.ts), run by scripts/test after e2e.mjs.
//
// Starts `tansiq demo --no-feed` on a free loopback port with a fresh data folder, reports a
// vessel at one place, then — a moment later in the log — at another, and drives Debian's
// Chromium headless with playwright-core: signs in as cgw.watch, opens the replay, moves the
// slider to a time between the two reports and checks that the map draws the vessel where it
// was then (and not a contact reported during the replay, while the live stream keeps
// running), works the slider from the keyboard, checks the REPLAY marking in English and
// Arabic (dir=rtl), and returns to live, where the map draws the present. Every request the
// browser makes must stay on 127.0.0.1. Screenshots go to the artefacts folder (replay-*.png;
// the folder is not emptied: e2e.mjs's screenshots stay beside them).
//
// Usage: node tests/replay.mjs [--bin PATH] [--artifacts DIR]
//   env TANSIQ_BIN, CHROMIUM (default /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { BROWSER_ENV, LOOPBACK_BROWSER_ARGS, apiGet, login, post, requestsOutside, sameClock, waitForHealth } from './support.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const webDir = resolve(new URL('..', import.meta.url).pathname);
const repo = resolve(webDir, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(repo, 'target');
const bin = resolve(arg('--bin', process.env.TANSIQ_BIN ?? join(targetDir, 'debug', 'tansiq')));
const artifacts = resolve(arg('--artifacts', join(webDir, 'test-results')));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const started = Date.now();

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}  [${((Date.now() - started) / 1000).toFixed(1)} s]`);
  if (!ok) failures.push(what);
};

/** The centre's address, once the demo has printed it. */
async function address(printed, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`tansiq exited early (${child.exitCode})`);
    const m = /Tansiq demo centre: (http:\/\/127\.0\.0\.1:\d+)/.exec(printed());
    if (m) return m[1];
    await sleep(100);
  }
  throw new Error('tansiq did not print its address within 30 s');
}

const MMSI = 636077001;
const HERE = [12.5, 33.3];
const THERE = [12.52, 33.31];

function vessel(position, time) {
  return {
    source: 'ais-zuwara', source_kind: 'ais', agency: 'CGW', time,
    position: { lon: position[0], lat: position[1] }, speed_mps: 3.5, course_deg: 60,
    identity: { mmsi: MMSI, name: 'SIDRA' }, kind: 'vessel',
  };
}

/** The API's vessel once its position is `where` (a POST answers when durable; the fold follows). */
async function vesselAt(base, token, where) {
  for (let i = 0; i < 100; i++) {
    const f = (await apiGet(base, token, '/api/v1/tracks')).features.find((x) => x.properties.identity?.mmsi === MMSI);
    if (f && f.geometry.coordinates[0] === where[0] && f.geometry.coordinates[1] === where[1]) return f;
    await sleep(100);
  }
  throw new Error(`the vessel did not reach ${where}`);
}

/** What the map's track layer draws: position by id. */
async function drawn(page) {
  return page.evaluate(() => window.__tansiq.drawn());
}

async function idle(page) {
  await page.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true' && window.__map?.loaded(), null, { timeout: 30000 });
}

/** Waits until the replay shows the slider's time and the map has drawn it. */
async function replayShown(page) {
  await page.waitForFunction(
    () => {
      const r = window.__tansiq.replay();
      return r.active && r.shownAt === r.at && document.querySelector('.replay')?.dataset.loading === 'false';
    },
    null,
    { timeout: 60000 },
  );
  await sleep(300); // the map coalesces redraws for 150 ms
  await idle(page);
}

async function main() {
  if (!existsSync(bin)) throw new Error(`no tansiq binary at ${bin} (build it, or pass --bin)`);
  mkdirSync(artifacts, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), 'tansiq-replay-'));
  // `--port 0`: any free port, for TAK too (a fixed port would also take TAK's 8087, which
  // another centre on the machine may hold); the address is read from what the demo prints.
  const server = spawn(bin, ['demo', '--no-feed', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  let printed = '';
  server.stderr.on('data', (chunk) => (serverLog += chunk));
  server.stdout.on('data', (chunk) => (printed += chunk));
  let browser;
  const requests = [];
  try {
    const base = await address(() => printed, server);
    await waitForHealth(base, server);
    const token = await login(base, 'cgw.watch');
    // The vessel here, folded; then, later in the log, there.
    await post(base, token, [vessel(HERE, Date.now() - 600_000)]);
    const track = await vesselAt(base, token, HERE);
    const between = Date.now();
    await sleep(1500);
    await post(base, token, [vessel(THERE, Date.now())]);
    await vesselAt(base, token, THERE);
    // The replay's target: after the first report's log time, well before the second's (the
    // slider moves in whole seconds from the window's start).
    const target = between + 700;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: LOOPBACK_BROWSER_ARGS,
      env: BROWSER_ENV,
    });
    const pageErrors = [];
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await sameClock(context);
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    page.on('websocket', (ws) => requests.push(ws.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    await page.goto(base);
    await page.fill('#username', 'cgw.watch');
    await page.fill('#password', 'demo');
    await page.click('button[type=submit]');
    await page.waitForSelector('.live[data-stream="live"]', { timeout: 30000 });
    await page.waitForFunction((id) => window.__tansiq.trackIds().includes(id), track.id, { timeout: 30000 });
    await page.evaluate((c) => window.__map.jumpTo({ center: c, zoom: 10 }), THERE);
    await sleep(300);
    await idle(page);
    let map = await drawn(page);
    check(JSON.stringify(map[track.id]) === JSON.stringify(THERE), `live: the map draws the vessel where it is now (${map[track.id]})`);

    // Into replay: the control marks the mode and starts at the present.
    await page.click('.replay-toggle');
    await page.waitForSelector('.replay[data-replay="on"] .replay-badge', { timeout: 10000 });
    await replayShown(page);
    const badge = await page.textContent('.replay-badge');
    check(badge === 'REPLAY' && (await page.isVisible('.replay-live')), `replay mode is marked (${badge}) with a Live button`);

    // The slider to a time between the two reports: the vessel where it was then.
    await page.$eval(
      '.replay-slider',
      (el, ms) => {
        el.value = String(ms);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      target,
    );
    await replayShown(page);
    const state = await page.evaluate(() => window.__tansiq.replay());
    check(Math.abs(state.at - target) <= 1000, `the slider moved to ${new Date(state.at).toISOString()}`);
    map = await drawn(page);
    check(JSON.stringify(map[track.id]) === JSON.stringify(HERE), `replay: the map draws the vessel where it was then (${map[track.id]})`);
    const shownTime = await page.textContent('.replay-time');
    check(/UTC/.test(shownTime) && /\d\d:\d\d:\d\d/.test(shownTime), `the replayed time is shown (${shownTime})`);
    await page.screenshot({ path: join(artifacts, 'replay-past.png') });

    // The live stream keeps running underneath: a contact reported now reaches the client, but
    // the replayed map does not draw it.
    await post(base, token, [
      {
        source: 'radar-tripoli', source_kind: 'radar', agency: 'CGW', time: Date.now(),
        position: { lon: 12.51, lat: 33.32 }, speed_mps: 2, course_deg: 10,
        identity: { source_track: '501' }, kind: 'vessel',
      },
    ]);
    let fresh = null;
    for (let i = 0; i < 100 && !fresh; i++) {
      fresh = (await apiGet(base, token, '/api/v1/tracks')).features.find((f) => f.properties.identity?.source_track === '501');
      if (!fresh) await sleep(100);
    }
    await page.waitForFunction((id) => window.__tansiq.trackIds().includes(id), fresh?.id, { timeout: 30000 });
    await sleep(300);
    await idle(page);
    map = await drawn(page);
    check(!!fresh && !(fresh.id in map) && JSON.stringify(map[track.id]) === JSON.stringify(HERE), 'the live stream runs on while the map keeps the replayed picture');

    // The keyboard: Home to the window's start, Arrow keys a minute, End to the present.
    await page.focus('.replay-slider');
    await page.keyboard.press('Home');
    let r = await page.evaluate(() => window.__tansiq.replay());
    check(r.at === r.from, 'Home moves the slider to 24 h ago');
    await page.keyboard.press('ArrowRight');
    r = await page.evaluate(() => window.__tansiq.replay());
    check(r.at === r.from + 60_000, 'ArrowRight moves a minute later');
    await replayShown(page);
    map = await drawn(page);
    check(!(track.id in map), 'a time before the log began shows an empty picture');
    await page.keyboard.press('End');
    await replayShown(page);
    r = await page.evaluate(() => window.__tansiq.replay());
    map = await drawn(page);
    check(r.at === r.to && JSON.stringify(map[track.id]) === JSON.stringify(THERE), 'End replays the present');

    // Arabic: the control mirrors and speaks Arabic; the keys follow the direction.
    await page.click('.topbar .lang-switch');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    const ar = await page.evaluate(() => ({ dir: document.querySelector('.replay').dir, badge: document.querySelector('.replay-badge').textContent, live: document.querySelector('.replay-live').textContent }));
    check(ar.dir === 'rtl' && ar.badge === 'إعادة عرض' && ar.live === 'مباشر', `in Arabic the control is rtl with Arabic text (${ar.badge}, ${ar.live})`);
    await page.focus('.replay-slider');
    await page.keyboard.press('ArrowRight');
    r = await page.evaluate(() => window.__tansiq.replay());
    check(r.at === r.to - 60_000, 'in Arabic ArrowRight moves back in time (the slider runs right to left)');
    await replayShown(page);
    await page.screenshot({ path: join(artifacts, 'replay-arabic.png') });
    await page.click('.topbar .lang-switch');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');

    // Back to live: the present, including what arrived during the replay.
    await page.click('.replay-live');
    await page.waitForSelector('.replay[data-replay="off"]');
    await sleep(300);
    await idle(page);
    map = await drawn(page);
    check(JSON.stringify(map[track.id]) === JSON.stringify(THERE) && !!fresh && fresh.id in map, 'Live returns the map to the present, with what arrived meanwhile');
    check(await page.isVisible('.replay-toggle'), 'the Replay button is back');
    await page.screenshot({ path: join(artifacts, 'replay-live.png') });

    check(pageErrors.length === 0, `no page errors${pageErrors.length ? `: ${pageErrors.join(' | ')}` : ''}`);
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await sleep(200);
    rmSync(data, { recursive: true, force: true });
  }
  const outside = requestsOutside(requests);
  check(requests.length > 0 && outside.length === 0, `${requests.length} requests, none leaves 127.0.0.1${outside.length ? `: ${outside.slice(0, 5).join(', ')}` : ''}`);
  console.log(`screenshots in ${artifacts}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    console.error(`\n${failures.length} check(s) failed`);
    if (serverLog) console.error(serverLog.split('\n').slice(-20).join('\n'));
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
