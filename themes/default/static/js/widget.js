/* beforetrip widget: accounts, likes, comments, reader reviews and live
 * counts over static pages complete without it. Vanilla JS, no build step;
 * hooks and behaviour: docs/widget.md. */
(() => {
'use strict';

const d = document;
const $ = (sel, root) => (root || d).querySelector(sel);
const $$ = (sel, root) => Array.from((root || d).querySelectorAll(sel));
const API = ($('meta[name="bt-api"]')?.content || '').trim().replace(/\/+$/, '');

// Texts: the widget_* keys of i18n/<lang>.yaml.
let MSG = {};
try { MSG = JSON.parse($('#bt-i18n')?.textContent || '{}'); } catch (e) { /* keys show */ }
const t = (key, vars) => String(MSG['widget_' + key] || key)
  .replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));

// h builds an element; strings become text nodes (the one HTML sink is a
// comment's "html", sanitized by the API).
const h = (tag, props, ...kids) => {
  const el = d.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(2)) if (kid != null && kid !== false) el.append(kid);
  return el;
};
const button = (cls, onclick, label, props) => h('button', { type: 'button', class: cls, onclick, ...props }, label);
const submitButton = (label) => h('button', { type: 'submit', class: 'bt-button bt-primary' }, label);
let uid = 0;
const nextID = (p) => 'bt-' + p + '-' + (++uid);
const enc = encodeURIComponent;

// onSubmit runs send for the form, its button disabled meanwhile.
const onSubmit = (form, btn, send) => form.addEventListener('submit', async (e) => {
  e.preventDefault();
  btn.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try { await send(); } finally { btn.disabled = false; form.removeAttribute('aria-busy'); }
});

// markInvalid flags the field the API named (not radio groups).
const markInvalid = (form, ex, errID) => {
  for (const f of form.elements) { f.removeAttribute('aria-invalid'); if (errID) f.removeAttribute('aria-describedby'); }
  const bad = ex?.field && form.elements[ex.field];
  if (!bad || !bad.setAttribute) return;
  bad.setAttribute('aria-invalid', 'true');
  if (errID) bad.setAttribute('aria-describedby', errID);
  bad.focus();
};

// ---- status line
let statusTimer = 0;
const say = (msg, isError) => {
  const el = $('#bt-status');
  if (!el) return;
  clearTimeout(statusTimer);
  el.textContent = '';
  el.classList.toggle('bt-status-error', !!isError);
  // Set the text in a later task so a repeated message is announced again.
  statusTimer = setTimeout(() => {
    el.textContent = msg;
    if (!isError) statusTimer = setTimeout(() => { el.textContent = ''; }, 10000);
  }, 30);
};

// ---- API
class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    Object.assign(this, { status, code, field, retryAfter });
  }
}
const errorText = (ex) => {
  if (!(ex instanceof ApiError)) return t('error');
  if (ex.status === 429) {
    const s = ex.retryAfter;
    if (s >= 120) return t('rate_limited_minutes', { m: Math.ceil(s / 60) });
    return s > 0 ? t('rate_limited_wait', { s }) : t('rate_limited');
  }
  if (ex.code === 'network') return t('network_error');
  return ex.message || t('error');
};

// bt_csrf is readable only when the API shares the page's origin; else the
// token comes with the auth responses.
let csrfToken = '';
const cookie = (name) => {
  const m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
  return m ? decodeURIComponent(m[1]) : '';
};
const csrf = () => cookie('bt_csrf') || csrfToken;

// Anonymous readers skip a /api/auth/me that must fail (a console error);
// without storage, a readable bt_csrf cookie still tells.
const HINT = 'bt-session';
const mayHaveSession = () => {
  try { if (localStorage.getItem(HINT) === '1') return true; } catch (e) { /* disabled */ }
  return cookie('bt_csrf') !== '';
};
const rememberSession = (on) => {
  try { if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT); } catch (e) { /* disabled */ }
};

const NO_REFRESH = /^\/api\/auth\/(login|register|refresh|logout|token)/;
let refreshing = null;

async function call(method, path, body, retried) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf()) headers['X-CSRF-Token'] = csrf();
  let res;
  try {
    // keepalive: a like or logout sent while leaving still arrives (not
    // with a body: keepalive bodies share 64 KB).
    res = await fetch(API + path, {
      method, headers, credentials: 'include',
      keepalive: method !== 'GET' && body === undefined,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', t('network_error'));
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  const tok = res.headers.get('X-CSRF-Token') || data?.csrf_token;
  if (tok) csrfToken = tok;
  if (res.ok) return data || {};
  const err = data?.error || {};
  if (!retried && (res.status === 401 || err.code === 'csrf') && !NO_REFRESH.test(path) && await refresh()) {
    return call(method, path, body, true);
  }
  throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || t('error'),
    err.field, parseInt(res.headers.get('Retry-After'), 10) || 0);
}

// refresh renews the cookies, once for all callers; only the API's refusal
// logs the reader out, not a network error.
function refresh() {
  refreshing = refreshing || call('POST', '/api/auth/refresh', undefined, true)
    .then((r) => { setUser(r.user); return true; },
      (ex) => { if (ex.code !== 'network') setUser(null); return false; })
    .finally(() => { refreshing = null; });
  return refreshing;
}

// ---- the reader
let user = null;
const onUser = [];
function setUser(u) {
  const was = user?.id;
  user = u || null;
  rememberSession(!!user);
  if (!user) csrfToken = '';
  if (user?.id !== was) { onUser.forEach((f) => f()); d.dispatchEvent(new Event('bt-user')); } // /admin/ listens
}

function renderAccount() {
  for (const box of $$('.bt-account')) {
    const hadFocus = box.contains(d.activeElement);
    box.replaceChildren(...(user
      ? [h('span', { class: 'bt-account-name' }, t('signed_in', { name: user.username })), ' ',
        button('bt-button bt-logout', logout, t('logout'))]
      : [button('bt-button bt-login', () => openDialog('login'), t('login')), ' ',
        button('bt-button bt-register', () => openDialog('register'), t('register'))]));
    if (hadFocus) $('button', box).focus();
  }
}

async function logout() {
  try {
    await call('POST', '/api/auth/logout');
  } catch (ex) {
    if (ex.code === 'network') { say(errorText(ex), true); return; }
    // Any other answer means the session is gone already.
  }
  setUser(null);
  say(t('logged_out'));
}

const loginPrompt = (key, after) => h('p', { class: 'bt-login-prompt' }, t(key), ' ',
  button('bt-button', () => openDialog('login', after), t('login')));

// ---- login / register dialog
let dlg = null;
let opener = null;
let afterLogin = null;

function openDialog(mode, after) {
  afterLogin = after || null;
  if (!dlg) {
    dlg = h('dialog', { class: 'bt-dialog', 'aria-labelledby': 'bt-dialog-title' });
    // Esc: "cancel" then "close"; focus goes back (to the account box if
    // a login re-rendered the opener away).
    dlg.addEventListener('close', () => {
      const o = opener?.isConnected ? opener : $('.bt-account button');
      opener = null;
      o?.focus();
    });
    d.body.append(dlg);
  }
  if (!dlg.open) opener = d.activeElement;
  const reg = mode === 'register';
  const errID = nextID('err');
  const err = h('p', { class: 'bt-form-error', id: errID, role: 'alert' });
  const field = (name, type, label, autocomplete, extra) => h('p', { class: 'bt-field' },
    h('label', { for: 'bt-f-' + name }, label),
    h('input', { id: 'bt-f-' + name, name, type, autocomplete, required: true, ...extra }));
  const plain = { spellcheck: 'false', autocapitalize: 'none' };
  const submit = submitButton(reg ? t('register') : t('login'));
  const form = h('form', { class: 'bt-dialog-form' },
    h('h2', { id: 'bt-dialog-title' }, reg ? t('register_title') : t('login_title')),
    err,
    reg
      ? [field('username', 'text', t('username'), 'username', { maxlength: '32', ...plain }),
        field('email', 'email', t('email'), 'email'),
        field('password', 'password', t('new_password'), 'new-password', { minlength: '8' }),
        h('p', 0, h('a', { href: '/privacy/' }, t('privacy')))]
      : [field('login', 'text', t('login_name'), 'username', plain),
        field('password', 'password', t('password'), 'current-password')],
    h('p', { class: 'bt-form-actions' }, submit, ' ', button('bt-button', () => dlg.close(), t('cancel'))),
    h('p', { class: 'bt-dialog-switch' },
      button('bt-link', () => openDialog(reg ? 'login' : 'register', afterLogin), reg ? t('have_account') : t('need_account')),
      !reg && [' · ', h('a', { href: '/account/reset/' }, t('forgot'))]));

  onSubmit(form, submit, async () => {
    markInvalid(form, null, errID);
    err.textContent = '';
    try {
      const r = await call('POST', '/api/auth/' + (reg ? 'register' : 'login'), Object.fromEntries(new FormData(form)));
      const after = afterLogin;
      afterLogin = null;
      setUser(r.user);
      dlg.close();
      say(reg ? t('registered', { name: r.user.username }) : t('logged_in', { name: r.user.username }));
      await loadStats();
      if (after) after();
    } catch (ex) {
      err.textContent = ex.status === 401 && !reg ? t('wrong_credentials') : errorText(ex);
      markInvalid(form, ex, errID);
    }
  });
  dlg.replaceChildren(form);
  if (!dlg.open) {
    if (dlg.showModal) dlg.showModal(); else dlg.setAttribute('open', '');
  }
  $('input', form).focus();
}

// ---- counts and likes
const num = (el) => (el ? Number(el.getAttribute('data-count') || el.textContent) || 0 : 0);
function setCount(el, n) {
  if (!el || typeof n !== 'number') return;
  el.setAttribute('data-count', n);
  el.textContent = String(n);
}
const setPressed = (btn, on) => btn.setAttribute('aria-pressed', on ? 'true' : 'false');

// loadStats fetches the counts of every page shown here, in chunks of 100
// IDs, 6 KB of query (API and nginx read 16 KB lines).
async function loadStats() {
  const els = $$('[data-page]').filter((el) => el.matches('.bt-like, .bt-comments, .bt-item'));
  const ids = [...new Set(els.map((el) => el.getAttribute('data-page')))];
  const chunks = [];
  let cur = [];
  let size = 0;
  for (const id of ids) {
    const e = enc(id);
    if (cur.length && (cur.length === 100 || size + e.length > 6000)) { chunks.push(cur); cur = []; size = 0; }
    cur.push(e);
    size += e.length + 1;
  }
  if (cur.length) chunks.push(cur);
  const pages = {};
  await Promise.all(chunks.map((c) => call('GET', '/api/pages?ids=' + c.join(','))
    .then((r) => Object.assign(pages, r.pages), () => { /* baked counts stay */ })));
  for (const el of els) {
    const p = pages[el.getAttribute('data-page')];
    if (!p) continue;
    if (el.matches('.bt-item')) {
      setCount($('.bt-item-likes', el), p.likes);
      setCount($('.bt-item-comments', el), p.comments);
    } else if (el.matches('.bt-like')) {
      if (el.bt?.busy) continue; // a like in flight knows better
      setCount($('.bt-like-count', el), p.likes);
      const b = $('.bt-like-button', el);
      if (b) setPressed(b, !!user && p.liked);
    } else {
      setCount($('.bt-comment-count', el), p.comments);
    }
  }
}

// setLike shows the wish at once, then brings the server there one request
// at a time (like-unlike-like loses nothing); on error, the server's.
async function setLike(box, want) {
  const btn = $('.bt-like-button', box);
  const count = $('.bt-like-count', box);
  if (!user) {
    say(t('login_to_like'));
    openDialog('login', () => setLike(box, want));
    return;
  }
  const st = box.bt || (box.bt = {});
  const shown = btn.getAttribute('aria-pressed') === 'true';
  if (!st.busy) Object.assign(st, { liked: shown, likes: num(count) });
  if (shown === want) return;
  setPressed(btn, want);
  setCount(count, num(count) + (want ? 1 : -1));
  st.want = want;
  if (st.busy) return;
  st.busy = true;
  try {
    while (st.liked !== st.want) {
      const r = await call(st.want ? 'PUT' : 'DELETE', '/api/likes?page=' + enc(box.getAttribute('data-page')));
      Object.assign(st, { liked: r.liked, likes: r.likes });
    }
  } catch (ex) {
    say(t('like_failed') + ' ' + (ex.status === 401 ? t('login_required') : errorText(ex)), true);
  } finally {
    st.busy = false;
    setPressed(btn, st.liked);
    setCount(count, st.likes);
  }
}

function initLikes() {
  for (const box of $$('.bt-like[data-page]')) {
    const btn = $('.bt-like-button', box);
    if (!btn) continue;
    const count = $('.bt-like-count', box);
    if (count) {
      count.id = count.id || nextID('likes');
      btn.setAttribute('aria-describedby', count.id); // "Like, pressed, 3"
    }
    btn.hidden = false;
    btn.addEventListener('click', () => setLike(box, btn.getAttribute('aria-pressed') !== 'true'));
  }
  onUser.push(() => {
    if (!user) $$('.bt-like-button').forEach((b) => setPressed(b, false));
  });
}

// ---- comments
// The pages' date format (date_format = Intl's long date for the site's
// language, which the texts' script names: <html lang> is the page's, maybe
// another); under a week: how long ago; the exact time on hover.
const L = $('#bt-i18n')?.lang || d.documentElement.lang;
const rel = new Intl.RelativeTimeFormat(L, { numeric: 'auto' });
const stamp = (s, text, cls) => {
  const x = new Date(s);
  let v = (x - Date.now()) / 6e4;
  for (const [u, n] of [['minute', 60], ['hour', 24], ['day', 7]]) {
    if (!text && Math.abs(v) < n) text = rel.format(Math.round(v), u);
    v /= n;
  }
  const o = { dateStyle: 'long' };
  return h('time', { class: cls, datetime: s, title: x.toLocaleString(L, { ...o, timeStyle: 'short' }) },
    text || x.toLocaleDateString(L, o));
};

// textForm is the one form for comments, replies and edits.
function textForm(o) {
  const id = nextID('text');
  const ta = h('textarea', { id, name: 'body', rows: '4', maxlength: '4000', required: true, value: o.value || '', 'aria-describedby': id + '-hint' });
  const submit = submitButton(o.submit);
  const form = h('form', { class: 'bt-comment-form' },
    h('label', { for: id }, o.label), ta,
    h('p', { class: 'bt-form-hint', id: id + '-hint' }, t('markdown_hint')),
    h('p', { class: 'bt-form-actions' }, submit, o.cancel && [' ', button('bt-button', o.cancel, t('cancel'))]));
  if (o.cancel) form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); o.cancel(); } });
  onSubmit(form, submit, async () => {
    const text = ta.value.trim();
    if (!text) { ta.focus(); return; }
    try {
      await o.send(text);
      ta.value = '';
    } catch (ex) {
      say(ex.status === 401 ? t('login_required') : errorText(ex), true);
      if (ex.status === 401) openDialog('login');
      else ta.focus();
    }
  });
  return form;
}

function bump(th, by) {
  const el = $('.bt-comment-count', th.sec);
  setCount(el, Math.max(0, num(el) + by));
}

function fill(th, rec) {
  const c = rec.c;
  const metaID = 'comment-' + c.id + '-meta';
  const mine = user?.id === c.author?.id;
  const mod = user?.role === 'editor' || user?.role === 'admin';
  const flag = c.pending ? 'pending' : c.hidden ? 'hidden' : c.rejected ? 'rejected' : c.pinned && 'pinned';
  const body = h('div', { class: 'bt-comment-body' });
  if (c.deleted) body.append(h('p', { class: 'bt-comment-deleted' }, t('deleted_comment')));
  else body.innerHTML = c.html; // sanitized by the API (package ugc): the one HTML sink
  const act = (name, label) => button('bt-link', null, label, { 'data-act': name, 'aria-describedby': metaID });
  rec.slot = h('div', { class: 'bt-comment-slot' });
  rec.body = body;
  rec.li.classList.toggle('bt-comment-is-deleted', !!c.deleted);
  rec.li.replaceChildren(h('article', { class: 'bt-comment-article', tabindex: '-1' },
    h('p', { class: 'bt-comment-meta', id: metaID },
      h('span', { class: 'bt-comment-author' }, c.deleted ? t('deleted') : c.author?.username || ''), ' ',
      stamp(c.created_at),
      c.edited_at && !c.deleted && [' ', stamp(c.edited_at, t('edited'), 'bt-comment-edited')],
      flag && [' ', h('span', { class: 'bt-comment-pending' }, t(flag), c.moderation_reason && ': ' + c.moderation_reason)]),
    body,
    rec.acts = c.deleted ? null : h('p', { class: 'bt-comment-actions' }, act('reply', t('reply')),
      (mine || mod) && [' ', (mod || !(Date.now() - Date.parse(c.created_at) > th.win)) && act('edit', t('edit')), ' ', act('delete', t('delete'))],
      !mine && [' ', act('report', t('report'))]),
    rec.slot), rec.replies);
}

// insert keeps top-level comments newest first and replies oldest first,
// whatever order the pages of results arrive in.
function insert(list, rec, asc) {
  const id = rec.c.id;
  if (!asc && rec.c.pinned) return list.prepend(rec.li);
  for (const li of list.children) {
    const other = Number(li.getAttribute('data-id'));
    if (asc ? other > id : other < id) { list.insertBefore(rec.li, li); return; }
  }
  list.append(rec.li);
}

function put(th, c) {
  let rec = th.byId.get(c.id);
  if (rec) { rec.c = c; fill(th, rec); return rec; }
  rec = { c, li: h('li', { class: 'bt-comment', id: 'comment-' + c.id, 'data-id': c.id }), replies: h('ol', { class: 'bt-replies' }) };
  th.byId.set(c.id, rec);
  fill(th, rec);
  const parent = c.parent_id && th.byId.get(c.parent_id);
  insert(parent ? parent.replies : th.list, rec, !!parent);
  // Replies that came before their parent wait on top: adopt them.
  for (const r of th.byId.values()) {
    if (r.c.parent_id === c.id && r.li.parentNode === th.list) insert(rec.replies, r, true);
  }
  th.empty.hidden = true;
  return rec;
}

// posted shows the reader's new comment (not one awaiting approval).
function posted(th, c, msg) {
  const rec = put(th, c);
  if (!c.pending) bump(th, 1);
  say(c.pending ? t('comment_pending') : msg);
  return rec;
}

// loadComments loads the next page; "More comments" stays put (disabled)
// so focus stays, and after the last page focus goes to the first added.
async function loadComments(th) {
  const btn = th.moreBtn;
  th.sec.setAttribute('aria-busy', 'true');
  if (btn.isConnected) btn.disabled = true;
  else th.more.replaceChildren(h('span', { class: 'bt-loading' }, t('loading')));
  try {
    const r = await call('GET', '/api/comments?page=' + enc(th.page) + '&limit=50' + (th.next ? '&cursor=' + enc(th.next) : ''));
    const added = (r.comments || []).map((c) => put(th, c));
    const wasMore = btn.isConnected;
    th.next = r.next || '';
    th.win = r.edit_window * 1e3;
    if (r.locked !== th.locked) { th.locked = r.locked; renderComposer(th); }
    th.more.replaceChildren(th.next ? btn : '');
    th.empty.hidden = th.byId.size > 0;
    if (wasMore && !th.next && added.length) $('article', added[0].li).focus();
  } catch (ex) {
    th.more.replaceChildren(h('span', { role: 'alert' }, t('comments_failed') + ' ' + errorText(ex)), ' ',
      button('bt-button', () => loadComments(th), t('retry')));
  } finally {
    btn.disabled = false;
    th.sec.removeAttribute('aria-busy');
  }
}

function renderComposer(th) {
  th.composer.replaceChildren(th.locked ? h('p', {}, t('locked')) : user
    ? textForm({
      label: t('comment_label'), submit: t('post_comment'),
      send: async (text) => {
        const r = await call('POST', '/api/comments', { page: th.page, body: text });
        posted(th, r.comment, t('comment_posted'));
      },
    })
    : loginPrompt('login_to_comment', () => $('textarea', th.composer)?.focus()));
}

function onCommentClick(th, e) {
  const btn = e.target.closest('button[data-act]');
  const li = btn && btn.closest('.bt-comment');
  const rec = li && th.byId.get(Number(li.getAttribute('data-id')));
  if (!rec) return;
  const act = btn.getAttribute('data-act');
  const c = rec.c;
  const back = () => { fill(th, rec); $('button[data-act="' + act + '"]', rec.li)?.focus(); };
  // rec.slot is read late: a login on the way re-renders the comment.
  const open = (o) => { rec.slot.replaceChildren(textForm({ cancel: back, ...o })); $('textarea', rec.slot).focus(); };
  if (act === 'reply') {
    const reply = () => open({
      label: t('reply_label', { name: c.author?.username || '' }), submit: t('post_reply'),
      send: async (text) => {
        const r = await call('POST', '/api/comments', { page: th.page, body: text, parent_id: c.id });
        rec.slot.replaceChildren();
        $('article', posted(th, r.comment, t('reply_posted')).li).focus();
      },
    });
    if (user) reply(); else openDialog('login', reply);
  } else if (act === 'edit') {
    rec.body.hidden = rec.acts.hidden = true;
    open({
      label: t('edit_label'), submit: t('save'), value: c.body,
      send: async (text) => {
        const r = await call('PATCH', '/api/comments/' + c.id, { body: text });
        put(th, r.comment);
        $('article', rec.li).focus();
        say(t('saved'));
      },
    });
  } else if (act === 'report') {
    report(btn, 'comments/' + c.id);
  } else if (act === 'delete') {
    const yes = button('bt-button bt-danger', async () => {
      yes.disabled = true;
      try {
        await call('DELETE', '/api/comments/' + c.id);
        put(th, { ...c, deleted: true, body: '', html: '' });
        if (!c.pending) bump(th, -1);
        $('article', rec.li).focus();
        say(t('deleted_done'));
      } catch (ex) {
        yes.disabled = false;
        say(errorText(ex), true);
      }
    }, t('delete'));
    rec.acts.hidden = true;
    rec.slot.replaceChildren(h('p', { class: 'bt-confirm', role: 'group', 'aria-label': t('delete_confirm') },
      t('delete_confirm'), ' ', yes, ' ', button('bt-button', back, t('cancel'))));
    yes.focus();
  }
}

function initComments(sec) {
  const body = $('.bt-comments-body', sec);
  if (!body) return null;
  const th = {
    sec, page: sec.getAttribute('data-page'), byId: new Map(), next: '',
    composer: h('div', { class: 'bt-composer' }),
    empty: h('p', { class: 'bt-comments-empty', hidden: true }, t('no_comments')),
    list: h('ol', { class: 'bt-comment-list' }),
    more: h('p', { class: 'bt-more' }),
  };
  th.moreBtn = button('bt-button', () => loadComments(th), t('more'));
  body.replaceChildren(th.composer, th.empty, th.list, th.more);
  sec.addEventListener('click', (e) => onCommentClick(th, e));
  renderComposer(th);
  onUser.push(() => { renderComposer(th); th.byId.forEach((rec) => fill(th, rec)); });
  return th;
}

// Parts few pages need are modules loaded on first use (the reader review
// form, the report dialog); they get the widget's helpers.
const kit = { d, $, t, h, call, say, errorText, button, submitButton, onSubmit, markInvalid, openDialog, loginPrompt, enc, nextID, onUser, me: () => user };
const load = (name) => import($('meta[name="bt-' + name + '"]').content).then((m) => m.default(kit));
const report = (btn, path) => (user ? load('report').then((f) => f(btn, path)) : openDialog('login', () => report(btn, path)));
const initReports = () => $$('[data-report]').forEach((b) => {
  b.hidden = user?.id === +b.dataset.author;
  b.onclick = () => report(b, b.dataset.report);
});

// ---- start
async function init() {
  onUser.push(renderAccount);
  renderAccount();
  initLikes();
  const threads = $$('.bt-comments[data-page]').map(initComments).filter(Boolean);
  if ($('.bt-review-form')) load('review');
  onUser.push(initReports);
  initReports();
  if (mayHaveSession()) {
    try {
      setUser((await call('GET', '/api/auth/me')).user);
    } catch (ex) {
      if (ex.status === 401) setUser(null);
    }
  }
  threads.forEach((th) => loadComments(th));
  await loadStats();
}

if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', init);
else init();
})();
