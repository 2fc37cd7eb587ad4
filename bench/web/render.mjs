// The live map under load: a centre (`tansiq demo --no-feed`, a release
// build) fed N live tracks (default 20,000) each reporting once a second, and the operator's
// screen in headless Chromium with software GL (SwiftShader through ANGLE, no GPU).
//
// The feeder: the scenario simulator (crates/sim, `tansiq sim --background 1`) makes at most
// about 2,000 background vessels and vehicles, each reporting every one to several minutes,
// so it cannot make 20,000 tracks updating once a second. This script is the feeder instead:
// it moves N simulated vessels (at sea off Libya) and vehicles (on land) along straight legs
// at plausible speeds, bouncing inside their areas, and posts every one's observation each
// second to POST /api/v1/observations (JSON, the real ingest path, in chunks), stamped with
// the time of sending.
//
// Measured, over --seconds (default 60) after a warm-up:
//  (a) update latency: the server stamps each stream batch with its clock when it sends it;
//      the page notes when the frame that draws the batch's data has rendered (MapLibre
//      `render` after the tracks source loaded the setData that carried it). Same machine,
//      same clock: rendered - stamp, p50/p90/p99. Also observation time (the feeder's clock
//      when posting) to render: the whole path, ingest included.
//  (b) the main thread's busy share: CDP Performance.getMetrics TaskDuration delta / wall.
//  (c) initial load: navigation (signed in) to the first rendered batch of tracks.
// Nothing is asserted; the figures are printed (and written to --out as JSON when given).
//
// Usage: node bench/web/render.mjs --bin PATH [--tracks 20000] [--seconds 60] [--warmup 15]
//          [--width 1920 --height 1080] [--out FILE]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { session as signIn, waitForHealth } from '../../web/tests/support.mjs';

const repo = resolve(new URL('../..', import.meta.url).pathname);
// playwright-core is the web client's dev dependency; no second copy for the bench.
const { chromium } = createRequire(join(process.env.TANSIQ_WEB_DIR ?? join(repo, 'web'), 'package.json'))('playwright-core');

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const bin = resolve(arg('--bin', process.env.TANSIQ_BIN ?? '/var/tmp/tansiq-bench-target/release/tansiq'));
const N = Number(arg('--tracks', '20000'));
const SECONDS = Number(arg('--seconds', '60'));
const WARMUP = Number(arg('--warmup', '15'));
const WIDTH = Number(arg('--width', '1920'));
const HEIGHT = Number(arg('--height', '1080'));
const OUT = arg('--out', null);
// For trying client changes without rebuilding the binary: serve the page's files from this
// folder (a `vite build` output) instead of the embedded ones; the API and stream stay real.
const WEB_DIST = arg('--web-dist', null);
// --profile: a CPU profile of the page during the measurement, its top functions by self time.
const PROFILE = args.includes('--profile');
const PROFILE_LOAD = args.includes('--profile-load');
const CHUNK = 2000;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// A small deterministic generator, so that two runs feed the same world.
let seed = 0x2545f491;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

// Sea off the Libyan coast, land in the south-west and south-east.
const SEA = [11.6, 32.9, 24.5, 34.6];
const LAND = [[10.5, 23.0, 14.5, 29.5], [19.0, 20.5, 24.5, 28.5]];

function makeWorld(n) {
  const movers = [];
  for (let i = 0; i < n; i++) {
    const vessel = i % 5 < 3; // three in five at sea
    const area = vessel ? SEA : LAND[i % 2];
    movers.push({
      i,
      vessel,
      area,
      lon: area[0] + random() * (area[2] - area[0]),
      lat: area[1] + random() * (area[3] - area[1]),
      speed: vessel ? 4 + random() * 8 : 8 + random() * 12,
      course: random() * 360,
    });
  }
  return movers;
}

function step(m, dt) {
  const rad = (m.course * Math.PI) / 180;
  const d = m.speed * dt;
  let lon = m.lon + (d * Math.sin(rad)) / (111_195 * Math.cos((m.lat * Math.PI) / 180));
  let lat = m.lat + (d * Math.cos(rad)) / 111_195;
  const [w, s, e, n] = m.area;
  if (lon < w || lon > e) m.course = (360 - m.course) % 360;
  if (lat < s || lat > n) m.course = (540 - m.course) % 360;
  lon = Math.min(e, Math.max(w, lon));
  lat = Math.min(n, Math.max(s, lat));
  m.lon = lon;
  m.lat = lat;
}

function observation(m, time) {
  const base = {
    agency: 'CGW', time,
    position: { lon: m.lon, lat: m.lat }, speed_mps: m.speed, course_deg: m.course,
  };
  return m.vessel
    ? { ...base, source: 'ais-bench', source_kind: 'ais', kind: 'vessel', identity: { mmsi: 636_000_000 + m.i, name: `BENCH ${m.i}` } }
    : { ...base, source: 'ugs-bench', source_kind: 'sensor', kind: 'vehicle', identity: { plate: `B-${m.i}` } };
}

/** Posts every mover once a second until stopped; counts what the centre answered. */
function startFeeder(base, token, movers) {
  const stats = { rounds: 0, posted: 0, refused: 0, errors: 0, lateRounds: 0, roundMs: [] };
  let running = true;
  const done = (async () => {
    let next = Date.now();
    let last = Date.now();
    while (running) {
      const start = Date.now();
      const dt = (start - last) / 1000;
      last = start;
      for (const m of movers) step(m, dt);
      // The chunks in flight together: each POST is answered once durable, and the centre's
      // group commit makes one transaction of what arrives together.
      const posts = [];
      for (let k = 0; k < movers.length; k += CHUNK) {
        const n = Math.min(CHUNK, movers.length - k);
        const body = JSON.stringify(movers.slice(k, k + CHUNK).map((m) => observation(m, Date.now())));
        posts.push(
          fetch(`${base}/api/v1/observations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          })
            .then(async (r) => {
              await r.arrayBuffer();
              if (r.ok) stats.posted += n;
              else stats.refused += n;
            })
            .catch(() => (stats.errors += 1)),
        );
      }
      await Promise.all(posts);
      stats.rounds += 1;
      stats.roundMs.push(Date.now() - start);
      next += 1000;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else {
        stats.lateRounds += 1;
        next = Date.now();
      }
    }
  })();
  return { stats, stop: async () => { running = false; await done; } };
}

async function metric(base, token, name) {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** A CDP CPU profile's top functions by self time, as "ms name file:line". */
function topFunctions(profile, n = 25) {
  const self = new Map();
  const dt = new Map();
  profile.samples.forEach((id, k) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(0)} ${k}`);
}

function quantiles(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : NaN);
  return { n: v.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: v.length ? v[v.length - 1] : NaN };
}

/** CPU ticks of Chromium's processes by type (renderer, gpu-process, utility, browser). */
function chromiumTicks() {
  const out = {};
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.startsWith('/usr/lib/chromium/chromium') && !cmd.startsWith(chromiumPath)) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    out[type] = (out[type] ?? 0) + cpuTicks(pid);
  }
  return out;
}

function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}

async function main() {
  const data = mkdtempSync(join(tmpdir(), 'tansiq-web-bench-'));
  // Port 0: any free ports, HTTP and the demo's TAK listener both; the banner names the URL.
  const server = spawn(bin, ['demo', '--no-feed', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stderr.on('data', (chunk) => (serverLog = (serverLog + chunk).slice(-4000)));
  const base = await new Promise((res, rej) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) res(m[0]);
    });
    server.once('exit', (code) => rej(new Error(`tansiq exited (${code}): ${serverLog}`)));
  });
  let browser;
  let feeder;
  const report = { tracks: N, seconds: SECONDS, cpus: cpus().length, load_before: loadavg() };
  try {
    await waitForHealth(base, server, 60);
    const session = await signIn(base, 'cgw.watch');
    const movers = makeWorld(N);
    feeder = startFeeder(base, session.token, movers);
    // Until every track exists in the centre.
    for (let i = 0; i < 120; i++) {
      if ((await metric(base, session.token, 'tansiq_engine_tracks')) >= N) break;
      await sleep(500);
    }
    report.centre_tracks = await metric(base, session.token, 'tansiq_engine_tracks');
    console.log(`centre holds ${report.centre_tracks} tracks; feeding ${N} a second`);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        // Software GL: ANGLE over SwiftShader, no GPU.
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        // Pages fulfilled by --web-dist count as not local; let them reach the loopback stream.
        ...(WEB_DIST ? ['--disable-features=LocalNetworkAccessChecks'] : []),
      ],
    });
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
    // Signed in already: the page opens straight on the shell.
    await context.addInitScript((s) => sessionStorage.setItem('tansiq.session', JSON.stringify(s)), {
      token: session.token, user: session.user ?? 'cgw.watch', agency: session.agency ?? 'CGW',
      roles: session.roles ?? ['watch_officer'], expires: session.expires,
    });
    if (WEB_DIST) {
      await context.route(
        (url) => !url.pathname.startsWith('/api/'),
        (route) => {
          const path = new URL(route.request().url()).pathname;
          route.fulfill({ path: join(WEB_DIST, path === '/' ? 'index.html' : path) });
        },
      );
    }
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
    });
    // --profile-load: a CPU profile of the page from navigation to the first rendered batch.
    const loadCdp = PROFILE_LOAD ? await context.newCDPSession(page) : null;
    if (loadCdp) {
      await loadCdp.send('Profiler.enable');
      await loadCdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await loadCdp.send('Profiler.start');
    }
    const navigated = Date.now();
    await page.goto(base);
    await page.waitForFunction(() => (window.__tansiqRender?.length ?? 0) > 0, null, { timeout: 60000 }).catch(async (error) => {
      const state = await page.evaluate(() => ({
        map: { ...document.getElementById('map')?.dataset },
        stream: document.querySelector('.live')?.dataset.stream,
        held: window.__tansiq?.trackIds?.().length,
      }));
      throw new Error(`no batch rendered: ${JSON.stringify(state)} ${errors.slice(0, 10).join(' | ')}: ${error.message}`);
    });
    const first = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const origin = performance.timeOrigin;
      const s = window.__tansiqRender[0];
      const marks = Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.replace('tansiq:', ''), Math.round(origin + m.startTime)]));
      return { rendered: s.rendered, received: s.received, dom: origin + (nav?.domContentLoadedEventEnd ?? 0), load: origin + (nav?.loadEventEnd ?? 0), marks };
    });
    if (loadCdp) report.load_profile_top_ms = topFunctions((await loadCdp.send('Profiler.stop')).profile);
    report.initial_load_ms = first.rendered - navigated;
    // Where the initial load went: the page's scripts, the first batch's arrival, its frame.
    report.initial_load_parts_ms = {
      dom_content_loaded: Math.round(first.dom - navigated),
      // The page's own marks (web/src: stream-open, map-load, first-batch, first-render).
      ...Object.fromEntries(Object.entries(first.marks).map(([k, v]) => [k, v - navigated])),
      first_batch_received: first.received - navigated,
      first_batch_rendered: first.rendered - navigated,
    };
    console.log(`initial load: navigation to the first rendered batch ${report.initial_load_ms} ms ${JSON.stringify(report.initial_load_parts_ms)}`);

    await sleep(WARMUP * 1000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskDuration = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const start = await page.evaluate(() => ({ now: Date.now(), n: window.__tansiqRender.length }));
    const task0 = await taskDuration();
    const wall0 = Date.now();
    const folded0 = await metric(base, session.token, 'tansiq_engine_events_folded_total');
    const cpu0 = cpuTicks(server.pid);
    const chromium0 = chromiumTicks();
    const feederCpu0 = process.cpuUsage();
    await page.evaluate(() => {
      window.__frames = 0;
      window.__resizes = 0;
      window.__map.on('render', () => (window.__frames += 1));
      window.__map.on('resize', () => (window.__resizes += 1));
    });
    const feedStart = { ...feeder.stats };
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await sleep(SECONDS * 1000);
    if (PROFILE) {
      report.profile_top_ms = topFunctions((await cdp.send('Profiler.stop')).profile);
    }
    const task1 = await taskDuration();
    const wall1 = Date.now();
    const folded1 = await metric(base, session.token, 'tansiq_engine_events_folded_total');
    const cpu1 = cpuTicks(server.pid);
    const chromium1 = chromiumTicks();
    const feederCpu = process.cpuUsage(feederCpu0);
    report.frames_per_s = +((await page.evaluate(() => window.__frames)) / ((wall1 - wall0) / 1000)).toFixed(2);
    // A map resize reallocates the drawing buffer: there should be none while nothing moves.
    report.map_resizes = await page.evaluate(() => window.__resizes);
    const stamps = await page.evaluate((n) => window.__tansiqRender.slice(n), start.n);
    const held = await page.evaluate(() => ({
      tracks: window.__tansiq?.trackIds?.().length,
      clusters: window.__tansiq?.clusters?.(),
    }));
    report.batches = stamps.length;
    report.batches_per_s = +(stamps.length / ((wall1 - wall0) / 1000)).toFixed(2);
    report.latency_ms = quantiles(stamps.map((s) => s.rendered - s.server));
    report.receive_to_render_ms = quantiles(stamps.map((s) => s.rendered - s.received));
    report.observation_to_render_ms = quantiles(stamps.filter((s) => s.newest > 0).map((s) => s.rendered - s.newest));
    report.main_thread_busy = +((task1 - task0) / ((wall1 - wall0) / 1000)).toFixed(3);
    report.held = held;
    report.centre_folded_per_s = Math.round((folded1 - folded0) / ((wall1 - wall0) / 1000));
    report.centre_cpu_share = +(((cpu1 - cpu0) / 100) / ((wall1 - wall0) / 1000)).toFixed(2);
    // Where the two cores went: Chromium's processes by type, and this script (the feeder).
    report.chromium_cpu_share = Object.fromEntries(
      Object.entries(chromium1).map(([type, t]) => [type, +(((t - (chromium0[type] ?? 0)) / 100) / ((wall1 - wall0) / 1000)).toFixed(2)]),
    );
    report.feeder_cpu_share = +((feederCpu.user + feederCpu.system) / 1e6 / ((wall1 - wall0) / 1000)).toFixed(2);
    report.feeder = {
      posted_per_s: Math.round((feeder.stats.posted - feedStart.posted) / ((wall1 - wall0) / 1000)),
      refused: feeder.stats.refused, errors: feeder.stats.errors, late_rounds: feeder.stats.lateRounds,
      round_ms: quantiles(feeder.stats.roundMs),
    };
    report.alerts_open = (await (await fetch(`${base}/api/v1/alerts`, { headers: { authorization: `Bearer ${session.token}` } })).json()).alerts?.length;
    report.page_errors = errors;
    report.load_after = loadavg();
    await page.screenshot({ path: join(tmpdir(), 'tansiq-web-bench.png') });
  } finally {
    await feeder?.stop();
    await browser?.close();
    server.kill('SIGTERM');
    await sleep(300);
    rmSync(data, { recursive: true, force: true });
  }
  const l = report.latency_ms;
  console.log(JSON.stringify(report, null, 2));
  console.log(
    `\n${N} tracks at 1 Hz, ${SECONDS} s, ${report.batches} batches: server batch -> rendered p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms; ` +
      `main thread ${(report.main_thread_busy * 100).toFixed(1)} % busy; initial load ${report.initial_load_ms} ms; ` +
      `load average ${report.load_before.map((x) => x.toFixed(2)).join(' ')} before, ${report.load_after.map((x) => x.toFixed(2)).join(' ')} after`,
  );
  if (OUT) writeFileSync(OUT, JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
