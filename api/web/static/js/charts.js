// Charts from the same figures as the page's tables (ECharts, served from /static). A
// chart's data is a JSON attribute, never an inline script; tooltips render as rich text
// so no inline style is injected under the content security policy.
//
// data-chart: {"labels": [...], "series": [{"name": …, "values": [...]}, …],
//              "kind": "bar" | "line", "unit": "¥" | "" }
// or the short form of one bar series in ¥: {"name": …, "labels": [...], "values": [...]}.
(function () {
  "use strict";
  var COLOURS = ["#0b5cad", "#c2410c", "#15803d", "#7c3aed"];
  function numbers(values) {
    return values.map(function (v) { return v === null || v === undefined ? null : Number(v); });
  }
  function draw(element) {
    var data = JSON.parse(element.getAttribute("data-chart"));
    var series = data.series || [{ name: data.name, values: data.values }];
    var kind = data.kind || "bar";
    var unit = data.unit === undefined ? "¥" : data.unit;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      // Drawn whole at once: the entry animation grew the line left to right and showed
      // each point's marker only as the line reached it, so a page (or its screenshot)
      // looked at in the first second showed the last quarter unmarked.
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: series.length > 1 ? { top: 0 } : { show: false },
      grid: { left: 8, right: 8, top: series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", name: unit, minInterval: unit ? 0 : 1 },
      series: series.map(function (s, i) {
        return { name: s.name, type: kind, data: numbers(s.values), connectNulls: false,
                 itemStyle: { color: COLOURS[i % COLOURS.length] } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  });
}());
