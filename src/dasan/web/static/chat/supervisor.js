/* Supervisor view: live queues, waiting contacts, live chats and agents (pushed over a
   WebSocket), with SLA colours on waits, an alarm when a wait turns red, force close of a
   waiting contact; issue alerts and @mentions as they come; monitor a chat (read-only),
   whisper to its agent, take it over; a notice to every agent; the monitored chat's raw text
   through the audited 원문 보기 (/static/reveal.js) for a role that may reveal. */
"use strict";
(() => {
  const { t, el, wsUrl, Socket, api, time } = Dasan;
  const $ = (id) => document.getElementById(id);
  let red = new Set();  // contacts already red (the alarm sounds once per contact)
  let sock = null;
  let alarmKind = null;  // "sla" (cleared when no wait is red) or "notice" (until acknowledged)
  let watching = null;  // the monitored chat
  const seenSeq = new Set();

  function rows(tbody, items, cells, attrs) {
    tbody.textContent = "";
    for (const it of items) {
      tbody.append(el("tr", attrs ? attrs(it) : {},
        ...cells(it).map((c, i) => el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, c))));
    }
  }

  const sla = (level) => ({ class: "sla-" + level });
  const slaText = (level, seconds) => `${seconds} · ${t("sla_" + level)}`;

  function alarm() {
    try {
      const ctx = alarm.ctx || (alarm.ctx = new (window.AudioContext || window.webkitAudioContext)());
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 520; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* no audio device */ }
  }

  async function forceClose(id, button) {
    if (!window.confirm(t("force_close_confirm", { id }))) return;
    button.disabled = true;
    try { await api("POST", `/api/chat/consultations/${id}/close`, {}); }
    catch (err) { $("sv-meta").textContent = t("error") + ": " + err.message; button.disabled = false; }
    $("sv-waiting").focus();
  }

  function render(d) {
    $("sv-meta").textContent = `${t("mode")}: ${Dasan.lang === "en" ? d.mode : d.mode_ko} · ${t("bot_sessions")}: ${d.bot_sessions} · ${new Date().toLocaleTimeString()}`;
    rows($("sv-queues"), d.queues, (q) => [q.name, q.waiting, q.live, slaText(q.sla, q.longest_wait_seconds), q.priority], (q) => sla(q.sla));
    rows($("sv-waiting"), d.waiting, (w) => ["#" + w.id, w.queue_name || w.queue, w.subject || "", slaText(w.sla, w.wait_seconds),
      [w.crisis ? t("crisis") : "", w.priority ? "P" + w.priority : "", w.language !== "ko" ? t("lang_" + w.language) : ""].filter(Boolean).join(" "),
      el("button", { type: "button", onclick: (e) => forceClose(w.id, e.currentTarget) }, t("force_close"))], (w) => sla(w.sla));
    rows($("sv-live"), d.live || [], (c) => ["#" + c.id, c.agent_name || "", c.queue_name || "", c.subject || "",
      c.answered ? t("answered") : t("not_answered"), slaText(c.sla, c.seconds),
      el("span", {},
        el("button", { type: "button", onclick: () => monitor(c.id) }, t("monitor")), " ",
        el("button", { type: "button", onclick: (e) => takeOver(c.id, e.currentTarget) }, t("take_over")))], (c) => sla(c.sla));
    $("sv-thresholds").textContent = t("sla_thresholds", { w1: d.sla.warn_seconds, w2: d.sla.alert_seconds,
      h1: d.sla.handle_warn_seconds, h2: d.sla.handle_alert_seconds });
    rows($("sv-agents"), d.agents, (a) => [a.name, a.team || "", (Dasan.lang === "en" ? a.state : a.state_ko || a.state),
      a.state_seconds, `${a.open_chats}/${a.max_chats}`], (a) => ({ class: "state-" + a.state }));
    const nowRed = new Set(d.waiting.filter((w) => w.sla === "alert").map((w) => w.id));
    const fresh = [...nowRed].filter((id) => !red.has(id));
    if (fresh.length) {
      alarm();
      alarmKind = "sla";
      $("sv-alarm").hidden = false;
      $("sv-alarm-text").textContent = t("sla_alarm", { n: nowRed.size, s: d.sla.alert_seconds });
    }
    if (!nowRed.size && alarmKind === "sla") $("sv-alarm").hidden = true;
    red = nowRed;
  }

  function raise(text) {
    alarm();
    alarmKind = "notice";
    $("sv-alarm").hidden = false;
    $("sv-alarm-text").textContent = text;
  }

  // --- issue alerts, pushed as they are stored ---
  function alertRow(a) {
    const w0 = new Date(a.window_start), w1 = new Date(a.window_end);
    const hm = (d) => d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return el("tr", { "data-alert": a.id, class: "sla-warn" },
      el("td", {}, a.topic, " ", el("span", { class: "badge" }, t("kind_" + a.topic_kind)),
        a.needs_answer ? " " : null, a.needs_answer ? el("span", { class: "badge warn" }, t("needs_answer")) : null),
      el("td", {}, `${hm(w0)}–${hm(w1)}`), el("td", { class: "num" }, a.count),
      el("td", { class: "num" }, a.baseline.toFixed(1)), el("td", { class: "num" }, a.score.toFixed(1)),
      el("td", {}, ...(a.examples || []).slice(0, 2).map((ex) => el("div", {}, ex.subject || ""))),
      el("td", {}, el("button", { type: "button", "data-ack": a.id }, t("ack"))));
  }

  function issueAlert(a) {
    if (document.querySelector(`tr[data-alert="${a.id}"]`)) return;
    $("sv-alerts").prepend(alertRow(a));
    $("sv-alerts-empty").hidden = true;
    raise(t("issue_alert", { topic: a.topic, count: a.count }));
  }

  $("sv-alerts").addEventListener("click", async (e) => {
    const btn = e.target.closest("button[data-ack]");
    if (!btn) return;
    btn.disabled = true;
    try {
      await api("POST", `/api/analytics/alerts/${btn.dataset.ack}/ack`);
      btn.closest("tr").classList.remove("sla-warn");
      btn.replaceWith("✓");
    } catch (err) { btn.disabled = false; $("sv-meta").textContent = t("error") + ": " + err.message; }
    $("sv-alerts").focus();
  });

  // --- monitor, whisper, take over ---
  // 원문 보기 (only when the page drew it: a role that may reveal): the raw text of the watched
  // chat stays on screen only while that chat is watched.
  function forgetRaw() {
    if (window.DasanReveal) window.DasanReveal.hide($("sv-monitor-log"));
  }

  function monitor(id) {
    forgetRaw();
    watching = id;
    seenSeq.clear();
    $("sv-monitor-log").textContent = "";
    if (window.DasanReveal && $("sv-monitor-log").hasAttribute("data-reveal")) window.DasanReveal.target($("sv-monitor-log"), id);
    $("sv-monitor").hidden = false;
    $("sv-monitor-id").textContent = "#" + id;
    if (sock) sock.send({ type: "monitor", consultation_id: id });
    $("whisper-body").focus();
  }

  function monitorLine(cls, who, body, at, seq) {
    const log = $("sv-monitor-log");
    log.append(el("li", seq ? { class: "msg " + cls, "data-seq": seq } : { class: "msg " + cls },
      el("span", { class: "who" }, who), el("p", { class: "reveal-body" }, body), el("time", { class: "at" }, time(at))));
    log.scrollTop = log.scrollHeight;
  }

  async function takeOver(id, button) {
    if (!window.confirm(t("take_over_confirm", { id }))) return;
    if (button) button.disabled = true;
    try {
      await api("POST", `/api/chat/consultations/${id}/take-over`);
      location.href = "/agent?chat=" + id;
    } catch (err) {
      $("sv-meta").textContent = t("error") + ": " + err.message;
      if (button) { button.disabled = false; button.focus(); }
    }
  }

  $("whisper-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = $("whisper-body").value.trim();
    if (!body || watching === null) return;
    try {
      await api("POST", `/api/chat/consultations/${watching}/whisper`, { body });
      $("whisper-body").value = "";
      $("sv-meta").textContent = t("whisper_sent");
    } catch (err) { $("sv-meta").textContent = t("error") + ": " + err.message; }
    $("whisper-body").focus();
  });
  $("sv-take-over").addEventListener("click", (e) => { if (watching !== null) takeOver(watching, e.currentTarget); });
  $("sv-monitor-stop").addEventListener("click", () => {
    forgetRaw();
    if (sock) sock.send({ type: "unmonitor" });
    watching = null;
    $("sv-monitor").hidden = true;
    $("sv-live").focus();
  });

  $("broadcast-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = $("broadcast-body").value.trim();
    if (!body) return;
    try {
      await api("POST", "/api/chat/supervisor/broadcast", { body });
      $("broadcast-body").value = "";
      $("sv-meta").textContent = t("broadcast_sent");
    } catch (err) { $("sv-meta").textContent = t("error") + ": " + err.message; }
    $("broadcast-body").focus();
  });

  function onEvent(ev) {
    switch (ev.type) {
      case "overview": render(ev); break;
      case "issue_alert": issueAlert(ev.alert); break;
      case "message":
        if (ev.consultation_id !== watching || seenSeq.has(ev.seq)) break;
        seenSeq.add(ev.seq);
        monitorLine("from-" + ev.sender, t(ev.sender), ev.body, ev.at, ev.seq);
        break;
      case "note":
        if (ev.consultation_id === watching) {
          monitorLine("from-system note" + (ev.note.kind === "whisper" ? " whisper" : ""),
            ev.note.kind === "whisper" ? t("whisper") : t("notes") + " · " + (ev.note.author || ""), ev.note.body, ev.note.at);
        }
        if (ev.note.kind === "note" && ev.note.mentions.length) {
          raise(t("mention", { author: ev.note.author || "", id: ev.consultation_id }));
        }
        break;
      case "state":
        if (ev.consultation.id === watching && ev.consultation.phase === "closed") monitorLine("from-system", t("system"), t("closed"));
        break;
      case "error": $("sv-meta").textContent = t("error") + ": " + Dasan.frameError(ev); break;
    }
  }

  $("sv-alarm-ack").addEventListener("click", () => { $("sv-alarm").hidden = true; $("sv-waiting").focus(); });
  sock = new Socket(() => wsUrl("/api/chat/ws/supervisor"), {
    open: () => { if (watching !== null) { forgetRaw(); seenSeq.clear(); $("sv-monitor-log").textContent = ""; sock.send({ type: "monitor", consultation_id: watching }); } },
    event: onEvent });
  api("GET", "/api/chat/supervisor/overview").then(render).catch(() => {});
})();
