// A search box that narrows a list as you type: <input data-filters="LIST-ID"> over items
// carrying data-search. Without script every item simply stays shown.
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("input[data-filters]").forEach(function (input) {
      var list = document.getElementById(input.dataset.filters);
      if (!list) {
        return;
      }
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase();
        list.querySelectorAll("[data-search]").forEach(function (item) {
          item.hidden = words !== "" && item.dataset.search.indexOf(words) === -1;
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
