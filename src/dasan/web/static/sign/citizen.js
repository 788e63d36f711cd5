/* Citizen's sign-language video consultation: camera, queue, video call with the agent. */
"use strict";
(() => {
  const { t, el, uid, wsUrl, Socket, api, time } = Dasan;
  const KEY = "dasan.sign.v1";
  const $ = (id) => document.getElementById(id);
  const statusEl = $("status"), log = $("log"), input = $("msg"), form = $("composer");
  const startBtn = $("start"), leaveBtn = $("leave"), restartBtn = $("restart");
  let st = JSON.parse(sessionStorage.getItem(KEY) || "null");  // {cid, token, lastSeq, ice}
  let sock = null, call = null, stream = null, view = null;
  let lastMedia = "";

  const save = () => { if (st) sessionStorage.setItem(KEY, JSON.stringify(st)); };

  function renderStatus() {
    if (!view) return;
    const name = view.agent_name || "";
    let text;
    if (view.phase === "closed") text = t("sign_closed");
    else if (view.phase === "live") text = lastMedia === "connected" ? t("sign_live", { name }) : t("sign_connecting", { name });
    else {
      const parts = [t("sign_waiting")];
      if (view.position) parts.push(t("position", { n: view.position }));
      if (view.no_agents) parts.push(t("no_agents"));
      else if (view.expected_wait_seconds === 0) parts.push(t("eta_now"));
      else if (view.expected_wait_seconds) parts.push(t("eta", { m: Math.max(1, Math.round(view.expected_wait_seconds / 60)) }));
      text = parts.join(" · ");
    }
    statusEl.textContent = text;
    const open = view.phase !== "closed";
    input.disabled = !open; $("send").disabled = !open;
    leaveBtn.hidden = !open; restartBtn.hidden = open; startBtn.hidden = true;
    if (!open) { if (call) call.close(); stopCamera(); }
  }

  function addMessage(m) {
    if (log.querySelector(`li[data-seq="${m.seq}"]`)) return;
    st.lastSeq = Math.max(st.lastSeq || 0, m.seq); save();
    const who = m.sender === "citizen" ? t("you") : t(m.sender);
    log.append(el("li", { class: "msg from-" + m.sender, "data-seq": m.seq },
      el("span", { class: "who" }, who), el("div", { class: "body" }, el("p", {}, m.body)),
      el("time", { class: "at" }, time(m.at))));
    log.scrollTop = log.scrollHeight;
  }

  function stopCamera() {
    if (stream) for (const tr of stream.getTracks()) tr.stop();
    stream = null;
  }

  function newCall() {
    call = new Dasan.rtc.Call({
      iceServers: st.ice || [], stream,
      send: (kind, extra) => sock && sock.send(Object.assign({ type: "rtc", kind }, extra)),
      onRemote: (s) => { $("remote").srcObject = s; },
      onState: (state) => {
        lastMedia = state;
        if (state === "failed" || state === "disconnected") statusEl.textContent = t("sign_media_lost");
        else renderStatus();
      },
    });
  }

  function onEvent(ev) {
    switch (ev.type) {
      case "state": case "status":
        view = ev.consultation; renderStatus();
        break;
      case "message": addMessage(ev); break;
      case "rtc":
        if (ev.sender === "agent" && call) call.handle(ev).catch((e) => console.error(e));
        break;
      case "error":
        if (ev.status === 401) { sessionStorage.removeItem(KEY); statusEl.textContent = t("sign_closed"); }
        else statusEl.textContent = t("error") + ": " + Dasan.frameError(ev);
        break;
    }
  }

  function connect() {
    sock = new Socket(() => wsUrl(`/api/chat/ws/citizen/${st.cid}`), {
      hello: () => ({ type: "auth", token: st.token, after_seq: st.lastSeq || 0 }),
      open: () => {
        // After a reload or a dropped socket during a live call, ask the agent to call again.
        if (view && view.phase === "live") sock.send({ type: "rtc", kind: "restart" });
      },
      event: onEvent,
    });
  }

  async function openCamera() {
    statusEl.textContent = t("sign_camera");
    try { stream = await Dasan.rtc.camera(); }
    catch (e) { statusEl.textContent = t("sign_no_camera"); return false; }
    $("local").srcObject = stream;
    return true;
  }

  async function start() {
    startBtn.disabled = true;
    if (!(await openCamera())) { startBtn.disabled = false; return; }
    try {
      const r = await api("POST", "/api/sign/sessions", { language: Dasan.lang === "en" ? "en" : "ko" });
      st = { cid: r.consultation_id, token: r.token, lastSeq: 0, ice: r.ice_servers };
      save();
    } catch (e) { statusEl.textContent = t("error") + ": " + e.message; startBtn.disabled = false; stopCamera(); return; }
    newCall();
    connect();
  }

  async function resume() {
    if (!(await openCamera())) return;
    newCall();
    connect();
  }

  startBtn.addEventListener("click", start);
  leaveBtn.addEventListener("click", () => {
    if (call) call.close();
    if (!sock || !sock.send({ type: "leave" })) {
      api("POST", `/api/chat/sessions/${st.cid}/leave`, undefined, { "X-Chat-Token": st.token }).catch(() => {});
    }
  });
  restartBtn.addEventListener("click", () => {
    if (sock) sock.stop();
    sessionStorage.removeItem(KEY);
    location.reload();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body || !sock) return;
    if (sock.send({ type: "message", body, client_msg_id: uid() })) input.value = "";
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });

  Dasan.sign = { pc: () => (call ? call.pc : null), consultation: () => (st ? st.cid : null) };
  if (st && st.cid) resume();
})();
