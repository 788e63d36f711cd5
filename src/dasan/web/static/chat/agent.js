/* Agent desktop: several chats at once over one WebSocket, with the assistant panel. */
"use strict";
(() => {
  const { t, el, uid, wsUrl, Socket, api, time, day, attachment, upload, keyedList } = Dasan;
  const $ = (id) => document.getElementById(id);
  const list = $("chat-list"), log = $("log"), input = $("msg"), form = $("composer");
  const recsEl = $("recs"), alertEl = $("alert"), typingEl = $("typing");

  const chats = new Map();     // id -> {view, messages: Map(seq -> msg), unread, abuse, recs, pending: []}
  const lastSeq = {};          // id -> last seq seen (resume point)
  const offers = new Map();    // offer id -> offer event (with a countdown)
  const held = new Map();      // id -> {view, until}: chats on hold (보류), out of the load
  const baseTitle = document.title;
  let me = null;               // the agent (hello / presence)
  let heartbeat = null;
  let current = null;
  let entryForDraft = null;    // KB entry inserted into the composer
  let sock = null;
  let typingTimer = null, lastTypingSent = 0;
  let cannedItems = [];        // canned answers filled in for the current chat
  let slashIndex = 0;          // highlighted entry of the "/" menu
  let draftTimer = null;       // debounced assistant search while the agent types
  const wanted = Number(new URLSearchParams(location.search).get("chat")) || null;

  function chat(id) {
    if (!chats.has(id)) chats.set(id, { view: { id }, messages: new Map(), unread: 0, abuse: 0, recs: [], pending: [] });
    return chats.get(id);
  }
  // Events for a chat that left this desk (transferred, re-queued) may still be in flight:
  // they must not bring it back to the list.
  const mine = (id) => chats.has(id);

  function renderLoad() {
    if (!me) return;
    const open = [...chats.values()].filter((c) => c.view.phase !== "closed").length;
    $("load").textContent = t("load", { n: open, max: me.max_chats });
  }

  function renderTitle() {
    let n = offers.size;
    for (const c of chats.values()) n += c.unread;
    document.title = (n ? `(${n}) ` : "") + baseTitle;
  }

  function renderPresence(state, reason) {
    const sel = $("state");
    const value = state === "break" ? "break:" + (reason || "rest") : state === "busy" ? "available" : state;
    if ([...sel.options].some((o) => o.value === value)) sel.value = value;
    $("presence").textContent = t("state_" + state);
    $("presence").className = "badge" + (state === "away" || state === "offline" ? " warn" : state === "available" || state === "busy" ? " ok" : "");
  }

  function beep() {
    try {
      const ctx = beep.ctx || (beep.ctx = new (window.AudioContext || window.webkitAudioContext)());
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio device */ }
  }

  function notify(text) {
    if (!("Notification" in window) || Notification.permission !== "granted" || !document.hidden) return;
    try { new Notification(baseTitle, { body: text, tag: "dasan-offer" }); } catch (e) { /* ignore */ }
  }

  function renderOffers() {
    const box = $("offers");
    box.textContent = "";
    box.hidden = offers.size === 0;
    const now = Date.now();
    for (const [id, o] of offers) {
      const left = Math.max(0, Math.round((o.deadline - now) / 1000));
      const v = o.consultation;
      box.append(el("div", { class: "offer", role: "group", "aria-label": t("offer") + " #" + v.id },
        el("strong", {}, `${t("offer")} #${v.id}`),
        el("span", {}, [v.queue_name || "", v.crisis ? t("crisis") : "", v.subject || ""].filter(Boolean).join(" · ")),
        el("span", { class: "hint", "aria-live": "off" }, t("seconds_left", { s: left })),
        el("button", { type: "button", class: "primary", "data-offer": id, onclick: () => decide(id, "accept") }, t("accept")),
        el("button", { type: "button", onclick: () => decide(id, "decline") }, t("decline"))));
    }
    renderTitle();
  }
  setInterval(() => { if (offers.size) renderOffers(); }, 1000);

  function decide(id, kind) {
    sock.send({ type: kind, offer_id: id });
    offers.delete(id);
    renderOffers();
    input.focus();
  }

  function renderList() {
    // In place (Dasan.keyedList): a message or state pushed while the agent clicks a tab
    // must not swap the tab under the pointer (the click would be lost).
    keyedList(list, [...chats].map(([id, c]) => {
      const v = c.view;
      const label = `#${id} ${v.subject || ""}`.slice(0, 40);
      return [id, el("li", { role: "presentation" },
        el("button", { type: "button", role: "tab", id: "tab-" + id, "aria-selected": current === id ? "true" : "false",
                       class: "chat-tab" + (v.phase === "closed" ? " closed" : "") + (c.abuse ? " abusive" : ""),
                       onclick: () => select(id) },
          el("span", {}, label),
          v.channel === "sign_language" ? el("span", { class: "badge" }, t("sign")) : null,
          v.crisis ? el("span", { class: "badge warn" }, t("crisis")) : null,
          c.abuse ? el("span", { class: "badge warn" }, "⚠ " + t("abuse")) : null,
          c.unread ? el("span", { class: "badge", "aria-label": c.unread + " " + t("unread") }, c.unread) : null,
          v.phase === "closed" ? el("span", { class: "badge" }, t("closed")) : null))];
    }));
    renderLoad();
    renderTitle();
  }

  function renderHeld() {
    const box = $("snoozed-list");
    box.textContent = "";
    $("snoozed-empty").hidden = held.size > 0;
    for (const [id, h] of held) {
      const back = h.until ? t("snooze_back_at", { time: time(h.until) }) : t("snooze_back_on_reply");
      box.append(el("li", { class: "held" },
        el("span", {}, `#${id} ${(h.view.subject || "").slice(0, 30)}`),
        el("span", { class: "hint" }, back),
        el("button", { type: "button", class: "link", "data-wake": id,
                       "aria-label": t("snooze_wake") + ` #${id}`, onclick: () => wake(id) }, t("snooze_wake"))));
    }
  }

  async function wake(id) {
    try { await api("POST", `/api/chat/consultations/${id}/wake`); }
    catch (err) { showAlert(err.message); }
  }

  function hold(id, until) {
    const c = chats.get(id);
    held.set(id, { view: c ? c.view : { id }, until });
    chats.delete(id);
    delete lastSeq[id];
    if (current === id) { current = null; renderConversation(); }
    renderList();
    renderHeld();
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
      el("div", { class: "body" }, flags.kind === "attachment" && flags.attachment
        ? attachment(flags.attachment, `/api/chat/attachments/${flags.attachment.id}`)
        : el("p", { class: "reveal-body" }, m.body)),
      flags.entry ? el("p", { class: "meta" }, `${t("owner")}: ${flags.entry.owner || "-"} · ${t("review")}: ${flags.entry.review_due || "-"}`) : null,
      // a foreign-language chat: the other side of the translation, always visible
      flags.translation ? el("p", { class: "translation" }, `${t("translation")}: ${flags.translation}`) : null,
      flags.original || flags.original_ko ? el("p", { class: "translation" }, `${t("original")}: ${flags.original || flags.original_ko}`) : null,
      el("time", { class: "at" }, time(m.at)));
    return li;
  }

  // 원문 보기 (/static/reveal.js) on the chat shown: any chat for a role that may reveal any
  // consultation (the log carries data-reveal-any), else only the agent's own chat while it is
  // open - the rule the server applies again to every reveal. Redrawing the log puts the masked
  // text back, so the control is reset with it.
  function mayReveal(c) {
    if (!c || c.view.phase === "closed") return false;
    return log.hasAttribute("data-reveal-any") || (!!me && c.view.agent_id === me.id);
  }

  function renderConversation() {
    const c = current !== null ? chats.get(current) : null;
    if (window.DasanReveal) window.DasanReveal.target(log, mayReveal(c) ? c.view.id : null);
    log.textContent = "";
    typingEl.textContent = "";
    const open = c && c.view.phase !== "closed" && (!me || c.view.agent_id === undefined || c.view.agent_id === null || c.view.agent_id === me.id);
    input.disabled = !open; $("send").disabled = !open; $("end").disabled = !c;
    $("transfer").disabled = !open;
    $("snooze").disabled = !open;
    $("attach").disabled = !open;
    for (const id of ["tag-input", "tag-add", "note-body", "note-add"]) $(id).disabled = !c;
    $("transcript").hidden = !c;
    if (c) $("transcript").href = `/api/chat/consultations/${c.view.id}/transcript`;
    renderNotes(c);
    if (!c) { $("conv-title").textContent = t("select_chat"); $("conv-meta").textContent = ""; return; }
    const v = c.view;
    $("conv-title").textContent = `#${v.id} ${v.subject || ""}`;
    // the citizen's language in words when it is not Korean (as on the floor), never its code
    const language = v.language && v.language !== "ko" ? t("lang_" + v.language) : "";
    $("conv-meta").textContent = [v.queue_name ? t("queue") + ": " + v.queue_name : "", language, v.crisis ? t("crisis") : "",
      v.phase === "closed" ? t("closed") : ""].filter(Boolean).join(" · ");
    for (const seq of [...c.messages.keys()].sort((a, b) => a - b)) log.append(renderMessage(c.messages.get(seq)));
    log.scrollTop = log.scrollHeight;
    renderRecs();
    if (v.phase === "closed" && !v.summary) openWrapup();
    else if (v.phase !== "closed") $("wrapup").hidden = true;
  }

  function select(id) {
    current = id;
    document.dispatchEvent(new CustomEvent("dasan:desk-select", { detail: { id } }));
    const c = chats.get(id);
    c.unread = 0;
    renderList();
    renderConversation();
    loadDetail(id);
    loadCanned(id);
    if (!c.recs.length) refreshRecs(id);
    input.focus();
  }

  function renderNotes(c) {
    const tags = $("tags"), notes = $("notes");
    tags.textContent = ""; notes.textContent = "";
    if (!c) return;
    for (const tag of c.tags || []) {
      tags.append(el("li", { class: "tag" }, "#" + tag,
        el("button", { type: "button", class: "link", "aria-label": t("remove_tag", { tag }),
                       onclick: () => setTag(tag, false) }, "×")));
    }
    for (const n of c.notes || []) {
      notes.append(el("li", { class: "note" + (n.kind === "whisper" ? " whisper" : "") },
        el("span", { class: "who" }, n.kind === "whisper" ? t("whisper") : (n.author || t("notes"))),
        el("p", {}, n.body), el("time", { class: "at" }, time(n.at))));
    }
  }

  async function setTag(tag, on) {
    if (current === null) return;
    const id = current;
    try {
      const r = on ? await api("POST", `/api/chat/consultations/${id}/tags`, { tag })
        : await api("DELETE", `/api/chat/consultations/${id}/tags/${encodeURIComponent(tag)}`);
      chat(id).tags = r.tags;
      if (current === id) renderNotes(chat(id));
    } catch (err) { showAlert(err.message); }
    $("tag-input").focus();
  }

  async function loadCanned(id) {
    try {
      cannedItems = await api("GET", "/api/chat/canned" + (id !== null ? "?consultation_id=" + id : ""));
      const sel = $("canned");
      while (sel.options.length > 1) sel.remove(1);
      for (const c of cannedItems) sel.append(el("option", { value: c.text }, `/${c.code} · ${c.label}`));
    } catch (e) { /* optional */ }
  }

  // "/" in the reply box: the canned answers whose code, label or text match what follows.
  function slashQuery() {
    const m = /(^|\s)\/([^\s/]*)$/.exec(input.value.slice(0, input.selectionStart));
    return m ? m[2].toLowerCase() : null;
  }

  function slashMatches(q) {
    return cannedItems.filter((c) => !q || c.code.toLowerCase().includes(q) || c.label.toLowerCase().includes(q)
      || c.text.toLowerCase().includes(q)).slice(0, 8);
  }

  function renderSlash() {
    const menu = $("slash-menu");
    const q = slashQuery();
    menu.textContent = "";
    if (q === null || input.disabled) { menu.hidden = true; input.removeAttribute("aria-activedescendant"); return; }
    const items = slashMatches(q);
    slashIndex = Math.min(slashIndex, Math.max(0, items.length - 1));
    if (!items.length) menu.append(el("li", { class: "hint", role: "option", "aria-disabled": "true" }, t("no_canned")));
    items.forEach((c, i) => menu.append(el("li", {
      role: "option", id: "slash-" + i, "aria-selected": i === slashIndex ? "true" : "false",
      class: "slash-item" + (i === slashIndex ? " active" : ""),
      onmousedown: (e) => { e.preventDefault(); insertCanned(c); } },
      el("strong", {}, "/" + c.code), " ", el("span", {}, c.label), el("p", { class: "meta" }, c.text.slice(0, 80)))));
    menu.hidden = false;
    if (items.length) input.setAttribute("aria-activedescendant", "slash-" + slashIndex);
  }

  function insertCanned(c) {
    const caret = input.selectionStart;
    const before = input.value.slice(0, caret).replace(/\/[^\s/]*$/, "");
    input.value = before + c.text + input.value.slice(caret);
    const at = (before + c.text).length;
    input.setSelectionRange(at, at);
    $("slash-menu").hidden = true;
    input.removeAttribute("aria-activedescendant");
    slashIndex = 0;
    input.focus();
  }

  async function loadDetail(id) {
    try {
      const d = await api("GET", `/api/chat/consultations/${id}`);
      const c = chat(id);
      c.view = d.consultation;
      c.notes = d.notes || [];
      c.tags = d.tags || [];
      const hl = $("history-list");
      hl.textContent = "";
      if (d.identity && !d.identity.verified) {
        hl.append(el("li", { class: "unverified" }, t("unverified", { phone: d.identity.phone_masked || "" })));
      } else if (!d.history.length) hl.append(el("li", {}, t("no_history")));
      for (const h of d.history) hl.append(el("li", {}, `${h.started_at} · ${Dasan.lang === "en" ? h.channel_en : h.channel_ko} · ${h.category || "-"} · ${h.summary || h.subject || ""}`));
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
                       disabled: input.disabled }, t("insert"))));
    }
  }

  function insert(r) {
    input.value = r.answer;
    entryForDraft = r.entry_id;
    input.focus();
  }

  function addMessage(m, quiet) {
    if (!mine(m.consultation_id)) return;
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
        me = ev.agent;
        $("me-name").textContent = `${ev.agent.name} (${ev.agent.employee_no})`;
        renderPresence(ev.agent.state, ev.agent.break_reason);
        for (const v of ev.chats) { chat(v.id).view = v; viewChanged(v, true); }
        offers.clear();
        for (const o of ev.offers || []) addOffer(o, true);
        renderOffers();
        held.clear();
        for (const z of ev.snoozed || []) held.set(z.consultation.id, { view: z.consultation, until: z.until });
        renderHeld();
        renderList();
        if (current === null && ev.chats.length && !Dasan.desk.busy()) {
          select(ev.chats.some((v) => v.id === wanted) ? wanted : ev.chats[0].id);
        }
        clearInterval(heartbeat);
        heartbeat = setInterval(() => sock && sock.send({ type: "ping" }), (ev.agent.heartbeat_seconds || 10) * 1000);
        // A (re)connected socket: the written threads may have changed while it was away.
        document.dispatchEvent(new CustomEvent("dasan:written", { detail: { type: "hello" } }));
        break;
      case "written":  // a written thread changed (channels/desk-written.js re-reads it)
        document.dispatchEvent(new CustomEvent("dasan:written", { detail: ev }));
        break;
      case "presence":
        if (me) me.state = ev.state;
        renderPresence(ev.state, ev.reason);
        if (ev.state === "away" || ev.state === "offline") { offers.clear(); renderOffers(); }
        break;
      case "offer": addOffer(ev, false); renderOffers(); break;
      case "offer_closed":
        for (const [id, o] of offers) if (id === ev.offer_id || (ev.offer_id === null && o.consultation_id === ev.consultation_id)) offers.delete(id);
        renderOffers();
        if (ev.status === "missed") showAlert(t("offer_missed") + ` #${ev.consultation_id}`);
        break;
      case "snoozed":
        hold(ev.consultation.id, ev.until);
        showAlert(t("snoozed") + ` #${ev.consultation.id}`);
        if (current === null && chats.size && !Dasan.desk.busy()) select([...chats.keys()][0]);
        break;
      case "assigned": {
        if (held.delete(ev.consultation.id)) renderHeld();
        const c = chat(ev.consultation.id);
        c.view = ev.consultation;
        viewChanged(c.view, true);
        renderList();
        showAlert(t("new_chat") + ` #${ev.consultation.id}`);
        if (current === null && !Dasan.desk.busy()) select(ev.consultation.id);
        break;
      }
      case "message": addMessage(ev); break;
      case "rtc":  // a video consultation's signalling: the sign panel (sign/desk-video.js)
        if (mine(ev.consultation_id)) document.dispatchEvent(new CustomEvent("dasan:rtc", { detail: ev }));
        break;
      case "note": {
        if (!mine(ev.consultation_id)) break;
        const c = chat(ev.consultation_id);
        c.notes = (c.notes || []).filter((n) => n.id !== ev.note.id).concat([ev.note]);
        if (current === ev.consultation_id) renderNotes(c);
        if (ev.note.kind === "whisper") showAlert(`#${ev.consultation_id} ${t("whisper")}: ${ev.note.body}`);
        break;
      }
      case "tags":
        if (!mine(ev.consultation_id)) break;
        chat(ev.consultation_id).tags = ev.tags;
        if (current === ev.consultation_id) renderNotes(chat(ev.consultation_id));
        break;
      case "broadcast":
        $("broadcast").hidden = false;
        $("broadcast").textContent = `${t("broadcast")} · ${ev.author}: ${ev.body}`;
        beep();
        break;
      case "flags": {
        // Screening runs after delivery: mark the message once its flags are known.
        if (!mine(ev.consultation_id)) break;
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
        if (!mine(ev.consultation.id)) break;
        const c = chat(ev.consultation.id);
        const wasOpen = c.view.phase !== "closed";
        c.view = Object.assign(c.view, ev.consultation);
        viewChanged(c.view, false);
        renderList();
        if (current === ev.consultation.id) renderConversation();
        if (wasOpen && c.view.phase === "closed" && current === ev.consultation.id) openWrapup();
        break;
      }
      case "unassigned":
        viewChanged({ id: ev.consultation_id, phase: "gone" }, false);
        if (held.delete(ev.consultation_id)) renderHeld();
        chats.delete(ev.consultation_id);
        delete lastSeq[ev.consultation_id];
        if (current === ev.consultation_id) { current = null; renderConversation(); }
        renderList();
        showAlert((ev.why === "taken_over" ? t("taken_over") : ev.why ? t("requeued") : t("transfer_done")) + ` #${ev.consultation_id}`);
        if (current === null && chats.size && !Dasan.desk.busy()) select([...chats.keys()][0]);
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
        if (!mine(ev.consultation_id)) {  // a call's turn (live STT): the call panel shows it
          document.dispatchEvent(new CustomEvent("dasan:call-assist", { detail: ev }));
          break;
        }
        chat(ev.consultation_id).recs = ev.items;
        if (current === ev.consultation_id) renderRecs();
        break;
      case "abuse":
        showAlert(`#${ev.consultation_id} ⚠ ${t("abuse")} — ${t(ev.action)}`);
        break;
      case "break_offered":
        $("break-text").textContent = t("break_offer", { m: ev.minutes });
        $("break-dialog").dataset.care = ev.care_id || "";
        $("break-dialog").hidden = false;
        $("take-break").focus();
        break;
      case "ack": {
        if (!mine(ev.consultation_id)) break;
        const c = chat(ev.consultation_id);
        c.pending = c.pending.filter((p) => p.client_msg_id !== ev.client_msg_id);
        break;
      }
      case "error": showAlert(t("error") + ": " + Dasan.frameError(ev)); break;
      default:  // CTI from the voice gateway: the call panel (voice/cti.js) handles it
        if (String(ev.type).startsWith("call.")) document.dispatchEvent(new CustomEvent("dasan:call", { detail: ev }));
    }
  }

  // Other panels (the sign-language video, sign/desk-video.js) follow the desk's contacts.
  function viewChanged(view, fresh) {
    document.dispatchEvent(new CustomEvent("dasan:chat-view", { detail: { view, fresh } }));
  }

  function addOffer(o, quiet) {
    offers.set(o.offer_id, Object.assign({}, o, { deadline: Date.now() + (o.remaining_seconds ?? o.timeout_seconds ?? 20) * 1000 }));
    if (!quiet) {
      beep();
      notify(`${t("offer")} #${o.consultation_id} ${o.consultation.subject || ""}`);
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
    if (!body) return;
    if (current === null) {  // another kind of conversation may own the pane (Dasan.desk)
      if (Dasan.desk.composer && Dasan.desk.composer(body)) { input.value = ""; entryForDraft = null; }
      return;
    }
    const frame = { type: "message", consultation_id: current, body, client_msg_id: uid() };
    if (entryForDraft !== null) frame.entry_id = entryForDraft;
    chat(current).pending.push(frame);
    sock.send(frame);
    input.value = "";
    entryForDraft = null;
    input.focus();
  });
  input.addEventListener("keydown", (e) => {
    const menu = $("slash-menu");
    if (!menu.hidden && !e.isComposing) {
      const items = slashMatches(slashQuery() || "");
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        slashIndex = (slashIndex + (e.key === "ArrowDown" ? 1 : items.length - 1)) % Math.max(1, items.length);
        renderSlash();
        return;
      }
      if ((e.key === "Enter" || e.key === "Tab") && items.length && !e.ctrlKey) {
        e.preventDefault();
        insertCanned(items[slashIndex]);
        return;
      }
      if (e.key === "Escape") { e.preventDefault(); menu.hidden = true; return; }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("blur", () => { setTimeout(() => { $("slash-menu").hidden = true; }, 150); });
  input.addEventListener("input", () => {
    slashIndex = slashQuery() === null ? 0 : slashIndex;
    renderSlash();
    // The assistant follows the reply being written too (debounced), not only the citizen.
    clearTimeout(draftTimer);
    const draft = input.value.trim();
    if (current !== null && entryForDraft === null && slashQuery() === null && draft.length >= 6) {
      const id = current;
      draftTimer = setTimeout(async () => {
        try {
          const recs = await api("GET", "/api/chat/assist?k=3&q=" + encodeURIComponent(draft.slice(0, 500)));
          if (current === id && recs.length) { chat(id).recs = recs; renderRecs(); }
        } catch (err) { /* advisory */ }
      }, 700);
    }
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
    const [state, reason] = e.target.value.split(":");
    try {
      const info = await api("POST", "/api/chat/agent/state", reason ? { state, reason } : { state });
      me = Object.assign(me || {}, info);
      renderPresence(info.state, info.break_reason);
      renderLoad();
    } catch (err) { showAlert(err.message); }
    e.target.focus();
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
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
      viewChanged({ id, phase: "gone" }, false);
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
  $("attach").addEventListener("change", async () => {
    const file = $("attach").files && $("attach").files[0];
    $("attach").value = "";
    if (!file || current === null) return;
    try { await upload(`/api/chat/consultations/${current}/attachments`, file); }
    catch (err) {
      showAlert(err.code === "attachment_too_large" ? t("attach_too_large") : err.status === 429 ? t("rate_limited") : t("attach_bad"));
    }
    input.focus();
  });

  $("snooze").addEventListener("click", async () => {
    if (current === null) return;
    const minutes = $("snooze-for").value;
    try {
      await api("POST", `/api/chat/consultations/${current}/snooze`, minutes ? { minutes: Number(minutes) } : {});
    } catch (err) { showAlert(err.message); }
    list.focus();
  });

  $("transfer").addEventListener("click", async () => {
    const v = $("transfer-target").value;
    if (!v || current === null) return;
    const [kind, target] = v.split(":");
    const body = kind === "agent" ? { agent_id: Number(target) } : { queue: target };
    try { await api("POST", `/api/chat/consultations/${current}/transfer`, body); }
    catch (err) { showAlert(err.message); }
    $("transfer-target").value = "";
    (input.disabled ? list : input).focus();
  });

  let editingCanned = null;  // the personal answer being edited (null: a new one)
  function renderMine() {
    const out = $("canned-mine");
    out.textContent = "";
    for (const c of cannedItems.filter((i) => i.scope === "personal")) {
      out.append(el("li", {}, el("strong", {}, "/" + c.code), " " + c.label + " ",
        el("button", { type: "button", onclick: () => {  // load it into the form to edit
          editingCanned = c.id;
          $("canned-code").value = c.code; $("canned-label").value = c.label;
          $("canned-text").value = c.template || c.text;
          $("canned-code").focus();
        } }, t("edit")), " ",
        el("button", { type: "button", onclick: async () => {
          try { await api("DELETE", "/api/chat/canned/" + c.id); await reloadCanned(); }
          catch (err) { showAlert(err.message); }
          $("canned-code").focus();
        } }, t("delete"))));
    }
  }
  async function reloadCanned() {
    if (current !== null) await loadCanned(current);
    else cannedItems = await api("GET", "/api/chat/canned");
    renderMine();
  }
  $("canned-manage").addEventListener("toggle", () => { if ($("canned-manage").open) renderMine(); });
  $("canned-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const body = { scope: "personal", code: $("canned-code").value,
        label: $("canned-label").value, text: $("canned-text").value };
      if (editingCanned !== null) await api("PUT", "/api/chat/canned/" + editingCanned, body);
      else await api("POST", "/api/chat/canned", body);
      editingCanned = null;
      for (const id of ["canned-code", "canned-label", "canned-text"]) $(id).value = "";
      showAlert(t("saved"));
      await reloadCanned();
    } catch (err) { showAlert(err.message); }
    $("canned-code").focus();
  });

  $("tag-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const tag = $("tag-input").value.trim();
    if (tag) { $("tag-input").value = ""; setTag(tag, true); }
  });
  // "@" in a note: the floor leads who can be called, by username or name (autocomplete).
  const noteInput = $("note-body");
  let leads = null, mentionIndex = 0, mentionItems = [];
  function mentionQuery() {
    const m = /(^|\s)@([\w.-]*)$/.exec(noteInput.value.slice(0, noteInput.selectionStart));
    return m ? m[2].toLowerCase() : null;
  }
  function hideMention() {
    $("mention-menu").hidden = true;
    noteInput.removeAttribute("aria-activedescendant");
    mentionItems = [];
  }
  async function renderMention() {
    const q = mentionQuery();
    if (q === null || noteInput.disabled) { hideMention(); return; }
    if (leads === null) { try { leads = await api("GET", "/api/chat/mentionable"); } catch (e) { leads = []; } }
    const menu = $("mention-menu");
    menu.textContent = "";
    mentionItems = leads.filter((u) => u.username.toLowerCase().startsWith(q)
      || (u.name || "").toLowerCase().includes(q)).slice(0, 8);
    if (!mentionItems.length) { hideMention(); return; }
    mentionIndex = Math.min(mentionIndex, mentionItems.length - 1);
    mentionItems.forEach((u, i) => menu.append(el("li", {
      role: "option", id: "mention-" + i, "aria-selected": i === mentionIndex ? "true" : "false",
      class: "slash-item" + (i === mentionIndex ? " active" : ""),
      onmousedown: (e) => { e.preventDefault(); insertMention(u); } },
      el("strong", {}, "@" + u.username), " ", el("span", {}, u.name || ""))));
    menu.hidden = false;
    noteInput.setAttribute("aria-activedescendant", "mention-" + mentionIndex);
  }
  function insertMention(u) {
    const caret = noteInput.selectionStart;
    const before = noteInput.value.slice(0, caret).replace(/@[\w.-]*$/, "@" + u.username + " ");
    noteInput.value = before + noteInput.value.slice(caret);
    noteInput.setSelectionRange(before.length, before.length);
    hideMention();
    mentionIndex = 0;
    noteInput.focus();
  }
  noteInput.addEventListener("input", () => { mentionIndex = 0; renderMention(); });
  noteInput.addEventListener("keydown", (e) => {
    if ($("mention-menu").hidden || !mentionItems.length) return;
    const n = mentionItems.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      mentionIndex = (mentionIndex + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderMention();
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      insertMention(mentionItems[mentionIndex]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      hideMention();
    }
  });
  noteInput.addEventListener("blur", hideMention);
  $("note-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = $("note-body").value.trim();
    if (!body || current === null) return;
    try {
      await api("POST", `/api/chat/consultations/${current}/notes`, { body });
      $("note-body").value = "";
      showAlert(t("note_saved"));
    } catch (err) { showAlert(err.message); }
    $("note-body").focus();
  });

  $("archive-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const raw = $("archive-q").value.trim();
    if (!raw) return;
    const param = /^#[^\d]/.test(raw) ? "tag=" + encodeURIComponent(raw.slice(1)) : "q=" + encodeURIComponent(raw);
    const out = $("archive-results");
    out.textContent = "";
    try {
      const hits = await api("GET", "/api/chat/archive?" + param);
      if (!hits.length) out.append(el("li", { class: "hint" }, t("archive_none")));
      for (const h of hits) {
        out.append(el("li", { class: "archive-hit" },
          el("strong", {}, `#${h.id} ${h.subject || ""}`.slice(0, 60)),
          el("p", { class: "meta" }, [day(h.started_at), h.agent_name, ...(h.tags || []).map((g) => "#" + g)]
            .filter(Boolean).join(" · ")),
          h.snippet ? el("p", {}, h.snippet) : null,
          el("a", { href: `/api/chat/consultations/${h.id}/transcript` }, t("download"))));
      }
    } catch (err) { showAlert(err.message); }
    $("archive-q").focus();
  });

  // Keyboard shortcuts (Alt+key, so that typing is never taken over); Alt+/ shows the sheet.
  const shortcuts = $("shortcuts");
  $("shortcuts-open").addEventListener("click", () => shortcuts.showModal());
  document.addEventListener("keydown", (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    const ids = [...chats.keys()];
    const at = ids.indexOf(current);
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const code = e.code;
    if (key === "ArrowDown" || key === "ArrowUp") {
      if (!ids.length) return;
      e.preventDefault();
      const step = key === "ArrowDown" ? 1 : ids.length - 1;
      select(ids[at < 0 ? 0 : (at + step) % ids.length]);
    } else if (code === "KeyA") {
      const first = offers.keys().next();
      if (!first.done) { e.preventDefault(); decide(first.value, "accept"); }
    } else if (code === "KeyR") {
      const recs = current !== null ? chat(current).recs : [];
      if (recs.length && !input.disabled) { e.preventDefault(); insert(recs[0]); }
    } else if (code === "KeyE") {
      if (current !== null) { e.preventDefault(); openWrapup(); }
    } else if (code === "KeyS") {
      e.preventDefault(); $("state").focus();
    } else if (code === "KeyN") {
      if (!$("note-body").disabled) { e.preventDefault(); $("note-body").focus(); }
    } else if (code === "Slash" || key === "/") {
      e.preventDefault(); shortcuts.showModal();
    }
  });

  // The recovery-break offer is answered on its care record (taken or declined), for the
  // programme's figures; the state change is the desk's own.
  const answerCare = (taken) => {
    const care = $("break-dialog").dataset.care;
    $("break-dialog").dataset.care = "";
    if (care) api("POST", `/api/protection/care/${care}`, { taken }).catch(() => {});
  };
  $("take-break").addEventListener("click", async () => {
    $("break-dialog").hidden = true;
    answerCare(true);
    const info = await api("POST", "/api/chat/agent/state", { state: "break", reason: "recovery" });
    renderPresence(info.state, info.break_reason);
    $("state").focus();
  });
  $("skip-break").addEventListener("click", () => { $("break-dialog").hidden = true; answerCare(false); });

  // Other conversation kinds on this desk (written threads: static/channels/desk-written.js)
  // take the main pane through this small interface; picking a chat takes it back.
  Dasan.desk = {
    release() { current = null; entryForDraft = null; renderList(); renderConversation(); loadCanned(null); },
    renderRecs, showAlert,
    busy: () => false,   // set by the module that holds the pane
    send: (frame) => !!sock && sock.send(frame),
    current: () => current,
    composer: null,      // (body) => true when it took the reply
  };

  (async () => {
    try {
      cannedItems = await api("GET", "/api/chat/canned");
      for (const c of cannedItems) $("canned").append(el("option", { value: c.text }, `/${c.code} · ${c.label}`));
    } catch (e) { /* optional */ }
    loadTargets();
    connect();
  })();
})();
