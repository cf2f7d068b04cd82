/* beforetrip: the passport select of a country's checklist card. The
   reader's choice is kept in this browser only (localStorage), never sent
   anywhere; without JavaScript every rule is listed in the <details>. */
(function () {
  'use strict';
  var sel = document.getElementById('passport');
  if (!sel) return;
  var box = sel.closest('[data-entry]');
  var picked = box.querySelector('.entry-picked');
  var KEY = 'bt-passport';
  function show(code) {
    var rules = box.querySelectorAll('.entry-all [data-passport]');
    var rule = null;
    for (var i = 0; i < rules.length; i++) {
      var p = rules[i].getAttribute('data-passport');
      if (p === code || (!rule && p === 'default')) rule = rules[i];
    }
    if (!rule) return;
    sel.value = rule.getAttribute('data-passport');
    picked.replaceChildren(rule.cloneNode(true));
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* storage off: the page default stays */ }
  if (saved) show(saved);
  sel.addEventListener('change', function () {
    show(sel.value);
    try { localStorage.setItem(KEY, sel.value); } catch (e) { /* not remembered, still shown */ }
  });
  sel.closest('.passport-pick').hidden = false;
})();
