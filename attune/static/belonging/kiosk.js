// "Read it to me" on the belonging survey kiosk: the browser's own speech synthesis reads the
// elements named in a button's data-read-aloud (space-separated ids). The buttons start hidden
// and are shown only where the browser can speak.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  function spokenText(ids) {
    return ids
      .split(/\s+/)
      .map(function (id) {
        var element = document.getElementById(id);
        if (!element) {
          return "";
        }
        var parts = element.querySelectorAll(".kiosk-face-label");
        if (parts.length) {
          return Array.prototype.map.call(parts, function (part) {
            return part.textContent.trim() + ".";
          }).join(" ");
        }
        return element.textContent.trim();
      })
      .filter(Boolean)
      .join(" ");
  }
  document.querySelectorAll("[data-read-aloud]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var utterance = new window.SpeechSynthesisUtterance(spokenText(button.dataset.readAloud));
      utterance.lang = "en-GB";
      utterance.rate = 0.9;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  });
})();
