// A table wider than the screen scrolls sideways in its own box, so the page around it keeps
// the width of a phone and its text stays on screen. While the table needs scrolling, its box
// is a region named by the table's caption (or the heading above it) that the Tab key reaches,
// so a keyboard can scroll it too (WCAG 2.2, 1.4.10 and 2.1.1). Without script the whole page
// scrolls instead.
// Boxes written in a template (class "table-scroll", with their own name) are left as they are.
(function () {
  "use strict";
  var made = 0;

  function boxFor(table) {
    var parent = table.parentElement;
    if (parent.classList.contains("table-scroll")) {
      return parent;
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("data-fitted", "");
    parent.insertBefore(box, table);
    box.appendChild(table);
    return box;
  }

  function labelled(box, element) {
    if (!element.id) {
      made += 1;
      element.id = "table-name-" + made;
    }
    box.setAttribute("aria-labelledby", element.id);
  }

  // The heading a reader meets last before the table: the nearest earlier sibling heading of
  // the table's box or of one of its ancestors.
  function headingBefore(element) {
    for (var at = element; at && at !== document.body; at = at.parentElement) {
      for (var before = at.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          return before;
        }
        var inside = before.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inside.length) {
          return inside[inside.length - 1];
        }
      }
    }
    return null;
  }

  // The box is named as the table is: its caption, its own name, or else the heading above it.
  function name(box, table) {
    var caption = table.querySelector("caption");
    if (caption) {
      labelled(box, caption);
    } else if (table.hasAttribute("aria-label")) {
      box.setAttribute("aria-label", table.getAttribute("aria-label"));
    } else if (table.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-labelledby", table.getAttribute("aria-labelledby"));
    } else {
      var heading = headingBefore(box);
      if (heading) {
        labelled(box, heading);
      } else {
        box.setAttribute("aria-label", "Table");
      }
    }
  }

  function fit(box) {
    if (!box.hasAttribute("data-fitted")) {
      return;
    }
    var table = box.querySelector("table");
    var wide = table !== null && box.scrollWidth > box.clientWidth + 1;
    if (wide && !box.hasAttribute("tabindex")) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      name(box, table);
    } else if (!wide && box.hasAttribute("tabindex")) {
      ["role", "tabindex", "aria-labelledby", "aria-label"].forEach(function (attribute) {
        box.removeAttribute(attribute);
      });
    }
  }

  // A box is fitted again whenever it or its table changes size: the screen turns, a folded
  // section holding the table opens, rows arrive. Browsers without ResizeObserver refit on
  // resizing the window.
  var watcher = window.ResizeObserver
    ? new window.ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var box = entry.target.closest(".table-scroll");
          if (box) {
            fit(box);
          }
        });
      })
    : null;

  function fitAll(root) {
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.table"));
    if (root.matches && root.matches("table.table")) {
      tables.push(root);
    }
    tables.forEach(function (table) {
      var box = boxFor(table);
      fit(box);
      if (watcher && box.hasAttribute("data-fitted")) {
        watcher.observe(box);
        watcher.observe(table);
      }
    });
  }

  function start() {
    fitAll(document);
    if (!watcher) {
      var waiting = null;
      window.addEventListener("resize", function () {
        window.clearTimeout(waiting);
        waiting = window.setTimeout(function () {
          document.querySelectorAll(".table-scroll").forEach(fit);
        }, 150);
      });
    }
    // Tables that arrive later (a filter, a page of results) are fitted as they land.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      fitAll(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
