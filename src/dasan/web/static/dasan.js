// Dasan pages: shared behaviour loaded by base.html (no inline script anywhere: the
// Content-Security-Policy forbids it).
(function () {
  "use strict";

  // CSRF: every same-origin state-changing fetch() carries the login session's CSRF token.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var m = document.cookie.match(/(?:^|;\s*)dasan_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  var SAFE = { GET: 1, HEAD: 1, OPTIONS: 1 };
  var nativeFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    init = init || {};
    var method = (init.method || (input && input.method) || "GET").toUpperCase();
    var url = new URL(typeof input === "string" ? input : input.url, window.location.href);
    if (!SAFE[method] && url.origin === window.location.origin) {
      var headers = new Headers(init.headers || (typeof input !== "string" && input.headers) || {});
      if (!headers.has("X-CSRF-Token")) headers.set("X-CSRF-Token", csrfToken());
      init = Object.assign({}, init, { headers: headers });
    }
    return nativeFetch(input, init);
  };

  // <select data-autosubmit>: submit its form when the choice changes.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
})();
