"use strict";
NS.nav("/series");
const { el, num } = NS;
const THUMB = 64;
const STAGES = ["Non_Demented", "Very_Mild_Demented", "Mild_Demented", "Moderate_Demented"];
let selected = null;
const thumbs = new Map(); // thumbnail <img> by URL, reused across re-renders so each loads once
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
      el("td", { class: "verdict", text: s.verdict ? s.verdict.verdict + " (" + num(s.verdict.confidence, 2) + ")" : "–" }),
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
    el("p", { class: "muted", text: "patient key " + d.patientKey + " · study " + d.studyUid + " · " + d.slices + " slices" }),
    d.verdict
      ? el("p", { id: "series-verdict" }, el("strong", { text: "Verdict: " + d.verdict.verdict }),
          " — confidence " + num(d.verdict.confidence, 3) + ", " + d.verdict.slices + (d.verdict.slicesExpected ? "/" + d.verdict.slicesExpected : "") +
          " slices, " + d.verdict.aggregation.toLowerCase().replaceAll("_", " ") + ", closed by " + d.verdict.closedBy + ", revision " + d.verdict.revision +
          (d.verdict.mixedModelVersions ? " (mixed model versions: read with care)" : ""))
      : el("p", { id: "series-verdict", class: "muted", text: "No series verdict (yet): the slices' predictions are below." }),
    el("table", { id: "slices" },
      el("thead", {}, el("tr", {}, el("th", { text: "slice" }), el("th", { text: "scan" }), el("th", { text: "predicted" }),
        d.classes.map(c => el("th", { text: c })), el("th", { text: "model" }))),
      el("tbody", {}, d.slicePredictions.map(p => el("tr", { dataset: { scan: p.scanId } },
        el("td", {}, thumbnail(d.seriesUid, p.scanId)),
        el("td", { class: "mono", text: p.scanId }),
        el("td", { text: p.predicted }),
        p.probabilities.map(x => el("td", {}, el("span", { class: "bar", style: "width:" + Math.round(60 * x) + "px" }), " " + num(x, 3))),
        el("td", { class: "mono", text: p.modelVersion }))))),
    d.explanations.length
      ? el("div", { id: "explanations" }, el("h2", { text: "Grad-CAM of the supporting slices" }),
          d.explanations.map(x => el("figure", { style: "display:inline-block;margin:0 12px 12px 0" },
            el("img", { src: x.overlay, alt: "Grad-CAM of " + x.sopInstanceUid, width: 160, height: 160, style: "image-rendering:pixelated" }),
            el("figcaption", { class: "muted mono", text: x.explainedClass + " " + num(x.probability, 3) }))))
      : el("p", { class: "muted", text: "No Grad-CAM overlays for this series (yet)." }));
}

function thumbnail(series, scan) {
  const url = "/api/series/" + encodeURIComponent(series) + "/slices/" + encodeURIComponent(scan) + "/thumbnail.png?size=" + THUMB;
  if (!thumbs.has(url)) {
    if (thumbs.size > 500) thumbs.clear();
    thumbs.set(url, el("img", { class: "thumb", src: url, loading: "lazy", width: THUMB, height: THUMB, alt: "slice " + scan,
      onerror: e => { e.target.title = "no thumbnail: the scan is not readable from mri.scans"; e.target.classList.add("missing"); } }));
  }
  return thumbs.get(url);
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
NS.events({ predictions: () => { load(); loadDetail(); }, verdicts: () => { load(); loadDetail(); } });
