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

  // What to tell the user about a refused request (the API's {detail, code} and the HTTP
  // status; status 0 when the server could not be reached). A Korean page never shows the
  // API's English `detail`: it says the code's text from the page's #error-text catalog (else
  // the status's, else a generic one). An English page shows the API's own detail.
  var errorTexts = null;
  window.dasanErrorMessage = function (data, status) {
    if (errorTexts === null) {
      var node = document.getElementById("error-text");
      try { errorTexts = JSON.parse((node && node.textContent) || "{}"); } catch (e) { errorTexts = {}; }
    }
    data = data || {};
    if (document.documentElement.lang === "en" && typeof data.detail === "string" && data.detail) {
      return data.detail;
    }
    status = Number(status || data.status || 0);
    return errorTexts["code:" + data.code] || errorTexts["status:" + status] ||
      (status >= 500 ? errorTexts["status:5xx"] : "") || errorTexts.generic || "Error";
  };

  // File pickers (<input type=file>): the browser draws its own button and "no file chosen"
  // text in the browser's language, whatever the page's. The input stays in the page (the
  // keyboard and screen readers reach it; CSS .file-input hides only its drawing), its label
  // is drawn as the page's button, and with data-none the names of the chosen files (or the
  // data-none text) are shown after it in the page's language.
  function showFileNames(input) {
    var out = input.nextElementSibling;
    if (!out || !out.classList.contains("file-names")) return;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    out.textContent = names.length ? names.join(", ") : input.getAttribute("data-none");
  }
  function dressFileInputs() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]"), function (input) {
      if (input.classList.contains("file-input")) return;
      input.classList.add("file-input");
      var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
      (label || input.closest("label") || { classList: { add: function () {} } })
        .classList.add("file-pick");
      if (input.hasAttribute("data-none")) {
        var out = document.createElement("span");
        out.className = "file-names";
        out.setAttribute("aria-live", "polite");
        input.insertAdjacentElement("afterend", out);
        showFileNames(input);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", dressFileInputs);
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("input[type=file]")) showFileNames(el);
  });
  document.addEventListener("reset", function (ev) {
    var form = ev.target;
    setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), showFileNames);
    }, 0);
  });

  // <select data-autosubmit>: submit its form when the choice changes.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
})();
