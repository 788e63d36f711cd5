// Visible ARS page: shows the live flow's menu, and each choice steers the call.
(function () {
  "use strict";
  var root = document.getElementById("vars");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("vars-data").textContent);
  var S = data.strings;
  var en = data.lang === "en";
  var token = root.getAttribute("data-token");
  var api = "/api/voice/visible-ars/" + encodeURIComponent(token);
  var statusEl = document.getElementById("vars-status");
  var menuEl = document.getElementById("vars-menu");
  var answerEl = document.getElementById("vars-answer");
  var backEl = document.getElementById("vars-back");
  var state = statusEl.getAttribute("data-state");
  var path = data.menu ? [data.menu] : [];
  var leaf = null;

  function label(item) { return item.label || (en ? item.label_en : item.label_ko); }

  function showState(s, note) {
    state = s;
    root.setAttribute("data-call-state", s);
    statusEl.textContent = (note ? note + " " : "") + (S[s] || "");
    var live = s === "ars" || s === "queue";
    document.getElementById("vars-agent").disabled = !live;
  }

  function renderMenu() {
    var current = path[path.length - 1];
    menuEl.textContent = "";
    if (!current) { return; }
    var h = document.createElement("h2");
    h.textContent = label(current);
    menuEl.appendChild(h);
    var list = document.createElement("ul");
    list.className = "vars-list";
    current.children.forEach(function (item) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "vars-item";
      b.setAttribute("data-node", item.node);
      b.textContent = (item.key ? item.key + ". " : "") + label(item);
      b.addEventListener("click", function () { pick(item); });
      li.appendChild(b);
      list.appendChild(li);
    });
    menuEl.appendChild(list);
    backEl.hidden = path.length < 2;
  }

  function showAnswer(item) {
    answerEl.hidden = false;
    document.getElementById("vars-answer-title").textContent = item.answer ? item.answer.title : label(item);
    document.getElementById("vars-answer-text").textContent = item.answer ? item.answer.text :
      (data.answers_pending ? S.loading : S.no_answer);
    var meta = "";
    if (item.answer) {
      meta = [item.answer.owner ? S.owner + ": " + item.answer.owner : "",
              item.answer.review_due ? S.review + ": " + item.answer.review_due : ""].filter(Boolean).join(" · ");
    }
    document.getElementById("vars-answer-meta").textContent = meta;
    answerEl.focus();
  }

  function send(action, node) {
    var body = JSON.stringify({ action: action, node: node || null });
    return fetch(api + "/choose", {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-Visible-ARS": "1" }
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) {
          statusEl.textContent = r.status === 410 ? S.expired : (j.code ? window.dasanErrorMessage(j, r.status) : S.failed);
          return null;
        }
        showState(j.call_state, en ? j.message_en : j.message_ko);
        return j;
      });
    }).catch(function () { statusEl.textContent = S.failed; return null; });
  }

  function pick(item) {
    if (item.kind === "menu") {
      path.push(item);
      leaf = null;
      answerEl.hidden = true;
      renderMenu();
      if (state === "ars") { send("go", item.node); }
      return;
    }
    leaf = item;
    showAnswer(item);
    if (state === "ars" && item.answer) { send("say", item.node); }
  }

  backEl.addEventListener("click", function () {
    if (path.length > 1) { path.pop(); leaf = null; answerEl.hidden = true; renderMenu(); }
  });
  document.getElementById("vars-agent").addEventListener("click", function () {
    send("agent", leaf ? leaf.node : null);
  });
  document.getElementById("vars-sms").addEventListener("click", function () {
    if (!leaf || !leaf.answer) { statusEl.textContent = S.pick_first; return; }
    send("sms", leaf.node);
  });
  document.getElementById("vars-callback").addEventListener("click", function () {
    send("callback", leaf ? leaf.node : null);
  });

  function poll() {
    fetch(api + "/state", { credentials: "same-origin" }).then(function (r) {
      if (r.status === 410) { statusEl.textContent = S.expired; return null; }
      return r.ok ? r.json() : null;
    }).then(function (j) {
      if (j && j.call_state !== state) { showState(j.call_state); }
    }).catch(function () { return null; });
  }

  // A cold knowledge index after a restart: the menu is drawn at once and the answers are
  // filled in when the server has them.
  function walk(item, fn) { fn(item); (item.children || []).forEach(function (c) { walk(c, fn); }); }

  function loadAnswers() {
    fetch(api + "/answers", { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (j) {
      if (!j || !j.ready) { window.setTimeout(loadAnswers, 1500); return; }
      walk(data.menu, function (item) { if (j.answers[item.node]) { item.answer = j.answers[item.node]; } });
      data.answers_pending = false;
      root.setAttribute("data-answers", "ready");
      if (leaf && !answerEl.hidden) { showAnswer(leaf); }
    }).catch(function () { window.setTimeout(loadAnswers, 3000); });
  }

  showState(state);
  renderMenu();
  if (data.answers_pending && data.menu) { loadAnswers(); } else { root.setAttribute("data-answers", "ready"); }
  window.setInterval(poll, 4000);
})();
