// KPI dashboard charts: the monthly trend and the zone mix, drawn with Chart.js from the page's JSON block
// (no inline script: CSP). Each chart's numbers are in the table under it.
(function () {
  "use strict";
  var COLOURS = ["#b3261e", "#5b8def", "#2e7d32", "#f0ad4e", "#6f42c1"];

  function draw() {
    var holder = document.getElementById("kpi-data");
    if (!holder || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var trend = document.getElementById("kpi-trend");
    if (trend) {
      var sets = data.counts.map(function (s, i) {
        return { type: "bar", label: s.label, data: s.data, backgroundColor: COLOURS[i], yAxisID: "count" };
      }).concat(data.shares.map(function (s, i) {
        return { type: "line", label: s.label + " (%)", data: s.data, borderColor: COLOURS[3 + i],
                 backgroundColor: COLOURS[3 + i], yAxisID: "share", spanGaps: true, tension: 0.2 };
      }));
      new window.Chart(trend, {
        data: { labels: data.months, datasets: sets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            count: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 },
                     title: { display: true, text: data.countAxis } },
            share: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                     title: { display: true, text: data.shareAxis } }
          }
        }
      });
    }
    var zones = document.getElementById("kpi-zones");
    if (zones) {
      new window.Chart(zones, {
        type: "bar",
        data: { labels: data.zones, datasets: data.flows.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] };
        }) },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
