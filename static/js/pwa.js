/* e-Surat as an installed app: the service worker, actions queued offline, the push toggle.
 *
 * - Registers /sw.js (templates/pwa/sw.js). A page shown to nobody logged in drops what the
 *   service worker kept (and so does the logout button), so a shared phone keeps nothing of the
 *   last user.
 * - <form data-offline-queue="URL" data-offline-label="…">: submitted while the browser is
 *   offline, the form is kept in IndexedDB instead of lost; when the connection is back (the
 *   `online` event, or the next page opened online) it is posted to URL with the page's current
 *   CSRF token. The server answers JSON (esurat/pwa/views.py): sent, or refused because the item
 *   changed meanwhile (409/422) — both are said on the page. A queued action is sent only by
 *   the user who made it.
 * - #push-panel (templates/pwa/push.html): asks the browser's permission on a tap, subscribes,
 *   and tells the server; or unsubscribes.
 */
(function () {
  "use strict";
  if (window.esuratPwaLoaded) return;
  window.esuratPwaLoaded = true;

  var DB_NAME = "esurat";
  var STORE = "queue";
  var user = document.body.getAttribute("data-user") || "";
  var status = document.getElementById("pwa-status");

  function text(name, values) {
    var t = (status && status.getAttribute("data-" + name)) || "";
    Object.keys(values || {}).forEach(function (k) { t = t.split("{" + k + "}").join(values[k]); });
    return t;
  }

  function say(kind, message, id) {
    if (!status || !message) return;
    var box = id ? document.getElementById(id) : null;
    if (!box) {
      box = document.createElement("div");
      if (id) box.id = id;
      status.appendChild(box);
    }
    box.className = "alert alert-" + kind + " py-2";
    box.textContent = message;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  /* ---- what the service worker kept ----------------------------------------------------- */

  function forget() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n === "esurat-lists" || n === "esurat-letters";
      }).map(function (n) { return caches.delete(n); }));
    });
  }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(document.body.getAttribute("data-sw"), { scope: "/" })
      .catch(function () { /* the site works without it */ });
  }
  if (!user && !document.getElementById("esurat-offline")) forget();
  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement && event.target.hasAttribute("data-logout")) {
      forget();
    }
  }, true);

  /* ---- the queue -------------------------------------------------------------------------- */

  function db() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queued() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).filter(function (item) { return item.user === user; });
    });
  }

  function showPending() {
    if (!user || !window.indexedDB) return;
    queued().then(function (items) {
      var box = document.getElementById("pwa-pending");
      if (!items.length) {
        if (box) box.remove();
        return;
      }
      say("warning", text("pending", { count: items.length }), "pwa-pending");
    });
  }

  function enqueue(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    data.delete("csrfmiddlewaretoken"); // the token of the moment it is sent goes in a header
    var item = {
      user: user, url: form.getAttribute("data-offline-queue"),
      label: form.getAttribute("data-offline-label") || document.title,
      body: new URLSearchParams(data).toString(), queuedAt: new Date().toISOString(),
    };
    return run("readwrite", function (store) { return store.add(item); });
  }

  var flushing = false;

  function send(item) {
    return fetch(item.url, {
      method: "POST", credentials: "same-origin", body: item.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken(),
                 "Accept": "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !json) {
        // The login page (the session ended) or a CSRF refusal: keep it for later.
        say("warning", text("login"), "pwa-login");
        return "stop";
      }
      return response.json().then(function (answer) {
        if (response.status >= 500) return "stop";
        var drop = run("readwrite", function (store) { return store.delete(item.id); });
        return drop.then(function () {
          var note = document.getElementById("pwa-queued");
          if (note) note.remove();
          if (answer.ok) {
            say("success", text("sent", { label: item.label, message: answer.message }));
          } else {
            say("danger", text("refused", { label: item.label,
                                            message: (answer.errors || [answer.message]).join(" ") }));
          }
          return "next";
        });
      });
    });
  }

  function flush() {
    if (flushing || !user || !navigator.onLine || !window.indexedDB) return;
    flushing = true;
    queued().then(function (items) {
      var chain = Promise.resolve("next");
      items.forEach(function (item) {
        chain = chain.then(function (state) { return state === "next" ? send(item) : state; });
      });
      return chain;
    }).catch(function () { /* offline again: the next `online` event tries again */ })
      .then(function () {
        flushing = false;
        showPending();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-queue")) return;
    if (navigator.onLine || !window.indexedDB || !user) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // not locked by data-once: the form stays usable
    enqueue(form, event.submitter).then(function () {
      // Saved once: a second tap must not queue it twice.
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
      });
      say("info", text("queued"), "pwa-queued");
      showPending();
      window.scrollTo(0, 0);
    });
  }, true);

  window.addEventListener("online", function () {
    var box = document.getElementById("pwa-offline");
    if (box) box.remove();
    flush();
  });
  function offline() {
    // The offline page says it itself; a kept page needs the reminder.
    if (!document.getElementById("esurat-offline")) say("secondary", text("offline"), "pwa-offline");
  }
  window.addEventListener("offline", offline);
  if (!navigator.onLine) offline();
  showPending();
  flush();

  /* ---- the push toggle -------------------------------------------------------------------- */

  var panel = document.getElementById("push-panel");
  if (!panel) return;
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var state = document.getElementById("push-state");

  function tell(message) { if (state) state.textContent = message; }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.message);
        return answer;
      });
    });
  }

  function failed(error) { tell(panel.getAttribute("data-failed").replace("{message}", error.message)); }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
    tell(panel.getAttribute("data-unsupported"));
    if (on) on.disabled = true;
    if (off) off.disabled = true;
    return;
  }
  if (on) on.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        tell(panel.getAttribute("data-denied"));
        return null;
      }
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(panel.getAttribute("data-key")),
        });
      }).then(function (subscription) {
        return post(panel.getAttribute("data-subscribe"), subscription.toJSON());
      }).then(function (answer) { tell(answer.message); });
    }).catch(failed);
  });
  if (off) off.addEventListener("click", function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return { message: panel.getAttribute("data-off") };
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(panel.getAttribute("data-unsubscribe"), { endpoint: endpoint });
      });
    }).then(function (answer) { tell(answer.message); }).catch(failed);
  });
})();
