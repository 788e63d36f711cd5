/* Crisis alerts on the supervisor page: a badge with a sound for every new alert, and an
   acknowledge button. Standalone (no inline script, no shared helpers). */
"use strict";
(() => {
  const list = document.getElementById("crisis-list");
  if (!list) return;
  const badge = document.getElementById("crisis-badge");
  const empty = document.getElementById("crisis-empty");
  const en = list.dataset.lang === "en";
  const alerts = new Map();

  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.35);
    } catch (e) { /* sound is a courtesy; the badge is the alert */ }
  }

  function text(tag, value, cls) {
    const node = document.createElement(tag);
    node.textContent = value;
    if (cls) node.className = cls;
    return node;
  }

  async function acknowledge(id, button) {
    button.disabled = true;
    const r = await fetch(`/api/crisis/alerts/${id}/ack`, { method: "POST", headers: { "Accept": "application/json" } });
    if (r.ok || r.status === 409) { alerts.delete(id); render(); } else { button.disabled = false; }
  }

  function render() {
    list.textContent = "";
    const items = [...alerts.values()].sort((a, b) => b.severity - a.severity || a.id - b.id);
    for (const a of items) {
      const li = document.createElement("li");
      li.dataset.alertId = a.id;
      li.className = "crisis-alert" + (a.imminent ? " imminent" : "");
      li.append(text("strong", en ? a.label_en : a.label_ko), " ");
      if (a.imminent) li.append(text("span", list.dataset.imminent, "badge warn"), " ");
      if (a.waiting) li.append(text("span", list.dataset.waiting, "badge"), " ");
      if (a.escalations) li.append(text("span", `${list.dataset.escalated} ×${a.escalations}`, "badge warn"), " ");
      if (a.level === "floor_lead") li.append(text("span", list.dataset.floorLead, "badge warn"), " ");
      if (a.level === "department_head") li.append(text("span", list.dataset.departmentHead, "badge warn"), " ");
      li.append(text("span", `#${a.consultation_id} · ${a.excerpt || ""}`), " ");
      const b = text("button", list.dataset.ack, "primary");
      b.type = "button";
      b.addEventListener("click", () => acknowledge(a.id, b));
      li.append(b);
      list.append(li);
    }
    badge.textContent = String(items.length);
    badge.className = items.length ? "badge warn" : "badge";
    empty.hidden = items.length > 0;
  }

  function onEvent(ev) {
    if (ev.type === "crisis_open") {
      const fresh = ev.alerts.some((a) => !alerts.has(a.id));
      alerts.clear();
      for (const a of ev.alerts) alerts.set(a.id, a);
      if (fresh) beep();
    } else if (ev.type === "crisis_alert" || ev.type === "crisis_escalation") {
      alerts.set(ev.alert.id, ev.alert);
      beep();
    } else if (ev.type === "crisis_acknowledged") {
      alerts.delete(ev.alert_id);
    } else return;
    render();
  }

  let delay = 500;
  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/api/crisis/ws/alerts`);
    ws.onopen = () => { delay = 500; };
    ws.onmessage = (m) => { try { onEvent(JSON.parse(m.data)); } catch (e) { console.error(e); } };
    ws.onclose = (ev) => { if (ev.code !== 4401) { setTimeout(connect, delay); delay = Math.min(delay * 2, 5000); } };
  }
  render();
  connect();
})();
