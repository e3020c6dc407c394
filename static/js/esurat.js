/* e-Surat: two small behaviours, nothing else.
 *
 * <form data-once>      disables its submit buttons once submitted (no double letters on a
 *                       double tap). The clicked button's name/value is still sent.
 * <form data-autosave>  keeps a copy of what was typed in this browser's localStorage, restores it
 *                       when the page is opened again, and forgets it after a successful submit.
 *                       data-autosave="key" names the copy (default: the page path). Fields marked
 *                       data-autosave-skip, passwords, files and the CSRF token are never stored.
 *                       A Trix editor's hidden input is stored and restored into the editor.
 */
(function () {
  "use strict";
  if (window.esuratLoaded) return; // loaded once per page, even if a swap brings it back
  window.esuratLoaded = true;

  var PREFIX = "esurat:autosave:";
  var SUBMITTED = "esurat:autosave:submitted";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;

  function storageOk() {
    try {
      var k = "esurat:probe";
      window.localStorage.setItem(k, "1");
      window.localStorage.removeItem(k);
      return true;
    } catch (e) {
      return false;
    }
  }

  /* ---- data-once ---------------------------------------------------------------------------- */

  function lockSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.setAttribute("data-once-copy", "");
      form.appendChild(copy);
    }
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
      function (b) {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      }
    );
    form.setAttribute("aria-busy", "true");
  }

  function unlockAll() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-once-copy]").forEach(function (el) { el.remove(); });
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
        if (b.getAttribute("aria-disabled") === "true") {
          b.disabled = false;
          b.removeAttribute("aria-disabled");
        }
      });
    });
  }

  /* ---- data-autosave ------------------------------------------------------------------------ */

  function keyFor(form) {
    return PREFIX + (form.getAttribute("data-autosave") || window.location.pathname);
  }

  function trixFor(input) {
    return input.id ? document.querySelector('trix-editor[input="' + input.id + '"]') : null;
  }

  function storable(el) {
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
    if (el.hasAttribute("data-autosave-skip")) return false;
    var type = (el.type || "").toLowerCase();
    if (type === "password" || type === "file" || type === "submit" || type === "button") return false;
    if (type === "hidden") return !!trixFor(el);
    return true;
  }

  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!storable(el)) return;
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (!data[el.name]) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function save(form) {
    try {
      window.localStorage.setItem(keyFor(form), JSON.stringify({ at: Date.now(), data: snapshot(form) }));
    } catch (e) { /* storage full or blocked: nothing to do */ }
  }

  function restore(form) {
    var raw = window.localStorage.getItem(keyFor(form));
    if (!raw) return false;
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return false; }
    var data = saved && saved.data;
    if (!data || Date.now() - saved.at > MAX_AGE_MS) {
      window.localStorage.removeItem(keyFor(form));
      return false;
    }
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!storable(el) || !(el.name in data)) return;
      var value = data[el.name];
      var type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        var on = value.indexOf(el.value) !== -1;
        if (el.checked !== on) { el.checked = on; changed = true; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          var on = value.indexOf(o.value) !== -1;
          if (o.selected !== on) { o.selected = on; changed = true; }
        });
      } else if (el.value !== value) {
        var editor = type === "hidden" ? trixFor(el) : null;
        if (editor && editor.editor) {
          editor.editor.loadHTML(value);
        } else if (editor) {
          editor.addEventListener("trix-initialize", function () { editor.editor.loadHTML(value); }, { once: true });
        }
        el.value = value;
        changed = true;
      }
    });
    return changed;
  }

  // Translated texts come from data attributes on the form or on <body> (see base.html).
  function text(form, name, fallback) {
    return form.dataset[name] || document.body.dataset[name] || fallback;
  }

  function showRestoredNote(form) {
    var note = document.createElement("div");
    note.className = "alert alert-info autosave-note py-2";
    note.setAttribute("role", "status");
    note.textContent = text(form, "autosaveRestored", "Restored what you typed earlier on this device.");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
    discard.textContent = text(form, "autosaveDiscard", "Discard it");
    discard.addEventListener("click", function () {
      window.localStorage.removeItem(keyFor(form));
      window.location.reload();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
  }

  function setUpAutosave() {
    if (!storageOk()) return;
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
    // A successful submit redirects (post/redirect/get) to a page without that form: the copy is
    // then no longer needed. A refused submit shows the form again, and a lost connection does
    // not redirect anywhere: in both cases the copy is kept.
    var submitted = window.sessionStorage.getItem(SUBMITTED);
    if (submitted) {
      window.sessionStorage.removeItem(SUBMITTED);
      var nav = window.performance && performance.getEntriesByType ?
        performance.getEntriesByType("navigation")[0] : null;
      var redirected = nav ? nav.redirectCount > 0 : true;
      var back = forms.some(function (f) { return keyFor(f) === submitted; });
      if (redirected && !back) window.localStorage.removeItem(submitted);
    }
    forms.forEach(function (form) {
      // After a refused submit the server shows what was posted, so restoring changes nothing
      // and no note appears; after a lost connection the page comes back empty and is refilled.
      if (restore(form)) showRestoredNote(form);
      var timer = null;
      var later = function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { save(form); }, 400);
      };
      form.addEventListener("input", later);
      form.addEventListener("change", later);
      form.addEventListener("trix-change", later);
      form.addEventListener("submit", function () {
        save(form);
        window.sessionStorage.setItem(SUBMITTED, keyFor(form));
      });
    });
  }

  /* ---- wiring ------------------------------------------------------------------------------- */

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    // Let the browser (or htmx) run its own validation first: only lock a form that will go.
    if (form.noValidate || form.checkValidity()) lockSubmit(form, event.submitter);
  });

  // Coming back with the Back button shows the page from cache with its buttons still disabled.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) unlockAll();
  });
  document.addEventListener("htmx:afterRequest", unlockAll);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAutosave);
  } else {
    setUpAutosave();
  }
})();
