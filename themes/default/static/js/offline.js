/* beforetrip: "Save for the trip" on a country page and the Saved trips
   page (/saved/). Loaded by those two pages only, so the widget stays in
   its budget. The service worker (/sw.js, production builds only) does
   the saving: this script registers it on the first Save and asks it to
   save a country; a saved country is the cache "bt-trip-<country>", which
   the Saved trips page lists and deletes. Nothing goes to the API. */
(function () {
  'use strict';
  var TRIP = 'bt-trip-';
  var able = 'serviceWorker' in navigator && 'caches' in window;

  // ask has the service worker save country (again) and resolves when
  // every page and file of it is in the cache.
  function ask(country) {
    return navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return new Promise(function (ok, fail) {
        var ch = new MessageChannel();
        ch.port1.onmessage = function (e) {
          if (e.data && e.data.ok) ok(); else fail(new Error(e.data && e.data.error || 'failed'));
        };
        reg.active.postMessage({save: country}, [ch.port2]);
      });
    });
  }

  // say shows msg in the page's status toast (#bt-status, a live region).
  var timer = 0;
  function say(msg, isError) {
    var el = document.getElementById('bt-status');
    if (!el) return;
    clearTimeout(timer);
    el.textContent = '';
    el.classList.toggle('bt-status-error', !!isError);
    timer = setTimeout(function () {
      el.textContent = msg;
      if (!isError) timer = setTimeout(function () { el.textContent = ''; }, 10000);
    }, 30);
  }

  var box = document.querySelector('.bt-save');
  if (box && able) {
    var btn = box.querySelector('.bt-save-button');
    var label = btn.querySelector('.bt-save-label'), c = box.dataset.country, d = box.dataset;
    var saved = function (yes) {
      btn.setAttribute('aria-pressed', String(yes));
      label.textContent = yes ? d.saved : d.save;
    };
    btn.addEventListener('click', function () {
      btn.disabled = true;
      say(d.saving);
      ask(c).then(function () {
        saved(true);
        say(d.done);
      }, function (err) {
        say(d.failed + ' ' + err.message, true);
      }).then(function () { btn.disabled = false; });
    });
    caches.has(TRIP + c).then(function (yes) {
      saved(yes);
      btn.hidden = false;
      box.querySelector('.bt-saved-link').hidden = false;
      // Online, a saved trip is brought up to date quietly.
      if (yes && navigator.onLine && navigator.serviceWorker.controller) ask(c).catch(function () {});
    });
  }

  var page = document.getElementById('bt-saved');
  if (!page) return;
  var list = document.getElementById('bt-saved-list'), st = document.getElementById('bt-saved-status');
  var empty = document.getElementById('bt-saved-empty'), pd = page.dataset;
  if (!able) {
    st.textContent = pd.unsupported;
    return;
  }
  function row(c, info) {
    var li = document.createElement('li'), a = document.createElement('a'), b = document.createElement('button');
    li.dataset.country = c;
    a.href = info.url;
    a.textContent = (info.flag ? info.flag + ' ' : '') + info.title;
    b.type = 'button';
    b.className = 'bt-button';
    b.textContent = pd.remove;
    b.setAttribute('aria-label', pd.remove + ': ' + info.title);
    b.addEventListener('click', function () {
      caches.delete(TRIP + c).then(function () {
        li.remove();
        say(pd.removed.replace('%s', info.title));
        empty.hidden = list.children.length > 0;
      });
    });
    li.append(a, ' ');
    if (info.saved) {
      var t = document.createElement('time');
      t.dateTime = info.saved;
      t.textContent = new Date(info.saved).toLocaleDateString(document.documentElement.lang);
      li.append(pd.savedOn + ' ', t, ' ');
    }
    li.append(b);
    return li;
  }
  caches.keys().then(function (keys) {
    var cs = keys.filter(function (k) { return k.indexOf(TRIP) === 0; }).map(function (k) { return k.slice(TRIP.length); }).sort();
    return Promise.all(cs.map(function (c) {
      return caches.open(TRIP + c).then(function (cache) { return cache.match('/offline/' + c + '.json'); })
        .then(function (r) { return r ? r.json() : {title: c, url: '/countries/' + encodeURIComponent(c) + '/'}; })
        .then(function (info) { return row(c, info); });
    }));
  }).then(function (rows) {
    list.replaceChildren.apply(list, rows);
    empty.hidden = rows.length > 0;
  });
})();
