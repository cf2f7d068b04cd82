// query.js PUBLIC QUERIES.json: runs each query of QUERIES.json through
// search.js's Engine against the index in the built site PUBLIC (files
// read from disk as nginx would serve them) and prints the URLs of the top
// three results of each, as JSON. Used by search/relevance_test.go.
const fs = require('fs');
const path = require('path');
const s = require(path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'js', 'search.js'));
const pub = process.argv[2];
const queries = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const get = async (u) => {
  let b;
  try { b = fs.readFileSync(path.join(pub, u)); } catch (e) { return {ok: false, status: 404}; }
  return {ok: true, status: 200, json: async () => JSON.parse(b.toString('utf8')),
    arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.length)};
};
(async () => {
  const e = new s.Engine('/search/', get);
  const out = [];
  for (const q of queries) out.push((await e.results(q, {}, 3, 0)).docs.map((d) => decodeURI(d.u)));
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
