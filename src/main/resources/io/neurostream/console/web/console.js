// NeuroStream console: shared helpers of every page. No framework, no CDN; data from Kafka is
// always inserted as text, never as HTML.
"use strict";
const NS = (() => {
  const TOKEN_KEY = "neurostream-admin-token";

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.substring(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  async function get(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
    return body;
  }

  async function post(url, body, token) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const r = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    const json = await r.json().catch(() => ({}));
    return { ok: r.ok, status: r.status, body: json };
  }

  /** Subscribes to the console's server-sent events; handlers by event name. */
  function events(handlers) {
    const live = document.getElementById("live");
    const es = new EventSource("/api/events");
    es.addEventListener("hello", () => { if (live) { live.textContent = "live"; live.className = "on"; } });
    es.onerror = () => { if (live) { live.textContent = "reconnecting"; live.className = "off"; } };
    for (const [name, fn] of Object.entries(handlers)) {
      es.addEventListener(name, e => { try { fn(JSON.parse(e.data)); } catch (err) { console.error(err); } });
    }
    return es;
  }

  function time(ms) {
    if (!ms) return "";
    const d = new Date(ms);
    return d.toISOString().replace("T", " ").substring(0, 19) + "Z";
  }

  function num(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    return Number(x).toLocaleString("en-US", { maximumFractionDigits: digits ?? 1 });
  }

  function ago(ms) {
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 120 ? s + " s ago" : Math.round(s / 60) + " min ago";
  }

  function result(id, ok, text) {
    const r = document.getElementById(id);
    r.className = "result " + (ok ? "ok" : "error");
    r.textContent = text;
  }

  /**
   * Asks to confirm an action that changes the system, with the admin token (kept for this tab
   * only) and an optional reason. Resolves to {token, reason} or null if cancelled.
   */
  function confirmAction({ title, text, withReason }) {
    return new Promise(resolve => {
      const token = el("input", { id: "admin-token", type: "password", autocomplete: "off",
        placeholder: "console.admin.token", value: sessionStorage.getItem(TOKEN_KEY) || "" });
      const reason = withReason ? el("input", { id: "action-reason", type: "text", placeholder: "why (recorded)" }) : null;
      const dialog = el("dialog", { id: "action-dialog" },
        el("h3", { text: title }), el("p", { text }),
        reason ? [el("label", { for: "action-reason", text: "Reason" }), reason] : null,
        el("label", { for: "admin-token", text: "Admin token" }), token,
        el("div", { class: "buttons" },
          el("button", { id: "action-cancel", class: "secondary", type: "button",
            onclick: () => { dialog.close(); dialog.remove(); resolve(null); } }, "Cancel"),
          el("button", { id: "action-confirm", type: "button", onclick: () => {
            sessionStorage.setItem(TOKEN_KEY, token.value);
            dialog.close(); dialog.remove();
            resolve({ token: token.value, reason: reason ? reason.value : "" });
          } }, "Confirm")));
      document.body.append(dialog);
      dialog.showModal();
    });
  }

  function nav(active) {
    const links = [["/", "Overview"], ["/releases", "Releases"], ["/series", "Series"], ["/dead-letters", "Dead letters"]];
    const header = el("header", {},
      el("h1", { text: "NeuroStream console" }),
      el("nav", {}, links.map(([href, label]) => el("a", { href, class: href === active ? "active" : null, text: label }))),
      el("span", { id: "live", class: "off", text: "connecting" }));
    document.body.prepend(header);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  return { el, get, post, events, time, num, ago, result, confirmAction, nav, clear };
})();
