// The REST client: the token lives in sessionStorage; any 401 ends the session and returns the
// user to the sign-in page (once, not in a loop).
export interface Session {
  token: string;
  user: string;
  agency: string;
  roles: string[];
  expires?: number;
}

const KEY = 'tansiq.session';
let onExpired: () => void = () => {};

export function setExpiredHandler(handler: () => void): void {
  onExpired = handler;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || !session.token) return null;
    if (session.expires && session.expires < Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(response.status, body.error?.code ?? 'error', body.error?.message ?? response.statusText);
  } catch {
    return new ApiError(response.status, 'error', response.statusText);
  }
}

export async function login(username: string, password: string): Promise<Session> {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw await errorOf(response);
  const body = (await response.json()) as Session;
  return { token: body.token, user: body.user, agency: body.agency, roles: body.roles, expires: body.expires };
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const session = loadSession();
  const headers = new Headers(init.headers);
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) {
    clearSession();
    onExpired();
    throw await errorOf(response);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

export async function logout(): Promise<void> {
  try {
    await api('/api/v1/auth/logout', { method: 'POST' });
  } catch {
    // The session ends locally whatever the server says.
  }
  clearSession();
}
