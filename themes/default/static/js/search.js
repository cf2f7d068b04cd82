// search.js: beforetrip's site search. Loaded by search-box.js when a
// reader first uses the header's search box, and by the /search/ page.
// It reads the static index the builder writes under /search/ (see
// docs/search.md): index.json names gzipped term and doc shards; a query
// fetches the term shard of each of its terms, which carry the records of
// each term's first hits, and a doc shard only for a result shown that no
// term shard carried. The analysis below mirrors Go's package search
// (TestJSAnalysisMatchesGo runs both on a table). No API is needed.
(function (root) {
  'use strict';

  // ---- Analysis: the same terms as search.Terms ----

  var STOP = new Set(('a about above after again against all am an and any are as at be because been before being ' +
    'below between both but by can did do does doing don down during each few for from further had has have having he ' +
    'her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now ' +
    'of off on once only or other our ours ourselves out over own s same she should so some such t than that the their ' +
    'theirs them themselves then there these they this those through to too under until up very was we were what when ' +
    'where which while who whom why will with you your yours yourself yourselves').split(' '));
  var SPECIAL = {
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl', ugly: 'ugli',
    early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas',
    cosmos: 'cosmos', bias: 'bias', andes: 'andes', inning: 'inning', innings: 'inning', outing: 'outing',
    outings: 'outing', canning: 'canning', cannings: 'canning', herring: 'herring', herrings: 'herring',
    earring: 'earring', earrings: 'earring', proceed: 'proceed', proceeds: 'proceed', proceeded: 'proceed',
    proceeding: 'proceed', exceed: 'exceed', exceeds: 'exceed', exceeded: 'exceed', exceeding: 'exceed',
    succeed: 'succeed', succeeds: 'succeed', succeeded: 'succeed', succeeding: 'succeed'
  };
  var BIGRAM = /^[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]$/u;
  var WORDCHAR = /[\p{L}\p{Nd}]/u;

  function isV(c) { return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y'; }
  function firstSuffix(w, list) {
    for (var i = 0; i < list.length; i++) if (w.endsWith(list[i])) return list[i];
    return '';
  }
  function vnv(w, start) {
    for (var i = 1; i < w.length - start; i++) {
      var j = start + i;
      if (isV(w[j - 1]) && !isV(w[j])) return j + 1;
    }
    return w.length;
  }
  function endsShort(w, i) {
    if (i === 2) return isV(w[0]) && !isV(w[1]);
    if (i >= 3) {
      var s1 = w[i - 1], s2 = w[i - 2], s3 = w[i - 3];
      return !isV(s1) && s1 !== 'w' && s1 !== 'x' && s1 !== 'Y' && isV(s2) && !isV(s3);
    }
    return false;
  }
  var STEP2 = ['ational', 'fulness', 'iveness', 'ization', 'ousness', 'biliti', 'lessli', 'tional', 'alism', 'aliti',
    'ation', 'entli', 'fulli', 'iviti', 'ousli', 'anci', 'abli', 'alli', 'ator', 'enci', 'izer', 'bli', 'ogi', 'li'];
  var STEP2R = {tional: 'tion', enci: 'ence', anci: 'ance', abli: 'able', entli: 'ent', izer: 'ize', ization: 'ize',
    ational: 'ate', ation: 'ate', ator: 'ate', alism: 'al', aliti: 'al', alli: 'al', fulness: 'ful', ousli: 'ous',
    ousness: 'ous', iveness: 'ive', iviti: 'ive', biliti: 'ble', bli: 'ble', fulli: 'ful', lessli: 'less'};
  var STEP3 = ['ational', 'tional', 'alize', 'icate', 'ative', 'iciti', 'ical', 'ful', 'ness'];
  var STEP3R = {ational: 'ate', tional: 'tion', alize: 'al', icate: 'ic', iciti: 'ic', ical: 'ic', ful: '', ness: ''};
  var STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ent', 'ant', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
    'ion', 'al', 'er', 'ic'];

  // stem is the English Snowball stemmer as github.com/kljensen/snowball
  // v0.10.0 writes it (its quirks included: the index was made with it).
  function stem(word) {
    if (word.length <= 2) return word;
    if (SPECIAL[word]) return SPECIAL[word];
    var w = '';
    for (var k = 0; k < word.length; k++) {
      var c = word[k];
      w += c === 'y' && (k === 0 || isV(w[k - 1])) ? 'Y' : c;
    }
    var r1, r2;
    var pre = ['gener', 'commun', 'arsen'].find(function (p) { return w.startsWith(p); });
    r1 = pre ? pre.length : vnv(w, 0);
    r2 = vnv(w, r1);
    function set(nw) { w = nw; r1 = Math.min(r1, w.length); r2 = Math.min(r2, w.length); }
    function cutN(n) { set(w.slice(0, w.length - n)); }
    // step 0
    var s = firstSuffix(w, ["'s'", "'s", "'"]);
    if (s) cutN(s.length);
    // step 1a
    s = firstSuffix(w, ['sses', 'ied', 'ies', 'us', 'ss', 's']);
    if (s === 'sses') set(w.slice(0, -4) + 'ss');
    else if (s === 'ied' || s === 'ies') set(w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie'));
    else if (s === 's') {
      for (var i = 0; i < w.length - 2; i++) if (isV(w[i])) { cutN(1); break; }
    }
    // step 1b
    s = firstSuffix(w, ['eedly', 'ingly', 'edly', 'ing', 'eed', 'ed']);
    if (s === 'eed' || s === 'eedly') {
      if (s.length <= w.length - r1) set(w.slice(0, -s.length) + 'ee');
    } else if (s) {
      var vowel = false;
      for (i = 0; i < w.length - s.length; i++) if (isV(w[i])) { vowel = true; break; }
      if (vowel) {
        var o1 = r1, o2 = r2, short = false;
        cutN(s.length);
        var ns = firstSuffix(w, ['at', 'bl', 'iz', 'bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
        if (ns === '') {
          if (r1 >= w.length && endsShort(w, w.length)) {
            w += 'e'; r1 = w.length; r2 = w.length; short = true;
          }
        } else if (ns === 'at' || ns === 'bl' || ns === 'iz') set(w + 'e');
        else cutN(1);
        if (!short) { r1 = Math.min(o1, w.length); r2 = Math.min(o2, w.length); }
      }
    }
    // step 1c
    var n = w.length;
    if (n > 2 && (w[n - 1] === 'y' || w[n - 1] === 'Y') && !isV(w[n - 2])) set(w.slice(0, -1) + 'i');
    // step 2
    s = firstSuffix(w, STEP2);
    if (s && s.length <= w.length - r1) {
      n = w.length;
      if (s === 'li') {
        if (n >= 3 && 'cdeghkmnrt'.indexOf(w[n - 3]) >= 0) cutN(2);
      } else if (s === 'ogi') {
        if (n >= 4 && w[n - 4] === 'l') set(w.slice(0, -3) + 'og');
      } else set(w.slice(0, -s.length) + STEP2R[s]);
    }
    // step 3
    s = firstSuffix(w, STEP3);
    if (s && s.length <= w.length - r1) {
      if (s === 'ative') {
        if (w.length - r2 >= 5) cutN(5);
      } else set(w.slice(0, -s.length) + STEP3R[s]);
    }
    // step 4
    s = firstSuffix(w, STEP4);
    if (s && s.length <= w.length - r2) {
      n = w.length;
      if (s !== 'ion') cutN(s.length);
      else if (n >= 4 && (w[n - 4] === 's' || w[n - 4] === 't')) cutN(3);
    }
    // step 5
    var l = w.length - 1;
    if (r1 <= l) {
      if (w[l] === 'e') {
        if (r2 <= l || !endsShort(w, l)) cutN(1);
      } else if (r2 <= l && w[l] === 'l' && l >= 1 && w[l - 1] === 'l') cutN(1);
    }
    return w.replace(/Y/g, 'y');
  }

  function fold(w) {
    w = w.toLowerCase();
    if (/^[\x00-\x7f]*$/.test(w)) return w;
    return w.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/[\u2019\u2018\u02bc]/g, "'").replace(/ς/g, 'σ').normalize('NFC');
  }
  function latinTerm(w) {
    w = w.replace(/^['.]+|['.]+$/g, '');
    if (!w || !WORDCHAR.test(w)) return '';
    if (!/^[a-z']+$/.test(w)) return w;
    return STOP.has(w) ? '' : stem(w);
  }
  var cache = new Map();
  function wordTerms(word) {
    var hit = cache.get(word);
    if (hit) return hit;
    var w = Array.from(fold(word)), out = [];
    for (var i = 0; i < w.length;) {
      var big = BIGRAM.test(w[i]), j = i;
      while (j < w.length && BIGRAM.test(w[j]) === big) j++;
      var run = w.slice(i, j);
      if (big) {
        if (run.length === 1) out.push(run[0]);
        for (var k = 0; k + 1 < run.length; k++) out.push(run[k] + run[k + 1]);
      } else {
        var t = latinTerm(run.join(''));
        if (t) out.push(t);
      }
      i = j;
    }
    if (cache.size > 5000) cache.clear();
    cache.set(word, out);
    return out;
  }
  var segmenter = new Intl.Segmenter(undefined, {granularity: 'word'});
  function allBigram(s) { return Array.from(s).every(function (c) { return BIGRAM.test(c); }); }
  // words returns the words of text (NFC) with their offsets, adjacent
  // segments of bigram scripts merged, as search.eachWord does.
  function words(text) {
    var out = [];
    for (var seg of segmenter.segment(text)) {
      var s = seg.segment;
      if (!WORDCHAR.test(s)) continue;
      var last = out[out.length - 1], end = seg.index + s.length;
      if (last && last.end === seg.index && allBigram(s) && BIGRAM.test(Array.from(last.word).pop())) {
        last.word += s;
        last.end = end;
        continue;
      }
      out.push({word: s, start: seg.index, end: end});
    }
    return out;
  }
  function terms(text) {
    var out = [];
    words(text.normalize('NFC')).forEach(function (w) { out.push.apply(out, wordTerms(w.word)); });
    return out;
  }

  // ---- The index ----

  function fnv(s) {
    var b = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
    return h;
  }
  // gunzip unpacks a shard, unless the browser did (nginx sends shards
  // with Content-Encoding gzip: deploy/nginx.conf). No unpacked shard
  // starts as gzip does (1f 8b): a term shard starts with a term's
  // length and first byte (8b is no first byte in UTF-8), a doc shard
  // with '['.
  async function gunzip(buf) {
    var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
    if (head[0] !== 0x1f || head[1] !== 0x8b) return new Uint8Array(buf);
    var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  // decodeTerms reads a term shard: a Map of term → get(), which decodes
  // that term's block on first use (a shard holds other terms too):
  // {refs, metas, recs}, metas field | day << 3 of each ref, recs the
  // records of the term's first hits ({r, u, t, c, s, x, f}: ref, URL,
  // title, country, section, snippet window and its flags).
  function decodeTerms(b) {
    var pos = 0, m = new Map(), dec = new TextDecoder();
    function uv() {
      var v = 0, mul = 1, c;
      do { c = b[pos++]; v += (c & 0x7f) * mul; mul *= 128; } while (c & 0x80);
      return v;
    }
    function str() {
      var l = uv(), s = dec.decode(b.subarray(pos, pos + l));
      pos += l;
      return s;
    }
    function block(start) {
      pos = start;
      var n = uv(), refs = new Float64Array(n), metas = new Float64Array(n), ref = 0, i;
      for (i = 0; i < n; i++) { ref += uv(); refs[i] = ref; }
      for (i = 0; i < n; i++) metas[i] = b[pos++];
      for (i = 0; i < n; i++) metas[i] += uv() * 8;
      var recs = new Array(uv());
      for (i = 0; i < recs.length; i++) {
        var r = {r: refs[uv()]};
        r.u = str(); r.t = str(); r.c = str(); r.s = str(); r.x = str(); r.f = uv();
        recs[i] = r;
      }
      return {refs: refs, metas: metas, recs: recs};
    }
    while (pos < b.length) {
      var term = str(), l = uv();
      m.set(term, (function (start) {
        var v = null;
        return function () { return v || (v = block(start)); };
      })(pos));
      pos += l;
    }
    return m;
  }
  var NOFILE = '00000000'; // index.json's hash of a shard without a file

  // Engine runs queries against the index at base ("/search/"); get is
  // fetch, or a stand-in in tests.
  function Engine(base, get) {
    this.base = base;
    this.get = get;
    this.entry = null;
    this.loading = null;
    this.shards = new Map();
  }
  // load returns index.json, fetched once (fresh: again) however many
  // callers wait for it at once.
  Engine.prototype.load = function (fresh) {
    if (!this.loading || fresh) {
      var self = this;
      this.loading = (async function () {
        var r = await self.get(self.base + 'index.json', {cache: 'no-cache'});
        if (!r.ok) throw new Error('search index: ' + r.status);
        var e = await r.json();
        self.shards.clear();
        self.entry = e;
        return e;
      })();
      this.loading.catch(function () { self.loading = null; });
    }
    return this.loading;
  };
  // path is the file of shard i of kind ('t' or 'd'), null when empty.
  Engine.prototype.path = function (kind, i) {
    var hs = kind === 't' ? this.entry.terms : this.entry.docs, h = hs.substr(8 * i, 8);
    return h === NOFILE ? null : kind + '/' + i + '.' + h + '.bin';
  };
  Engine.prototype.shard = function (kind, i) {
    var p = this.path(kind, i);
    return p ? this.file(p) : Promise.resolve(kind === 't' ? new Map() : []);
  };
  Engine.prototype.file = async function (path) {
    if (!this.shards.has(path)) {
      var self = this;
      this.shards.set(path, (async function () {
        var r = await self.get(self.base + path);
        if (!r.ok) throw new Error('search index: ' + path + ': ' + r.status);
        var raw = await gunzip(await r.arrayBuffer());
        return path[0] === 't' ? decodeTerms(raw) : JSON.parse(new TextDecoder().decode(raw));
      })());
    }
    try {
      return await this.shards.get(path);
    } catch (e) {
      this.shards.delete(path);
      throw e;
    }
  };
  var WEIGHT = [1, 3, 9, 27, 81];
  // DEBOUNCE (ms) lets a word typed in one go run as one query, not one
  // per letter, each fetching the term shard of a prefix.
  var DEBOUNCE = 40; // body, tags, headings, title, a country's names

  // merge walks the posting lists (each in ref order) at once and returns
  // the refs of the pages holding the most of them, ranked: by the sum of
  // their fields' weights, then newest, then ref. No object per hit and one
  // native sort of numbers: a first query's merge runs before the JIT has
  // warmed up, over thousands of postings ("sim card": 15k at 10k pages).
  function merge(lists) {
    var k, len = 0, at = new Uint32Array(lists.length);
    for (k = 0; k < lists.length; k++) len = Math.max(len, lists[k].refs.length);
    // Each hit's rank key, packed with its position i (refs are visited in
    // ascending order, so i breaks ties as ref order does): the smaller,
    // the better. score < 2^12 (50 country names), day ≤ 2^20 (the
    // index caps it), i < 2^20: 53 bits, exact in a double.
    var keys = new Float64Array(lists.length === 1 ? len : len * 2), refs = new Float64Array(keys.length);
    var nhits = 0, most = 1;
    for (;;) {
      var ref = Infinity;
      for (k = 0; k < lists.length; k++) if (at[k] < lists[k].refs.length && lists[k].refs[at[k]] < ref) ref = lists[k].refs[at[k]];
      if (ref === Infinity) break;
      var n = 0, score = 0, day = 0;
      for (k = 0; k < lists.length; k++) {
        var p = lists[k];
        if (at[k] < p.refs.length && p.refs[at[k]] === ref) {
          var meta = p.metas[at[k]++];
          n++;
          score += WEIGHT[meta & 7];
          day = Math.max(day, Math.floor(meta / 8));
        }
      }
      if (n < most) continue;
      if (n > most) { most = n; nhits = 0; }
      if (nhits === keys.length) {
        var kk = new Float64Array(keys.length * 2), rr = new Float64Array(keys.length * 2);
        kk.set(keys); rr.set(refs); keys = kk; refs = rr;
      }
      keys[nhits] = ((4095 - Math.min(score, 4095)) * 2097152 + (2097151 - day)) * 1048576 + nhits;
      refs[nhits++] = ref;
    }
    if (nhits > 1048576) throw new Error('search: more hits than a rank key holds');
    keys = keys.subarray(0, nhits).sort();
    var out = new Float64Array(nhits);
    for (var i = 0; i < nhits; i++) out[i] = refs[keys[i] % 1048576];
    return out;
  }

  // prefetch starts fetching the term shards of the terms the reader has
  // finished typing: those of text that its text before the last
  // keystroke (before) has too (the words before the last, the character
  // pairs of a Korean word but its last pair), so that a query of several
  // words waits, after its debounce, for the last word's shard alone.
  Engine.prototype.prefetch = async function (before, text) {
    var done = new Set(terms(before)), qs = Array.from(new Set(terms(text))).filter(function (t) { return done.has(t); });
    if (!qs.length) return;
    var e = await this.load(false), self = this;
    qs.forEach(function (t) { self.shard('t', fnv(t) & (e.terms.length / 8 - 1)).catch(function () {}); });
  };

  // query ranks the pages that hold every term of q (or, when none does,
  // the most terms): by field (title > headings > tags > body), then date.
  Engine.prototype.query = async function (q) {
    var qs = Array.from(new Set(terms(q)));
    if (!qs.length) return {terms: qs, hits: new Float64Array(0)};
    var e = await this.load(false), self = this;
    var fetchAll = function () {
      var n = e.terms.length / 8;
      return Promise.all(qs.map(function (t) {
        return self.shard('t', fnv(t) & (n - 1)).then(function (m) { var get = m.get(t); return get && get(); });
      }));
    };
    var lists;
    try {
      lists = await fetchAll();
    } catch (err) {
      // A newer build replaced the shards this index.json named.
      e = await this.load(true);
      lists = await fetchAll();
    }
    var recs = new Map();
    lists = lists.filter(function (p) { return p; });
    // A page's record comes from its rarest term's list: that term's
    // window is the likeliest to hold the query's words ("pass" of
    // "japan rail pass", not the country's name, which its pages hold).
    lists.slice().sort(function (a, b) { return a.refs.length - b.refs.length; }).forEach(function (p) {
      p.recs.forEach(function (r) { if (!recs.has(r.r)) recs.set(r.r, r); });
    });
    return {terms: qs, hits: merge(lists), recs: recs};
  };
  // docs returns the records of hits (refs, in order): from the term
  // shards when they carry one (recs), else from the hit's doc shard.
  Engine.prototype.docs = async function (hits, recs) {
    var self = this, n = this.entry.docs.length / 8;
    return Promise.all(Array.from(hits, async function (ref) {
      if (recs.has(ref)) return recs.get(ref);
      var shard = await self.shard('d', ref % n);
      return shard.find(function (d) { return d.r === ref; });
    }));
  };
  // results returns up to n records of q's hits that pass the filters
  // (country slug, section: tips, reviews or countries), from offset.
  Engine.prototype.results = async function (q, filter, n, offset) {
    var res = await this.query(q), out = [], i = offset || 0;
    filter = filter || {};
    while (out.length < n && i < res.hits.length) {
      // Without filters every record shown is needed and no other; with
      // them, larger batches save round trips.
      var batch = res.hits.slice(i, i + (filter.country || filter.section ? Math.max(n, 10) : n - out.length));
      i += batch.length;
      var docs = await this.docs(batch, res.recs);
      for (var k = 0; k < docs.length; k++) {
        var d = docs[k];
        if (!d || (filter.country && d.c !== filter.country)) continue;
        if (filter.section && (d.s || 'countries') !== filter.section) continue;
        if (out.length < n) out.push(d); else { i -= docs.length - k; break; }
      }
    }
    return {terms: res.terms, total: res.hits.length, docs: out, next: i < res.hits.length ? i : -1};
  };

  // snippet returns pieces of text around the first match of qterms:
  // [{text, mark}], about len characters. flags says that the page's text
  // goes on before (1) or after (2) text, a window of it.
  function snippet(text, qterms, len, flags) {
    var set = new Set(qterms), ws = words(text), first = -1;
    var hit = ws.map(function (w) { return wordTerms(w.word).some(function (t) { return set.has(t); }); });
    first = hit.indexOf(true);
    var start = 0;
    if (first >= 0 && ws[first].start > len / 3) {
      var k = first;
      while (k > 0 && ws[first].start - ws[k - 1].start < len / 3) k--;
      start = ws[k].start;
    }
    var end = Math.min(text.length, start + len), out = [], pos = start;
    if (start > 0 || flags & 1) out.push({text: '… ', mark: false});
    ws.forEach(function (w, i) {
      if (!hit[i] || w.start < start || w.end > end) return;
      if (w.start > pos) out.push({text: text.slice(pos, w.start), mark: false});
      out.push({text: text.slice(w.start, w.end), mark: true});
      pos = w.end;
    });
    if (end > pos) out.push({text: text.slice(pos, end), mark: false});
    if (end < text.length || flags & 2) out.push({text: ' …', mark: false});
    return out;
  }


  // ---- The page: header box (dropdown) and /search/ ----

  function ui() {
    var T = {};
    try { T = JSON.parse(document.getElementById('bt-i18n').textContent); } catch (e) { /* English keys then */ }
    var t = function (k) { return T['widget_search_' + k] || k; };
    var engine = new Engine('/search/', function (u, o) { return fetch(u, o); });
    var nextID = 0;
    // index.json is needed by the first query: fetch it while the reader
    // types (a failure shows with that query).
    engine.load(false).catch(function () {});

    function pieces(el, parts) {
      // Text nodes only: nothing from the index is parsed as HTML.
      parts.forEach(function (p) {
        if (!p.mark) { el.appendChild(document.createTextNode(p.text)); return; }
        var m = document.createElement('mark');
        m.textContent = p.text;
        el.appendChild(m);
      });
    }
    function countryName(slug) {
      var c = ((engine.entry && engine.entry.countries) || []).find(function (c) { return c.slug === slug; });
      return c ? c.name : slug;
    }
    function item(d, qterms, snipLen) {
      var li = document.createElement('li'), a = document.createElement('a'), meta = document.createElement('span');
      li.className = 'search-hit';
      li.setAttribute('role', 'option');
      li.id = 'bt-hit-' + (nextID++);
      a.href = d.u;
      a.className = 'search-hit-title';
      a.tabIndex = -1;
      pieces(a, snippet(d.t, qterms, 1000));
      meta.className = 'search-hit-meta';
      meta.textContent = (d.c ? countryName(d.c) + ' · ' : '') + t(d.s || 'countries');
      li.appendChild(a);
      li.appendChild(meta);
      if (snipLen) {
        var p = document.createElement('p');
        p.className = 'search-hit-snippet';
        pieces(p, snippet(d.x, qterms, snipLen, d.f || 0));
        li.appendChild(p);
      }
      return li;
    }

    // keys makes input drive list: arrows move the active result,
    // Enter opens it, Escape closes.
    function keys(input, list, onEscape) {
      var active = -1;
      function opts() { return list.querySelectorAll('[role=option]'); }
      function show(i) {
        var o = opts();
        o.forEach(function (el, k) { el.setAttribute('aria-selected', k === i ? 'true' : 'false'); });
        active = i;
        if (i >= 0 && o[i]) {
          input.setAttribute('aria-activedescendant', o[i].id);
          o[i].scrollIntoView({block: 'nearest'});
        } else input.removeAttribute('aria-activedescendant');
      }
      input.addEventListener('keydown', function (e) {
        var n = opts().length;
        if (e.key === 'ArrowDown' && n) { e.preventDefault(); show(Math.min(active + 1, n - 1)); }
        else if (e.key === 'ArrowUp' && n) { e.preventDefault(); show(Math.max(active - 1, -1)); }
        // The selection is read from the list itself: a redraw between
        // the arrow and Enter must not turn Enter into a form submit.
        else if (e.key === 'Enter' && list.querySelector('[aria-selected=true] a')) {
          e.preventDefault();
          location.href = list.querySelector('[aria-selected=true] a').href;
        } else if (e.key === 'Escape' && onEscape) onEscape();
      });
      // Enter's keypress can still submit the form (a synthetic or IME
      // Enter): with a result selected, the submit opens that result.
      if (input.form) input.form.addEventListener('submit', function (e) {
        var a = list.querySelector('[aria-selected=true] a');
        if (a) { e.preventDefault(); e.stopImmediatePropagation(); location.href = a.href; }
      });
      return function reset() { show(-1); };
    }

    // rendered records how long results took from the last keystroke
    // (e2e TestSearchRenderBench reads these measures).
    function rendered(since, q) {
      if (since && performance.measure) performance.measure('bt-search', {start: since, end: performance.now(), detail: q});
    }

    function fail(el, err) {
      el.textContent = t('error');
      if (root.console) console.error(err);
    }

    // The header box, and the home page's: a dropdown of the first results.
    document.querySelectorAll('form.bt-search input, form.home-search input').forEach(function (box, n) {
      var drop = document.createElement('div'), list = document.createElement('ol'), status = document.createElement('p');
      var all = document.createElement('a'), seq = 0;
      drop.className = 'search-drop';
      drop.hidden = true;
      list.id = 'bt-search-drop' + (n ? '-' + n : '');
      list.setAttribute('role', 'listbox');
      list.setAttribute('aria-label', box.getAttribute('aria-label'));
      status.className = 'search-status';
      status.setAttribute('role', 'status');
      all.className = 'search-all';
      all.textContent = t('all');
      drop.append(status, list, all);
      box.form.appendChild(drop);
      box.setAttribute('role', 'combobox');
      box.setAttribute('aria-controls', list.id);
      box.setAttribute('aria-expanded', 'false');
      var close = function () { drop.hidden = true; box.setAttribute('aria-expanded', 'false'); };
      var reset = keys(box, list, close);
      var timer = 0, lastKey = 0;
      var run = async function () {
        var my = ++seq, q = box.value.trim();
        if (!q) { close(); return; }
        // The same query again (a late first run, a key that changed
        // nothing): keep the list and the active result.
        if (q === drop.dataset.q && !drop.hidden) return;
        try {
          var r = await engine.results(q, {}, 6, 0);
          if (my !== seq) return;
          list.replaceChildren.apply(list, r.docs.map(function (d) { return item(d, r.terms, 90); }));
          status.textContent = r.total ? t('count').replace('%d', r.total) : t('none');
          all.href = '/search/?q=' + encodeURIComponent(q);
          all.hidden = !r.total;
          reset();
          drop.dataset.q = q; // what the list shows (tests wait for it)
          drop.hidden = false;
          box.setAttribute('aria-expanded', 'true');
          rendered(lastKey, q);
        } catch (err) { if (my === seq) { fail(status, err); drop.hidden = false; } }
      };
      var typed = box.value;
      box.addEventListener('input', function (e) {
        lastKey = e.timeStamp;
        clearTimeout(timer);
        timer = setTimeout(run, DEBOUNCE);
        engine.prefetch(typed, box.value).catch(function () {});
        typed = box.value;
      });
      document.addEventListener('click', function (e) { if (!box.form.contains(e.target)) close(); });
      if (box.value) run();
    });

    // The /search/ page: every result, filters, ?q= in the address.
    var page = document.getElementById('bt-search-page');
    if (page) {
      var form = page.querySelector('form'), q = form.elements.q, country = form.elements.country;
      var section = form.elements.section, results = document.getElementById('bt-search-results');
      var pstatus = document.getElementById('bt-search-status'), more = document.getElementById('bt-search-more');
      var params = new URLSearchParams(location.search), pseq = 0, next = -1;
      form.hidden = false;
      q.value = params.get('q') || '';
      results.setAttribute('role', 'listbox');
      results.setAttribute('aria-label', q.labels[0].textContent);
      q.setAttribute('role', 'combobox');
      q.setAttribute('aria-controls', results.id);
      var preset = {country: params.get('country') || '', section: params.get('section') || ''};
      section.value = preset.section;
      var preset2 = keys(q, results);
      var search = async function (append) {
        var my = ++pseq, text = q.value.trim(), f = {country: country.value, section: section.value};
        var u = new URL(location.href);
        ['q', 'country', 'section'].forEach(function (k) {
          var v = k === 'q' ? text : f[k];
          if (v) u.searchParams.set(k, v); else u.searchParams.delete(k);
        });
        history.replaceState(null, '', u);
        if (!text) { results.replaceChildren(); pstatus.textContent = ''; more.hidden = true; return; }
        try {
          var r = await engine.results(text, f, 20, append ? next : 0);
          if (my !== pseq) return;
          var els = r.docs.map(function (d) { return item(d, r.terms, 240); });
          if (append) els.forEach(function (el) { results.appendChild(el); });
          else { results.replaceChildren.apply(results, els); preset2(); }
          next = r.next;
          results.dataset.q = text;
          more.hidden = next < 0;
          pstatus.textContent = r.docs.length || append ? t('count').replace('%d', r.total) : t('none');
          if (!append) rendered(plast, text);
        } catch (err) { if (my === pseq) fail(pstatus, err); }
      };
      engine.load(false).then(function (e) {
        e.countries.forEach(function (c) {
          var o = document.createElement('option');
          o.value = c.slug;
          o.textContent = c.name;
          country.appendChild(o);
        });
        country.value = preset.country;
        search(false);
      }, function (err) { fail(pstatus, err); });
      var ptimer = 0, plast = 0, ptyped = q.value;
      q.addEventListener('input', function (e) {
        plast = e.timeStamp;
        clearTimeout(ptimer);
        ptimer = setTimeout(function () { search(false); }, DEBOUNCE);
        engine.prefetch(ptyped, q.value).catch(function () {});
        ptyped = q.value;
      });
      country.addEventListener('change', function () { search(false); });
      section.addEventListener('change', function () { search(false); });
      more.addEventListener('click', function () { search(true); });
      form.addEventListener('submit', function (e) { e.preventDefault(); search(false); });
    }
  }

  var api = {terms: terms, stem: stem, Engine: Engine, snippet: snippet, fnv: fnv, merge: merge};
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') ui();
})(typeof window !== 'undefined' ? window : globalThis);
