// The sign-in page.
import { ApiError, login, saveSession, type Session } from './api';
import { h } from './dom';
import { currentLang, setLang, t } from './i18n';

export function renderLogin(root: HTMLElement, notice: string | null, onSignedIn: (s: Session) => void): void {
  const error = h('p', { class: 'login-error', role: 'alert' }, notice ?? '');
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, id: 'username' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, id: 'password' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h(
    'form',
    { class: 'login-card', 'aria-labelledby': 'login-title' },
    h('div', { class: 'brand big' }, h('span', { class: 'brand-mark' }, 'ت'), h('div', {}, h('h1', { id: 'login-title' }, t('app.name')), h('p', {}, t('app.subtitle')))),
    h('h2', {}, t('login.title')),
    h('label', { for: 'username' }, t('login.username')),
    username,
    h('label', { for: 'password' }, t('login.password')),
    password,
    submit,
    error,
    h(
      'button',
      { type: 'button', class: 'link lang-switch', 'aria-label': t('header.language.label'), onclick: () => setLang(currentLang() === 'ar' ? 'en' : 'ar') },
      t('header.language'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const session = await login(username.value.trim(), password.value);
      saveSession(session);
      onSignedIn(session);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) error.textContent = t('login.failed');
      else if (e instanceof ApiError && e.status === 429) error.textContent = t('login.throttled');
      else error.textContent = t('login.error', { message: e instanceof Error ? e.message : String(e) });
      submit.disabled = false;
    }
  });
  root.replaceChildren(h('main', { class: 'login-page' }, form));
  username.focus();
}
