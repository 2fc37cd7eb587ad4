// The live stream: one WebSocket, reconnected with backoff; every (re)connect resynchronises
// the picture (the server sends everything visible, then `sync`). Malformed messages are
// skipped and logged, never fatal. Close code 4401 means the session ended.
import type { Picture } from './store';
import type { StreamMessage } from './types';

export type StreamStatus = 'connecting' | 'live' | 'offline';

export class Stream {
  private socket: WebSocket | null = null;
  private delay = 1000;
  private stopped = false;
  private timer: number | undefined;
  malformed = 0;

  constructor(
    private readonly token: string,
    private readonly picture: Picture,
    private readonly onStatus: (status: StreamStatus) => void,
    private readonly onSessionEnded: () => void,
    /** Asked when the server refused the upgrade: a REST call that ends an expired session. */
    private readonly verifySession: () => Promise<unknown>,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
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
    const url = `${scheme}://${location.host}/api/v1/stream?access_token=${encodeURIComponent(this.token)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.delay = 1000;
      this.picture.beginResync();
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
    if (message.kind === 'sync') {
      this.picture.endResync();
      this.onStatus('live');
      return;
    }
    if (!this.picture.apply(message.kind, String(message.op), message.data)) this.skip(raw);
  }

  private skip(raw: unknown): void {
    this.malformed += 1;
    console.warn('tansiq: skipped a malformed stream message', String(raw).slice(0, 200));
  }
}
