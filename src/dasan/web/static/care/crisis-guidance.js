/* Agent desktop: the crisis panel for the agent's crisis contacts (polls /api/crisis/mine;
   standalone, no inline script). Per contact: the kind's guidance; for a call, one-click warm
   (attended) transfers to the playbook's hand-over numbers; for a chat, one click to a
   crisis-trained agent; the welfare case sent to a 동 주민센터 (the dong known from a field
   report, or chosen from the district's list). A contact that left this desk keeps its card
   with every button disabled, so a stale click cannot act on it. */
"use strict";
(() => {
  const box = document.getElementById("crisis-guidance");
  if (!box) return;
  const list = document.getElementById("crisis-guidance-list");
  const d = box.dataset;
  const en = d.lang === "en";
  const cards = new Map();  // consultation id -> {key, card}

  function node(tag, text, attrs) {
    const n = document.createElement(tag);
    if (text) n.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    return n;
  }

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body || {}) });
    let data = {};
    try { data = await r.json(); } catch (e) { /* empty */ }
    return { ok: r.ok, status: r.status, data };
  }

  function say(card, text, bad) {
    const out = card.querySelector(".cg-status");
    out.textContent = text;
    out.className = "cg-status " + (bad ? "error" : "ok");
  }

  function failed(card, res) {
    // A refusal that means the contact moved on (ended, not yours any more): stale buttons.
    if ([403, 404, 409].includes(res.status)) staleCard(card);
    say(card, d.failed, true);
  }

  function staleCard(card) {
    card.classList.add("stale");
    card.dataset.stale = "1";
    for (const b of card.querySelectorAll("button, select")) b.disabled = true;
    say(card, d.stale, false);
  }

  async function warm(cid, number, card, button) {
    button.disabled = true;
    const res = await post(`/api/crisis/consultations/${cid}/warm-transfer`, { number });
    if (res.ok) say(card, `${d.warmStarted} ${number}`);
    else { failed(card, res); if (!card.dataset.stale) button.disabled = false; }
  }

  async function toCrisisAgent(cid, card, button) {
    button.disabled = true;
    const res = await post(`/api/crisis/consultations/${cid}/crisis-agent`);
    if (res.ok) { say(card, d.handedOver); staleCard(card); say(card, d.handedOver); }
    else { failed(card, res); if (!card.dataset.stale) button.disabled = false; }
  }

  async function dongPicker(cid, card) {
    const label = node("label", d.dong + " ");
    const sel = node("select", "", { "data-role": "dong" });
    label.append(sel);
    try {
      const r = await fetch(`/api/crisis/consultations/${cid}/dongs`, { headers: { "Accept": "application/json" } });
      const data = r.ok ? await r.json() : { dongs: [] };
      if (!data.known) sel.append(node("option", d.chooseDong, { value: "" }));
      for (const x of data.dongs) {
        const o = node("option", x.dong_name, { value: x.dong_code });
        if (x.dong_code === data.known) o.selected = true;
        sel.append(o);
      }
    } catch (e) { /* the case can still be opened; the dong is named later */ }
    return { label, sel };
  }

  async function welfare(g, card) {
    const part = node("div", "", { class: "cg-welfare" });
    card.append(part);
    const c = g.case;
    if (c && c.dong) { part.append(node("p", `${d.referred}: ${c.dong}`, { class: "hint" })); return; }
    if (g.welfare_case === "none" && !c) return;
    const { label, sel } = await dongPicker(g.consultation_id, card);
    part.append(label);
    const b = node("button", c ? d.refer : d.consent, { type: "button" });
    if (card.dataset.stale) { b.disabled = true; sel.disabled = true; }
    b.addEventListener("click", async () => {
      b.disabled = true;
      const res = c
        ? await post(`/api/crisis/welfare-cases/${c.id}/refer`, { dong_code: sel.value })
        : await post("/api/crisis/welfare-cases", { consultation_id: g.consultation_id, consent: true, dong_code: sel.value || null });
      if (res.ok) {
        say(card, res.data.dong ? `${d.referred}: ${res.data.dong}` : d.opened);
        sel.disabled = true;
      } else if (res.status === 409) { say(card, d.opened); sel.disabled = true; }
      else { say(card, d.failed, true); b.disabled = false; }
    });
    part.append(b);
    if (g.welfare_case === "law" && !c) part.append(node("p", d.law, { class: "hint" }));
  }

  function build(g) {
    const card = node("article", "", { "data-consultation-id": g.consultation_id, class: "cg-card" });
    card.append(node("h3", `#${g.consultation_id} ${en ? g.label_en : g.label_ko}`));
    card.append(node("p", en ? g.guidance_en : g.guidance_ko));
    const nums = node("ul", "", { class: "cg-numbers" });
    for (const h of g.handover) {
      const li = node("li");
      const name = `${en && h.label_en ? h.label_en : h.label_ko} ${h.number}`;
      if (g.channel === "phone") {
        const b = node("button", `${d.warm} ${name}`, { type: "button", "data-number": h.number, class: "primary" });
        b.addEventListener("click", () => warm(g.consultation_id, h.number, card, b));
        li.append(b);
      } else {
        li.append(node("a", name, { href: `tel:${h.number.replace(/-/g, "")}` }));
      }
      nums.append(li);
    }
    card.append(nums);
    if (g.channel !== "phone") {
      const b = node("button", d.toCrisisAgent, { type: "button", "data-action": "crisis-agent" });
      b.addEventListener("click", () => toCrisisAgent(g.consultation_id, card, b));
      card.append(b);
    }
    card.append(node("p", "", { class: "cg-status", role: "status" }));
    welfare(g, card);
    return card;
  }

  function render(items) {
    const seen = new Set();
    for (const g of items) {
      seen.add(g.consultation_id);
      const key = JSON.stringify(g);
      const have = cards.get(g.consultation_id);
      if (have && have.key === key && !have.card.dataset.stale) continue;
      const card = build(g);
      if (have) have.card.replaceWith(card); else list.append(card);
      cards.set(g.consultation_id, { key, card });
    }
    for (const [cid, have] of cards) {
      if (!seen.has(cid) && !have.card.dataset.stale) staleCard(have.card);
    }
    box.hidden = cards.size === 0;
  }

  async function poll() {
    try {
      const r = await fetch("/api/crisis/mine", { headers: { "Accept": "application/json" } });
      if (r.ok) render(await r.json());
    } catch (e) { /* try again on the next tick */ }
  }
  poll();
  setInterval(poll, 3000);
})();
