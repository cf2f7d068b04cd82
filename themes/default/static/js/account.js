/* beforetrip account pages: /account/ (email, password, notifications,
 * export, deletion), /account/reset/ (forgot and reset password) and
 * /account/verify/. Tokens come from the URL fragment (#token=…), which
 * browsers never send to a server, and are removed from the address bar
 * at once. Loaded only on these pages, apart from the reader widget. */
(() => {
'use strict';

const d = document;
const root = d.getElementById('bt-account-page');
if (!root) return;
const API = (d.querySelector('meta[name="bt-api"]')?.content || '').trim().replace(/\/+$/, '');
let MSG = {};
try { MSG = JSON.parse(d.getElementById('bt-account-i18n')?.textContent || '{}'); } catch (e) { /* keys show */ }
const t = (key, vars) => String(MSG['account_' + key] || key)
  .replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));

const h = (tag, props, ...kids) => {
  const el = d.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(2)) if (kid != null && kid !== false) el.append(kid);
  return el;
};

// The CSRF token: the bt_csrf cookie when the API shares the origin, else
// the header the API sends back on /api/auth/me.
let csrfHeader = '';
const cookie = (name) => {
  const m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
  return m ? decodeURIComponent(m[1]) : '';
};

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const csrf = cookie('bt_csrf') || csrfHeader;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(API + path, { method, headers, credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw Object.assign(new Error(t('error')), { status: 0 });
  }
  const got = res.headers.get('X-CSRF-Token');
  if (got) csrfHeader = got;
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== '/api/auth/refresh' && path !== '/api/auth/login' && !call.retried) {
    // An expired access token: refresh once, then try again.
    call.retried = true;
    try { await call('POST', '/api/auth/refresh'); return await call(method, path, body); } catch (e) { /* fall through */ } finally { call.retried = false; }
  }
  if (!res.ok) {
    const err = data.error || {};
    throw Object.assign(new Error(err.message || t('error')), { status: res.status, field: err.field });
  }
  return data;
}

// form builds a form of labelled fields that calls send with its values and
// shows the outcome in its own status line.
let uid = 0;
function form(title, fields, label, send, extra) {
  const status = h('p', { class: 'bt-form-status', role: 'status' });
  const btn = h('button', { type: 'submit', class: 'bt-button bt-primary' }, label);
  const f = h('form', { class: 'bt-account-form' }, title ? h('h2', {}, title) : null, extra,
    fields.map(([name, type, text, autocomplete]) => {
      const id = 'bt-a-' + name + '-' + (++uid);
      return type === 'checkbox'
        ? h('p', { class: 'bt-field' }, h('input', { id, name, type, required: true }), ' ', h('label', { for: id }, text))
        : h('p', { class: 'bt-field' }, h('label', { for: id }, text),
          h('input', { id, name, type, autocomplete, required: true }));
    }),
    h('p', { class: 'bt-form-actions' }, btn), status);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    btn.disabled = true;
    status.textContent = '';
    status.classList.remove('bt-status-error');
    for (const el of f.elements) el.removeAttribute('aria-invalid');
    try {
      status.textContent = await send(Object.fromEntries(new FormData(f)), f);
    } catch (ex) {
      status.textContent = ex.message;
      status.classList.add('bt-status-error');
      const bad = ex.field && f.elements[ex.field];
      if (bad?.setAttribute) { bad.setAttribute('aria-invalid', 'true'); bad.focus(); }
    } finally {
      btn.disabled = false;
    }
  });
  return f;
}

const base = root.dataset.base || '/';
const link = (path, text) => h('a', { href: new URL(path, base).pathname }, text);
const show = (...kids) => root.replaceChildren(...kids);
const message = (text, isError) => h('p', { class: isError ? 'bt-form-error' : 'bt-account-message', role: 'status' }, text);

// The fragment's token (or unsubscribe token), removed from the address bar.
let frag;
const readFragment = () => {
  frag = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
};
readFragment();

// ---- /account/reset/
function resetView() {
  const token = frag.get('token');
  if (!token) {
    show(form('', [['login', 'text', t('login'), 'username']], t('send_link'), async (v) => {
      await call('POST', '/api/auth/password/forgot', { login: v.login });
      return t('link_sent');
    }, h('p', {}, t('forgot_text'))));
    return;
  }
  show(form('', [['password', 'password', t('new_password'), 'new-password']], t('reset_button'), async (v, f) => {
    await call('POST', '/api/auth/password/reset', { token, password: v.password });
    f.replaceWith(message(t('reset_done')), h('p', {}, link('account/', t('to_account'))));
    return '';
  }));
}

// ---- /account/verify/
async function verifyView() {
  const token = frag.get('token');
  if (!token) { show(message(t('no_token'), true)); return; }
  show(message(t('verifying')));
  try {
    const r = await call('POST', '/api/auth/email/verify', { token });
    show(message(t('verify_done', { email: r.user.email })), h('p', {}, link('account/', t('to_account'))));
  } catch (ex) {
    show(message(ex.message, true), h('p', {}, link('account/', t('to_account'))));
  }
}

// ---- /account/
function loginForm() {
  show(h('p', {}, t('login_first')),
    form('', [['login', 'text', t('login'), 'username'], ['password', 'password', t('password'), 'current-password']],
      t('login_button'), async (v) => {
        await call('POST', '/api/auth/login', v);
        accountView();
        return '';
      }),
    h('p', {}, link('account/reset/', t('forgot'))));
}

function accountSections(u) {
  const email = h('section', { class: 'bt-account-email' }, h('h2', {}, t('email')),
    h('p', {}, h('strong', {}, u.email), ' (', t(u.email_verified ? 'verified' : 'unverified'), ')'),
    u.email_verified ? null : form('', [], t('resend'), async () => {
      await call('POST', '/api/auth/email/resend');
      return t('resent');
    }));
  const notify = h('input', { type: 'checkbox', id: 'bt-a-notify', checked: u.notify_replies,
    disabled: !u.email_verified && !u.notify_replies });
  const notifyStatus = h('p', { class: 'bt-form-status', role: 'status' }, u.email_verified ? '' : t('notify_needs_verified'));
  notify.addEventListener('change', async () => {
    try {
      await call('PATCH', '/api/auth/me', { notify_replies: notify.checked });
      notifyStatus.textContent = t('saved');
    } catch (ex) {
      notify.checked = !notify.checked;
      notifyStatus.textContent = ex.message;
    }
  });
  return [email,
    form(t('change_password'), [['current_password', 'password', t('current_password'), 'current-password'],
      ['password', 'password', t('new_password'), 'new-password']], t('change_password'), async (v, f) => {
      await call('POST', '/api/auth/password/change', v);
      f.reset();
      return t('password_changed');
    }),
    form(t('change_email'), [['email', 'email', t('new_email'), 'email'], ['password', 'password', t('password'), 'current-password']],
      t('change_email'), async (v, f) => {
        await call('POST', '/api/auth/email/change', v);
        f.reset();
        return t('email_change_sent', { email: v.email });
      }),
    h('section', { class: 'bt-account-notify' }, h('h2', {}, t('notifications')),
      h('p', {}, notify, ' ', h('label', { for: 'bt-a-notify' }, t('notify_replies'))), notifyStatus),
    h('section', { class: 'bt-account-export' }, h('h2', {}, t('export')), h('p', {}, t('export_text')),
      h('p', {}, h('a', { href: API + '/api/auth/me/export', download: 'beforetrip-' + u.username + '.json',
        class: 'bt-button' }, t('export_link')))),
    form(t('delete'), [['password', 'password', t('password'), 'current-password'], ['confirm', 'checkbox', t('delete_confirm')]],
      t('delete_button'), async (v) => {
        await call('DELETE', '/api/auth/me', { password: v.password });
        try { localStorage.removeItem('bt-session'); } catch (e) { /* disabled */ }
        show(message(t('deleted')));
        return '';
      }, h('p', {}, t('delete_text')))];
}

async function accountView() {
  const unsub = frag.get('unsubscribe');
  frag.delete('unsubscribe');
  let note = null;
  if (unsub) {
    try {
      await call('POST', '/api/notifications/unsubscribe?token=' + encodeURIComponent(unsub));
      note = message(t('unsubscribed'));
    } catch (ex) {
      note = message(ex.message, true);
    }
  }
  let u;
  try {
    u = (await call('GET', '/api/auth/me')).user;
  } catch (ex) {
    if (ex.status === 401) { loginForm(); if (note) root.prepend(note); return; }
    show(message(ex.message, true));
    return;
  }
  show(note, ...accountSections(u));
}

const views = { reset: resetView, verify: verifyView, account: accountView };
const run = () => {
  root.setAttribute('aria-busy', 'true');
  show(message(t('loading')));
  Promise.resolve((views[root.dataset.view] || accountView)()).finally(() => root.removeAttribute('aria-busy'));
};
// A mailed link opened where this page is already open changes only the
// fragment: no reload, so read it again.
addEventListener('hashchange', () => { readFragment(); run(); });
run();
})();
