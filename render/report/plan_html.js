// A click on a cell keeps its findings open until the next click elsewhere
// or Escape; hovering shows them through the style sheet alone.
(function () {
  "use strict";
  function close(cell) {
    cell.classList.remove("open");
    cell.querySelector("button").setAttribute("aria-expanded", "false");
  }
  function closeAll(except) {
    document.querySelectorAll("td.cell.open").forEach(function (c) {
      if (c !== except) {
        close(c);
      }
    });
  }
  document.addEventListener("click", function (e) {
    var cell = e.target.closest("td.cell");
    if (cell && e.target.closest(".pop")) {
      return; // selecting text in the open findings
    }
    closeAll(cell);
    if (!cell) {
      return;
    }
    if (cell.classList.contains("open")) {
      close(cell);
    } else {
      cell.classList.add("open");
      cell.querySelector("button").setAttribute("aria-expanded", "true");
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      closeAll(null);
    }
  });
})();
