// End-to-end test of the operator screen, run by scripts/test after the Rust tests.
//
// Starts `tansiq demo` on a free loopback port with a fresh data folder, feeds it a few
// observations through the API (the demo does not feed live data yet), then drives Debian's
// Chromium headless with playwright-core: signs in as cgw.watch and as army.south and checks
// that each sees exactly what the API gives its agency, waits for the map's `idle`, sees a live
// update arrive over the WebSocket, opens a track's detail, acknowledges an alert with the
// keyboard, switches to Arabic (dir=rtl, Arabic text). Every request the browser makes is
// recorded; the test fails if one leaves 127.0.0.1. Screenshots go to the artefacts folder.
//
// Usage: node tests/e2e.mjs [--bin PATH] [--artifacts DIR] [--docs-screenshot PATH]
//   env TANSIQ_BIN, CHROMIUM (default /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
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
const docsShot = arg('--docs-screenshot', null);
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const started = Date.now();

const failures = [];
/** HTTP statuses of refusals the test provokes on purpose (Chromium logs each as an error). */
const provoked = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}  [${((Date.now() - started) / 1000).toFixed(1)} s]`);
  if (!ok) failures.push(what);
};

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** The caller's track ids once the picture has settled: a POST answers when its events are
 * durable, and the engine folds them a moment later, so read until two reads agree. */
async function settledTracks(base, token, atLeast = 0) {
  let previous = null;
  for (let i = 0; i < 60; i++) {
    const ids = (await apiGet(base, token, '/api/v1/tracks')).features.map((f) => f.id).sort();
    const key = JSON.stringify(ids);
    if (ids.length >= atLeast && key === previous) return ids;
    previous = key;
    await sleep(200);
  }
  throw new Error('the picture did not settle');
}

/** A small picture: CGW's radar contact off Zuwara, an AIS merchant, an exercise SART; ARS's
 * four vehicles near Tummo. CGW shares with JOC only, ARS with JOC and MOI: neither of the two
 * watch officers sees the other's tracks. */
async function seed(base, cgw, ars) {
  const now = Date.now();
  const sea = [];
  for (let i = 0; i < 8; i++) {
    sea.push({
      source: 'radar-zuwara', source_kind: 'radar', agency: 'CGW', time: now - (8 - i) * 60000,
      position: { lon: 12.08, lat: 32.93 + i * 0.0027 }, speed_mps: 5, course_deg: 0,
      identity: { source_track: '17' }, kind: 'vessel',
    });
  }
  for (let i = 0; i < 3; i++) {
    const time = now - (3 - i) * 60000;
    sea.push({
      source: 'ais-zuwara', source_kind: 'ais', agency: 'CGW', time,
      position: { lon: 12.6 + i * 0.006, lat: 33.3 }, speed_mps: 6, course_deg: 90,
      identity: { mmsi: 636012345, name: 'MARIA K' }, kind: 'vessel',
    });
    sea.push({
      source: 'ais-zuwara', source_kind: 'ais', agency: 'CGW', time, exercise: true,
      position: { lon: 13.1, lat: 33.2 - i * 0.001 }, speed_mps: 2, course_deg: 180,
      identity: { mmsi: 970123456 }, kind: 'vessel',
    });
  }
  await post(base, cgw, sea);
  const land = [];
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < 6; k++) {
      land.push({
        source: 'ugs-tummo', source_kind: 'sensor', agency: 'ARS', time: now - (3 - i) * 60000,
        position: { lon: 13.6 + k * 0.01, lat: 23.3 + i * 0.004 }, speed_mps: 7, course_deg: 0,
        identity: { source_track: `v${k}` }, kind: 'vehicle',
      });
    }
  }
  await post(base, ars, land);
}

/** Background merchant traffic off the western coast (for the README's picture only). */
function traffic() {
  const names = ['AL HANI', 'SABRATHA STAR', 'MEDITERRANEAN PRIDE', 'NOUR', 'CAPO BIANCO', 'ZAWIYA 3', 'ELENI', 'TRIPOLI GAS', 'OCEAN GRACE', 'MISRATA'];
  const now = Date.now();
  const out = [];
  names.forEach((name, k) => {
    const lon0 = 11.9 + k * 0.19;
    const lat0 = 33.25 + ((k * 37) % 10) * 0.045;
    const course = [75, 255, 95, 280, 60, 240, 110, 300, 85, 265][k];
    for (let i = 0; i < 2; i++) {
      const d = i * 0.01;
      out.push({
        source: 'ais-zuwara', source_kind: 'ais', agency: 'CGW', time: now - (2 - i) * 60000,
        position: { lon: lon0 + d * Math.sin((course * Math.PI) / 180), lat: lat0 + d * Math.cos((course * Math.PI) / 180) },
        speed_mps: 5 + (k % 4), course_deg: course,
        identity: { mmsi: 636019000 + k, name }, kind: 'vessel',
      });
    }
  });
  return out;
}

async function signIn(page, base, username) {
  await page.goto(base);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar .who .user');
}

async function waitForPicture(page, count) {
  try {
    await page.waitForSelector('.live[data-stream="live"]', { timeout: 30000 });
    await page.waitForFunction(
      (n) => {
        const map = document.getElementById('map');
        return map?.dataset.trackCount === String(n) && map.dataset.mapIdle === 'true' && window.__map?.loaded();
      },
      count,
      { timeout: 30000 },
    );
  } catch (error) {
    const state = await page.evaluate(() => ({
      stream: document.querySelector('.live')?.dataset.stream,
      map: { ...document.getElementById('map')?.dataset },
      held: window.__tansiq?.trackIds().length,
      loaded: window.__map?.loaded(),
    }));
    throw new Error(`waiting for ${count} tracks on an idle map: ${JSON.stringify(state)}: ${error.message}`);
  }
}

/** The side area's tab `name` (alerts, incidents, units, dashboard), shown by a click. */
async function openTab(page, name) {
  await page.click(`.tabs [role=tab][data-tab="${name}"]`);
  await page.waitForSelector(`#tabpanel-${name}:not([hidden])`);
}

/** The workspace panels, as cgw.watch, after incident `incidentId` was opened from alert
 * `alertId`: its detail (recommended units, tasking, the timeline, the SOP checklist, a
 * refused transition), the board, the units panel and the dashboard. */
async function workspacePanels(page, base, token, alertId, incidentId) {
  const path = `/api/v1/incidents/${incidentId}`;
  // The alert's incident note opens the incident's detail in the Incidents tab.
  await page.click(`.alert-list .alert[data-alert-id="${alertId}"] .incident-link`);
  await page.waitForSelector(`.incident-detail[data-incident-id="${incidentId}"]`, { timeout: 10000 });
  check((await page.getAttribute('#tab-incidents', 'aria-selected')) === 'true', 'the incident opens in the Incidents tab');
  await page.waitForSelector('.incident-detail .sop ol.steps li', { timeout: 10000 });

  // Recommended units with their ETA, in the API's order.
  const apiRecs = (await apiGet(base, token, `${path}/recommendations`)).recommendations;
  await page.waitForSelector('.incident-detail table.recs tbody tr', { timeout: 10000 }).catch(() => {});
  const shownRecs = await page.$$eval('.incident-detail table.recs tbody tr', (rows) =>
    rows.map((r) => ({ unit: r.dataset.unitId, eta: Number(r.querySelector('.eta')?.dataset.etaS), text: r.querySelector('.eta')?.textContent ?? '' })),
  );
  check(
    apiRecs.length > 0 &&
      JSON.stringify(shownRecs.map((r) => r.unit)) === JSON.stringify(apiRecs.map((r) => r.unit)) &&
      shownRecs.every((r, i) => r.eta === Math.round(apiRecs[i].eta_s) && /\d/.test(r.text)),
    `the detail lists the API's ${apiRecs.length} recommended units with their ETA (${shownRecs.map((r) => `${r.unit} ${r.text}`).slice(0, 2).join(', ')})`,
  );
  await page.screenshot({ path: join(artifacts, 'panel-incident-detail.png') });

  // A stale recommendation: the second unit goes out of service behind the screen's back; tasking
  // it is refused with a 409 whose message the detail shows.
  const stale = shownRecs[1]?.unit;
  if (stale) {
    const r = await fetch(`${base}/api/v1/units/${stale}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: 'out_of_service' }),
    });
    check(r.ok, `unit ${stale} set out of service through the API (${r.status})`);
    provoked.push(409);
    await page.click(`.incident-detail table.recs button.task[data-unit-id="${stale}"]`);
    await page.waitForSelector('.incidents .panel-status.error', { timeout: 10000 });
    const refusal = await page.textContent('.incidents .panel-status.error');
    check(/409/.test(refusal) && refusal.includes(stale), `tasking a unit no longer available shows the 409's message (${refusal})`);
    await page.waitForFunction((u) => !document.querySelector(`.incident-detail table.recs tr[data-unit-id="${u}"]`), stale, { timeout: 10000 }).catch(() => {});
    check(!(await page.$(`.incident-detail table.recs tr[data-unit-id="${stale}"]`)), `after the refusal the recommendations are read again, without ${stale}`);
  }

  // Task the fastest unit: the API records it and the timeline shows it.
  const unit = shownRecs[0]?.unit;
  if (unit) {
    await page.click(`.incident-detail table.recs button.task[data-unit-id="${unit}"]`);
    await page.waitForFunction((u) => [...document.querySelectorAll('.incident-detail ol.tl li[data-kind="task"]')].some((li) => li.textContent.includes(u)), unit, { timeout: 10000 });
    const after = await apiGet(base, token, path);
    check(!!after.units?.[unit], `unit ${unit} tasked through the UI (API: ${Object.keys(after.units ?? {}).join(', ')})`);
    await page.waitForSelector(`.incident-detail ul.tasked li[data-unit-id="${unit}"]`, { timeout: 10000 });
    check(true, `the task of ${unit} appears in the timeline and the tasked units`);
  } else {
    check(false, 'a recommended unit to task');
  }

  // Tick an SOP step: the API records it, the checklist shows it done, the timeline lists it.
  const step = await page.$eval('.incident-detail .step:not(.done) input.tick:not([disabled])', (e) => e.dataset.step).catch(() => null);
  if (step) {
    await page.check(`.incident-detail input.tick[data-step="${step}"]`);
    await page.waitForSelector(`.incident-detail .step.done[data-step="${step}"]`, { timeout: 10000 });
    const steps = (await apiGet(base, token, `${path}/timeline`)).steps;
    const done = steps.find((s) => s.step.id === step);
    check(!!done?.completed && done.by?.user === 'cgw.watch', `SOP step ${step} ticked through the UI`);
    check((await page.$$('.incident-detail ol.tl li[data-kind="step"]')).length > 0, 'the ticked step is in the timeline');
  } else {
    check(false, 'an SOP step to tick');
  }

  // Transitions: the allowed ones are offered; a refusal's message is shown (a dismissal
  // needs a reason); an allowed move goes through.
  const offered = await page.$$eval('.incident-detail button.transition', (els) => els.map((e) => e.dataset.to));
  const allowed = (await apiGet(base, token, path)).allowed_transitions;
  check(JSON.stringify(offered) === JSON.stringify(allowed), `the detail offers the allowed transitions (${offered.join(', ')})`);
  if (offered.includes('dismissed')) {
    await page.fill('.incident-detail .transitions input.reason', '');
    provoked.push(400);
    await page.click('.incident-detail button.transition[data-to="dismissed"]');
    await page.waitForSelector('.incidents .panel-status.error', { timeout: 10000 });
    const refusal = await page.textContent('.incidents .panel-status.error');
    check(/400/.test(refusal) && /reason/i.test(refusal), `a refused transition shows the server's message (${refusal})`);
  }
  const next = offered.find((s) => s !== 'dismissed');
  if (next) {
    await page.click(`.incident-detail button.transition[data-to="${next}"]`);
    await page.waitForSelector(`.incident-detail[data-state="${next}"]`, { timeout: 10000 });
    check((await apiGet(base, token, path)).state === next, `the incident moved to ${next} through the UI`);
  }
  await page.screenshot({ path: join(artifacts, 'panel-incident-tasked.png') });

  // A linked track: selected on the map (its detail opens) and flown to.
  const linked = await page.$eval('.incident-detail button.link-track', (e) => e.dataset.trackId).catch(() => null);
  if (linked) {
    await page.click(`.incident-detail button.link-track[data-track-id="${linked}"]`);
    await page.waitForSelector('.track-detail:not([hidden])', { timeout: 5000 });
    const center = await page.evaluate(() => window.__map.getCenter().toArray());
    const track = (await apiGet(base, token, '/api/v1/tracks')).features.find((f) => f.id === linked);
    await page.waitForFunction((c) => { const m = window.__map.getCenter(); return Math.abs(m.lng - c[0]) < 0.01 && Math.abs(m.lat - c[1]) < 0.01; }, track.geometry.coordinates, { timeout: 5000 }).catch(() => {});
    const now = await page.evaluate(() => window.__map.getCenter().toArray());
    check(Math.abs(now[0] - track.geometry.coordinates[0]) < 0.01 && Math.abs(now[1] - track.geometry.coordinates[1]) < 0.01, `a linked track is selected and flown to (${linked}; map centre ${center.map((x) => x.toFixed(2))} → ${now.map((x) => x.toFixed(2))})`);
    await page.keyboard.press('Escape');
  }

  // Hand-over: offered to Army South here; army.south answers it later in this test.
  await page.selectOption('.incident-detail select.handover-to', 'ARS');
  await page.fill('.incident-detail .handover input.reason', 'crossing into the southern sector');
  await page.click('.incident-detail .handover button.offer');
  await page.waitForFunction(() => /ARS/.test(document.querySelector('.incident-detail .handover')?.textContent ?? '') && !document.querySelector('.incident-detail .handover button.offer'), null, { timeout: 10000 });
  check((await apiGet(base, token, path)).handover?.to === 'ARS', 'a hand-over to ARS offered through the UI');

  // The board: the incident in its state's group.
  await page.click('.incidents header .back');
  await page.waitForSelector('.incidents .board');
  const state = (await apiGet(base, token, path)).state;
  check(!!(await page.$(`.inc-group[data-state="${state}"] .incident-card[data-incident-id="${incidentId}"]`)), `the board shows ${incidentId} under ${state}`);
  const listed = (await apiGet(base, token, '/api/v1/incidents')).incidents.length;
  const cards = await page.$$eval('.incident-card', (els) => els.length);
  check(cards === listed, `the board shows the API's ${listed} incidents (${cards})`);
  await page.screenshot({ path: join(artifacts, 'panel-incident-board.png') });

  // Units: every unit the API gives, with its status; a status changed through the UI.
  await page.keyboard.press('3');
  await page.waitForSelector('#tabpanel-units:not([hidden]) .unit-list .unit');
  check((await page.getAttribute('#tab-units', 'aria-selected')) === 'true', 'the key 3 opens the Units tab');
  const apiUnits = (await apiGet(base, token, '/api/v1/units')).units;
  const shownUnits = await page.$$eval('.unit-list .unit', (els) => Object.fromEntries(els.map((e) => [e.dataset.unitId, e.dataset.status])));
  check(
    apiUnits.length > 0 && apiUnits.length === Object.keys(shownUnits).length && apiUnits.every((u) => shownUnits[u.id] === u.status),
    `the units panel lists the API's ${apiUnits.length} units with their status`,
  );
  if (unit) check(shownUnits[unit] === 'tasked', `the tasked unit ${unit} shows as tasked (${shownUnits[unit]})`);
  const spare = apiUnits.find((u) => u.agency === 'CGW' && u.status === 'available');
  if (spare) {
    await page.selectOption(`select.unit-status[data-unit-id="${spare.id}"]`, 'out_of_service');
    await page.waitForSelector(`.unit[data-unit-id="${spare.id}"][data-status="out_of_service"]`, { timeout: 10000 });
    const changed = (await apiGet(base, token, '/api/v1/units')).units.find((u) => u.id === spare.id);
    check(changed?.status === 'out_of_service', `unit ${spare.id}'s status changed through the UI`);
    await page.click(`.unit-fly[data-unit-id="${spare.id}"]`);
    await page.waitForSelector('.place-marker', { timeout: 5000 });
    check(true, 'clicking a unit marks it on the map');
  }
  await page.screenshot({ path: join(artifacts, 'panel-units.png') });

  // Dashboard: the chart's canvas, per-section numbers as the API counts them, response times.
  await openTab(page, 'dashboard');
  await page.waitForSelector('#tabpanel-dashboard .chart canvas', { timeout: 10000 });
  await page.waitForSelector('#tabpanel-dashboard table.metrics', { timeout: 10000 });
  const board = await apiGet(base, token, '/api/v1/dashboard?hours=24');
  await page.waitForSelector('#tabpanel-dashboard table.sections tbody tr', { timeout: 10000 }).catch(() => {});
  const rows = await page.$$eval('#tabpanel-dashboard table.sections tbody tr', (els) =>
    els.map((e) => ({ section: e.dataset.section, alerts: Number(e.dataset.alerts), incidents: Number(e.dataset.incidents), exercise: Number(e.dataset.exercise) })),
  );
  const expectedRows = board.sections.map((s) => ({ section: s.section, alerts: s.alerts, incidents: s.incidents, exercise: s.exercise_alerts + s.exercise_incidents }));
  const events = rows.reduce((n, r) => n + r.alerts + r.incidents + r.exercise, 0);
  check(
    events > 0 && JSON.stringify(rows) === JSON.stringify(expectedRows),
    `the dashboard shows the API's events per border section (${rows.map((r) => `${r.section}: ${r.alerts} alerts, ${r.incidents} incidents, ${r.exercise} exercise`).join('; ')})`,
  );
  const canvas = await page.$eval('#tabpanel-dashboard .chart canvas', (c) => ({ w: c.width, h: c.height }));
  check(canvas.w > 100 && canvas.h > 50, `the dashboard draws its chart (${canvas.w}×${canvas.h} canvas)`);
  const measures = await page.$$eval('#tabpanel-dashboard table.metrics tbody tr', (els) => els.length);
  check(measures >= 2, `response times against targets are listed (${measures} rows)`);
  // This test's incidents are exercises: counted once the switch includes them.
  await page.check('#dash-exercise');
  await page.waitForSelector('#tabpanel-dashboard table.metrics:not([data-incidents="0"])', { timeout: 10000 }).catch(() => {});
  const withExercise = await page.$eval('#tabpanel-dashboard table.metrics', (e) => ({ n: Number(e.dataset.incidents), ack: e.querySelector('tr[data-measure="acknowledge"] td')?.textContent }));
  const apiMetrics = await apiGet(base, token, `/api/v1/metrics/response-times?from=${Date.now() - 86400000}&to=${Date.now()}&exercise=true`);
  check(
    withExercise.n > 0 && withExercise.n === apiMetrics.overall.incidents && Number(withExercise.ack) === (apiMetrics.overall.measures.acknowledge?.count ?? 0),
    `with exercises the response times count the API's ${apiMetrics.overall.incidents} incidents (${withExercise.n})`,
  );
  await page.screenshot({ path: join(artifacts, 'panel-dashboard.png') });
  await page.locator('#tabpanel-dashboard table.sections').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'panel-dashboard-sections.png') });

  // The same at 1920×1080: nothing overflows sideways.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTab(page, 'incidents');
  await page.click(`.incident-card[data-incident-id="${incidentId}"]`);
  await page.waitForSelector(`.incident-detail[data-incident-id="${incidentId}"]`);
  const overflow = await page.$eval('.side', (e) => e.scrollWidth - e.clientWidth);
  check(overflow <= 1, `at 1920×1080 the side area does not overflow (${overflow} px)`);
  await page.screenshot({ path: join(artifacts, 'panel-incident-1920.png') });
  await page.setViewportSize({ width: 1366, height: 768 });
  const narrow = await page.$eval('.side', (e) => e.scrollWidth - e.clientWidth);
  check(narrow <= 1, `at 1366×768 the side area does not overflow (${narrow} px)`);

  // The stream's remove for an incident that left the caller's sight (as after an agreement is
  // revoked): off the board and its detail closed, not skipped as malformed; a resync brings
  // back what the API still lists.
  const skippedBefore = await page.evaluate(() => window.__tansiq.malformed());
  await page.evaluate((id) => window.__tansiq.receive(JSON.stringify({ kind: 'incident', op: 'remove', data: { id } })), incidentId);
  const gone = await page.waitForFunction((id) => !document.querySelector(`.incident-detail[data-incident-id="${id}"], .incident-card[data-incident-id="${id}"]`), incidentId, { timeout: 5000 }).then(() => true, () => false);
  const skippedAfter = await page.evaluate(() => window.__tansiq.malformed());
  check(gone && skippedAfter === skippedBefore, `an incident remove from the stream takes ${incidentId} off the board (skipped ${skippedBefore} → ${skippedAfter})`);
  await page.evaluate(() => window.__tansiq.dropStream());
  const back = await page.waitForSelector(`.incident-card[data-incident-id="${incidentId}"]`, { timeout: 15000 }).then(() => true, () => false);
  check(back, `after a resync the board lists ${incidentId} again, as the API does`);
  await openTab(page, 'alerts');
}

/** Overdue marks on the SOP checklist: a second screen whose clock runs two hours ahead (only
 * `Date.now` is moved, timers keep running) shows every open step past its due time as overdue. */
async function overdueMarks(page, base, token, incidentId) {
  const ahead = Date.now() + 2 * 3600 * 1000;
  await page.clock.setFixedTime(ahead);
  await signIn(page, base, 'cgw.watch');
  await page.waitForSelector('.live[data-stream="live"]', { timeout: 30000 });
  await openTab(page, 'incidents');
  await page.click(`.incident-card[data-incident-id="${incidentId}"]`);
  await page.waitForSelector('.incident-detail .sop ol.steps li', { timeout: 10000 });
  const steps = (await apiGet(base, token, `/api/v1/incidents/${incidentId}/timeline`)).steps;
  const marks = await page.$$eval('.incident-detail .step', (els) =>
    els.map((e) => ({ step: e.dataset.step, overdue: e.classList.contains('overdue'), badge: e.querySelector('.overdue-badge')?.textContent ?? '' })),
  );
  const expected = steps.map((s) => ({ step: s.step.id, overdue: !s.completed && s.due !== null && s.due < ahead }));
  check(
    expected.some((s) => s.overdue) &&
      JSON.stringify(marks.map(({ step, overdue }) => ({ step, overdue }))) === JSON.stringify(expected) &&
      marks.every((m) => !m.overdue || /\d/.test(m.badge)),
    `two hours on, the open SOP steps are marked overdue (${marks.filter((m) => m.overdue).length} of ${marks.length}: ${marks.find((m) => m.overdue)?.badge ?? ''})`,
  );
  const badge = await page.$eval('.incidents header .overdue-badge', (e) => Number(e.dataset.overdue)).catch(() => 0);
  check(badge === expected.filter((s) => s.overdue).length, `the detail's header counts the overdue steps (${badge})`);
  await page.locator('.incident-detail .sop').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'panel-sop-overdue.png') });
  await page.context().close();
}

/** In Arabic: every panel right to left with Arabic text; the tab list mirrored. */
async function arabicPanels(page) {
  const arabic = /[\u0600-\u06FF]/;
  const tabs = await page.$$eval('.tabs [role=tab]', (els) => els.map((e) => ({ text: e.textContent, x: e.getBoundingClientRect().x })));
  check(tabs.every((t) => /[\u0600-\u06FF]/.test(t.text)) && tabs[0].x > tabs[tabs.length - 1].x, `the tabs are Arabic and run right to left (${tabs.map((t) => t.text).join(' | ')})`);
  for (const [tab, title] of [['incidents', '#incidents-title, #incident-title'], ['units', '#units-title'], ['dashboard', '#dashboard-title']]) {
    await openTab(page, tab);
    if (tab === 'dashboard') await page.waitForSelector('#tabpanel-dashboard .chart canvas', { timeout: 10000 });
    const seen = await page.$eval(`#tabpanel-${tab}`, (e, sel) => ({ dir: getComputedStyle(e).direction, title: e.querySelector(sel)?.textContent ?? '', text: e.textContent }), title);
    check(seen.dir === 'rtl' && arabic.test(seen.title) && arabic.test(seen.text), `in Arabic the ${tab} panel is rtl with Arabic text (${seen.title})`);
    await page.screenshot({ path: join(artifacts, `panel-${tab}-arabic.png`) });
  }
  await openTab(page, 'alerts');
}

async function main() {
  if (!existsSync(bin)) throw new Error(`no tansiq binary at ${bin} (build it, or pass --bin)`);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), 'tansiq-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['demo', '--no-feed', '--port', String(port), '--data', data], { stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = '';
  server.stderr.on('data', (chunk) => (serverLog += chunk));
  let browser;
  const requests = [];
  let handedOver = null;
  try {
    await waitForHealth(base, server);
    const cgwToken = await login(base, 'cgw.watch');
    const arsToken = await login(base, 'army.south');
    await seed(base, cgwToken, arsToken);
    const expected = {};
    for (const [user, token] of [['cgw.watch', cgwToken], ['army.south', arsToken]]) {
      const tracks = await settledTracks(base, token);
      const alerts = (await apiGet(base, token, '/api/v1/alerts')).alerts.filter((a) => a.state !== 'closed');
      expected[user] = { tracks, alerts: alerts.length };
    }
    check(expected['cgw.watch'].tracks.length > 0 && expected['army.south'].tracks.length > 0, 'both agencies have tracks');
    check(
      expected['cgw.watch'].tracks.every((id) => !expected['army.south'].tracks.includes(id)),
      'the API gives cgw.watch and army.south disjoint pictures',
    );

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: LOOPBACK_BROWSER_ARGS,
      env: BROWSER_ENV,
    });
    const pageErrors = [];
    const newPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      await sameClock(context);
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('websocket', (ws) => requests.push(ws.url()));
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('response', (r) => {
        if (r.status() >= 400) console.log(`note: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
      });
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
      });
      return page;
    };

    // Coast guard west: its maritime picture, with alerts (an exercise SART).
    const cgw = await newPage();
    await signIn(cgw, base, 'cgw.watch');
    await waitForPicture(cgw, expected['cgw.watch'].tracks.length);
    const who = await cgw.textContent('.topbar .who');
    check(/cgw\.watch/.test(who) && /CGW/.test(who) && /watch officer/.test(who), `header shows user, agency and role (${who})`);
    const shown = await cgw.$$eval('.alert-list .alert', (els) => els.length);
    check(shown === expected['cgw.watch'].alerts, `cgw.watch's alert queue shows the API's ${expected['cgw.watch'].alerts} alerts (${shown})`);
    const order = await cgw.$$eval('.alert-list .alert time', (els) => els.map((e) => Date.parse(e.getAttribute('datetime'))));
    check(order.every((t, i) => i === 0 || order[i - 1] >= t), 'alerts are listed newest first');
    check(await cgw.isVisible('.topbar .exercise-badge'), 'exercise data is marked in the header');
    check((await cgw.$$('.alert.exercise .exercise-badge')).length > 0, 'exercise alerts carry the exercise badge');
    await cgw.screenshot({ path: join(artifacts, 'cgw-map.png') });

    // A live update: a new contact appears through the WebSocket, without a reload.
    await post(base, cgwToken, [
      {
        source: 'radar-tripoli', source_kind: 'radar', agency: 'CGW', time: Date.now(),
        position: { lon: 13.4, lat: 33.05 }, speed_mps: 3, course_deg: 30,
        identity: { source_track: '88' }, kind: 'vessel',
      },
    ]);
    const live = (await settledTracks(base, cgwToken, expected['cgw.watch'].tracks.length + 1)).length;
    await waitForPicture(cgw, live);
    check(live === expected['cgw.watch'].tracks.length + 1, `a new track arrives over the stream (${live} tracks)`);


    // A dropped stream reconnects and resynchronises: what changed meanwhile arrives, nothing twice.
    await cgw.evaluate(() => window.__tansiq.dropStream());
    await cgw.waitForSelector('.live:not([data-stream="live"])', { timeout: 5000 }).catch(() => {});
    await post(base, cgwToken, [
      {
        source: 'radar-tripoli', source_kind: 'radar', agency: 'CGW', time: Date.now(),
        position: { lon: 13.7, lat: 33.1 }, speed_mps: 2, course_deg: 300,
        identity: { source_track: '89' }, kind: 'vessel',
      },
    ]);
    const afterDrop = await settledTracks(base, cgwToken, live + 1);
    await waitForPicture(cgw, afterDrop.length);
    const held = await cgw.evaluate(() => window.__tansiq.trackIds());
    check(JSON.stringify(held) === JSON.stringify(afterDrop), `after a dropped stream the screen holds the API's ${afterDrop.length} tracks, no more`);

    // Malformed stream messages are skipped and counted; the picture stays.
    const before = await cgw.evaluate(() => window.__tansiq.trackIds().length);
    await cgw.evaluate(() => {
      for (const raw of ['{not json', '[]', '{"kind":"track","op":"upsert","data":{"id":5}}', '{"kind":"track","op":"upsert","data":{"id":"x","geometry":{"coordinates":["a",1]},"properties":{}}}', '{"kind":"alert","op":"upsert","data":{"id":"a0"}}']) {
        window.__tansiq.receive(raw);
      }
    });
    const skipped = await cgw.evaluate(() => window.__tansiq.malformed());
    const after = await cgw.evaluate(() => window.__tansiq.trackIds().length);
    check(skipped === 5 && after === before && (await cgw.isVisible('#map canvas')), `malformed stream messages are skipped (${skipped}), the picture stays (${after} tracks)`);

    // Track detail: click the merchant's symbol where the map draws it.
    const merchant = (await apiGet(base, cgwToken, '/api/v1/tracks')).features.find((f) => f.properties.identity?.mmsi === 636012345);
    if (merchant) {
      await cgw.evaluate((c) => window.__map.jumpTo({ center: c, zoom: 9 }), merchant.geometry.coordinates);
      await cgw.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true' && window.__map.loaded());
      const point = await cgw.evaluate((c) => window.__map.project(c), merchant.geometry.coordinates);
      // The track layer really draws the symbol: the pixels at the track (read from the map's
      // drawing buffer in its own render event) are the neutral frame's green, not the sea.
      const pixels = await cgw.evaluate((p) => new Promise((resolve) => {
        const map = window.__map;
        map.once('render', () => {
          const gl = map.getCanvas().getContext('webgl2');
          const ratio = map.getCanvas().width / map.getCanvas().clientWidth;
          const read = (x, y) => {
            const out = new Uint8Array(4);
            gl.readPixels(Math.round(x * ratio), Math.round(gl.drawingBufferHeight - y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, out);
            return [...out];
          };
          resolve({ at: read(p.x, p.y), sea: read(p.x, p.y - 60) });
        });
        map.triggerRepaint();
      }), point);
      const [r, g, b] = pixels.at;
      check(g > 200 && g > r && g > b && pixels.sea[1] < 100, `the track layer draws the merchant's symbol at its position (rgb ${pixels.at.slice(0, 3)} against the sea's ${pixels.sea.slice(0, 3)})`);
      const box = await cgw.locator('#map').boundingBox();
      await cgw.mouse.click(box.x + point.x, box.y + point.y);
      await cgw.waitForSelector('.track-detail:not([hidden])', { timeout: 5000 });
      const detail = await cgw.textContent('.track-detail');
      check(/MARIA K/.test(detail) && /636012345/.test(detail), 'clicking a track opens its detail');
      await cgw.waitForFunction(() => window.__map.getSource('trail').serialize().data?.features?.length === 1, null, { timeout: 5000 }).catch(() => {});
      const trail = await cgw.evaluate(() => window.__map.getSource('trail').serialize().data?.features?.[0]?.geometry?.coordinates?.length ?? 0);
      check(trail >= 2, `the selected track's history trail is drawn (${trail} points)`);
      await cgw.screenshot({ path: join(artifacts, 'cgw-track-detail.png') });
      await cgw.keyboard.press('Escape');
    } else {
      check(false, 'the merchant track exists');
    }

    // Acknowledge with the keyboard: j selects the newest alert, a acknowledges it.
    const open = await cgw.$$eval('.alert-list .alert[data-state="open"]', (els) => els.map((e) => e.dataset.alertId));
    if (open.length > 0) {
      await cgw.locator('#map').click({ position: { x: 5, y: 400 } });
      await cgw.keyboard.press('j');
      const selected = await cgw.$eval('.alert-list .alert.selected', (e) => e.dataset.alertId);
      await cgw.keyboard.press('a');
      await cgw.waitForSelector(`.alert-list .alert[data-alert-id="${selected}"][data-state="acknowledged"]`, { timeout: 10000 });
      const after = (await apiGet(base, cgwToken, '/api/v1/alerts')).alerts.find((a) => a.id === selected);
      check(after?.state === 'acknowledged' && after.acknowledged_by === 'cgw.watch', `alert ${selected} acknowledged through the UI`);
      await cgw.screenshot({ path: join(artifacts, 'cgw-acknowledged.png') });

      // Open an incident from the alert.
      await cgw.click(`.alert-list .alert[data-alert-id="${selected}"] .open-incident`);
      const link = await cgw.waitForSelector(`.alert-list .alert[data-alert-id="${selected}"] .incident-link`, { timeout: 10000 });
      const incidentId = await link.getAttribute('data-incident-id');
      const listed = await apiGet(base, cgwToken, '/api/v1/incidents');
      const incidents = Array.isArray(listed) ? listed : (listed.incidents ?? []);
      const incident = incidents.find((i) => i.id === incidentId);
      check(!!incident && (incident.alerts ?? []).includes(selected), `incident ${incidentId} opened from alert ${selected}`);
      await cgw.screenshot({ path: join(artifacts, 'cgw-incident.png') });
      await workspacePanels(cgw, base, cgwToken, selected, incidentId);
      handedOver = incidentId;
      await overdueMarks(await newPage(), base, cgwToken, incidentId);
    } else {
      console.log('note: no open alert to acknowledge');
    }

    // Arabic: rtl, Arabic strings, mirrored layout.
    await cgw.click('.topbar .lang-switch');
    await cgw.waitForFunction(() => document.documentElement.dir === 'rtl');
    const lang = await cgw.evaluate(() => ({ dir: document.documentElement.dir, lang: document.documentElement.lang }));
    check(lang.dir === 'rtl' && lang.lang === 'ar', 'Arabic sets dir=rtl and lang=ar on <html>');
    const title = await cgw.textContent('#alerts-title');
    check(title === 'قائمة الإنذارات', `the alert queue's title is Arabic (${title})`);
    const mapBox = await cgw.locator('.map-wrap').boundingBox();
    const sideBox = await cgw.locator('.side').boundingBox();
    check(sideBox.x < mapBox.x, 'in Arabic the alert queue moves to the left of the map');
    await cgw.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true');
    await cgw.screenshot({ path: join(artifacts, 'cgw-arabic.png') });
    await arabicPanels(cgw);
    await cgw.click('.topbar .lang-switch');
    await cgw.waitForFunction(() => document.documentElement.dir === 'ltr');

    // Army south: its land picture only.
    const ars = await newPage();
    await signIn(ars, base, 'army.south');
    await waitForPicture(ars, expected['army.south'].tracks.length);
    const arsWho = await ars.textContent('.topbar .who');
    check(/army\.south/.test(arsWho) && /ARS/.test(arsWho), `army.south's header (${arsWho})`);
    const arsIds = await ars.evaluate(() => window.__tansiq.trackIds());
    const cgwIds = await cgw.evaluate(() => window.__tansiq.trackIds());
    const cgwApi = await settledTracks(base, cgwToken);
    check(JSON.stringify(arsIds) === JSON.stringify(expected['army.south'].tracks), `army.south's screen holds exactly its API picture (${arsIds.length} tracks)`);
    check(JSON.stringify(cgwIds) === JSON.stringify(cgwApi), `cgw.watch's screen holds exactly its API picture (${cgwIds.length} tracks)`);
    check(arsIds.length !== cgwIds.length && arsIds.every((id) => !cgwIds.includes(id)), `the two agencies see different pictures (${arsIds.length} vs ${cgwIds.length} tracks, none shared)`);
    const arsAlerts = await ars.$$eval('.alert-list .alert', (els) => els.length);
    check(arsAlerts === expected['army.south'].alerts, `army.south sees ${arsAlerts} alerts, as the API says`);
    if (handedOver) {
      // The receiver sees the offered incident and accepts it: the owner becomes ARS.
      await openTab(ars, 'incidents');
      await ars.waitForSelector(`.incident-card[data-incident-id="${handedOver}"] .handover-badge`, { timeout: 10000 });
      await ars.click(`.incident-card[data-incident-id="${handedOver}"]`);
      await ars.waitForSelector('.incident-detail .handover button.accept', { timeout: 10000 });
      await ars.screenshot({ path: join(artifacts, 'panel-handover-receiver.png') });
      await ars.click('.incident-detail .handover button.accept');
      await ars.waitForFunction(() => !document.querySelector('.incident-detail .handover button.accept'), null, { timeout: 10000 });
      const taken = await apiGet(base, arsToken, `/api/v1/incidents/${handedOver}`);
      check(taken.owner === 'ARS' && !taken.handover, `army.south accepted the hand-over of ${handedOver} through the UI (owner ${taken.owner})`);
      await openTab(ars, 'alerts');
    }
    await ars.screenshot({ path: join(artifacts, 'ars-map.png') });

    // The day theme.
    await cgw.click('.topbar .theme-switch');
    await cgw.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await cgw.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true' && window.__map.loaded());
    await cgw.screenshot({ path: join(artifacts, 'cgw-day.png') });
    await cgw.click('.topbar .theme-switch');
    await cgw.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    check(true, 'the day and night themes switch');

    // The picture for the README: the coast guard's view of the western coast, with some
    // background traffic when asked for it.
    if (docsShot) {
      const before = (await settledTracks(base, cgwToken)).length;
      await post(base, cgwToken, traffic());
      const n = (await settledTracks(base, cgwToken, before + 10)).length;
      await waitForPicture(cgw, n);
    }
    await cgw.evaluate(() => window.__map.jumpTo({ center: [12.9, 33.05], zoom: 7.4 }));
    await cgw.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true' && window.__map.loaded());
    await cgw.screenshot({ path: join(artifacts, 'live-map.png') });
    if (docsShot) copyFileSync(join(artifacts, 'live-map.png'), resolve(docsShot));

    // The track layer's atlas, filled by distinct labelled symbols over time (300 at a time,
    // the most the map labels, with 20-character labels), grows to its largest, then starts
    // again, and still holds every sprite of what it draws now. A set that cannot fit even
    // alone is drawn in part, never with another symbol's pixels.
    const atlas = await cgw.evaluate(() => {
      const layer = window.__trackLayer;
      const set = (n, count, text) => Array.from({ length: count }, (_, i) => ({
        lon: 12 + (i % 20) * 0.05, lat: 33 + Math.floor(i / 20) * 0.05, id: `atlas-${n}-${i}`,
        sprite: `t|SNSP-----------|${text(n, i)}|dark`,
      }));
      const label = (n, i) => `S${n} T${i} `.padEnd(20, 'X');
      const generation = layer.generation;
      let last = [];
      // Two doublings (1024 → 4096 high), then at least one fresh start.
      for (let n = 0; n < 40 && layer.generation - generation < 3; n++) {
        last = set(n, 300, label);
        layer.setMarks(last);
      }
      last = set(99, 300, label);
      layer.setMarks(last);
      const fits = {
        started: layer.generation - generation, height: layer.atlasHeight,
        drawn: layer.count, held: last.every((m) => layer.slots.has(m.sprite)),
      };
      const huge = set(100, 400, (n, i) => `HUGE ${i} `.repeat(12));
      layer.setMarks(huge);
      const placed = huge.filter((m) => layer.slots.has(m.sprite)).length;
      return { fits, huge: { drawn: layer.count, placed } };
    });
    check(
      atlas.fits.started >= 3 && atlas.fits.height === 4096 && atlas.fits.drawn === 300 && atlas.fits.held,
      `the track layer's atlas grows to 2048×${atlas.fits.height}, starts again when full and keeps all ${atlas.fits.drawn} symbols it draws (${atlas.fits.started} growths and fresh starts)`,
    );
    check(
      atlas.huge.drawn === atlas.huge.placed && atlas.huge.drawn > 0 && atlas.huge.drawn < 400,
      `sprites that cannot all fit are drawn in part, each with its own slot (${atlas.huge.drawn} of 400)`,
    );
    // The picture drawn again from the stream's tracks.
    await cgw.evaluate(() => window.__map.jumpTo({ center: [12.95, 33.05], zoom: 7.4 }));
    await cgw.waitForFunction(() => document.getElementById('map')?.dataset.mapIdle === 'true' && window.__map.loaded());

    // An expired session goes back to sign-in, once.
    await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${arsToken}` } });
    const arsSession = await ars.evaluate(() => JSON.parse(sessionStorage.getItem('tansiq.session')).token);
    await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${arsSession}` } });
    await ars.waitForSelector('.login-page', { timeout: 10000 });
    check(await ars.isVisible('.login-error:not(:empty)'), 'an ended session returns to sign-in with a notice');

    // Drop the console lines of the refusals provoked above, and only those.
    for (const status of provoked) {
      const at = pageErrors.findIndex((e) => e.includes(`status of ${status}`));
      if (at >= 0) pageErrors.splice(at, 1);
    }
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
