"use strict";
NS.nav("/releases");
const { el, num } = NS;

function metric(m, key) {
  return m && m[key] !== undefined ? num(m[key], 3) : "–";
}

function render(data) {
  document.getElementById("served-release").textContent = data.servedRelease || "none";
  const classifiers = NS.clear(document.getElementById("classifiers"));
  const entries = Object.entries(data.classifiers);
  if (!entries.length) classifiers.append("no classifier has announced itself");
  for (const [version, ids] of entries) {
    classifiers.append(el("div", {}, el("span", { class: "badge", text: version }), " ← " + ids.length + " instance(s)"));
  }
  const versions = NS.clear(document.querySelector("#versions tbody"));
  for (const v of data.versions) {
    versions.append(el("tr", { dataset: { version: v.version } },
      el("td", { class: "mono", text: v.version }),
      el("td", { class: "status status-" + v.status, text: v.status + (v.served ? " (served)" : "") }),
      el("td", { text: metric(v.metrics, "balanced_accuracy") + " (" + metric(v.parentMetrics, "balanced_accuracy") + ")" }),
      el("td", { text: metric(v.metrics, "macro_f1") }),
      el("td", { class: "mono", text: v.parentVersion || "–" }),
      el("td", { text: NS.time(v.createdAt) }),
      el("td", { class: "muted", text: v.reason }),
      el("td", { class: "served-by", text: v.servedBy.length ? v.servedBy.length + " classifier(s)" : "" }),
      el("td", {}, v.canRollBack ? el("button", { class: "rollback secondary", type: "button",
        onclick: () => rollback(v) }, "Roll back to this") : null)));
  }
  const history = NS.clear(document.querySelector("#history tbody"));
  for (const h of data.history) {
    history.append(el("tr", {},
      el("td", { text: NS.time(h.createdAt) }), el("td", { class: "mono", text: h.version }),
      el("td", { class: "status-" + h.status, text: h.status }), el("td", { class: "muted", text: h.reason })));
  }
}

async function rollback(v) {
  const rejected = v.status === "REJECTED";
  const answer = await NS.confirmAction({
    title: "Roll back to " + v.version + "?",
    text: "Every classifier will serve " + v.version + " instead of the current release." +
      (rejected ? " This version was REJECTED by the gate; it will be served anyway." : ""),
    withReason: true });
  if (!answer) return;
  const r = await NS.post("/api/releases/" + encodeURIComponent(v.version) + "/rollback",
    { reason: answer.reason, force: rejected, confirm: v.version }, answer.token);
  if (r.ok) {
    NS.result("action-result", true, "Rollback published: " +
      r.body.published.map(p => p.version + " " + p.status).join(", ") + ". Classifiers swap within seconds.");
  } else {
    NS.result("action-result", false, "Rollback refused (" + r.status + "): " + (r.body.error || ""));
  }
  load();
}

function load() {
  NS.get("/api/releases").then(render).catch(e => NS.result("action-result", false, e.message));
}
load();
NS.events({ releases: load, instances: load });
