/* Ionto Screen: enhancements for the questionnaire. The form works the same without this file.
 *
 * - shows one section at a time with "Step 2 of 5", Next and Back (the browser's Back button too);
 * - keeps the answers in this tab (sessionStorage) so a reload or Back loses nothing;
 * - forgets them when the answers were sent or the patient chose "Start over": a shared
 *   front-desk tablet must not show the last patient's answers.
 */
(function () {
  "use strict";

  var KEY = "ionto-screen:intake";
  // Answers left alone for longer than this are dropped rather than shown to whoever comes next.
  var KEEP_FOR_MS = 60 * 60 * 1000;
  // Never kept: the server issues fresh ones with every page.
  var NOT_KEPT = { csrfmiddlewaretoken: true, form_token: true };
  var step = 0; // the section in view, kept with the answers

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage blocked by the browser: the form still works, it just keeps nothing
    }
  }

  function forget() {
    var s = storage();
    if (s) s.removeItem(KEY);
  }

  function load() {
    var s = storage();
    var raw = s && s.getItem(KEY);
    if (!raw) return null;
    try {
      var kept = JSON.parse(raw);
      if (Date.now() - kept.at < KEEP_FOR_MS && Array.isArray(kept.values)) return kept;
    } catch (e) {
      /* unreadable: start afresh */
    }
    forget();
    return null;
  }

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !NOT_KEPT[el.name] && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save(form) {
    var s = storage();
    if (!s) return;
    var values = [];
    keptFields(form).forEach(function (el) {
      var chosen = el.type === "radio" || el.type === "checkbox" ? el.checked : el.value !== "";
      if (chosen) values.push([el.name, el.value]);
    });
    if (!values.length) {
      forget(); // nothing answered, nothing kept
      return;
    }
    try {
      s.setItem(KEY, JSON.stringify({ at: Date.now(), step: step, values: values }));
    } catch (e) {
      /* storage full or blocked: nothing to do */
    }
  }

  function restore(form, values) {
    keptFields(form).forEach(function (el) {
      var match = values.filter(function (pair) {
        return pair[0] === el.name && (el.type !== "radio" && el.type !== "checkbox" ? true : pair[1] === el.value);
      });
      if (el.type === "radio" || el.type === "checkbox") el.checked = match.length > 0;
      else el.value = match.length ? match[0][1] : "";
    });
  }

  function button(text, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  // One section at a time. Each step is a history entry, so the browser's Back button goes to the
  // previous section instead of leaving the questionnaire.
  function steps(form, sections, actions, start) {
    var last = sections.length - 1;
    var current = 0;
    var progress = document.createElement("p");
    progress.className = "step-progress";
    progress.id = "step-progress";
    progress.tabIndex = -1;
    form.insertBefore(progress, sections[0]);

    function show(i, moveFocus) {
      current = Math.max(0, Math.min(last, i));
      sections.forEach(function (section, k) {
        section.hidden = k !== current;
      });
      actions.hidden = current !== last;
      // "Step 2 of 5", and for screen readers the section's name too (sighted people see its legend).
      var legend = sections[current].querySelector("legend");
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = legend ? ": " + legend.textContent.trim() : "";
      progress.textContent = form.getAttribute("data-step-text").replace("{step}", current + 1).replace("{total}", last + 1);
      progress.appendChild(name);
      step = current;
      save(form);
      if (moveFocus) progress.focus();
    }

    function go(i) {
      if (i < current && history.state && history.state.intakeStep === current && history.state.hasPrev) {
        history.back(); // popstate shows the previous step
        return;
      }
      var forward = i > current;
      show(i, true);
      var state = { intakeStep: current, hasPrev: forward };
      if (forward) history.pushState(state, "");
      else history.replaceState(state, "");
    }

    sections.forEach(function (section, i) {
      var nav = document.createElement("div");
      nav.className = "step-nav";
      if (i < last) {
        nav.appendChild(
          button(form.getAttribute("data-next-text"), "btn btn-primary btn-lg", function () {
            go(i + 1);
          })
        );
      }
      if (i > 0) {
        nav.appendChild(
          button(form.getAttribute("data-back-text"), "btn btn-outline-secondary btn-lg", function () {
            go(i - 1);
          })
        );
      }
      section.appendChild(nav);
    });

    // Enter in a text box submits a form; before the last step it means "Next" instead.
    form.addEventListener("submit", function (event) {
      if (current < last) {
        event.preventDefault();
        go(current + 1);
      }
    });
    window.addEventListener("popstate", function (event) {
      if (event.state && typeof event.state.intakeStep === "number") show(event.state.intakeStep, true);
    });
    var state = history.state;
    var hasPrev = !!(state && state.hasPrev && state.intakeStep === start);
    history.replaceState({ intakeStep: start, hasPrev: hasPrev }, "");
    show(start, false);
  }

  // Links in the error summary: focus the field and show its question, not only the first option.
  function summaryLinks(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      // A choice's question is its fieldset's legend; any other field has its own label.
      var group = field.type === "radio" || field.type === "checkbox" ? field.closest("fieldset") : null;
      var label = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  if (document.querySelector("[data-forget-answers]")) forget();
  Array.prototype.forEach.call(document.querySelectorAll("form[data-clears-answers]"), function (f) {
    f.addEventListener("submit", forget);
  });

  var form = document.getElementById("intake-form");
  if (!form) return;
  var kept = load();
  if (form.hasAttribute("data-bound")) {
    kept = null; // the page shows what was just sent: that wins over anything kept
  } else if (kept) {
    restore(form, kept.values);
  } else {
    form.reset(); // undo anything the browser itself put back from an earlier visit
  }
  ["input", "change"].forEach(function (type) {
    form.addEventListener(type, function () {
      save(form);
    });
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    // With mistakes to fix, every section stays in view.
    save(form);
    summaryLinks(summary);
    summary.focus();
    return;
  }
  var sections = Array.prototype.slice.call(form.querySelectorAll("fieldset.intake-section"));
  var actions = form.querySelector("[data-step-actions]");
  if (sections.length > 1 && actions) {
    var fromHistory = kept && history.state && typeof history.state.intakeStep === "number";
    steps(form, sections, actions, fromHistory ? history.state.intakeStep : kept ? kept.step || 0 : 0);
  }
})();
