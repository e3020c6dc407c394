/* e-Surat: two small behaviours, nothing else.
 *
 * <form data-once>      disables its submit buttons once submitted (no double letters on a
 *                       double tap). The clicked button's name/value is still sent.
 * <form data-autosave>  keeps a copy of what was typed in this browser's localStorage and forgets
 *                       it after a successful submit. data-autosave="key" names the copy
 *                       (default: the page path): one form, or one letter. Fields marked
 *                       data-autosave-skip, passwords, files and the CSRF token are never stored.
 *                       A Trix editor's hidden input is stored and restored into the editor.
 *
 * Every field is kept as a list of values in page order, so several fields of one name (the
 * paraf chain's <select name="reviewers"> lines, checkboxes, a multiple select) come back as
 * they were, each in its place. A copy is never put into a form by itself: the page offers it
 * ("Restore it" / "Discard it") when it differs from what the server showed. A form the server
 * sent back with errors (data-autosave-bound, or error marks inside it, or the answer to our own
 * submit) is the truth: no copy is offered over it, and the copy becomes what it shows.
 * A repeated line marked data-autosave-row is cloned when the copy has more values than lines.
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

  var VERSION = 2; // copies of version 1 kept one value per name: a chain of two came back as one

  function fieldsByName(form) {
    var names = [], groups = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!storable(el)) return;
      if (!groups[el.name]) { groups[el.name] = []; names.push(el.name); }
      groups[el.name].push(el);
    });
    return { names: names, groups: groups };
  }

  function valuesOf(el) {
    var type = (el.type || "").toLowerCase();
    if (type === "checkbox" || type === "radio") return el.checked ? [el.value] : [];
    if (el.tagName === "SELECT" && el.multiple) {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return [el.value];
  }

  function snapshot(form) {
    var fields = fieldsByName(form), data = {};
    fields.names.forEach(function (name) {
      data[name] = [];
      fields.groups[name].forEach(function (el) { data[name] = data[name].concat(valuesOf(el)); });
    });
    return data;
  }

  // Empty lines carry nothing (an empty reviewer line, an untouched text box).
  function sameData(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) {
      var x = (a[name] || []).filter(Boolean), y = (b[name] || []).filter(Boolean);
      return x.length === y.length && x.every(function (v, i) { return v === y[i]; });
    });
  }

  function save(form) {
    try {
      window.localStorage.setItem(keyFor(form), JSON.stringify({ v: VERSION, at: Date.now(), data: snapshot(form) }));
    } catch (e) { /* storage full or blocked: nothing to do */ }
  }

  function load(form) {
    var raw = window.localStorage.getItem(keyFor(form));
    if (!raw) return null;
    var saved = null;
    try { saved = JSON.parse(raw); } catch (e) { /* unreadable: dropped below */ }
    if (!saved || saved.v !== VERSION || !saved.data || Date.now() - saved.at > MAX_AGE_MS) {
      window.localStorage.removeItem(keyFor(form));
      return null;
    }
    return saved;
  }

  // One more line like the last one (a paraf line), when the copy holds more than the page shows.
  function addRow(el) {
    var row = el.closest("[data-autosave-row]");
    if (!row) return null;
    var copy = row.cloneNode(true);
    var n = row.parentNode.querySelectorAll("[data-autosave-row]").length + 1;
    copy.querySelectorAll("[id]").forEach(function (node) { node.id = node.id.replace(/\d+$/, "") + n; });
    copy.querySelectorAll("label[for]").forEach(function (node) {
      node.htmlFor = node.htmlFor.replace(/\d+$/, "") + n;
      node.textContent = node.textContent.replace(/\d+\s*$/, n);
    });
    copy.querySelectorAll("[data-autosave-row-number]").forEach(function (node) { node.textContent = n; });
    row.parentNode.insertBefore(copy, row.nextSibling);
    return copy.querySelector('[name="' + el.name + '"]');
  }

  function changed(el) {
    el.dispatchEvent(new Event("change", { bubbles: true })); // e.g. a picker shows a ticked row
  }

  function setValue(el, value) {
    var type = (el.type || "").toLowerCase();
    if (el.value === value) return;
    var editor = type === "hidden" ? trixFor(el) : null;
    if (editor && editor.editor) {
      editor.editor.loadHTML(value);
    } else if (editor) {
      editor.addEventListener("trix-initialize", function () { editor.editor.loadHTML(value); }, { once: true });
    }
    el.value = value;
    changed(el);
  }

  function restore(form, data) {
    var fields = fieldsByName(form);
    fields.names.forEach(function (name) {
      if (!(name in data)) return;
      var values = data[name], els = fields.groups[name];
      var first = els[0], type = (first.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        els.forEach(function (el) {
          var on = values.indexOf(el.value) !== -1;
          if (el.checked !== on) { el.checked = on; changed(el); }
        });
      } else if (first.tagName === "SELECT" && first.multiple) {
        Array.prototype.forEach.call(first.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
        changed(first);
      } else {
        var filled = values.filter(Boolean).length;
        for (var i = els.length; i < filled; i++) {
          var more = addRow(els[els.length - 1]);
          if (!more) break;
          els.push(more);
        }
        // Chosen values first, in their order: an emptied line in the middle closes up.
        var ordered = values.filter(Boolean);
        els.forEach(function (el, i) { setValue(el, i < ordered.length ? ordered[i] : ""); });
      }
    });
  }

  // Translated texts come from data attributes on the form or on <body> (see base.html).
  function text(form, name, fallback) {
    return form.dataset[name] || document.body.dataset[name] || fallback;
  }

  function note(form, message, buttons) {
    form.querySelectorAll(".autosave-note").forEach(function (old) { old.remove(); });
    var box = document.createElement("div");
    box.className = "alert alert-info autosave-note py-2";
    box.setAttribute("role", "status");
    box.appendChild(document.createTextNode(message));
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      button.textContent = b.label;
      button.addEventListener("click", b.click);
      box.appendChild(button);
    });
    form.insertBefore(box, form.firstChild);
    return box;
  }

  function discard(form) {
    return {
      label: text(form, "autosaveDiscard", "Discard it"),
      click: function () {
        window.localStorage.removeItem(keyFor(form));
        window.location.reload(); // the page as the server sends it
      },
    };
  }

  function offer(form, saved) {
    var when = new Date(saved.at).toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short",
    });
    var message = text(form, "autosaveOffer", "This device kept an unsaved copy of this form from {time}.")
      .replace("{time}", when);
    var box = note(form, message, [
      {
        label: text(form, "autosaveRestore", "Restore it"),
        click: function () {
          restore(form, saved.data);
          save(form);
          note(form, text(form, "autosaveRestored", "Restored what you typed earlier on this device."),
            [discard(form)]);
        },
      },
      {
        label: text(form, "autosaveDiscard", "Discard it"),
        click: function () {
          window.localStorage.removeItem(keyFor(form));
          box.remove();
        },
      },
    ]);
  }

  // The server sent this form back (a refused submit): what it shows is what was posted.
  function boundByServer(form) {
    return form.hasAttribute("data-autosave-bound") ||
      !!form.querySelector(".is-invalid, .errorlist, .invalid-feedback, .alert-danger");
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
      if (boundByServer(form)) {
        save(form); // the copy is now what the server shows, never an older one over it
      } else {
        var saved = load(form);
        if (saved && !sameData(saved.data, snapshot(form))) offer(form, saved);
      }
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
