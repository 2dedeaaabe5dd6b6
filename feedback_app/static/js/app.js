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
// Read-aloud with the browser's own speech synthesis (nothing leaves the device). The Listen
// buttons stay hidden where the browser cannot speak; where it can but has no voice for the
// page's language, pressing one says so instead of reading in the wrong accent.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) { return; }
  var lang = document.documentElement.lang || "en";
  function voiceFor(code) {
    var voices = window.speechSynthesis.getVoices();
    var base = code.split("-")[0].toLowerCase();
    return voices.find(function (v) { return v.lang && v.lang.toLowerCase().split(/[-_]/)[0] === base; }) || null;
  }
  function showNoVoice(button) {
    var id = "voice-message";
    if (document.getElementById(id)) { return; }
    var p = document.createElement("p");
    p.id = id; p.className = "voice-message"; p.setAttribute("role", "status");
    p.textContent = document.body.getAttribute("data-no-voice");
    button.insertAdjacentElement("afterend", p);
  }
  document.querySelectorAll("[data-listen]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-listen"));
    if (!target) { return; }
    var name = button.querySelector("[data-listen-name]");
    if (name) { name.textContent = ": " + target.textContent.trim(); }
    button.hidden = false;
    button.addEventListener("click", function () {
      var voice = voiceFor(lang);
      if (!voice) { showNoVoice(button); return; }
      window.speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(target.textContent.trim());
      utterance.lang = voice.lang; utterance.voice = voice; utterance.rate = 0.9;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
