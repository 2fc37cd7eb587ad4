// The live stream: one WebSocket, reconnected with backoff; every (re)connect resynchronises
// the picture (the server sends everything visible, then `sync`). Malformed messages are
// skipped and logged, never fatal. Close code 4401 means the session ended.
//
// When a map is attached (`picture.view`), the stream tells the server what it shows: in the
// connect URL, then as a `viewport` message whenever the map stops moving or the selection
// changes (debounced). The server then sends only that view's tracks, thinned beyond its
// limit with `cluster` cells for the rest, in `batch` messages applied all at once
// (crates/server/src/api/stream.rs).
import type { Picture, ViewRequest } from './store';
import type { StreamMessage } from './types';

/** Quiet time after the last move before the view is sent. */
const VIEW_DEBOUNCE_MS = 200;

export type StreamStatus = 'connecting' | 'live' | 'offline';

export class Stream {
  private socket: WebSocket | null = null;
  private delay = 1000;
  private stopped = false;
  private timer: number | undefined;
  malformed = 0;
  /** Errors the server reported about what this client sent. */
  serverErrors = 0;
  private viewTimer: number | undefined;
  private lastView = '';

  constructor(
    private readonly token: string,
    private readonly picture: Picture,
    private readonly onStatus: (status: StreamStatus) => void,
    private readonly onSessionEnded: () => void,
    /** Asked when the server refused the upgrade: a REST call that ends an expired session. */
    private readonly verifySession: () => Promise<unknown>,
  ) {
    picture.onView(() => {
      window.clearTimeout(this.viewTimer);
      this.viewTimer = window.setTimeout(() => this.sendView(), VIEW_DEBOUNCE_MS);
    });
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    window.clearTimeout(this.viewTimer);
    this.socket?.close(1000);
    this.socket = null;
  }

  /** Drops the connection as a network failure would (tests use it); it reconnects. */
  drop(): void {
    this.socket?.close(4000, 'dropped by the client');
  }

  private connect(): void {
    this.onStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const view = this.currentView();
    this.lastView = view ? JSON.stringify({ kind: 'viewport', ...view }) : '';
    const query = view
      ? `&bbox=${view.bbox.map((x) => x.toFixed(5)).join(',')}&zoom=${view.zoom.toFixed(2)}` +
        (view.selected ? `&selected=${encodeURIComponent(view.selected)}` : '')
      : '';
    const url = `${scheme}://${location.host}/api/v1/stream?access_token=${encodeURIComponent(this.token)}${query}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      mark('tansiq:stream-open');
      this.delay = 1000;
      this.picture.beginResync();
      // The view may have moved while connecting.
      this.sendView();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === 4401) {
        this.onSessionEnded();
        return;
      }
      if (this.stopped) return;
      // A refused upgrade may be an expired token: the REST check then ends the session
      // (back to sign-in, once) instead of reconnecting forever.
      if (!opened) void this.verifySession().catch(() => {});
      this.onStatus('offline');
      this.timer = window.setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 15000);
    };
  }

  /** The map's view, rounded so that tiny moves do not resend it. */
  private currentView(): ViewRequest | null {
    const view = this.picture.view?.();
    if (!view) return null;
    const [w, s, e, n] = view.bbox;
    const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
    const bbox: [number, number, number, number] = [clamp(w, -180, 180), clamp(s, -90, 90), clamp(e, -180, 180), clamp(n, -90, 90)];
    if (!(bbox[0] < bbox[2] && bbox[1] < bbox[3]) || !Number.isFinite(view.zoom)) return null;
    return { bbox: bbox.map((x) => Math.round(x * 1e5) / 1e5) as typeof bbox, zoom: Math.round(view.zoom * 100) / 100, selected: view.selected };
  }

  private sendView(): void {
    const view = this.currentView();
    const socket = this.socket;
    if (!view || !socket || socket.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify({ kind: 'viewport', ...view });
    if (text === this.lastView) return;
    this.lastView = text;
    socket.send(text);
  }

  /** One message from the server; public so that tests can feed it garbage. */
  receive(raw: unknown): void {
    let message: StreamMessage;
    try {
      message = JSON.parse(String(raw)) as StreamMessage;
    } catch {
      this.skip(raw);
      return;
    }
    if (!message || typeof message.kind !== 'string') {
      this.skip(raw);
      return;
    }
    if (message.kind === 'batch') {
      const data = message.data as { time?: unknown; messages?: unknown } | null;
      const messages = data?.messages;
      if (!Array.isArray(messages) || typeof data?.time !== 'number') {
        this.skip(raw);
        return;
      }
      let newest = 0;
      this.picture.batch(() => {
        for (const m of messages as StreamMessage[]) {
          if (m?.kind === 'track' && m.op === 'upsert') {
            const t = (m.data as { properties?: { last_time?: unknown } } | null)?.properties?.last_time;
            if (typeof t === 'number' && t > newest) newest = t;
          }
          this.handle(m, m);
        }
      });
      this.picture.stamps.push({ server: data.time, received: Date.now(), newest });
      mark('tansiq:first-batch');
      if (this.picture.stamps.length > 100) this.picture.stamps.splice(0, this.picture.stamps.length - 100);
      return;
    }
    this.handle(message, raw);
  }

  private handle(message: StreamMessage, raw: unknown): void {
    if (!message || typeof message.kind !== 'string') {
      this.skip(JSON.stringify(raw));
      return;
    }
    if (message.kind === 'sync') {
      this.picture.endResync();
      this.onStatus('live');
      return;
    }
    if (message.kind === 'cluster') {
      if (!this.picture.setClusters(message.data)) this.skip(JSON.stringify(raw));
      return;
    }
    if (message.kind === 'error') {
      this.serverErrors += 1;
      console.warn('tansiq: the stream refused a message', message.data);
      return;
    }
    if (!this.picture.apply(message.kind, String(message.op), message.data)) this.skip(typeof raw === 'string' ? raw : JSON.stringify(raw));
  }

  private skip(raw: unknown): void {
    this.malformed += 1;
    console.warn('tansiq: skipped a malformed stream message', String(raw).slice(0, 200));
  }
}

/** A User Timing mark, the first time only (the initial load's steps, for profiling). */
export function mark(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}
