// search-box.js: turns the header's "Search" link (which, without
// JavaScript, leads to /search/ and its explanation) into a search box,
// and loads search.js the first time the box is used: pages that are only
// read never download the search code. "/" focuses the box. The home
// page's own search form loads it the same way.
(function () {
  'use strict';
  var a = document.querySelector('a.search-link'), home = document.querySelector('form.home-search input');
  var loaded = false, src = (a && a.dataset.src) || (home && home.form.dataset.src);
  function load() {
    if (loaded) return;
    loaded = true;
    var s = document.createElement('script');
    s.src = src;
    document.head.appendChild(s);
  }
  if (home) {
    home.addEventListener('focus', load);
    home.addEventListener('input', load);
  }
  if (!a) return;
  var form = document.createElement('form'), input = document.createElement('input');
  form.className = 'bt-search';
  form.setAttribute('role', 'search');
  form.action = '/search/';
  form.method = 'get';
  input.type = 'search';
  input.name = 'q';
  input.autocomplete = 'off';
  input.placeholder = a.dataset.placeholder;
  input.setAttribute('aria-label', a.dataset.label);
  input.setAttribute('aria-keyshortcuts', '/');
  form.appendChild(input);
  a.replaceWith(form);
  input.addEventListener('focus', load);
  input.addEventListener('input', load);
  document.addEventListener('keydown', function (e) {
    var el = document.activeElement;
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || (el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable))) return;
    e.preventDefault();
    input.focus();
  });
})();
