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
  let stage = "idle"; // ringing | talking | held | consulting | consult_answered | interpreter_* | ended
  let interpreting = false; // this desktop's agent is the call's interpreter, not its agent

  function show(ids) {
    for (const b of panel.querySelectorAll("button[data-action]")) b.hidden = !ids.includes(b.id.slice(5));
  }

  function render(detail) {
    $("call-state").textContent = (L[stage] || "") + (detail ? ` (${detail})` : "");
    const talking = ["hold", "transfer", "consult", "interpreter", "warn", "hangup"];
    const buttons = interpreting ? [] : {
      ringing: ["answer"],
      talking,
      held: ["resume", "hangup"],
      consulting: ["retrieve", "hangup"],
      consult_answered: ["complete", "retrieve", "hangup"],
      consult_failed: talking,
      warned: talking,
      interpreter_ringing: ["drop_interpreter", "hangup"],
      interpreter_joined: ["drop_interpreter", "warn", "hangup"],
      interpreter_left: talking,
      interpreter_failed: talking,
    }[stage] || [];
    show(buttons);
    $("call-interp-target").parentElement.hidden = !buttons.includes("interpreter");
  }

  // 원문 보기 (/static/reveal.js), when the page drew it (a user who may reveal a call's
  // transcript): a line is keyed "leg:start_ms" as the voice room's reveal answers it.
  const transcript = $("call-transcript");
  const revealable = transcript.hasAttribute("data-reveal");

  function line(leg, text, flags, startMs) {
    const li = document.createElement("li");
    li.className = `leg-${leg}`;
    if (startMs !== undefined && startMs !== null) li.dataset.seq = `${leg}:${startMs}`;
    const who = document.createElement("strong");
    who.textContent = L[`leg_${leg}`] || "";
    const body = document.createElement("span");
    body.className = "reveal-body";
    body.textContent = text;
    li.append(who, " ", body);
    for (const f of ["abuse", "crisis"]) {
      if (flags && flags[f]) {
        const b = document.createElement("span");
        b.className = `badge flag-${f}`;
        b.textContent = L[`flag_${f}`];
        li.append(" ", b);
      }
    }
    $("call-transcript").append(li);
    $("call-live").hidden = false;
  }

  function suggestions(items, label) {
    const list = $("call-assist");
    list.textContent = "";
    for (const r of items || []) {
      const li = document.createElement("li");
      const title = document.createElement("strong");
      title.textContent = (label ? label + ": " : "") + r.title;
      const meta = document.createElement("small");
      meta.textContent = [r.owner ? `${L.owner} ${r.owner}` : "", r.review_due ? `${L.review_due} ${r.review_due}` : ""].filter(Boolean).join(" · ");
      li.append(title, document.createElement("br"), meta);
      if (r.answer) {
        const p = document.createElement("p");
        p.textContent = r.answer.slice(0, 200);
        li.append(p);
      }
      list.append(li);
    }
    $("call-live").hidden = !(items || []).length && !$("call-transcript").children.length;
  }

  function pop(ev) {
    cid = ev.consultation_id;
    if (revealable && window.DasanReveal) window.DasanReveal.target(transcript, cid);
    $("call-transcript").textContent = "";
    suggestions([]);
    if (ev.bot) {  // the callbot handed the caller over: what it heard and its guesses
      for (const heard of ev.bot.heard || []) line("bot", heard, {});
      suggestions(ev.bot.guesses, L.bot_guess);
    }
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
    if (kind === "transcript") {  // a masked line of the call (live STT), not a state change
      if (ev.consultation_id === cid) line(ev.leg, ev.text, ev.flags, ev.start_ms);
      return;
    }
    if (kind === "ringing") {
      pop(ev);
      interpreting = ev.interpreter === true;
      stage = ev.callback ? "callback" : "ringing";
    }
    else if (ev.consultation_id !== cid) return;
    else if (interpreting && (kind === "answered" || kind === "interpreter_left")) {
      stage = kind === "answered" ? "interpreting" : "ended";
    }
    else if (kind === "answered" || kind === "resumed" || kind === "retrieved") stage = "talking";
    else if (kind === "interpreter_failed") {
      stage = kind;
      render(L[`sip_${ev.sip_status}`] || String(ev.sip_status || ""));
      return;
    }
    else if (kind === "ended") {
      stage = "ended";
      $("call-state").textContent = `${L.ended} · ${outcome(ev.outcome)}`;
      show([]);
      return;
    } else stage = kind;
    render();
  });

  // The assistant's KB answers for the caller's last turn (the desktop socket relays the
  // "assist" events of a call, which is not one of the agent's chats).
  document.addEventListener("dasan:call-assist", (e) => {
    if (e.detail.consultation_id === cid) suggestions(e.detail.items);
  });

  panel.addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-action]");
    if (!b || cid === null) return;
    const action = b.dataset.action;
    const body = {};
    if (action === "transfer" || action === "consult") body.target = $("call-target").value.trim();
    if (action === "interpreter") body.target = $("call-interp-target").value.trim();
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
