"use strict";
NS.nav("/dead-letters");
const { el, num } = NS;
const chosen = new Set();
let shown = null;

function updateSelection() {
  document.getElementById("selected-count").textContent = chosen.size + " selected";
  document.getElementById("replay-selected").disabled = chosen.size === 0;
}

function render(data) {
  document.getElementById("dl-total").textContent = num(data.total, 0);
  const counts = NS.clear(document.querySelector("#dl-counts tbody"));
  for (const c of data.counts) {
    counts.append(el("tr", { dataset: { stage: c.stage, reason: c.errorType } },
      el("td", { text: c.stage }), el("td", { text: c.errorType }), el("td", { class: "count", text: num(c.count, 0) })));
  }
  const list = NS.clear(document.querySelector("#dead-letters tbody"));
  for (const d of data.deadLetters) {
    const box = el("input", { type: "checkbox", class: "select", checked: chosen.has(d.id),
      onclick: e => { e.stopPropagation(); e.target.checked ? chosen.add(d.id) : chosen.delete(d.id); updateSelection(); } });
    list.append(el("tr", { class: "clickable" + (d.id === shown ? " selected" : ""), dataset: { id: d.id },
      onclick: () => { shown = d.id; detail(d.id); } },
      el("td", {}, box),
      el("td", { text: NS.time(d.failedAt) }),
      el("td", { class: "stage", text: d.stage }),
      el("td", { class: "reason", text: d.errorType }),
      el("td", { class: "mono", text: d.key || "–" }),
      el("td", { class: "replays", text: d.replays.join("; ") })));
  }
  updateSelection();
}

async function detail(id) {
  const panel = NS.clear(document.getElementById("dl-detail"));
  try {
    const d = await NS.get("/api/dead-letters/" + encodeURIComponent(id));
    const rows = [["id", d.id], ["source", d.sourceTopic + "-" + d.sourcePartition + "@" + d.sourceOffset],
      ["scan key", d.sourceKey || "–"], ["stage", d.stage], ["reason", d.errorType],
      ["message", d.errorMessage], ["failed at", NS.time(d.failedAt)], ["original bytes", num(d.originalBytes, 0)],
      ["wire format", d.wireFormat ? (d.wireFormat.valid ? "schema id " + d.wireFormat.schemaId : d.wireFormat.why) : "–"],
      ["replays", d.replays.join("; ") || "none"]];
    panel.append(el("h2", { text: "Dead letter " + d.id }),
      el("table", { id: "dl-fields" }, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { class: "field-" + k.replace(" ", "-"), text: v }))))),
      el("h2", { text: "First bytes" }), el("p", { class: "mono", text: d.originalPreviewHex || "none" }));
  } catch (e) {
    panel.append(el("p", { class: "problems", text: e.message }));
  }
}

document.getElementById("replay-selected").addEventListener("click", async () => {
  const ids = [...chosen];
  const answer = await NS.confirmAction({ title: "Replay " + ids.length + " dead letter(s)?",
    text: "Their original bytes go back to mri.scans unchanged: " + ids.join(", ") });
  if (!answer) return;
  const r = await NS.post("/api/dead-letters/replay", { ids }, answer.token);
  if (r.ok) {
    const lines = r.body.outcomes.map(o => o.id + ": " + (o.replayed ? "replayed to " + o.target : "not replayed, " + o.error));
    NS.result("action-result", r.body.failed === 0, "Replayed " + r.body.replayed + ", failed " + r.body.failed + "\n" + lines.join("\n"));
    chosen.clear();
    if (shown) detail(shown);
  } else {
    NS.result("action-result", false, "Replay refused (" + r.status + "): " + (r.body.error || ""));
  }
  load();
});

function load() {
  NS.get("/api/dead-letters").then(render).catch(e => NS.result("action-result", false, e.message));
}
load();
NS.events({ "dead-letters": load });
