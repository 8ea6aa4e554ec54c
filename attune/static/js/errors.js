// The GOV.UK error pattern: when a page (or a part HTMX has just swapped in) shows an error
// summary, focus moves to it so it is read out at once; each link in it moves focus to the
// field itself and brings the field's label into view, not just the input.
(function () {
  "use strict";
  function focusSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  function onClick(event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = field.closest("fieldset, .field") || field;
    label.scrollIntoView();
    // A group of choices is linked as a whole: focus goes to its first choice.
    var input = field.matches("input, select, textarea") ? field : field.querySelector("input, select, textarea");
    (input || field).focus({ preventScroll: true });
  }
  function start() {
    focusSummary(document);
    document.addEventListener("click", onClick);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      focusSummary(event.detail.elt);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
