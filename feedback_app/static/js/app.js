// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Progress bars: widths come from data attributes so no inline style is needed (CSP).
  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    bar.style.inlineSize = bar.getAttribute("data-progress") + "%";
  });
  // Move focus to the error summary so screen readers announce it at once.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
  // Live character count beside free-text boxes.
  document.querySelectorAll("textarea[data-limit]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    var out = document.querySelector('[data-count-for="' + box.id + '"]');
    if (!out) { return; }
    var fmt = new Intl.NumberFormat(document.documentElement.lang);
    var timer = null;
    function update() {
      var left = limit - box.value.length;
      out.textContent = left >= 0
        ? (out.getAttribute("data-left") || "%s characters left").replace("%s", fmt.format(left))
        : (out.getAttribute("data-over") || "%s characters too many").replace("%s", fmt.format(-left));
    }
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 400); });
  });
  // Stop a double click sending twice (the server also makes a second send harmless).
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-prevent-double-click]");
      if (button) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      }
    });
  });
})();
