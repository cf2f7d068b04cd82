// beforetrip service worker, written by `beforetrip build`.
var BT = {"version":"3677643b7c23","shell":["/saved/","/css/main.2d7730ce.css","/css/widget.c1887f33.css","/js/widget.c1887f33.js","/js/search-box.a0685898.js","/js/passport.d727e3f8.js","/js/offline.fe73c0ec.js","/img/favicon.svg"],"trips":{"japan":"/offline/japan.0ab33655.json","south-korea":"/offline/south-korea.6737edf5.json"}};
/* beforetrip service worker (build/sw.js; the builder writes it as /sw.js
   with the line "var BT = {version, shell, trips}" in front).

   - Pages (and every file without a hash in its name) come from the
     network first: online, a reader always gets the current site; only
     when the network fails does a cached copy answer. A page of a saved
     trip that loads online replaces its cached copy.
   - Fingerprinted files (/css/x.<hash>.css, /js/x.<hash>.js, /media/…)
     never change under their name: the cache answers first.
   - "Save for the trip" (offline.js) asks this worker to save a country:
     every URL of its list goes into the cache "bt-trip-<country>".
   - A new build with a new version installs a new worker: it drops the
     old shell and saves every saved trip again from the new lists, so
     nothing stale stays once the reader is back online. */
'use strict';

var SHELL = 'bt-shell-' + BT.version;
var TRIP = 'bt-trip-';
var IMMUTABLE = /^\/(?:(?:css|js)\/[^/]+\.[0-9a-f]{8,}\.(?:css|js)|media\/[^/]+|offline\/[^/]+\.[0-9a-f]{8}\.json)$/;

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(BT.shell); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('bt-shell-') === 0 && k !== SHELL; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }).then(function () {
    return trips().then(function (cs) {
      // Saved trips of countries the site still has, from the new lists;
      // a failure keeps the copies saved before (the reader may be offline).
      return Promise.all(cs.filter(function (c) { return BT.trips[c]; }).map(function (c) { return save(c).catch(function () {}); }));
    });
  }));
});

// trips lists the saved countries.
function trips() {
  return caches.keys().then(function (keys) {
    return keys.filter(function (k) { return k.indexOf(TRIP) === 0; }).map(function (k) { return k.slice(TRIP.length); });
  });
}

// save fetches country's list and every URL in it into its cache, then
// drops what the list no longer names. The list is kept in the cache as
// /offline/<country>.json for the Saved trips page. A first save that
// fails leaves no half-saved trip behind.
function save(country) {
  var url = BT.trips[country];
  if (!url) return Promise.reject(new Error('no such country: ' + country));
  var name = TRIP + country;
  return caches.has(name).then(function (had) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    }).then(function (list) {
      return caches.open(name).then(function (cache) {
        var keep = {};
        var gets = list.pages.map(function (u) { return [u, 'no-cache']; })
          .concat(list.assets.map(function (u) { return [u, 'default']; }));
        return Promise.all(gets.map(function (g) {
          keep[new URL(g[0], location.href).href] = true;
          return fetch(g[0], {cache: g[1]}).then(function (r) {
            if (!r.ok) throw new Error(g[0] + ': HTTP ' + r.status);
            return cache.put(g[0], r);
          });
        })).then(function () {
          list.saved = new Date().toISOString();
          var meta = '/offline/' + country + '.json';
          keep[new URL(meta, location.href).href] = true;
          return cache.put(meta, new Response(JSON.stringify(list), {headers: {'Content-Type': 'application/json'}}));
        }).then(function () { return cache.keys(); }).then(function (reqs) {
          return Promise.all(reqs.filter(function (q) { return !keep[q.url]; }).map(function (q) { return cache.delete(q); }));
        });
      });
    }).catch(function (err) {
      if (had) throw err;
      return caches.delete(name).then(function () { throw err; });
    });
  });
}

// refresh puts a page just loaded from the network into every saved trip
// that holds it.
function refresh(req, res) {
  return trips().then(function (cs) {
    return Promise.all(cs.map(function (c) {
      return caches.open(TRIP + c).then(function (cache) {
        return cache.match(req, {ignoreSearch: true}).then(function (old) {
          if (old) return cache.put(new URL(req.url).pathname, res.clone());
        });
      });
    }));
  });
}

self.addEventListener('message', function (e) {
  var port = e.ports[0];
  if (!port || !e.data || typeof e.data.save !== 'string') return;
  e.waitUntil(save(e.data.save).then(function () { port.postMessage({ok: true}); },
    function (err) { port.postMessage({error: String(err && err.message || err)}); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin || url.pathname.indexOf('/api/') === 0 ||
      url.pathname === '/sw.js' || url.pathname.indexOf('/_live/') === 0) return;
  if (IMMUTABLE.test(url.pathname)) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  var page = req.mode === 'navigate';
  e.respondWith(fetch(req).then(function (res) {
    if (page && res.ok) e.waitUntil(refresh(req, res.clone()));
    return res;
  }, function (err) {
    return caches.match(req, {ignoreSearch: page}).then(function (hit) {
      // A page that was never saved: the Saved trips page says what is.
      return hit || (page ? caches.match('/saved/') : undefined);
    }).then(function (hit) {
      if (hit) return hit;
      throw err;
    });
  }));
});
