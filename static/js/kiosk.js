/* Ionto Screen, front-desk tablet mode (loaded only in kiosk mode; see screening/kiosk.py).
 *
 * - Mid-questionnaire (a page with #kiosk-prompt): after data-kiosk-idle seconds without a touch or a
 *   key, "Are you still there?" opens, with the focus on its button; "Yes, I'm still here" closes it
 *   and tells the server to keep the answers. data-kiosk-grace seconds later, unanswered, the visit
 *   is wiped on the server (POST /kiosk/wipe/), sessionStorage and localStorage are cleared, and the
 *   start page replaces this one in the history, so Back does not return to it.
 * - While the patient is busy, the server is told at most every 20 seconds, so its own idle limit
 *   (four minutes, which also wipes without JavaScript) counts from the last touch.
 * - Everywhere: every page, "Finish now" and the wipe clear both storages (nothing of ours writes
 *   to them; this is for anything else that might), and a page restored from the back/forward
 *   cache is fetched again, so it shows only what the server still holds.
 */
(function () {
  "use strict";

  function clearStorage() {
    try {
      window.sessionStorage.clear();
      window.localStorage.clear();
    } catch (e) {
      /* storage switched off: nothing is kept there either */
    }
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-kiosk-finish]"), function (form) {
    form.addEventListener("submit", clearStorage);
  });

  clearStorage();
  var prompt = document.getElementById("kiosk-prompt");
  if (!prompt) return;

  var idleMs = Number(prompt.getAttribute("data-kiosk-idle")) * 1000;
  var graceMs = Number(prompt.getAttribute("data-kiosk-grace")) * 1000;
  var home = prompt.getAttribute("data-kiosk-home");
  var aliveForm = document.getElementById("kiosk-alive-form");
  var wipeForm = document.getElementById("kiosk-wipe-form");
  var button = aliveForm.querySelector("button");
  var outside = Array.prototype.slice.call(document.querySelectorAll("body > header, body > main, body > footer"));
  var idleTimer = null;
  var graceTimer = null;
  var lastAlive = Date.now();
  var returnFocus = null;

  function post(form) {
    return window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual",
    });
  }

  function keepAlive() {
    lastAlive = Date.now();
    post(aliveForm).catch(function () {});
  }

  function wipe() {
    clearStorage();
    post(wipeForm).then(
      function () {
        window.location.replace(home);
      },
      function () {
        wipeForm.submit(); // the server must forget, even if this cannot replace the history entry
      }
    );
  }

  function open() {
    returnFocus = document.activeElement;
    outside.forEach(function (el) {
      el.inert = true;
    });
    prompt.hidden = false;
    button.focus();
    graceTimer = window.setTimeout(wipe, graceMs);
  }

  function close() {
    window.clearTimeout(graceTimer);
    prompt.hidden = true;
    outside.forEach(function (el) {
      el.inert = false;
    });
    if (returnFocus && returnFocus.focus) returnFocus.focus();
    keepAlive();
    restart();
  }

  function restart() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(open, idleMs);
  }

  function activity() {
    if (!prompt.hidden) return; // only the button answers the question
    restart();
    if (Date.now() - lastAlive > 20000) keepAlive();
  }

  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true, capture: true });
  });
  aliveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    close();
  });
  prompt.addEventListener("keydown", function (event) {
    if (event.key === "Tab") {
      event.preventDefault(); // one button: the focus stays on it while the question is open
      button.focus();
    }
  });
  restart();
})();
