/* The agent desk's sign-language video panel (ADR 0015): when a video consultation is live on
   this desk, the desk calls the citizen (WebRTC; signalling over the desk's socket), and
   reports once that the call's media connected — the moment the consultation is answered. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const panel = $("sign-panel");
  if (!panel || typeof Dasan === "undefined" || !Dasan.desk || !Dasan.rtc) return;
  const { t, api } = Dasan;
  const stateEl = $("sign-state"), remote = $("sign-remote"), local = $("sign-local");
  let call = null, cid = null, stream = null, reported = false;

  function show(text, cls) { stateEl.textContent = text; stateEl.className = "badge" + (cls ? " " + cls : ""); }

  async function startCall(id) {
    cid = id; reported = false;
    panel.hidden = false;
    $("sign-title-id").textContent = `#${id}`;
    show(t("sign_call_connecting"));
    try {
      if (!stream) stream = await Dasan.rtc.camera();
      local.srcObject = stream;
      const { ice_servers: iceServers } = await api("GET", "/api/sign/ice-servers");
      if (cid !== id) return;  // the consultation went away meanwhile
      if (call) call.close();
      call = new Dasan.rtc.Call({
        iceServers, stream,
        send: (kind, extra) => Dasan.desk.send(Object.assign({ type: "rtc", consultation_id: id, kind }, extra)),
        onRemote: (s) => { remote.srcObject = s; },
        onState: (state) => {
          if (state === "connected") {
            show(t("sign_call_live"), "ok");
            if (!reported) reported = Dasan.desk.send({ type: "rtc_connected", consultation_id: id });
          } else if (state === "failed") show(t("sign_call_failed"), "warn");
          else if (state === "connecting" || state === "disconnected") show(t("sign_call_connecting"));
        },
      });
      await call.offer();
    } catch (e) {
      show(t("sign_call_failed"), "warn");
      // A refused request says its code's text; a camera's own (English) error is not shown.
      Dasan.desk.showAlert(t("sign_call_failed") + (e.status !== undefined ? ": " + e.message : ""));
    }
  }

  function endCall() {
    if (call) call.close();
    call = null; cid = null;
    if (stream) for (const tr of stream.getTracks()) tr.stop();
    stream = null;
    remote.srcObject = null; local.srcObject = null;
    panel.hidden = true;
  }

  document.addEventListener("dasan:chat-view", (e) => {
    const { view, fresh } = e.detail;
    if (view.channel === "sign_language" && view.phase === "live" && fresh && cid !== view.id) startCall(view.id);
    else if (view.id === cid && (view.phase === "closed" || view.phase === "gone")) endCall();
  });
  document.addEventListener("dasan:rtc", (e) => {
    const ev = e.detail;
    if (ev.sender !== "citizen") return;
    if (ev.kind === "restart") startCall(ev.consultation_id);  // the citizen's page came back
    else if (ev.consultation_id === cid && call) call.handle(ev).catch((err) => console.error(err));
  });
  $("sign-hangup").addEventListener("click", () => {
    if (cid !== null) Dasan.desk.send({ type: "rtc", consultation_id: cid, kind: "hangup" });
    endCall();
  });

  Dasan.sign = { pc: () => (call ? call.pc : null), consultation: () => cid };
})();
