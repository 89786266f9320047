"use strict";
NS.nav("/series");
const { el, num } = NS;
const STAGES = ["Non_Demented", "Very_Mild_Demented", "Mild_Demented", "Moderate_Demented"];
let selected = null;
const versionsSeen = new Set();

function query() {
  const q = new URLSearchParams();
  for (const [id, name] of [["filter-stage", "stage"], ["filter-version", "version"], ["filter-series", "series"], ["filter-patient", "patient"]]) {
    const v = document.getElementById(id).value.trim();
    if (v) q.set(name, v);
  }
  return q.toString();
}

function renderSeries(data) {
  document.getElementById("verdicts-note").textContent = data.verdicts;
  document.getElementById("matching").textContent = data.matching + " series";
  const body = NS.clear(document.querySelector("#series tbody"));
  for (const s of data.series) {
    body.append(el("tr", { class: "clickable" + (s.seriesUid === selected ? " selected" : ""),
      dataset: { series: s.seriesUid }, onclick: () => { selected = s.seriesUid; loadDetail(); load(); } },
      el("td", { class: "mono", text: s.seriesUid }),
      el("td", { class: "mono", text: s.patientKey }),
      el("td", { text: s.slices }),
      el("td", {}, Object.entries(s.sliceStages).map(([k, n]) => el("span", { class: "badge", text: k + " " + n }))),
      el("td", { class: "mono", text: s.modelVersions.join(", ") }),
      el("td", { text: NS.ago(s.lastPredictedAt) })));
  }
}

function renderPredictions(data) {
  const body = NS.clear(document.querySelector("#predictions tbody"));
  for (const p of data.predictions) {
    versionsSeen.add(p.modelVersion);
    const idx = STAGES.indexOf(p.predicted);
    body.append(el("tr", { dataset: { scan: p.scanId, series: p.seriesUid } },
      el("td", { text: NS.time(p.predictedAt) }),
      el("td", { class: "mono", text: p.scanId }),
      el("td", { class: "mono", text: p.seriesUid }),
      el("td", { class: "predicted", text: p.predicted }),
      el("td", { text: idx >= 0 ? num(p.probabilities[idx], 3) : "–" }),
      el("td", { class: "mono", text: p.modelVersion }),
      el("td", { text: num(p.predictedAt - p.scanTimestamp, 0) })));
  }
  const select = document.getElementById("filter-version");
  const known = new Set([...select.options].map(o => o.value));
  for (const v of versionsSeen) if (!known.has(v)) select.append(el("option", { value: v, text: v }));
}

function renderDetail(d) {
  const panel = NS.clear(document.getElementById("series-detail"));
  panel.append(el("h2", { text: "Series " + d.seriesUid }),
    el("p", { class: "muted", text: "patient key " + d.patientKey + " · study " + d.studyUid + " · " + d.slices + " slices · verdict: " + (d.verdict || "not available yet") }),
    el("table", { id: "slices" },
      el("thead", {}, el("tr", {}, el("th", { text: "scan" }), el("th", { text: "predicted" }),
        d.classes.map(c => el("th", { text: c })), el("th", { text: "model" }))),
      el("tbody", {}, d.slicePredictions.map(p => el("tr", { dataset: { scan: p.scanId } },
        el("td", { class: "mono", text: p.scanId }),
        el("td", { text: p.predicted }),
        p.probabilities.map(x => el("td", {}, el("span", { class: "bar", style: "width:" + Math.round(60 * x) + "px" }), " " + num(x, 3))),
        el("td", { class: "mono", text: p.modelVersion }))))),
    el("p", { class: "muted", text: d.explanations.length ? "" : "Grad-CAM overlays: not available yet." }));
}

function loadDetail() {
  if (!selected) return;
  NS.get("/api/series/" + encodeURIComponent(selected)).then(renderDetail).catch(() => {});
}

function load() {
  const q = query();
  NS.get("/api/series?" + q).then(renderSeries).catch(() => {});
  NS.get("/api/predictions?limit=100&" + q).then(renderPredictions).catch(() => {});
}

for (const id of ["filter-stage", "filter-version", "filter-series", "filter-patient"]) {
  document.getElementById(id).addEventListener("input", load);
}
load();
NS.events({ predictions: () => { load(); loadDetail(); } });
