/* Citizen chat: chatbot first, live agent on request; resumes after reloads and drops. */
"use strict";
(() => {
  const { t, el, uid, wsUrl, Socket, api, time, attachment, upload } = Dasan;
  const KEY = "dasan.chat.v1";
  const log = document.getElementById("log");
  const statusEl = document.getElementById("status");
  const typingEl = document.getElementById("typing");
  const form = document.getElementById("composer");
  const input = document.getElementById("msg");
  const handoffBtn = document.getElementById("handoff");
  const leaveBtn = document.getElementById("leave");
  const restartBtn = document.getElementById("restart");
  const callbackForm = document.getElementById("callback");
  const transcriptBtn = document.getElementById("transcript");
  const surveyForm = document.getElementById("survey");
  const surveyStatus = document.getElementById("survey-status");

  let st = JSON.parse(sessionStorage.getItem(KEY) || "null");  // {cid, token, lastSeq, outbox}
  let sock = null;
  let phase = "bot";
  let statusTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  const seen = new Set();

  function save() { if (st) sessionStorage.setItem(KEY, JSON.stringify(st)); }
  const headers = () => ({ "X-Chat-Token": st.token });

  function senderLabel(m) {
    return m.sender === "citizen" ? t("you") : t(m.sender);
  }

  function renderMessage(m) {
    const flags = m.flags || {};
    const li = el("li", { class: "msg from-" + m.sender + (flags.kind === "policy" ? " policy" : ""),
                         "data-seq": m.seq, "data-client-id": m.client_msg_id || null });
    li.append(el("span", { class: "who" }, senderLabel(m)));
    const body = el("div", { class: "body" });
    if (flags.kind === "answer" && flags.entry) {
      const [title, ...rest] = m.body.split("\n\n");
      body.append(el("strong", { class: "entry-title" }, title));
      if (flags.steps && flags.steps.length) body.append(renderSteps(flags));
      else body.append(el("p", {}, rest.join("\n\n")));
      const e = flags.entry;
      const asOf = flags.as_of ? ` · ${t("as_of", { m: flags.as_of })}` : "";
      body.append(el("p", { class: "meta" }, `${t("owner")}: ${e.owner || "-"}${asOf}`));
    } else if (flags.kind === "attachment" && flags.attachment && st) {
      body.append(attachment(flags.attachment, `/api/chat/sessions/${st.cid}/attachments/${flags.attachment.id}`, headers()));
    } else {
      body.append(el("p", {}, m.body));
    }
    li.append(body, el("time", { class: "at" }, time(m.at)));
    if (flags.kind === "answer" && flags.ask_feedback && phase === "bot") {
      const box = el("div", { class: "feedback", role: "group", "aria-label": t("helpful") },
        el("span", {}, flags.feedback_prompt || t("helpful")),
        el("button", { type: "button", onclick: () => feedback(true, flags.entry.id, box) }, t("yes")),
        el("button", { type: "button", onclick: () => feedback(false, flags.entry.id, box) }, t("no")));
      li.append(box);
    }
    if (flags.related && flags.related.length && phase === "bot") {
      const list = el("ul", { class: "related", "aria-label": t("related") });
      for (const r of flags.related) {
        list.append(el("li", {}, el("button", { type: "button", onclick: () => select(r.id) }, r.title)));
      }
      li.append(el("p", { class: "meta" }, t("related")), list);
    }
    // The server asks for the survey when a chat an agent answered is closed: show the form.
    if (flags.kind === "survey" && st && !st.surveyed) { st.surveyOffered = true; save(); showSurvey(); }
    if (flags.offer_handoff && phase === "bot") {
      li.append(el("button", { type: "button", class: "primary", onclick: handoff }, t("handoff")));
    }
    return li;
  }

  // An answer's text with its links and phone numbers (found by the server) made clickable.
  function linkified(text, links, phones) {
    const targets = [...(links || []).map((v) => ({ v, href: /^https?:/i.test(v) ? v : `https://${v}` })),
                     ...(phones || []).map((v) => ({ v, href: `tel:${v.replace(/-/g, "")}` }))];
    const p = el("p", {});
    let rest = text;
    while (rest) {
      let best = null;
      for (const x of targets) {
        const at = rest.indexOf(x.v);
        if (at >= 0 && (!best || at < best.at || (at === best.at && x.v.length > best.x.v.length))) best = { at, x };
      }
      if (!best) { p.append(rest); break; }
      if (best.at) p.append(rest.slice(0, best.at));
      const external = best.x.href.startsWith("http");
      p.append(el("a", { href: best.x.href, rel: external ? "noopener noreferrer" : null,
                         target: external ? "_blank" : null }, best.x.v));
      rest = rest.slice(best.at + best.x.v.length);
    }
    return p;
  }

  // Long answers: the first steps, then a "more" button for the rest.
  function renderSteps(flags) {
    const box = el("div", { class: "answer-steps" });
    const list = el(flags.steps.length > 1 ? "ol" : "div", {});
    const shown = flags.steps_shown || 3;
    flags.steps.forEach((step, i) => {
      const item = el(flags.steps.length > 1 ? "li" : "div", { hidden: i >= shown ? true : null },
        linkified(step, flags.links, flags.phones));
      list.append(item);
    });
    box.append(list);
    if (flags.steps.length > shown) {
      const more = el("button", { type: "button", class: "more", "aria-expanded": "false",
        onclick: () => {
          list.querySelectorAll("[hidden]").forEach((n) => { n.hidden = false; });
          more.remove();
        } }, t("more", { n: flags.steps.length - shown }));
      box.append(more);
    }
    return box;
  }

  async function downloadTranscript() {
    if (!st) return;
    try {
      const r = await fetch(`/api/chat/sessions/${st.cid}/transcript`, { headers: headers() });
      if (!r.ok) throw new Error(r.statusText);
      const url = URL.createObjectURL(await r.blob());
      const a = el("a", { href: url, download: `dasan-chat-${st.cid}.txt` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) { statusEl.textContent = t("error") + ": " + err.message; }
    transcriptBtn.focus();
  }

  function addMessage(m) {
    if (seen.has(m.seq)) return;
    seen.add(m.seq);
    if (m.client_msg_id) {
      const pending = log.querySelector(`li.pending[data-client-id="${CSS.escape(m.client_msg_id)}"]`);
      if (pending) pending.remove();
    }
    log.append(renderMessage(m));
    if (m.seq > (st.lastSeq || 0)) { st.lastSeq = m.seq; save(); }
    log.scrollTop = log.scrollHeight;
  }

  function showPending(item) {
    const li = el("li", { class: "msg from-citizen pending", "data-client-id": item.client_msg_id },
      el("span", { class: "who" }, t("you")), el("div", { class: "body" }, el("p", {}, item.body)),
      el("span", { class: "at" }, t("sending")));
    log.append(li);
    log.scrollTop = log.scrollHeight;
  }

  function setState(c) {
    phase = c.phase;
    clearInterval(statusTimer);
    statusTimer = null;
    let text = t("bot_phase");
    if (c.phase === "waiting") {
      text = t("waiting");
      if (c.position) text += " · " + t("position", { n: c.position });
      if (c.expected_wait_seconds !== null && c.expected_wait_seconds !== undefined) {
        text += " · " + (c.expected_wait_seconds <= 0 ? t("eta_now")
          : t("eta", { m: Math.max(1, Math.round(c.expected_wait_seconds / 60)) }));
      }
      if (c.no_agents) text = t("waiting") + " · " + t("no_agents");
      statusTimer = setInterval(() => sock && sock.send({ type: "status" }), 5000);
      if (c.position === undefined && sock) sock.send({ type: "status" });
    } else if (c.phase === "pending") {
      text = t("pending");
    } else if (c.phase === "live") {
      text = t("live", { name: c.agent_name || "" });
    } else if (c.phase === "closed") {
      text = t("closed");
    }
    statusEl.textContent = text;
    statusEl.dataset.phase = c.phase;
    if (c.no_agents !== undefined || c.phase !== "waiting") callbackForm.hidden = !(c.phase === "waiting" && c.no_agents);
    handoffBtn.hidden = c.phase !== "bot";
    const closed = c.phase === "closed";
    input.disabled = closed;
    form.querySelector("button").disabled = closed;
    attachInput.disabled = closed;
    leaveBtn.hidden = closed;
    // Waiting: the same button cancels the wait (the chat leaves the queue at once).
    leaveBtn.textContent = c.phase === "waiting" ? t("cancel_wait") : t("end_chat");
    restartBtn.hidden = !closed;
    transcriptBtn.hidden = !closed;
    if (closed && sock) { sock.stop(); sock = null; }
    showSurvey();
  }

  function showSurvey() {
    const closed = statusEl.dataset.phase === "closed";
    surveyForm.hidden = !(closed && st && st.cid && st.surveyOffered && !st.surveyed);
  }

  function onEvent(ev) {
    if (ev.type === "message") addMessage(ev);
    else if (ev.type === "state") {
      if (ev.consultation.position === undefined && phase === ev.consultation.phase) return;
      setState(ev.consultation);
    } else if (ev.type === "status") {
      // The answer to a poll: only refreshes the figures of the phase we are still in.
      if (ev.consultation.phase === phase) setState(ev.consultation);
    }
    else if (ev.type === "ack") {
      st.outbox = (st.outbox || []).filter((o) => o.client_msg_id !== ev.client_msg_id);
      save();
    } else if (ev.type === "typing") {
      typingEl.textContent = ev.active ? t("typing_agent") : "";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { typingEl.textContent = ""; }, 4000);
    } else if (ev.type === "error") {
      statusEl.textContent = ev.code === "chat_rate_limited" ? t("rate_limited") : t("error") + ": " + Dasan.frameError(ev);
      if (ev.ref) {
        const pending = log.querySelector(`li.pending[data-client-id="${CSS.escape(ev.ref)}"]`);
        if (pending) { pending.classList.add("failed"); pending.querySelector(".at").textContent = t("not_sent"); }
        st.outbox = (st.outbox || []).filter((o) => o.client_msg_id !== ev.ref);
        save();
      }
    }
  }

  function flush() {
    for (const item of st.outbox || []) {
      if (!sock || !sock.send(item)) return;
    }
  }

  function connect() {
    sock = new Socket(
      () => wsUrl(`/api/chat/ws/citizen/${st.cid}`),
      {
        hello: () => ({ type: "auth", token: st.token, after_seq: st.lastSeq || 0 }),
        open: () => { statusEl.classList.remove("offline"); flush(); },
        close: () => { if (phase !== "closed") { statusEl.textContent = t("reconnecting"); statusEl.classList.add("offline"); } },
        event: onEvent,
      });
  }

  async function ensureChat() {
    if (st && st.cid) return;
    const data = await api("POST", "/api/chat/sessions", { language: ["ko", "en", "zh", "ja", "vi", "mn"].includes(Dasan.lang) ? Dasan.lang : "ko" });
    st = { cid: data.consultation_id, token: data.token, lastSeq: 0, outbox: [] };
    save();
    connect();
  }

  async function send(frame) {
    await ensureChat();
    st.outbox = st.outbox || [];
    st.outbox.push(frame);
    save();
    if (frame.type === "message") showPending(frame);
    if (sock) sock.send(frame);
  }

  function feedback(helpful, entryId, box) {
    box.remove();
    send({ type: "feedback", helpful, entry_id: entryId, client_msg_id: uid() });
  }
  function select(entryId) { send({ type: "select", entry_id: entryId, client_msg_id: uid() }); }
  async function handoff() {
    hideWelcome();
    await ensureChat();
    if (!sock || !sock.send({ type: "handoff" })) {
      await api("POST", `/api/chat/sessions/${st.cid}/handoff`, undefined, headers());
    }
  }

  // The greeting and suggested questions show until the first message starts the chat.
  const welcome = document.getElementById("welcome");
  function hideWelcome() { if (welcome) welcome.hidden = true; }

  const attachInput = document.getElementById("attach");
  attachInput.addEventListener("change", async () => {
    const file = attachInput.files && attachInput.files[0];
    attachInput.value = "";
    if (!file) return;
    try {
      hideWelcome();
      await ensureChat();
      await upload(`/api/chat/sessions/${st.cid}/attachments`, file, headers());
    } catch (err) {
      statusEl.textContent = err.code === "attachment_too_large" ? t("attach_too_large")
        : err.status === 429 ? t("rate_limited") : t("attach_bad");
    }
    input.focus();
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    input.value = "";
    hideWelcome();
    send({ type: "message", body, client_msg_id: uid() });
    input.focus();
  });
  for (const b of document.querySelectorAll("#welcome .suggestion")) {
    b.addEventListener("click", () => {
      hideWelcome();
      send({ type: "message", body: b.dataset.question, client_msg_id: uid() });
      input.focus();
    });
  }
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  let draftTimer = null;
  input.addEventListener("input", () => {
    const now = Date.now();
    if (sock && phase === "live" && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      sock.send({ type: "typing", active: true });
    }
    // After a pause in typing, the draft goes along so that the agent's assistant can
    // follow the question before it is sent (debounced; never stored).
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => {
      const draft = input.value.trim();
      if (sock && phase === "live" && draft.length >= 4) {
        sock.send({ type: "typing", active: true, draft: draft.slice(0, 300) });
      }
    }, 600);
  });
  handoffBtn.addEventListener("click", handoff);
  leaveBtn.addEventListener("click", async () => {
    if (!st) return;
    if (!sock || !sock.send({ type: "leave" })) {
      await api("POST", `/api/chat/sessions/${st.cid}/leave`, undefined, headers());
      setState({ phase: "closed" });
    }
  });
  callbackForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!st) return;
    try {
      // Two buttons share the number: a callback, or the question answered by SMS.
      const how = e.submitter && e.submitter.value === "sms" ? "sms-answer" : "callback";
      await api("POST", `/api/chat/sessions/${st.cid}/${how}`, { phone: document.getElementById("callback-phone").value }, headers());
      callbackForm.hidden = true;
    } catch (err) { statusEl.textContent = t("error") + ": " + err.message; }
    restartBtn.focus();
  });

  transcriptBtn.addEventListener("click", downloadTranscript);
  surveyForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!st) return;
    const data = new FormData(surveyForm);
    const body = { score: Number(data.get("score")), comment: String(data.get("comment") || "") || null };
    const r = await fetch(`/api/quality/surveys/chat/${st.cid}`, {
      method: "POST", body: JSON.stringify(body),
      headers: Object.assign({ "Content-Type": "application/json", "Accept": "application/json" }, headers()),
    });
    if (r.ok || r.status === 409) {
      st.surveyed = true;
      save();
      surveyForm.hidden = true;
      surveyStatus.textContent = r.ok ? t("survey_thanks") : t("survey_done");
    } else {
      const err = await r.json().catch(() => ({}));
      surveyStatus.textContent = t("error") + ": " + window.dasanErrorMessage(err, r.status);
    }
  });

  restartBtn.addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    location.reload();
  });

  // The page is going away while the citizen waits: say so, so that the chat leaves the queue
  // now instead of after the long grace of a dropped connection. A reload sends the same
  // beacon; the server waits a few seconds for the reloaded page's socket before removing.
  // A beacon has no headers: the chat token (and the CSRF token of a logged-in citizen) go in
  // the form body.
  window.addEventListener("pagehide", () => {
    if (!st || !st.cid || phase !== "waiting" || !navigator.sendBeacon) return;
    const body = new URLSearchParams({ token: st.token });
    const csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && csrf.content) body.set("csrf_token", csrf.content);
    navigator.sendBeacon(`/api/chat/sessions/${st.cid}/page-closed`, body);
  });

  if (st && st.cid) {
    hideWelcome();
    st.lastSeq = 0;  // a fresh page shows the whole conversation again
    for (const item of st.outbox || []) if (item.type === "message") showPending(item);
    connect();
  } else {
    statusEl.textContent = t("bot_phase");
  }
})();
