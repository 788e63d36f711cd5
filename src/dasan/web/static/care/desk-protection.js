// Agent protection on the desktop (issue 17): for the contact on screen (a chat, a written
// thread or a call), nominate the citizen from one of its abuse incidents, hand the contact to
// the 전담 (dedicated) team, or ask for counselling. Every decision is the server's: refusals
// (no incident, another agent's contact, ...) come back with a code shown in Korean.
(() => {
  "use strict";
  const panel = document.getElementById("protect");
  if (!panel) return;
  const $ = (id) => document.getElementById(id);
  const msg = (key) => panel.getAttribute("data-msg-" + key) || key;
  let cid = null;

  function say(text, bad) {
    const s = $("protect-status");
    s.textContent = text;
    s.classList.toggle("error", !!bad);
  }

  async function call(method, path, body) {
    const opts = { method, headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const r = await fetch(path, opts);
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const code = r.status === 403 ? "forbidden" : (data && data.code) || "";
      const known = code && msg(code) !== code ? msg(code) : "";
      throw new Error(known || `${msg("failed")}: ${window.dasanErrorMessage(data, r.status)}`);
    }
    return data;
  }

  // Each show() is numbered: when two overlap (a click while the list re-selects the same
  // thread), only the latest fills the list, so no incident is listed twice.
  let shown = 0;

  async function show(id) {
    cid = id;
    const mine = ++shown;
    panel.hidden = id === null;
    say("");
    const sel = $("nominate-incident");
    if (id === null) { sel.replaceChildren(); return; }
    const none = document.createElement("option");
    none.value = "";
    none.textContent = msg("no-incident");
    sel.replaceChildren(none);
    try {
      const rows = await call("GET", `/api/protection/consultations/${id}/incidents`);
      if (mine !== shown) return;
      const opts = rows.map((i) => {
        const o = document.createElement("option");
        o.value = String(i.id);
        o.textContent = `${msg("incident")} #${i.id} · ${Dasan.minute(i.at)}`;
        return o;
      });
      sel.replaceChildren(none, ...opts);
      if (rows.length) sel.value = String(rows[rows.length - 1].id);
    } catch (e) { if (mine === shown) say(e.message, true); }
  }

  document.addEventListener("dasan:desk-select", (e) => show(e.detail && e.detail.id != null ? Number(e.detail.id) : null));
  document.addEventListener("dasan:thread-select", (e) => show(Number(e.detail.consultation_id)));
  document.addEventListener("dasan:call", (e) => {
    const ev = e.detail;
    if (ev.type === "call.answered" && ev.consultation_id) show(ev.consultation_id);
    if (ev.type === "call.warned" && ev.consultation_id === cid) show(cid);
  });

  $("nominate-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (cid === null) return;
    const raw = $("nominate-incident").value;
    try {
      await call("POST", "/api/protection/nominations", {
        incident_id: raw ? Number(raw) : null, evidence_note: $("nominate-note").value });
      $("nominate-note").value = "";
      say(msg("nominated"));
    } catch (err) { say(err.message, true); }
  });
  $("to-team").addEventListener("click", async () => {
    if (cid === null) return;
    try {
      await call("POST", `/api/protection/consultations/${cid}/to-dedicated-team`);
      say(msg("handed"));
    } catch (err) { say(err.message, true); }
  });
  $("counselling").addEventListener("click", async () => {
    const raw = $("nominate-incident").value;
    try {
      await call("POST", "/api/protection/counselling", { incident_id: raw ? Number(raw) : null });
      say(msg("counselling"));
    } catch (err) { say(err.message, true); }
  });
})();
