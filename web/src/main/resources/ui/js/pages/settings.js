import { h, replace } from '../dom.js';
import { passwordForm } from './password.js';

export function render(root) {
  replace(root, h('h1', {}, 'Settings'), h('h2', {}, 'Change password'), passwordForm({}));
}
