// beforetrip serve: live reload. Loaded only by pages built for `serve`.
// Reloads the tab when a build changed this page or any asset, and shows a
// build error over the page (the last good version stays underneath) until
// the next good build.
(function () {
  "use strict";
  var boot = null;
  var overlay = null;

  function currentPath() {
    var p = location.pathname;
    try { p = decodeURIComponent(p); } catch (e) { /* keep it raw */ }
    return p.replace(/\/index\.html$/, "/");
  }

  function affectsThisPage(data) {
    if (data.all) { return true; }
    var here = currentPath();
    var paths = data.paths || [];
    for (var i = 0; i < paths.length; i++) {
      var p = paths[i];
      if (p === here || /\.(css|js)$/.test(p)) { return true; }
    }
    return false;
  }

  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "bt-live-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#7f1d1d;color:#fff;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.4)";
      var title = document.createElement("strong");
      title.textContent = "Build failed — showing the last good version. Fix the file and save:";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap;font:inherit";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text; // text, not markup: it quotes user files
  }

  function clearError() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function parse(e) {
    try { return JSON.parse(e.data); } catch (err) { return {}; }
  }

  // One stream per tab, and only while the page is shown and visible: a
  // page kept in the back/forward cache, or a tab in the background, that
  // held its stream would hold one of the browser's six connections to
  // the server, and after a few page views every navigation would wait
  // for one. When the page comes back, the stream opens again with the id
  // of the last event seen, and the server sends what was missed (a page
  // edited meanwhile reloads).
  var es = null;
  // last is the id of the last build event this page knows of. The server
  // fills in the id current when it serves this script, so a page knows
  // where it stands before its stream's hello arrives: a page hidden before
  // that (a quick click away) could otherwise not ask what it missed when
  // it came back from the back/forward cache, and stayed stale.
  var last = "";

  function seen(e) {
    if (e.lastEventId) { last = e.lastEventId; }
  }

  function connect() {
    if (es || document.visibilityState === "hidden") { return; }
    es = new EventSource("/_live/events" + (last ? "?last=" + encodeURIComponent(last) : ""));
    es.addEventListener("hello", function (e) {
      seen(e);
      var d = parse(e);
      if (boot !== null && d.boot !== boot) {
        location.reload(); // the server restarted: pages may differ
        return;
      }
      boot = d.boot;
    });
    es.addEventListener("reload", function (e) {
      seen(e);
      clearError();
      if (affectsThisPage(parse(e))) { location.reload(); }
    });
    // A build for likes, comments or reader reviews: the widget shows
    // those live; reloading would lose a comment being typed.
    es.addEventListener("data", function (e) {
      seen(e);
      clearError();
    });
    es.addEventListener("build-error", function (e) {
      seen(e);
      showError(parse(e).error || "build failed");
    });
  }

  function disconnect() {
    if (es) {
      es.close();
      es = null;
    }
  }

  if (window.EventSource) {
    if (document.body) { connect(); } else { document.addEventListener("DOMContentLoaded", connect); }
    addEventListener("pagehide", disconnect);
    addEventListener("pageshow", function () {
      if (document.body) { connect(); }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { disconnect(); } else if (document.body) { connect(); }
    });
  }
})();
