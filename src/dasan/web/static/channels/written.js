// The owning department's written desk (agents answer on /agent): open a thread, answer
// (original and translation side by side), close.
(function () {
  "use strict";
  var root = document.getElementById("written");
  if (!root) return;
  var L = root.dataset;
  var panel = document.getElementById("thread-panel");
  var log = document.getElementById("thread-log");
  var title = document.getElementById("thread-title");
  var status = document.getElementById("reply-status");
  var current = null;
  var outcomes = JSON.parse(document.getElementById("outcome-labels").textContent);

  function api(method, path, body) {
    var opts = { method: method, headers: { "Content-Type": "application/json" }, credentials: "same-origin" };
    if (body) opts.body = JSON.stringify(body);
    return fetch("/api/channels" + path, opts).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(window.dasanErrorMessage(data, r.status));
        return data;
      });
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // A stored (UTC) RFC 3339 time on the reader's clock, "YYYY-MM-DD HH:MM".
  function localMinute(stamp) {
    var d = new Date(stamp);
    if (isNaN(d)) return "";
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes());
  }
  function label(sender) {
    return { citizen: L.lCitizen, agent: L.lAgent, bot: L.lBot, system: L.lSystem }[sender] || sender;
  }
  function render(thread) {
    title.textContent = "#" + thread.id + " " + (thread.subject || "");
    log.textContent = "";
    thread.messages.forEach(function (m) {
      var li = el("li", "msg " + m.direction);
      var who = el("p", "who", label(m.sender) + " · " + m.language);
      var state = L["lStatus" + m.delivery_status.charAt(0).toUpperCase() + m.delivery_status.slice(1)];
      who.appendChild(el("time", "", localMinute(m.at) + (state ? " · " + state : "")));
      li.appendChild(who);
      li.appendChild(el("div", "body", m.body));
      if (m.translation) {
        var tr = el("div", "translation");
        tr.appendChild(el("strong", "", (m.direction === "in" ? L.lTranslation : L.lOriginal) + " (" + m.translation_language + "): "));
        tr.appendChild(document.createTextNode(m.translation));
        li.appendChild(tr);
      }
      log.appendChild(li);
    });
    panel.hidden = false;
  }
  // The assistant panel: the same recommender and KB search as the chat desk.
  var assist = document.getElementById("thread-assist");
  var A = assist ? assist.dataset : {};
  var replyBox = document.getElementById("reply");
  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) throw new Error(window.dasanErrorMessage(d, r.status)); return d; });
    });
  }
  function renderRecs(recs) {
    var list = document.getElementById("w-recs");
    if (!list) return;
    list.textContent = "";
    if (!recs.length) { list.appendChild(el("li", "hint", A.lNone)); return; }
    recs.forEach(function (r) {
      var li = el("li", "rec");
      li.appendChild(el("strong", "", r.title));
      li.appendChild(el("p", "", r.answer.slice(0, 300)));
      var use = el("button", "", A.lInsert);
      use.type = "button";
      use.addEventListener("click", function () { replyBox.value = r.answer; replyBox.focus(); });
      li.appendChild(use);
      list.appendChild(li);
    });
  }
  if (assist) {
    document.getElementById("w-search").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = document.getElementById("w-q").value.trim();
      if (q) getJson("/api/chat/assist?q=" + encodeURIComponent(q)).then(renderRecs).catch(function () {});
    });
  }
  function open(id) {
    current = id;
    status.textContent = "";
    if (assist) api("GET", "/threads/" + id + "/assist").then(renderRecs).catch(function () {});
    return api("GET", "/threads/" + id).then(render).catch(function (e) {
      status.textContent = L.lError + ": " + e.message;
    });
  }
  document.querySelectorAll(".open-thread").forEach(function (b) {
    b.addEventListener("click", function () { open(b.dataset.thread); });
  });
  document.getElementById("close").addEventListener("click", function () {
    if (!current) return;
    api("POST", "/threads/" + current + "/close").then(function (r) {
      status.textContent = L.lClosed + " (" + (outcomes[r.outcome] || r.outcome) + ")";
    }).catch(function (e) { status.textContent = L.lError + ": " + e.message; });
  });
  document.getElementById("reply-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var box = document.getElementById("reply");
    var text = box.value.trim();
    if (!text || !current) return;
    api("POST", "/threads/" + current + "/reply", { text: text, translate: document.getElementById("translate").checked })
      .then(function () { box.value = ""; return open(current); })
      .then(function () { status.textContent = L.lSent; })  // open() clears the status line
      .catch(function (e) { status.textContent = L.lError + ": " + e.message; });
  });
})();
