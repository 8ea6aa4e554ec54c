// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with Chart.js.
// The data comes from json_script (no inline script), and every chart has a table beside it.
(function () {
  "use strict";
  var PALETTE = ["#1d4f91", "#b35c00", "#1e6b33", "#6b2d8a"];
  var COLOURS = { Red: "#b00020", Amber: "#e08a00", Green: "#1e6b33" };
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined" || window.Chart.getChart(canvas)) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var series = data.series && data.series.length ? data.series : [{ label: data.label, values: data.values }];
    var stacked = Boolean(data.stacked);
    var line = data.kind === "line";
    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: series.map(function (s, n) {
          var colour = COLOURS[s.label] || PALETTE[n % PALETTE.length];
          // A second line is dashed, so the two differ by more than colour.
          return { label: s.label, data: s.values, backgroundColor: colour, borderColor: colour,
                   borderDash: n ? [6, 4] : [], spanGaps: true };
        }),
      },
      options: {
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        animation: reduceMotion ? false : undefined,
        plugins: { legend: { display: series.length > 1 } },
        // A line of attendance near 95% would sit flat on a scale from 0: let the axis fit it.
        scales: { x: { beginAtZero: !line, stacked: stacked }, y: { beginAtZero: !line, stacked: stacked } },
      },
    });
  }
  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  // A home fetches its charts after it is shown (HTMX): draw each as it arrives.
  document.addEventListener("htmx:afterSettle", start);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
