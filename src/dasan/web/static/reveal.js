/* 원문 보기: the audited reveal of a masked transcript's raw text, on the staff screens whose
   user may reveal (the page includes templates/_reveal.html only then).

   A container marked data-reveal (its consultation in data-reveal-cid; its lines data-seq with
   the text in .reveal-body) gets a control before it: the button opens a small form that asks
   for the reason (required, 5-500 characters: the API's reason field), which calls
   POST /api/privacy/reveal (CSRF from dasan.js's fetch, cache: no-store; the server answers
   no-store too); with data-reveal-kind="call", a call's speech-to-text through
   POST /api/voice/transcripts/{id}/reveal (its lines keyed "leg:start_ms"); with
   data-reveal-url, that URL (POST {reason}, answering {reason, messages: [{seq, body,
   had_pii}]}: the legal case's statement). The raw text replaces the masked text in place, each
   such line marked, under a banner with the reason and a hide control. Hiding puts the masked
   text back: the raw text is then in no element and no variable of the page. Leaving the page
   (pagehide, so also a page kept in the back-forward cache) hides it; so does
   DasanReveal.hide(container).

   A container with no consultation (no data-reveal-cid, no data-reveal-url) shows no control:
   a screen whose transcript changes (the monitor, the agent's chat, the call panel) calls
   DasanReveal.target(container, id) when it shows another one - the raw text of the previous
   one is hidden first - and DasanReveal.target(container, null) when the user may not reveal
   the one shown (an agent's closed chat). A refusal (403, 429: too many reveals) is said in the
   screen's language. */
"use strict";
(() => {
  let strings = {};
  try { strings = JSON.parse(document.getElementById("reveal-i18n").textContent || "{}"); }
  catch (e) { strings = {}; }
  const t = (key, vars) => String(strings[key] || key).replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : ""));

  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  }

  const states = new WeakMap();  // container -> its control's parts and the masked text shown

  function hide(container) {
    const st = states.get(container);
    if (!st) return;
    for (const [body, masked] of st.masked) {
      body.textContent = masked;  // the marker and the raw text go with it
      const line = body.closest("[data-seq]");
      if (line) line.classList.remove("revealed");
    }
    st.masked = new Map();
    st.banner.textContent = "";
    st.banner.hidden = true;
    st.form.hidden = true;
    st.reason.value = "";
    st.open.hidden = false;
    st.open.setAttribute("aria-expanded", "false");
    container.removeAttribute("data-revealed");
  }

  function show(container, st, out) {
    const lines = new Map();
    for (const line of container.querySelectorAll("[data-seq]")) lines.set(String(line.dataset.seq), line);
    let shown = 0;
    for (const m of out.messages || []) {
      if (!m.had_pii) continue;
      const line = lines.get(String(m.seq));
      const body = line && line.querySelector(".reveal-body");
      if (!body) continue;
      if (!st.masked.has(body)) st.masked.set(body, body.textContent);
      body.textContent = "";
      body.append(el("span", { class: "badge warn reveal-marker" }, t("marker")), " ", m.body);
      line.classList.add("revealed");
      shown += 1;
    }
    st.banner.textContent = "";
    st.banner.append(
      el("span", { class: "reveal-banner-text" }, shown ? t("banner", { reason: out.reason }) : t("none")),
      shown && container.dataset.revealLive !== undefined ? el("span", { class: "hint" }, " " + t("later_masked")) : null,
      " ",
      el("button", { type: "button", class: "reveal-hide", onclick: () => { hide(container); st.open.focus(); } }, t("hide")));
    st.banner.hidden = false;
    st.form.hidden = true;
    st.open.hidden = true;
    container.setAttribute("data-revealed", "");
    st.banner.querySelector(".reveal-hide").focus();
  }

  async function reveal(container, st) {
    const reason = st.reason.value.trim();
    if (reason.length < 5) {
      st.status.textContent = t("reason_short");
      st.reason.focus();
      return;
    }
    const url = container.dataset.revealUrl || "";
    const cid = Number(container.dataset.revealCid);
    if (!cid && !url) return;
    const target = url || cid;
    // A chat's messages (POST /api/privacy/reveal), a call's speech-to-text lines (the voice
    // room's reveal, keyed here by leg and start as the page keys them), or the page's own URL.
    const call = !url && container.dataset.revealKind === "call";
    st.submit.disabled = true;
    st.status.textContent = t("working");
    let r, data;
    try {
      r = await fetch(url || (call ? `/api/voice/transcripts/${cid}/reveal` : "/api/privacy/reveal"), {
        method: "POST", cache: "no-store", credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/json" },
        body: JSON.stringify(url || call ? { reason } : { consultation_id: cid, reason }),
      });
      data = await r.json().catch(() => ({}));
      if (r.ok && call) {
        data = { reason, messages: (data.lines || []).map((l) => ({
          seq: `${l.leg}:${l.start_ms}`, body: l.text, had_pii: l.had_pii })) };
      }
    } catch (e) { r = null; data = { code: "network" }; }
    st.submit.disabled = false;
    if (!r || !r.ok) {
      const why = window.dasanErrorMessage ? window.dasanErrorMessage(data, r ? r.status : 0) : "";
      st.status.textContent = t("error") + (why ? ": " + why : "");
      return;
    }
    st.status.textContent = "";
    if ((container.dataset.revealUrl || Number(container.dataset.revealCid)) !== target) return;  // the screen moved on meanwhile
    show(container, st, data);
    data = null;
  }

  function attach(container) {
    if (states.has(container)) return;
    const n = document.querySelectorAll("[data-reveal]").length;
    const id = "reveal-reason-" + Math.random().toString(36).slice(2, 8) + n;
    const st = { masked: new Map() };
    st.open = el("button", { type: "button", class: "reveal-open", "aria-expanded": "false" }, t("open"));
    st.reason = el("textarea", { id, name: "reason", rows: "2", cols: "50", required: true,
      minlength: "5", maxlength: "500", placeholder: t("reason_hint"), autocomplete: "off" });
    st.submit = el("button", { type: "submit", class: "primary" }, t("submit"));
    st.status = el("span", { class: "hint reveal-status", role: "status", "aria-live": "polite" });
    st.form = el("form", { class: "reveal-form", hidden: true, autocomplete: "off" },
      el("label", { for: id }, t("reason")), el("br"), st.reason, el("br"), st.submit, " ",
      el("button", { type: "button", onclick: () => { st.form.hidden = true; st.reason.value = "";
        st.open.setAttribute("aria-expanded", "false"); st.open.focus(); } }, t("cancel")), " ", st.status);
    st.banner = el("p", { class: "reveal-banner alert", role: "status", hidden: true });
    st.open.addEventListener("click", () => {
      st.form.hidden = false;
      st.open.setAttribute("aria-expanded", "true");
      st.reason.focus();
    });
    st.form.addEventListener("submit", (e) => { e.preventDefault(); reveal(container, st); });
    st.control = el("div", { class: "reveal-control" }, st.open, st.form, st.banner);
    st.control.hidden = !container.dataset.revealCid && !container.dataset.revealUrl;
    container.before(st.control);
    states.set(container, st);
  }

  // The screen shows another transcript (id: its consultation) or one the user may not reveal
  // (null): the raw text shown so far goes, and the control shows only when there is an id.
  function target(container, id) {
    // The same contact drawn again with nothing revealed: a reason being typed stays.
    if (id && container.dataset.revealCid === String(id) && !container.hasAttribute("data-revealed")) return;
    hide(container);
    if (id) container.dataset.revealCid = String(id);
    else container.removeAttribute("data-reveal-cid");
    const st = states.get(container);
    if (st) {
      st.form.hidden = true;
      st.status.textContent = "";
      st.control.hidden = !id;
    }
  }

  function attachAll() { document.querySelectorAll("[data-reveal]").forEach(attach); }
  window.addEventListener("pagehide", () => document.querySelectorAll("[data-reveal]").forEach(hide));
  window.DasanReveal = { hide, attach, target };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
  else attachAll();
})();
