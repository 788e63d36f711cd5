/* Agent desktop: several chats at once over one WebSocket, with the assistant panel. */
"use strict";
(() => {
  const { t, el, uid, wsUrl, Socket, api, time } = Dasan;
  const $ = (id) => document.getElementById(id);
  const list = $("chat-list"), log = $("log"), input = $("msg"), form = $("composer");
  const recsEl = $("recs"), alertEl = $("alert"), typingEl = $("typing");

  const chats = new Map();     // id -> {view, messages: Map(seq -> msg), unread, abuse, recs, pending: []}
  const lastSeq = {};          // id -> last seq seen (resume point)
  let current = null;
  let entryForDraft = null;    // KB entry inserted into the composer
  let sock = null;
  let typingTimer = null, lastTypingSent = 0;

  function chat(id) {
    if (!chats.has(id)) chats.set(id, { view: { id }, messages: new Map(), unread: 0, abuse: 0, recs: [], pending: [] });
    return chats.get(id);
  }

  function renderList() {
    list.textContent = "";
    for (const [id, c] of chats) {
      const v = c.view;
      const label = `#${id} ${v.subject || ""}`.slice(0, 40);
      const li = el("li", { role: "presentation" },
        el("button", { type: "button", role: "tab", id: "tab-" + id, "aria-selected": current === id ? "true" : "false",
                       class: "chat-tab" + (v.phase === "closed" ? " closed" : "") + (c.abuse ? " abusive" : ""),
                       onclick: () => select(id) },
          el("span", {}, label),
          v.crisis ? el("span", { class: "badge warn" }, t("crisis")) : null,
          c.abuse ? el("span", { class: "badge warn" }, "⚠ " + t("abuse")) : null,
          c.unread ? el("span", { class: "badge", "aria-label": c.unread + " " + t("unread") }, c.unread) : null,
          v.phase === "closed" ? el("span", { class: "badge" }, t("closed")) : null));
      list.append(li);
    }
  }

  function abuseLabel(flags) {
    return "⚠ " + t("abuse") + " (" + (flags.abuse.category || "") + ")";
  }

  function renderMessage(m) {
    const flags = m.flags || {};
    const cls = ["msg", "from-" + m.sender];
    if (flags.abuse) cls.push("abuse");
    if (flags.kind === "policy") cls.push("policy");
    if (flags.crisis) cls.push("crisis");
    const li = el("li", { class: cls.join(" "), "data-seq": m.seq },
      el("span", { class: "who" }, t(m.sender)),
      flags.abuse ? el("strong", { class: "abuse-label" }, abuseLabel(flags)) : null,
      el("div", { class: "body" }, el("p", {}, m.body)),
      flags.entry ? el("p", { class: "meta" }, `${t("owner")}: ${flags.entry.owner || "-"} · ${t("review")}: ${flags.entry.review_due || "-"}`) : null,
      el("time", { class: "at" }, time(m.at)));
    return li;
  }

  function renderConversation() {
    log.textContent = "";
    typingEl.textContent = "";
    const c = current !== null ? chats.get(current) : null;
    const open = c && c.view.phase !== "closed";
    input.disabled = !open; $("send").disabled = !open; $("end").disabled = !c;
    $("transfer").disabled = !open;
    if (!c) { $("conv-title").textContent = t("select_chat"); $("conv-meta").textContent = ""; return; }
    const v = c.view;
    $("conv-title").textContent = `#${v.id} ${v.subject || ""}`;
    $("conv-meta").textContent = [v.queue_name ? t("queue") + ": " + v.queue_name : "", v.language, v.crisis ? t("crisis") : "",
      v.phase === "closed" ? t("closed") : ""].filter(Boolean).join(" · ");
    for (const seq of [...c.messages.keys()].sort((a, b) => a - b)) log.append(renderMessage(c.messages.get(seq)));
    log.scrollTop = log.scrollHeight;
    renderRecs();
    if (v.phase === "closed" && !v.summary) openWrapup();
    else if (v.phase !== "closed") $("wrapup").hidden = true;
  }

  function select(id) {
    current = id;
    const c = chats.get(id);
    c.unread = 0;
    renderList();
    renderConversation();
    loadDetail(id);
    if (!c.recs.length) refreshRecs(id);
    input.focus();
  }

  async function loadDetail(id) {
    try {
      const d = await api("GET", `/api/chat/consultations/${id}`);
      const c = chat(id);
      c.view = d.consultation;
      const hl = $("history-list");
      hl.textContent = "";
      if (!d.history.length) hl.append(el("li", {}, t("no_history")));
      for (const h of d.history) hl.append(el("li", {}, `${h.started_at} · ${h.channel} · ${h.category || "-"} · ${h.summary || h.subject || ""}`));
      for (const m of d.messages) addMessage(m, true);
      if (current === id) renderConversation();
    } catch (e) { showAlert(e.message); }
  }

  async function refreshRecs(id) {
    try {
      const recs = await api("GET", `/api/chat/consultations/${id}/assist`);
      chat(id).recs = recs;
      if (current === id) renderRecs();
    } catch (e) { /* assistant is advisory */ }
  }

  function renderRecs(items) {
    const recs = items || (current !== null ? chat(current).recs : []);
    recsEl.textContent = "";
    if (!recs.length) { recsEl.append(el("li", { class: "hint" }, t("no_recs"))); return; }
    for (const r of recs) {
      recsEl.append(el("li", { class: "rec" },
        el("strong", {}, r.title),
        el("p", { class: "meta" }, `${t("owner")}: ${r.owner || "-"} · ${t("review")}: ${r.review_due || "-"}`,
          r.overdue ? el("span", { class: "badge warn" }, t("overdue")) : null,
          el("span", { class: "badge" }, Math.round(r.confidence * 100) + "%")),
        el("p", { class: "rec-answer" }, r.answer.slice(0, 300) + (r.answer.length > 300 ? "…" : "")),
        el("button", { type: "button", class: "insert", onclick: () => insert(r),
                       disabled: current === null || chat(current).view.phase === "closed" }, t("insert"))));
    }
  }

  function insert(r) {
    input.value = r.answer;
    entryForDraft = r.entry_id;
    input.focus();
  }

  function addMessage(m, quiet) {
    const c = chat(m.consultation_id);
    if (c.messages.has(m.seq)) return;
    c.messages.set(m.seq, m);
    lastSeq[m.consultation_id] = Math.max(lastSeq[m.consultation_id] || 0, m.seq);
    const flags = m.flags || {};
    if (flags.abuse) c.abuse += 1;
    if (quiet) return;
    if (current === m.consultation_id) {
      log.append(renderMessage(m));
      log.scrollTop = log.scrollHeight;
      if (m.sender === "citizen") typingEl.textContent = "";
    } else if (m.sender === "citizen") {
      c.unread += 1;
    }
    if (flags.abuse) showAlert(`#${m.consultation_id} ${abuseLabel(flags)}`);
    renderList();
  }

  function showAlert(text) {
    alertEl.hidden = false;
    alertEl.textContent = text;
    clearTimeout(showAlert.timer);
    showAlert.timer = setTimeout(() => { alertEl.hidden = true; }, 8000);
  }

  function onEvent(ev) {
    switch (ev.type) {
      case "hello":
        $("me-name").textContent = `${ev.agent.name} (${ev.agent.employee_no})`;
        $("state").value = ev.agent.state === "busy" ? "available" : ev.agent.state;
        $("load").textContent = `${ev.agent.open_chats}/${ev.agent.max_chats}`;
        for (const v of ev.chats) chat(v.id).view = v;
        renderList();
        if (current === null && ev.chats.length) select(ev.chats[0].id);
        break;
      case "assigned": {
        const c = chat(ev.consultation.id);
        c.view = ev.consultation;
        renderList();
        showAlert(t("new_chat") + ` #${ev.consultation.id}`);
        if (current === null) select(ev.consultation.id);
        break;
      }
      case "message": addMessage(ev); break;
      case "flags": {
        // Screening runs after delivery: mark the message once its flags are known.
        const c = chat(ev.consultation_id);
        const m = c.messages.get(ev.seq);
        if (!m) break;
        const hadAbuse = !!(m.flags || {}).abuse;
        m.flags = ev.flags;
        if (ev.flags.abuse && !hadAbuse) c.abuse += 1;
        if (current === ev.consultation_id) {
          const old = log.querySelector(`li[data-seq="${ev.seq}"]`);
          if (old) old.replaceWith(renderMessage(m));
        }
        renderList();
        break;
      }
      case "state": {
        const c = chat(ev.consultation.id);
        const wasOpen = c.view.phase !== "closed";
        c.view = Object.assign(c.view, ev.consultation);
        renderList();
        if (current === ev.consultation.id) renderConversation();
        if (wasOpen && c.view.phase === "closed" && current === ev.consultation.id) openWrapup();
        break;
      }
      case "unassigned":
        chats.delete(ev.consultation_id);
        if (current === ev.consultation_id) { current = null; renderConversation(); }
        renderList();
        showAlert(t("transfer_done") + ` #${ev.consultation_id}`);
        break;
      case "closed":
        if (ev.by === "citizen") showAlert(`#${ev.consultation_id} ${t("ended_by_citizen")}`);
        break;
      case "typing":
        if (ev.consultation_id === current && ev.who === "citizen") {
          typingEl.textContent = ev.active ? t("typing_citizen") : "";
          clearTimeout(typingTimer);
          typingTimer = setTimeout(() => { typingEl.textContent = ""; }, 4000);
        }
        break;
      case "assist":
        chat(ev.consultation_id).recs = ev.items;
        if (current === ev.consultation_id) renderRecs();
        break;
      case "abuse":
        showAlert(`#${ev.consultation_id} ⚠ ${t("abuse")} — ${t(ev.action)}`);
        break;
      case "break_offered":
        $("break-text").textContent = t("break_offer", { m: ev.minutes });
        $("break-dialog").hidden = false;
        $("take-break").focus();
        break;
      case "ack": {
        const c = chat(ev.consultation_id);
        c.pending = c.pending.filter((p) => p.client_msg_id !== ev.client_msg_id);
        break;
      }
      case "error": showAlert(t("error") + ": " + ev.detail); break;
    }
  }

  function connect() {
    sock = new Socket(() => {
      const after = Object.entries(lastSeq).map(([k, v]) => `${k}:${v}`).join(",");
      return wsUrl("/api/chat/ws/agent" + (after ? "?after=" + after : ""));
    }, {
      open: () => {
        $("conn").textContent = t("connected"); $("conn").className = "badge ok";
        for (const c of chats.values()) for (const p of c.pending) sock.send(p);
      },
      close: (ev) => {
        $("conn").textContent = t("reconnecting"); $("conn").className = "badge warn";
        if (ev.code === 4401) location.href = "/login?next=/agent";
      },
      event: onEvent,
    });
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body || current === null) return;
    const frame = { type: "message", consultation_id: current, body, client_msg_id: uid() };
    if (entryForDraft !== null) frame.entry_id = entryForDraft;
    chat(current).pending.push(frame);
    sock.send(frame);
    input.value = "";
    entryForDraft = null;
    input.focus();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", () => {
    if (!input.value) entryForDraft = null;
    const now = Date.now();
    if (current !== null && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      sock.send({ type: "typing", consultation_id: current, active: true });
    }
  });

  $("canned").addEventListener("change", (e) => {
    if (e.target.value) { input.value = e.target.value; e.target.value = ""; input.focus(); }
  });

  $("state").addEventListener("change", async (e) => {
    try {
      const info = await api("POST", "/api/chat/agent/state", { state: e.target.value });
      $("load").textContent = `${info.open_chats}/${info.max_chats}`;
    } catch (err) { showAlert(err.message); }
  });

  $("assist-search").addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = $("assist-q").value.trim();
    if (!q) return;
    try { renderRecs(await api("GET", "/api/chat/assist?q=" + encodeURIComponent(q))); }
    catch (err) { showAlert(err.message); }
  });

  async function openWrapup() {
    if (current === null) return;
    const id = current;
    try {
      const w = await api("GET", `/api/chat/consultations/${id}/wrapup`);
      if (current !== id) return;
      $("wrapup").hidden = false;
      $("wrapup-summary").value = w.summary || "";
      $("wrapup-category").value = w.category || "";
      $("wrapup-method").textContent = w.method === "llm" ? t("method_llm") : t("method_extractive");
      $("wrapup-summary").focus();
    } catch (err) { showAlert(err.message); }
  }

  $("end").addEventListener("click", openWrapup);
  $("wrapup").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (current === null) return;
    const id = current;
    try {
      const r = await api("POST", `/api/chat/consultations/${id}/close`, {
        summary: $("wrapup-summary").value, category: $("wrapup-category").value || null });
      chat(id).view = r.consultation;
      $("wrapup").hidden = true;
      showAlert(t("saved") + ` #${id}`);
      chats.delete(id);
      current = null;
      renderList();
      renderConversation();
      const next = [...chats.keys()][0];
      if (next !== undefined) select(next);
    } catch (err) { showAlert(err.message); }
  });

  async function loadTargets() {
    try {
      const d = await api("GET", "/api/chat/transfer-targets");
      const sel = $("transfer-target");
      for (const a of d.agents) sel.append(el("option", { value: "agent:" + a.id }, `${t("agent")} ${a.name} (${a.open_chats}/${a.max_chats})`));
      for (const q of d.queues) sel.append(el("option", { value: "queue:" + q.code }, `${t("queue")} ${q.name}`));
    } catch (e) { /* optional */ }
  }
  $("transfer").addEventListener("click", async () => {
    const v = $("transfer-target").value;
    if (!v || current === null) return;
    const [kind, target] = v.split(":");
    const body = kind === "agent" ? { agent_id: Number(target) } : { queue: target };
    try { await api("POST", `/api/chat/consultations/${current}/transfer`, body); }
    catch (err) { showAlert(err.message); }
  });

  $("take-break").addEventListener("click", async () => {
    $("break-dialog").hidden = true;
    const info = await api("POST", "/api/chat/agent/state", { state: "break" });
    $("state").value = info.state;
  });
  $("skip-break").addEventListener("click", () => { $("break-dialog").hidden = true; });

  (async () => {
    try {
      for (const c of await api("GET", "/api/chat/canned")) $("canned").append(el("option", { value: c.text }, c.label));
    } catch (e) { /* optional */ }
    loadTargets();
    connect();
  })();
})();
