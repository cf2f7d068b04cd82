/* beforetrip moderation page (/admin/): the queue, users, locked threads
 * and the audit log, over the API's /api/admin routes. Loaded only on this
 * page, never with the reader widget. The API is the guard (every admin
 * route answers 403 to anyone but an admin); this script only decides what
 * to show. Texts: the admin_* keys of i18n/<lang>.yaml. */
const d = document;
const $ = (sel, root) => (root || d).querySelector(sel);
const $$ = (sel, root) => Array.from((root || d).querySelectorAll(sel));
const API = ($('meta[name="bt-api"]')?.content || '').trim().replace(/\/+$/, '');
let MSG = {};
try { MSG = JSON.parse($('#bt-admin-i18n')?.textContent || '{}'); } catch (e) { /* keys show */ }
const t = (key, vars) => String(MSG['admin_' + key] || key)
  .replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));
const enc = encodeURIComponent;
const L = d.documentElement.lang;
const when = (s) => new Date(s).toLocaleString(L, { dateStyle: 'medium', timeStyle: 'short' });

// h builds an element; strings become text nodes.
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
const button = (label, onclick, props) => h('button', { type: 'button', class: 'bt-button', onclick, ...props }, label);

// say uses the page's status line (a live region the widget also uses).
const say = (msg) => {
  const el = $('#bt-status');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = msg; }, 30);
};

// call sends one API request. The CSRF token comes from GET /api/auth/me's
// header (the bt_csrf cookie is unreadable when the API has another
// origin); an expired access token is refreshed once.
let csrf = '';
async function call(method, path, body, retried) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(API + path, { method, headers, credentials: 'include',
    body: body === undefined ? undefined : JSON.stringify(body) });
  csrf = res.headers.get('X-CSRF-Token') || csrf;
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return data || {};
  if (res.status === 401 && !retried && !path.startsWith('/api/auth/')) {
    await call('POST', '/api/auth/refresh', undefined, true).catch(() => null);
    return call(method, path, body, true);
  }
  const err = new Error(data?.error?.message || t('error'));
  err.status = res.status;
  throw err;
}

// act runs a moderator action, says how it went and returns whether it worked.
async function act(method, path, body) {
  try {
    await call(method, path, body);
    say(t('done'));
    return true;
  } catch (ex) {
    say(ex.message);
    return false;
  }
}

// ---- views
const root = $('#bt-admin');
const gate = $('#bt-admin-gate');
const views = {
  pending: (box) => queue(box, 'pending'),
  reported: (box) => queue(box, 'reported'),
  users: (box) => users(box),
  locked: (box) => locked(box),
  audit: (box) => audit(box),
};
const names = { pending: 'queue_pending', reported: 'queue_reported', users: 'users', locked: 'locked', audit: 'audit' };
let current = '';

function show(name, focus) {
  current = name;
  for (const b of $$('.bt-admin-nav button', root)) b.setAttribute('aria-current', String(b.dataset.view === name));
  const heading = h('h2', { tabindex: '-1' }, t(names[name]));
  const box = h('div', { class: 'bt-admin-view' });
  $('.bt-admin-main', root).replaceChildren(heading, box);
  views[name](box);
  if (focus) heading.focus();
}

// paged fills box with a list loaded page by page: load(cursor) returns
// {items, next}; item(x) renders one entry.
async function paged(box, load, item, cursor) {
  let list = $('.bt-admin-list', box);
  if (!list) {
    list = h('ul', { class: 'bt-admin-list' });
    box.append(list);
  }
  $('.bt-admin-more', box)?.remove();
  try {
    const r = await load(cursor || '');
    for (const x of r.items) list.append(item(x));
    if (!list.children.length) box.append(h('p', { class: 'bt-admin-empty' }, t('empty')));
    if (r.next) box.append(h('p', { class: 'bt-admin-more' }, button(t('more'), () => paged(box, load, item, r.next))));
  } catch (ex) {
    box.append(h('p', { role: 'alert' }, ex.message));
  }
}

// ---- queue
function queue(box, kind) {
  box.append(h('p', { class: 'bt-admin-keys' }, t('keys')));
  paged(box, (c) => call('GET', '/api/admin/queue?kind=' + kind + '&cursor=' + enc(c))
    .then((r) => ({ items: r.items, next: r.next })), (x) => queueItem(x, kind));
}

function queueItem(x, kind) {
  const c = x.comment || x.review;
  const path = '/api/admin/' + (x.comment ? 'comments/' : 'reviews/') + c.id + '/';
  const id = 'bt-q-' + x.kind + '-' + c.id;
  const reason = h('input', { type: 'text', id: id + '-reason', maxlength: '500', 'aria-label': t('reason') });
  const li = h('li', { class: 'bt-admin-item', tabindex: '-1', 'aria-labelledby': id });
  const decide = (what) => async () => {
    if (!await act('POST', path + what, { reason: reason.value.trim() })) return;
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    (next || $('h2', root))?.focus();
  };
  const body = h('div', { class: 'bt-admin-body' });
  body.innerHTML = c.html || ''; // sanitized by the API (package ugc), as in the widget
  const title = x.comment ? t('comment_on', { title: x.page_title || x.page }) : t('review_of', { title: c.title });
  li.append(
    h('h3', { id }, h('a', { href: '/' + x.page + '/' }, title)),
    h('p', { class: 'bt-admin-meta' }, t('by', { name: c.author?.username || '' }), ' · ', when(c.created_at),
      x.reports.length > 0 && [' · ', t('reports', { n: x.reports.length })]),
    body,
    x.reports.length > 0 && h('ul', { class: 'bt-admin-reports' }, x.reports.map((r) => h('li', {},
      r.reason, r.text && ': ' + r.text, ' (', r.reporter?.username || '', ')'))),
    h('p', { class: 'bt-admin-actions' },
      kind === 'pending'
        ? button(t('approve'), decide('approve'), { 'data-key': 'a' })
        : button(t('restore'), decide('restore'), { 'data-key': 'r' }),
      reason, button(t('reject'), decide('reject'), { 'data-key': 'x' })));
  return li;
}

// Keyboard: j / k move between queue items, a / r / x press the item's
// buttons; typing in a field is never taken for a shortcut.
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select')) return;
  const items = $$('.bt-admin-item', root);
  const at = items.indexOf(e.target.closest('.bt-admin-item'));
  if (e.key === 'j' || e.key === 'k') {
    const next = items[Math.max(0, Math.min(items.length - 1, at + (e.key === 'j' ? 1 : -1)))];
    if (next) { e.preventDefault(); next.focus(); }
  } else if (at >= 0) {
    const b = $('button[data-key="' + e.key + '"]', items[at]);
    if (b) { e.preventDefault(); b.click(); }
  }
}

// ---- users
function users(box) {
  const q = h('input', { type: 'search', name: 'q', 'aria-label': t('search') });
  const results = h('div', {});
  const search = (e) => {
    e?.preventDefault();
    results.replaceChildren();
    paged(results, (c) => call('GET', '/api/admin/users?q=' + enc(q.value.trim()) + '&cursor=' + enc(c))
      .then((r) => ({ items: r.users, next: r.next })), (u) => userItem(u, search));
  };
  box.append(h('form', { class: 'bt-admin-search', role: 'search', onsubmit: search },
    h('label', { class: 'visually-hidden' }, t('search')), q,
    h('button', { type: 'submit', class: 'bt-button bt-primary' }, t('search_button'))), results);
  search();
}

function userItem(u, again) {
  const id = 'bt-u-' + u.id;
  const base = '/api/admin/users/' + enc(u.username) + '/';
  const role = h('select', { 'aria-label': t('role') }, ['reader', 'editor', 'admin'].map((r) =>
    h('option', { value: r, selected: r === u.role }, r)));
  const days = h('input', { type: 'number', min: '1', max: '3650', inputmode: 'numeric', 'aria-label': t('block_days'), size: '5' });
  const reason = h('input', { type: 'text', maxlength: '500', 'aria-label': t('block_reason') });
  const then = (ok) => { if (ok) again(); };
  const blocked = u.blocked && (!u.blocked_until || new Date(u.blocked_until) > Date.now());
  return h('li', { class: 'bt-admin-item', tabindex: '-1', 'aria-labelledby': id },
    h('h3', { id }, u.username, ' · ', u.role, blocked &&
      [' · ', u.blocked_until ? t('blocked_until', { date: when(u.blocked_until) }) : t('blocked')]),
    h('p', { class: 'bt-admin-meta' }, u.email || '', ' · ', when(u.created_at), ' · ',
      t('counts', { c: u.comments, r: u.reviews, x: u.reports_against }), u.block_reason && [' · ', u.block_reason]),
    h('p', { class: 'bt-admin-actions' }, role,
      button(t('set_role'), () => act('POST', base + 'role', { role: role.value }).then(then), { 'data-act': 'role' })),
    h('p', { class: 'bt-admin-actions' }, blocked
      ? button(t('unblock'), () => act('POST', base + 'unblock').then(then), { 'data-act': 'unblock' })
      : [days, reason, button(t('block'), () => act('POST', base + 'block',
        { days: Number(days.value) || 0, reason: reason.value.trim() }).then(then), { 'data-act': 'block' })]),
    h('p', { class: 'bt-admin-actions' }, button(t('purge'), () => {
      // A native confirm: keyboard- and screen-reader-friendly as it is.
      if (window.confirm(t('purge_confirm', { name: u.username }))) act('POST', base + 'purge').then(then);
    }, { class: 'bt-button bt-danger', 'data-act': 'purge' })));
}

// ---- locked threads
function locked(box) {
  const page = h('input', { type: 'text', name: 'page', 'aria-label': t('lock_page'), placeholder: 'countries/japan/tips/…' });
  const list = h('div', {});
  const load = () => {
    list.replaceChildren();
    paged(list, () => call('GET', '/api/admin/pages/locked').then((r) => ({ items: r.pages, next: '' })), (p) =>
      h('li', { class: 'bt-admin-item' }, h('h3', {}, h('a', { href: p.url }, p.title || p.id)),
        h('p', { class: 'bt-admin-actions' }, button(t('unlock'), () =>
          act('POST', '/api/admin/pages/unlock?page=' + enc(p.id)).then((ok) => ok && load())))));
  };
  box.append(h('form', { class: 'bt-admin-search', onsubmit: async (e) => {
    e.preventDefault();
    if (await act('POST', '/api/admin/pages/lock?page=' + enc(page.value.trim()))) { page.value = ''; load(); }
  } }, page, h('button', { type: 'submit', class: 'bt-button bt-primary' }, t('lock'))), list);
  load();
}

// ---- audit log
function audit(box) {
  paged(box, (c) => call('GET', '/api/admin/audit?cursor=' + enc(c)).then((r) => ({ items: r.entries, next: r.next })), (e) =>
    h('li', { class: 'bt-admin-item' },
      h('p', { class: 'bt-admin-meta' }, h('time', { datetime: e.at }, when(e.at))),
      h('p', {}, t('audit_entry', { actor: e.actor?.username || '', action: e.action, target: e.target })),
      e.reason && h('p', { class: 'bt-admin-meta' }, e.reason)));
}

// ---- start: show the page to admins; the widget announces logins and
// logouts with a "bt-user" event on the document.
function render() {
  root.replaceChildren(
    h('ul', { class: 'bt-admin-nav' }, Object.keys(views).map((name) => h('li', {},
      button(t(names[name]), () => show(name, true), { 'data-view': name })))),
    h('div', { class: 'bt-admin-main' }));
  root.addEventListener('keydown', onKey);
  show('pending');
}

async function start() {
  let u = null;
  try { u = (await call('GET', '/api/auth/me')).user; } catch (e) { /* not logged in */ }
  const ok = u?.role === 'admin';
  gate.hidden = ok;
  root.hidden = !ok;
  if (ok && !root.firstChild) render();
  else if (ok && current) show(current);
}

d.addEventListener('bt-user', start);
start();
