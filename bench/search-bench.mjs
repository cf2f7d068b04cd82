// search-bench.mjs PUBLIC PAGEFIND CONTENT: the first-query transfer and the
// Korean particle recall of our search (search.js on PUBLIC/search) and of
// Pagefind (pagefind.js on PAGEFIND, Pagefind's output for the same
// PUBLIC), both run in node on the files as nginx would serve them: every
// fetched file is logged, and its bytes on the wire are its size when it is
// gzip already (our shards, Pagefind's index, fragments and wasm) or its
// gzip -5 size when nginx compresses it (deploy/nginx.conf: js, json).
// CONTENT is the site's Markdown, where particle-only nouns are found.
// Prints JSON.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const [pub, pfDir, content] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const queries = ['visa', 'tipping', 'japan rail pass', 'sim card', '교통카드', '일본'];

// wire is what nginx sends for a file: gzip -5 of text it compresses.
const wire = (file, b) => /\.(js|json)$/.test(file) ? zlib.gzipSync(b, {level: 5}).length : b.length;

async function ours() {
  const s = createRequire(import.meta.url)(path.join(here, '..', 'themes', 'default', 'static', 'js', 'search.js'));
  let log = [];
  const get = async (u) => {
    let b;
    try { b = fs.readFileSync(path.join(pub, u)); } catch { return {ok: false, status: 404}; }
    log.push({u, bytes: wire(u, b)});
    return {ok: true, status: 200, json: async () => JSON.parse(b.toString('utf8')),
      arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.length)};
  };
  const script = wire('search.js', fs.readFileSync(path.join(here, '..', 'themes', 'default', 'static', 'js', 'search.js')));
  const out = {};
  for (const q of queries) {
    log = [{u: 'js/search.js', bytes: script}];
    const e = new s.Engine('/search/', get); // a fresh page: nothing cached
    const r = await e.results(q, {}, 6, 0);
    out[q] = {requests: log.length, bytes: log.reduce((a, f) => a + f.bytes, 0), total: r.total, files: log.map((f) => f.u)};
  }
  const all = async (q) => {
    const e = new s.Engine('/search/', get);
    const r = await e.results(q, {}, 1e6, 0);
    return new Set(r.docs.map((d) => decodeURI(d.u)));
  };
  return {transfer: out, all};
}

async function pagefind() {
  let log = [];
  globalThis.fetch = async (u) => {
    const rel = decodeURI(new URL(u, 'file:///').pathname).replace(/^\/pagefind\//, '');
    const b = fs.readFileSync(path.join(pfDir, rel));
    log.push({u: rel, bytes: wire(rel, b)});
    return new Response(b);
  };
  const js = path.join(pfDir, 'pagefind.js');
  const out = {};
  const fresh = async () => {
    const pf = await import(js + '?' + Math.random()); // a fresh page: nothing cached
    await pf.options({basePath: '/pagefind/'});
    await pf.init();
    return pf;
  };
  for (const q of queries) {
    log = [{u: 'pagefind.js', bytes: wire('pagefind.js', fs.readFileSync(js))}];
    const pf = await fresh();
    const r = await pf.search(q);
    await Promise.all(r.results.slice(0, 6).map((x) => x.data()));
    out[q] = {requests: log.length, bytes: log.reduce((a, f) => a + f.bytes, 0), total: r.results.length, files: log.map((f) => f.u)};
  }
  const all = async (q) => {
    const pf = await fresh();
    const r = await pf.search(q);
    const d = await Promise.all(r.results.map((x) => x.data()));
    return new Set(d.map((x) => decodeURI(x.url)));
  };
  return {transfer: out, all};
}

// particleNouns returns nouns of the Korean text of CONTENT that never
// occur bare (always followed by another Hangul syllable, i.e. a particle
// or a compound) and, for each, the URLs of the pages holding it.
function particleNouns() {
  const nouns = ['현금', '식당', '보험', '숙소', '택시', '지도', '데이터', '가게', '동전', '충전기', '주소', '전압', '교통카드', '환전', '대중교통', '공항', '여권', '비자', '팁', '날씨'];
  const pages = [];
  const walk = (d) => {
    for (const f of fs.readdirSync(d, {withFileTypes: true})) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.md')) pages.push(p);
    }
  };
  walk(path.join(content, 'countries'));
  const hangul = /[\uac00-\ud7a3]/;
  const out = {};
  for (const n of nouns) {
    const urls = new Set();
    let bare = 0;
    for (const p of pages) {
      const text = fs.readFileSync(p, 'utf8').replace(/^---[\s\S]*?\n---\n/, ''); // body only
      let i = text.indexOf(n);
      if (i < 0) continue;
      for (; i >= 0; i = text.indexOf(n, i + 1)) {
        if (!hangul.test(text[i + n.length] || '')) bare++;
      }
      let id = path.relative(content, p).replace(/\.md$/, '').replace(/\/_index$/, '');
      urls.add('/' + id + '/');
    }
    if (urls.size && !bare) out[n] = urls;
  }
  return out;
}

const recall = async (all, nouns) => {
  const r = {};
  for (const [n, want] of Object.entries(nouns)) {
    const got = await all(n);
    let found = 0;
    for (const u of want) if (got.has(u)) found++;
    r[n] = {pages: want.size, found, share: found / want.size};
  }
  return r;
};

const o = await ours(), p = await pagefind();
const nouns = particleNouns();
console.log(JSON.stringify({queries, ours: {transfer: o.transfer, recall: await recall(o.all, nouns)},
  pagefind: {transfer: p.transfer, recall: await recall(p.all, nouns)}}, null, 1));
