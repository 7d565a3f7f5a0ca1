/* govtrust console: charts from data embedded with json_script. No inline scripts in the templates. */
(function () {
  "use strict";

  var BLUE = "#1f4e8c";

  /* <div class="chart" data-bar-chart="ID"> draws a bar chart of the JSON in <script id="ID">:
     {"labels": [...], "values": [...], "name": "..."} */
  function barChart(el) {
    var source = document.getElementById(el.getAttribute("data-bar-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      color: [BLUE],
      grid: { left: 48, right: 16, top: 24, bottom: 64 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: data.name, data: data.values, barMaxWidth: 48 }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init(root) {
    root.querySelectorAll("[data-bar-chart]").forEach(barChart);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
