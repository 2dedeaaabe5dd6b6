// Keyboard shortcuts for the review page. Every action also has a button or a link; these only
// save key presses. Shortcuts never fire while typing in a field.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var themes = Array.prototype.slice.call(form.querySelectorAll("input[name=themes]"));
  function typing(target) {
    return target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "s" || key === "S") {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    } else if (key === "n" || key === "N") {
      var skip = document.getElementById("skip-link");
      if (skip) { event.preventDefault(); window.location.href = skip.href; }
    } else if (key === "t" || key === "T") {
      if (themes.length) { event.preventDefault(); themes[0].focus(); }
    } else if (key === "q" || key === "Q") {
      var queue = document.getElementById("queue-link");
      if (queue) { event.preventDefault(); window.location.href = queue.href; }
    }
  });
})();
