"use strict";
NS.nav("/");
const { el, num } = NS;

function render(o) {
  document.getElementById("scans-rate").textContent = num(o.scansPerSecond);
  document.getElementById("predictions-rate").textContent = num(o.predictionsPerSecond);
  document.getElementById("dead-letters-rate").textContent = num(o.deadLettersPerSecond, 2);
  document.getElementById("latency-p50").textContent = num(o.latencyP50Ms, 0);
  document.getElementById("latency-p99").textContent = num(o.latencyP99Ms, 0);
  document.getElementById("scans-total").textContent = num(o.scansTotal, 0);
  document.getElementById("predictions-seen").textContent = num(o.predictionsSeen, 0);
  document.getElementById("dead-letters-total").textContent = num(o.deadLettersTotal, 0);
  document.getElementById("served-release").textContent = o.servedRelease || "none";
  document.getElementById("window-seconds").textContent = o.windowSeconds;
  document.getElementById("problems").textContent = (o.problems || []).join("; ");
  const instances = NS.clear(document.querySelector("#instances tbody"));
  for (const i of o.instances) {
    instances.append(el("tr", { dataset: { service: i.service, instance: i.instanceId } },
      el("td", { text: i.service }),
      el("td", { class: "mono", text: i.instanceId }),
      el("td", { class: "model-version", text: i.modelVersion || "–" }),
      el("td", { class: i.stale ? "stale" : (i.ready ? "ready" : "not-ready"),
        text: i.stale ? "stale" : (i.ready ? "ready" : "not ready") }),
      el("td", { class: "muted", text: i.detail }),
      el("td", { text: NS.ago(i.updatedAt) })));
  }
  if (!o.instances.length) {
    instances.append(el("tr", {}, el("td", { colspan: 6, class: "muted",
      text: "No service has announced itself on mri.service-status yet." })));
  }
  const lag = NS.clear(document.querySelector("#lag tbody"));
  for (const l of o.lag) {
    lag.append(el("tr", { dataset: { group: l.group, partition: l.partition } },
      el("td", { text: l.group }), el("td", { text: l.partition }),
      el("td", { text: num(l.endOffset, 0) }), el("td", { text: num(l.committed, 0) }),
      el("td", { class: "lag", text: num(l.lag, 0) })));
  }
}

NS.get("/api/overview").then(render).catch(e => { document.getElementById("problems").textContent = e.message; });
NS.events({ overview: render });
