// 一括承認 on the progress dashboard: the checkbox in the list's header selects (or clears)
// every declaration of the page that may be approved, so a page filtered on 確認済 is approved
// in two clicks. Without the script the header box stays hidden and each row is chosen alone.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  var boxes = document.querySelectorAll('input[name="selected"][form="bulk-approve"]');
  if (boxes.length === 0) {
    return;
  }
  all.hidden = false;
  all.addEventListener("change", function () {
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = all.checked;
    });
  });
  // A row changed by hand: the header box says whether every row is selected.
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      all.checked = Array.prototype.every.call(boxes, function (each) {
        return each.checked;
      });
    });
  });
})();
