// Live deductions while typing: posts the step's fields to its preview endpoint (nothing is
// saved) and redraws the amounts table. Without JavaScript the amounts update on each save.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  var table = document.getElementById("amounts-table");
  if (!form || !table || !window.fetch) { return; }
  var timer = null;
  function redraw(lines) {
    var body = document.createElement("tbody");
    lines.forEach(function (line) {
      var row = document.createElement("tr");
      var label = document.createElement("th");
      label.scope = "row";
      label.textContent = line.label;
      var value = document.createElement("td");
      value.className = "amount";
      value.textContent = line.value;
      row.appendChild(label);
      row.appendChild(value);
      body.appendChild(row);
    });
    table.replaceChild(body, table.tBodies[0]);
  }
  function preview() {
    var data = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-preview"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && result.amounts && result.amounts.length) {
        redraw(result.amounts);
        table.setAttribute("data-fresh", "1");
      }
    }).catch(function () { /* the saved figures stay shown */ });
  }
  form.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(preview, 300);
  });
  form.addEventListener("change", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(preview, 50);
  });
})();
