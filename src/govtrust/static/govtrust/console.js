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

  /* <div class="chart" data-line-chart="ID"> draws lines over periods from
     {"labels": [...], "series": [{"name": "...", "values": [...]}]}; a null value is a gap, not a zero. */
  function lineChart(el) {
    var source = document.getElementById(el.getAttribute("data-line-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      color: [BLUE, "#c0392b", "#2e7d32", "#a85400", "#6a1b9a", "#00838f"],
      grid: { left: 48, right: 16, top: data.series.length > 1 ? 72 : 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      legend: { show: data.series.length > 1, top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.series.map(function (s) {
        return { type: "line", name: s.name, data: s.values, connectNulls: false, symbolSize: 6 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init(root) {
    root.querySelectorAll("[data-bar-chart]").forEach(barChart);
    root.querySelectorAll("[data-line-chart]").forEach(lineChart);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
