/* CTI on the agent desktop: the gateway's call.* events (relayed by the desktop socket as a
   "dasan:call" DOM event) fill the call panel; its buttons post desktop commands. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const panel = $("call-panel");
  if (!panel) return;
  const L = JSON.parse($("call-i18n").textContent);
  const en = document.documentElement.lang === "en";
  const outcome = (code) => (L.outcomes[code] || [code, code])[en ? 1 : 0];
  let cid = null;
  let stage = "idle"; // ringing | talking | held | consulting | consult_answered | ended

  function show(ids) {
    for (const b of panel.querySelectorAll("button[data-action]")) b.hidden = !ids.includes(b.id.slice(5));
  }

  function render() {
    $("call-state").textContent = L[stage] || "";
    const buttons = {
      ringing: ["answer"],
      talking: ["hold", "transfer", "consult", "warn", "hangup"],
      held: ["resume", "hangup"],
      consulting: ["retrieve", "hangup"],
      consult_answered: ["complete", "retrieve", "hangup"],
      consult_failed: ["hold", "transfer", "consult", "warn", "hangup"],
      warned: ["hold", "transfer", "consult", "warn", "hangup"],
    }[stage] || [];
    show(buttons);
  }

  function pop(ev) {
    cid = ev.consultation_id;
    $("call-caller").textContent = ev.caller || "";
    $("call-queue").textContent = ev.queue || "";
    $("call-path").textContent = (ev.ars_path || []).filter((p) => p.startsWith("key:")).map((p) => p.slice(4)).join("-");
    $("call-wait").textContent = ev.wait_seconds != null ? `${Math.round(ev.wait_seconds)}${L.seconds}` : "";
    const list = $("call-history-list");
    list.textContent = "";
    for (const h of ev.history || []) {
      const li = document.createElement("li");
      li.textContent = [h.at, h.channel, h.category || "", h.subject || "", outcome(h.outcome)].filter(Boolean).join(" · ");
      list.append(li);
    }
    $("call-history").hidden = !(ev.history || []).length;
    panel.hidden = false;
  }

  document.addEventListener("dasan:call", (e) => {
    const ev = e.detail;
    const kind = ev.type.slice(5);
    if (kind === "ringing") { pop(ev); stage = ev.callback ? "callback" : "ringing"; }
    else if (ev.consultation_id !== cid) return;
    else if (kind === "answered" || kind === "resumed" || kind === "retrieved") stage = "talking";
    else if (kind === "ended") {
      stage = "ended";
      $("call-state").textContent = `${L.ended} · ${outcome(ev.outcome)}`;
      show([]);
      return;
    } else stage = kind;
    render();
  });

  panel.addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-action]");
    if (!b || cid === null) return;
    const action = b.dataset.action;
    const body = {};
    if (action === "transfer" || action === "consult") body.target = $("call-target").value.trim();
    b.disabled = true;
    try {
      await Dasan.api("POST", `/api/voice/calls/${cid}/${action}`, body);
    } catch (err) {
      $("call-state").textContent = `${L.failed}: ${err.message}`;
    } finally {
      b.disabled = false;
    }
  });
})();
