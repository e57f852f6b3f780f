import { api } from '../api.js';
import { h, replace, errorBox } from '../dom.js';

export function render(root, { onLoggedIn }) {
  const error = h('div', { id: 'login-error' });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, value: 'admin' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form.card.narrow', { id: 'login-form' },
    h('h1', {}, 'UptimeMesh'),
    h('label', {}, 'Username', username),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit', id: 'login-submit', 'data-write': true }, 'Log in'),
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(error);
    try {
      const s = await api('POST', '/api/v1/auth/session', { username: username.value, password: password.value });
      password.value = '';
      await onLoggedIn(s);
    } catch (err) {
      replace(error, errorBox(err));
    }
  });
  replace(root, form);
  password.focus();
}
