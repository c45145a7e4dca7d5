// 「印刷する」 buttons (data-print): print the page; the print style sheet keeps only what is
// meant for paper (the ログインのご案内 sheets).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
