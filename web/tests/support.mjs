// What the browser tests (e2e.mjs, replay.mjs) and the live-map bench (bench/web/render.mjs)
// share: waiting for a centre to answer, signing in, reading and posting through its API.
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until the centre answers `/healthz`; fails at once if its process has exited. */
export async function waitForHealth(base, child, seconds = 30) {
  for (let i = 0; i < seconds * 10; i++) {
    if (child.exitCode !== null) throw new Error(`tansiq exited early (${child.exitCode})`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`tansiq did not answer /healthz within ${seconds} s`);
}

/** Signs a demo account in; the whole answer (token, user, agency, roles). */
export async function session(base, username) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  return r.json();
}

/** Signs a demo account in; its bearer token. */
export async function login(base, username) {
  return (await session(base, username)).token;
}

export async function apiGet(base, token, path) {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
  return r.json();
}

/** Posts observations; throws with the centre's answer unless accepted. */
export async function post(base, token, observations) {
  const r = await fetch(`${base}/api/v1/observations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(observations),
  });
  if (!r.ok) throw new Error(`POST observations: ${r.status} ${await r.text()}`);
}

/** Headless Chromium for the browser tests: software GL, and nothing but loopback reachable
 * (names do not resolve, other addresses go to a dead proxy); `requestsOutside` checks it. */
export const LOOPBACK_BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=127.0.0.1',
];

/** `scripts/test-at` runs the tests under a shifted clock (libfaketime, preloaded), which Chromium
 * cannot start under. So the browser is launched without the preload, and each context's clock
 * is set to this process's shifted time: the page and the centre read one clock. Without a
 * shifted clock both are no-ops. */
export const BROWSER_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD'),
);

export async function sameClock(context) {
  if (process.env.FAKETIME) await context.clock.install({ time: Date.now() });
}

/** The logged request URLs that left 127.0.0.1 (data: and blob: stay in the page). */
export function requestsOutside(requests) {
  return requests.filter((u) => {
    try {
      const { hostname, protocol } = new URL(u);
      if (protocol === 'data:' || protocol === 'blob:') return false;
      return hostname !== '127.0.0.1';
    } catch {
      return true;
    }
  });
}
