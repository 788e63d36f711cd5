/* Agent desktop: guidance and one-click hand-over numbers for the agent's crisis contacts
   (polls /api/crisis/mine; standalone, no inline script). */
"use strict";
(() => {
  const box = document.getElementById("crisis-guidance");
  if (!box) return;
  const list = document.getElementById("crisis-guidance-list");
  const en = box.dataset.lang === "en";
  let last = "";

  function node(tag, text, attrs) {
    const n = document.createElement(tag);
    if (text) n.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    return n;
  }

  async function openCase(cid, button) {
    button.disabled = true;
    const r = await fetch("/api/crisis/welfare-cases", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ consultation_id: cid, consent: true }) });
    button.textContent = r.ok || r.status === 409 ? box.dataset.opened : button.textContent;
    if (!r.ok && r.status !== 409) button.disabled = false;
  }

  function render(items) {
    const key = JSON.stringify(items);
    if (key === last) return;
    last = key;
    list.textContent = "";
    box.hidden = items.length === 0;
    for (const g of items) {
      const card = node("article", "", { "data-consultation-id": g.consultation_id });
      card.append(node("h3", `#${g.consultation_id} ${en ? g.label_en : g.label_ko}`));
      card.append(node("p", en ? g.guidance_en : g.guidance_ko));
      const nums = node("ul");
      for (const h of g.handover) {
        const li = node("li");
        li.append(node("a", `${h.label_ko} ${h.number}`, { href: `tel:${h.number.replace(/-/g, "")}` }));
        nums.append(li);
      }
      card.append(nums);
      if (g.welfare_case === "consent") {
        const b = node("button", box.dataset.consent, { type: "button" });
        b.addEventListener("click", () => openCase(g.consultation_id, b));
        card.append(b);
      } else if (g.welfare_case === "law") {
        card.append(node("p", box.dataset.law, { class: "hint" }));
      }
      list.append(card);
    }
  }

  async function poll() {
    try {
      const r = await fetch("/api/crisis/mine", { headers: { "Accept": "application/json" } });
      if (r.ok) render(await r.json());
    } catch (e) { /* try again on the next tick */ }
  }
  poll();
  setInterval(poll, 4000);
})();
