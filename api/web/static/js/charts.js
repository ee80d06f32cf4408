// Charts from the same figures as the page's tables (ECharts, served from /static). A
// chart's data is a JSON attribute, never an inline script; tooltips render as rich text
// so no inline style is injected under the content security policy.
(function () {
  "use strict";
  function draw(element) {
    var data = JSON.parse(element.getAttribute("data-chart"));
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", name: "¥" },
      series: [{ name: data.name, type: "bar", data: data.values.map(Number),
                 itemStyle: { color: "#0b5cad" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  });
}());
