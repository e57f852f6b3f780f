// Change password: the Settings page's form, and the forced change after the first login with the
// generated bootstrap password (nothing else is reachable until it is done).

import { api } from '../api.js';
import { h, replace, errorBox } from '../dom.js';

export function passwordForm({ onChanged }) {
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const repeat = h('input', { id: 'repeat-password', type: 'password', autocomplete: 'new-password', required: true });
  const message = h('div', { id: 'password-message' });
  const form = h('form.card.narrow', { id: 'password-form' },
    h('label', {}, 'Current password', current),
    h('label', {}, 'New password (at least 12 characters)', next),
    h('label', {}, 'New password again', repeat),
    h('button', { type: 'submit', id: 'password-submit', 'data-write': true }, 'Change password'),
    message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(message);
    if (next.value !== repeat.value) {
      replace(message, errorBox('the two new passwords differ'));
      return;
    }
    try {
      await api('POST', '/api/v1/auth/password', { current_password: current.value, new_password: next.value });
      current.value = next.value = repeat.value = '';
      replace(message, h('p.ok', { id: 'password-changed' }, 'Password changed. Your other sessions (other browsers, CLI logins) are logged out.'));
      if (onChanged) await onChanged();
    } catch (err) {
      replace(message, errorBox(err));
    }
  });
  return form;
}

export function render(root, { username, onChanged, onLogout }) {
  replace(root,
    h('div.narrow', { id: 'forced-password' },
      h('h1', {}, 'Choose a new password'),
      h('p', {}, 'You logged in as ', h('strong', {}, username),
        ' with the generated bootstrap password. Choose your own before going on.'),
      passwordForm({ onChanged }),
      h('button.link', { type: 'button', onclick: onLogout }, 'Log out')));
}
