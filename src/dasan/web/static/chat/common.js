/* Shared helpers for the chat pages (no build step, no dependencies). */
"use strict";

const Dasan = (() => {
  const S = JSON.parse(document.getElementById("i18n").textContent || "{}");

  function t(key, vars) {
    let s = S[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", v);
    return s;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function wsUrl(path) {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return proto + "//" + location.host + path;
  }

  /* A WebSocket that reconnects with backoff; `url()` is re-evaluated on every attempt so
     that the resume point (after_seq) is current. */
  class Socket {
    constructor(url, handlers) {
      this.url = url;
      this.h = handlers;
      this.delay = 300;
      this.closed = false;
      this.open();
    }
    open() {
      const ws = new WebSocket(this.url());
      this.ws = ws;
      ws.onopen = () => {
        // Credentials go in the first frame, never in the URL (access logs keep URLs).
        const hello = this.h.hello && this.h.hello();
        if (hello) ws.send(JSON.stringify(hello));
        this.delay = 300;
        this.h.open && this.h.open();
      };
      ws.onmessage = (ev) => { try { this.h.event(JSON.parse(ev.data)); } catch (e) { console.error(e); } };
      ws.onclose = (ev) => {
        this.h.close && this.h.close(ev);
        if (this.closed || ev.code === 4401) return;
        setTimeout(() => this.open(), this.delay);
        this.delay = Math.min(this.delay * 2, 5000);
      };
    }
    get ready() { return this.ws && this.ws.readyState === WebSocket.OPEN; }
    send(obj) {
      if (!this.ready) return false;
      this.ws.send(JSON.stringify(obj));
      return true;
    }
    stop() { this.closed = true; if (this.ws) this.ws.close(); }
  }

  /* A refused request as an Error whose message is the page language's text for the API's
     code (dasan.js, dasanErrorMessage: never the English detail on a Korean page); the code
     and status ride along for callers that choose by them. */
  function failure(data, status) {
    const e = new Error(window.dasanErrorMessage(data, status));
    e.code = data && data.code;
    e.status = status;
    return e;
  }

  async function send(url, opts) {
    try { return await fetch(url, opts); } catch (e) { throw failure({ code: "network" }, 0); }
  }

  async function api(method, path, body, headers) {
    const opts = { method, headers: Object.assign({ "Accept": "application/json" }, headers || {}) };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const r = await send(path, opts);
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw failure(data, r.status);
    return data;
  }

  function time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // A stored (UTC) time's day on the reader's clock, "YYYY-MM-DD" (the stored string's first
  // ten characters are UTC's day: a chat at 08:30 in Seoul is the day before in UTC).
  function day(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  }

  // A stored (UTC) time on the reader's clock to the minute, "YYYY-MM-DD HH:MM".
  function minute(iso) {
    const date = day(iso);
    if (!date) return "";
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, "0");
    return `${date} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  // A chat's file (flags.attachment): fetched with `headers` (the citizen's chat token, or the
  // staff cookie) and shown from memory; an image inline, a PDF as a download link.
  function attachment(att, url, headers) {
    const kb = Math.max(1, Math.round(att.size / 1024));
    const label = `${att.name} (${kb} KB)`;
    const box = el("div", { class: "attachment" });
    const link = el("a", { href: "#", download: att.name, class: "attachment-link" }, label);
    box.append(link);
    fetch(url, { headers: headers || {}, credentials: "same-origin" })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(r.statusText))))
      .then((blob) => {
        const src = URL.createObjectURL(blob);
        link.href = src;
        if (att.content_type.startsWith("image/")) box.prepend(el("img", { src, alt: att.name, class: "attachment-img" }));
      })
      .catch(() => { link.removeAttribute("href"); });
    return box;
  }

  async function upload(url, file, headers) {
    const body = new FormData();
    body.append("file", file);
    const csrf = document.querySelector('meta[name="csrf-token"]');
    const h = Object.assign({}, headers || {});
    if (csrf && csrf.content) h["X-CSRF-Token"] = csrf.content;
    const r = await send(url, { method: "POST", body, headers: h, credentials: "same-origin" });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw failure(data, r.status);
    return data;
  }

  // An error frame from a socket ({type: "error", status, code, detail}), said as api() says it.
  const frameError = (ev) => window.dasanErrorMessage(ev, ev.status);

  /* Make `from` look like `to`, keeping `from`'s nodes wherever the tags line up (attributes
     and text are copied over; event listeners stay those of `from`). */
  function morph(from, to) {
    if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) { from.replaceWith(to); return to; }
    if (from.nodeType !== Node.ELEMENT_NODE) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return from;
    }
    for (const a of [...from.attributes]) if (!to.hasAttribute(a.name)) from.removeAttribute(a.name);
    for (const a of [...to.attributes]) if (from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
    const had = [...from.childNodes], want = [...to.childNodes];
    want.forEach((c, i) => { if (i < had.length) morph(had[i], c); else from.append(c); });
    for (const c of had.slice(want.length)) c.remove();
    return from;
  }

  /* Render a list in place. `items` is [[key, li], ...] in order; a key's node is kept and
     updated (`morph`: its listeners stay, so they must depend on the key only), and nodes move
     only when out of order. A re-render that lands between the press and the release of a
     click (a pushed update, under load) must not swap the node under the pointer, or the
     browser drops the click and the agent's choice is lost (a written thread that never opened:
     issue 11's flaky desktop test). */
  function keyedList(ul, items) {
    const old = new Map();
    for (const li of [...ul.children]) {
      if (li.dataset.key !== undefined) old.set(li.dataset.key, li);
      else li.remove();
    }
    const nodes = [];
    for (const [key, li] of items) {
      li.dataset.key = String(key);
      const prev = old.get(li.dataset.key);
      old.delete(li.dataset.key);
      nodes.push(prev ? morph(prev, li) : li);
    }
    for (const stale of old.values()) stale.remove();
    nodes.forEach((li, i) => { if (ul.children[i] !== li) ul.insertBefore(li, ul.children[i] || null); });
  }

  return { t, el, uid, wsUrl, Socket, api, time, day, minute, attachment, upload, frameError, keyedList, lang: document.documentElement.lang || "ko" };
})();
