// The pages' one script (no inline scripts under the content security policy): every
// htmx request carries the session's CSRF token, read from the page's meta tag.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });
  // Paste from a spreadsheet into the entry grid: tab-separated rows fill the inputs
  // from the focused cell rightwards and downwards, then the grid asks for a preview.
  document.addEventListener("paste", function (event) {
    var cell = event.target;
    if (!cell || !cell.closest || !cell.closest("table.grid") || cell.tagName !== "INPUT") {
      return;
    }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) { return; }
    event.preventDefault();
    var row = cell.closest("tr");
    var column = Array.prototype.indexOf.call(row.children, cell.closest("td"));
    text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach(function (line) {
      if (!row) { return; }
      line.split("\t").forEach(function (value, offset) {
        var td = row.children[column + offset];
        var input = td && td.querySelector("input");
        if (input) { input.value = value.trim(); }
      });
      row = row.nextElementSibling;
    });
    cell.form.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // A chart's table is one click away: the button swaps which of the two is shown.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-toggle]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-toggle"));
    if (target) { target.hidden = !target.hidden; }
  });
}());
