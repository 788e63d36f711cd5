/* Supervisor view: live queues, waiting contacts and agents (pushed over a WebSocket), with SLA
   colours on waits, an alarm when a wait turns red, and force close of a waiting contact. */
"use strict";
(() => {
  const { t, el, wsUrl, Socket, api } = Dasan;
  const $ = (id) => document.getElementById(id);
  let red = new Set();  // contacts already red (the alarm sounds once per contact)

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
      [w.crisis ? t("crisis") : "", w.priority ? "P" + w.priority : "", w.language !== "ko" ? w.language : ""].filter(Boolean).join(" "),
      el("button", { type: "button", onclick: (e) => forceClose(w.id, e.currentTarget) }, t("force_close"))], (w) => sla(w.sla));
    rows($("sv-agents"), d.agents, (a) => [a.name, a.team || "", (Dasan.lang === "en" ? a.state : a.state_ko || a.state),
      a.state_seconds, `${a.open_chats}/${a.max_chats}`], (a) => ({ class: "state-" + a.state }));
    const nowRed = new Set(d.waiting.filter((w) => w.sla === "alert").map((w) => w.id));
    const fresh = [...nowRed].filter((id) => !red.has(id));
    if (fresh.length) {
      alarm();
      $("sv-alarm").hidden = false;
      $("sv-alarm-text").textContent = t("sla_alarm", { n: nowRed.size, s: d.sla.alert_seconds });
    }
    if (!nowRed.size) $("sv-alarm").hidden = true;
    red = nowRed;
  }

  $("sv-alarm-ack").addEventListener("click", () => { $("sv-alarm").hidden = true; $("sv-waiting").focus(); });
  new Socket(() => wsUrl("/api/chat/ws/supervisor"), { event: (ev) => { if (ev.type === "overview") render(ev); } });
  api("GET", "/api/chat/supervisor/overview").then(render).catch(() => {});
})();
