/* Ionto Screen: small enhancements for the patient's pages. Every page works the same without it.
 *
 * - "None of these" (and "I'm not sure") unticks the other answers, and ticking another answer
 *   unticks them; the server still refuses the combination when this file does not run;
 * - a link in the error summary moves focus to its field and brings its question into view;
 * - "Print or save a copy" on the confirmation opens the browser's print dialogue.
 */
(function () {
  "use strict";

  var EXCLUSIVE = { none: true, unsure: true };

  Array.prototype.forEach.call(document.querySelectorAll("[data-exclusive-group]"), function (group) {
    var boxes = Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]"));
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) return;
        boxes.forEach(function (other) {
          if (other === box) return;
          if (EXCLUSIVE[box.value] || EXCLUSIVE[other.value]) other.checked = false;
        });
      });
    });
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var group = field.closest("fieldset");
      var label = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
    summary.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
