// search-box.js: turns the header's "Search" link (which, without
// JavaScript, leads to /search/ and its explanation) into a search box,
// and loads search.js the first time the box is used: pages that are only
// read never download the search code. "/" focuses the box.
(function () {
  'use strict';
  var a = document.querySelector('a.search-link');
  if (!a) return;
  var form = document.createElement('form'), input = document.createElement('input'), loaded = false;
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
  function load() {
    if (loaded) return;
    loaded = true;
    var s = document.createElement('script');
    s.src = a.dataset.src;
    document.head.appendChild(s);
  }
  input.addEventListener('focus', load);
  input.addEventListener('input', load);
  document.addEventListener('keydown', function (e) {
    var el = document.activeElement;
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || (el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable))) return;
    e.preventDefault();
    input.focus();
  });
})();
