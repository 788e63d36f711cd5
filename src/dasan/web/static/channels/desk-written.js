/* Written threads (SMS, portals/messengers, the Q&A board) on the agent desktop.

   The threads sit in their own group of the desktop's conversation list, most urgent SLA first,
   with a live countdown (asynchronous channels have deadlines, not presence). Opening one takes
   the main pane through the desktop's small interface (`Dasan.desk`, chat/agent.js): the chat
   selection is released, the shared composer, canned answers ("/" and the list) and the
   assistant panel then work for the thread; picking a chat again hands the pane back.
   Changes are pushed: the desktop's socket (chat/agent.js) turns each `written` event (a
   citizen's message, a claim, an answer, a close; ids only, never text) into a
   `dasan:written` DOM event, and the list and the open thread are read again through the API,
   where the access policy decides what this agent sees. */
"use strict";
(() => {
  const root = document.getElementById("written-desk");
  if (!root || typeof Dasan === "undefined" || !Dasan.desk) return;
  const { t, el, api, time, keyedList } = Dasan;
  const L = root.dataset;
  const $ = (id) => document.getElementById(id);
  const list = $("written-list"), log = $("log"), input = $("msg"), bar = $("written-bar");
  const PUSH_GAP_MS = 250;    // events that come together cause one re-read

  let threads = [];          // the desk view's threads (agent's own first, then by SLA)
  let fetchedAt = 0;         // when `threads` was fetched (the countdowns run from it)
  let active = null;         // the open thread's detail, or null when a chat has the pane
  let agentId = null;

  const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.replace("{" + k + "}", v), s);
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const channelLabel = (ch) => L["l" + cap(ch)] || ch;
  const langLabel = (lang) => L["lLang" + cap(lang || "")] || lang || "";

  function left(item) {
    if (item.sla_seconds_left === null || item.sla_seconds_left === undefined) return null;
    return item.sla_seconds_left - (Date.now() - fetchedAt) / 1000;
  }

  function slaText(secs) {
    if (secs === null) return "";
    if (secs < 0) return L.lOverdue;
    const mins = Math.floor(secs / 60);
    return mins >= 60 ? fill(L.lHoursLeft, { h: Math.floor(mins / 60), m: mins % 60 }) : fill(L.lLeft, { m: mins });
  }

  function stateText(item) {
    if (item.status === "replied") return L.lReplied;
    if (item.status === "closed") return L.lClosed;
    return item.mine ? L.lMine : item.claimed_by_agent_id ? L.lClaimed : L.lOpen;
  }

  function renderLoad(load) {
    const parts = Object.entries(load || {}).map(([ch, v]) => `${channelLabel(ch)} ${v.held}/${v.limit}`);
    $("written-load").textContent = parts.join(" · ");
  }

  function renderList() {
    // The "nothing waiting" hint sits beside the tab list: a tablist may hold only tabs.
    const none = $("written-none");
    none.textContent = threads.length ? "" : L.lNone;
    none.hidden = threads.length > 0;
    // In place (Dasan.keyedList): a pushed re-read must not swap the tab the agent is clicking.
    keyedList(list, threads.map((it) => {
      const secs = left(it);
      const overdue = secs !== null && secs < 0;
      return [it.id, el("li", { role: "presentation" },
        el("button", { type: "button", role: "tab", id: "wtab-" + it.id, "data-thread": it.id,
                       "aria-selected": active && active.id === it.id ? "true" : "false",
                       class: "chat-tab written-tab" + (overdue ? " overdue" : "") + (it.mine ? " mine" : ""),
                       onclick: () => open(it.id) },
          el("span", { class: "badge" }, channelLabel(it.channel)),
          el("span", {}, `#${it.id} ${it.subject || ""}`.slice(0, 40)),
          it.language && it.language !== "ko" ? el("span", { class: "badge" }, langLabel(it.language)) : null,
          secs !== null && it.status !== "replied"
            ? el("span", { class: "badge sla" + (overdue ? " warn" : ""), "data-sla": it.id }, slaText(secs)) : null,
          el("span", { class: "hint" }, stateText(it))))];
    }));
  }

  // The countdowns move every 30 s (the list itself is re-read when a change is pushed).
  setInterval(() => {
    for (const it of threads) {
      const badge = list.querySelector(`[data-sla="${it.id}"]`);
      if (!badge) continue;
      const secs = left(it);
      badge.textContent = slaText(secs);
      badge.classList.toggle("warn", secs !== null && secs < 0);
    }
  }, 30000);

  async function refresh() {
    try {
      const d = await api("GET", "/api/channels/desk");
      threads = d.threads;
      agentId = d.agent_id;
      fetchedAt = Date.now();
      renderLoad(d.load);
      renderList();
    } catch (e) { /* the list is advisory; the next poll retries */ }
  }

  function statusLabel(s) { return L["lStatus" + cap(s || "")] || ""; }

  // 원문 보기 (/static/reveal.js) on the thread shown, as on a chat: any thread for a role that
  // may reveal any consultation, else only one this agent holds while it is not closed (the
  // server decides again on every reveal). Redrawing puts the masked text back.
  function mayReveal(d) {
    if (!d.consultation_id || d.status === "closed") return false;
    return log.hasAttribute("data-reveal-any") || (agentId !== null && d.claimed_by_agent_id === agentId);
  }

  // What the log shows: the thread, its messages as drawn, and whether a reveal is allowed. A
  // re-read that changes none of it (a pushed claim, an SLA tick) leaves the log - and raw text
  // revealed in it - as it is; any change redraws it masked.
  let drawn = "";
  function drawnKey(d) {
    return JSON.stringify([d.id, mayReveal(d), d.messages.map((m) =>
      [m.id, m.body, m.translation, m.translation_language, m.delivery_status])]);
  }

  function renderThread() {
    const d = active;
    const key = drawnKey(d);
    const keep = key === drawn && log.hasAttribute("data-revealed");
    drawn = key;
    if (!keep) drawLog(d);
    renderHeader(d);
  }

  function drawLog(d) {
    if (window.DasanReveal && log.hasAttribute("data-reveal")) window.DasanReveal.target(log, mayReveal(d) ? d.consultation_id : null);
    log.textContent = "";
    for (const m of d.messages) {
      const li = el("li", { class: `msg from-${m.sender} written-msg ${m.direction}`, "data-message": m.id, "data-seq": m.seq },
        el("span", { class: "who" }, t(m.sender) + " · " + langLabel(m.language)),
        el("div", { class: "body" }, el("p", { class: "reveal-body" }, m.body)),
        m.translation ? el("p", { class: "translation" },
          el("strong", {}, `${m.direction === "in" ? L.lTranslation : L.lOriginal} (${langLabel(m.translation_language)}): `),
          m.translation) : null,
        el("time", { class: "at" }, time(m.at) + (statusLabel(m.delivery_status) ? " · " + statusLabel(m.delivery_status) : "")));
      log.append(li);
    }
    log.scrollTop = log.scrollHeight;
  }

  function renderHeader(d) {
    $("conv-title").textContent = `#${d.id} [${channelLabel(d.channel)}] ${d.subject || ""}`;
    const item = threads.find((i) => i.id === d.id);
    $("conv-meta").textContent = [channelLabel(d.channel), langLabel(d.language),
      item ? slaText(left(item)) : "", item ? stateText(item) : (d.status === "closed" ? L.lClosed : "")]
      .filter(Boolean).join(" · ");
    const heldByOther = d.claimed_by_agent_id && d.claimed_by_agent_id !== agentId;
    const writable = d.status !== "closed" && !heldByOther;
    input.disabled = !writable;
    $("send").disabled = !writable;
    bar.hidden = false;
    $("written-claim").disabled = d.status === "closed" || d.claimed_by_agent_id === agentId;
    $("written-close").disabled = d.status === "closed" || heldByOther;
    $("written-candidate").hidden = d.channel !== "web";
    $("written-translate").closest("label").hidden = d.language === "ko";
  }

  async function load(id) {
    const d = await api("GET", "/api/channels/threads/" + id);
    if (!active || active.id !== d.id) return;
    active = d;
    renderThread();
    document.dispatchEvent(new CustomEvent("dasan:thread-select", { detail: { consultation_id: d.consultation_id } }));
  }

  async function open(id) {
    Dasan.desk.release();           // the chat selection lets go of the pane
    active = { id, messages: [] };
    drawn = "";
    renderList();
    Dasan.desk.renderRecs([]);
    try { await load(id); } catch (e) { Dasan.desk.showAlert(L.lError + ": " + e.message); return; }
    try {
      const recs = await api("GET", `/api/channels/threads/${id}/assist`);
      if (active && active.id === id) Dasan.desk.renderRecs(recs);
    } catch (e) { /* the assistant is advisory */ }
    input.focus();
  }

  function leave() {
    if (!active) return;
    active = null;
    drawn = "";
    bar.hidden = true;
    renderList();
  }
  // A chat picked on the desk (by the agent or by an offer accepted) takes the pane back.
  document.addEventListener("dasan:desk-select", leave);

  Dasan.desk.busy = () => active !== null;

  // The shared composer: while a thread is open, its text is the thread's answer.
  Dasan.desk.composer = (body) => {
    if (!active) return false;
    const id = active.id;
    api("POST", `/api/channels/threads/${id}/reply`, { text: body, translate: $("written-translate").checked })
      .then(() => { Dasan.desk.showAlert(L.lSent + ` #${id}`); return Promise.all([refresh(), load(id)]); })
      .catch((e) => {
        if (!input.value) input.value = body;   // nothing lost: the text comes back to the box
        Dasan.desk.showAlert(L.lError + ": " + e.message);
      });
    return true;
  };

  async function act(path, okText) {
    if (!active) return;
    const id = active.id;
    try {
      await api("POST", `/api/channels/threads/${id}/${path}`);
      Dasan.desk.showAlert(okText + ` #${id}`);
      await refresh();
      await load(id);
    } catch (e) { Dasan.desk.showAlert(L.lError + ": " + e.message); }
  }
  $("written-claim").addEventListener("click", () => act("claim", L.lClaimedOk).then(() => input.focus()));
  $("written-close").addEventListener("click", () => act("close", L.lClosedOk).then(() => $("written-close").focus()));
  $("written-candidate").addEventListener("click", () => act("kb-candidate", L.lCandidateOk));

  // Pushed changes: one re-read of the list for a burst of events, and of the open thread
  // when the event is about it.
  let pushTimer = null, reloadOpen = false;
  document.addEventListener("dasan:written", (e) => {
    const ev = e.detail || {};
    if (active && (ev.type === "hello" || ev.thread_id === active.id)) reloadOpen = true;
    clearTimeout(pushTimer);
    pushTimer = setTimeout(() => {
      const again = reloadOpen && active ? active.id : null;
      reloadOpen = false;
      refresh().then(() => again !== null && active && active.id === again ? load(again) : null)
        .catch(() => { /* the next event retries */ });
    }, PUSH_GAP_MS);
  });

  const wanted = Number(new URLSearchParams(location.search).get("thread")) || null;
  refresh().then(() => { if (wanted) open(wanted); });
})();
