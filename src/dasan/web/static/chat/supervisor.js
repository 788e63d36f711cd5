/* Supervisor view: live queues, waiting contacts and agents (pushed over a WebSocket). */
"use strict";
(() => {
  const { el, wsUrl, Socket, api } = Dasan;
  const $ = (id) => document.getElementById(id);
  const stateLabel = { available: "상담 가능", busy: "상담 중(최대)", break: "휴식", wrap_up: "후처리", offline: "오프라인" };

  function rows(tbody, items, cells) {
    tbody.textContent = "";
    for (const it of items) tbody.append(el("tr", {}, ...cells(it).map((c, i) => el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, c))));
  }

  function render(d) {
    $("sv-meta").textContent = `mode: ${d.mode} · bot: ${d.bot_sessions} · ${new Date().toLocaleTimeString()}`;
    rows($("sv-queues"), d.queues, (q) => [q.name, q.waiting, q.live, q.longest_wait_seconds, q.priority]);
    rows($("sv-waiting"), d.waiting, (w) => ["#" + w.id, w.queue, w.subject || "", w.wait_seconds,
      [w.crisis ? "위기" : "", w.priority ? "P" + w.priority : "", w.language !== "ko" ? w.language : ""].filter(Boolean).join(" ")]);
    rows($("sv-agents"), d.agents, (a) => [a.name, a.team || "", (Dasan.lang === "en" ? a.state : stateLabel[a.state] || a.state),
      a.state_seconds, `${a.open_chats}/${a.max_chats}`]);
  }

  new Socket(() => wsUrl("/api/chat/ws/supervisor"), { event: (ev) => { if (ev.type === "overview") render(ev); } });
  api("GET", "/api/chat/supervisor/overview").then(render).catch(() => {});
})();
