// Vårdvägen chat widget for any page of the municipality's site. One tag:
//   <script src="https://CHAT-SERVICE/chat/embed.js" defer></script>
// It adds a floating button; the button opens the chat (/chat?embed=1) in a
// frame from the chat service. Optional: data-label="..." changes the
// button's text. No inline style or script, so a strict CSP works
// (frame-src, style-src, script-src and connect-src must allow the chat
// service). docs/web-editors.md tells web editors how to put it on a page.
//
// It never fails silently: a site that may not frame the chat (not in
// VARDVAGEN_EMBED_ORIGINS) gets a Swedish message with a link that opens the
// chat in a new tab, and the console names the setting. The widget knows
// before framing from GET /chat/embed-check, and otherwise when the frame
// does not say "vardvagen:ready" (bot/static/chat.js) in time.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("vardvagen-launcher")) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var here = window.location.origin;
  var SETTING = "VARDVAGEN_EMBED_ORIGINS";
  // How long a frame may take to say it started; it may still start later.
  var READY_MS = 10000;
  // After the frame's load event the ready message is due at once.
  var AFTER_LOAD_MS = 2000;
  var TEXT = {
    launcher: "Chatta om jobb i vården",
    title: "Vårdvägen – chatt om jobb i vården",
    refused: "Chatten kan inte visas på den här sidan.",
    notYou: "Det är inte ditt fel.",
    newTab: "Du kan använda chatten i en ny flik.",
    openNewTab: "Öppna chatten i en ny flik",
    close: "Stäng chatten"
  };
  var label = script.getAttribute("data-label") || TEXT.launcher;

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = origin + "/static/embed.css";
  document.head.appendChild(css);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  var panel = element("div", "vardvagen-panel");
  panel.id = "vardvagen-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", TEXT.title);
  panel.hidden = true;

  var launcher = element("button", "vardvagen-launcher");
  launcher.type = "button";
  launcher.id = "vardvagen-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panel.id);
  var icon = element("span", "vardvagen-icon", "💬");
  icon.setAttribute("aria-hidden", "true");
  launcher.appendChild(icon);
  launcher.appendChild(document.createTextNode(label));

  // The message for a page that may not show the chat.
  var notice = element("div", "vardvagen-notice");
  notice.id = "vardvagen-notice";
  notice.tabIndex = -1;
  notice.hidden = true;
  notice.appendChild(element("p", "vardvagen-notice-title", TEXT.refused));
  notice.appendChild(element("p", "", TEXT.notYou));
  notice.appendChild(element("p", "", TEXT.newTab));
  var newTab = element("a", "vardvagen-new-tab", TEXT.openNewTab);
  newTab.href = origin + "/chat";
  newTab.target = "_blank";
  newTab.rel = "noopener";
  var noticeClose = element("button", "vardvagen-close", TEXT.close);
  noticeClose.type = "button";
  var actions = element("p", "vardvagen-notice-actions");
  actions.appendChild(newTab);
  actions.appendChild(noticeClose);
  notice.appendChild(actions);
  panel.appendChild(notice);

  var frame = null;
  var ready = false;
  var timers = [];
  // "allowed" or "refused" once known; the service's own pages may always frame it.
  var framing = here === origin ? "allowed" : "unknown";
  var reported = {};

  function report(reason) {
    if (reported[reason]) { return; }
    reported[reason] = true;
    var message;
    if (reason === "refused" && here === "null") {
      message = "Vårdvägen chat: this page has no origin (opened from a file or in a sandboxed frame), " +
        "so it cannot show the chat in a frame. Put the tag on a web site listed in " + SETTING + ".";
    } else if (reason === "refused") {
      message = "Vårdvägen chat: " + here + " may not show the chat in a frame. Ask the chat service's " +
        "operator (municipal IT) to add " + here + " to " + SETTING + " (comma-separated). " +
        "Until then the widget shows a link that opens the chat in a new tab.";
    } else {
      message = "Vårdvägen chat: the chat frame did not start. " +
        "If the console also names frame-ancestors (\"Refused to frame\" or \"violates the Content " +
        "Security Policy directive: frame-ancestors\"), add " + here +
        " (and any site that frames this page) to " + SETTING + ". Otherwise the chat service " +
        origin + " is slow or down.";
    }
    if (window.console) { window.console.error(message); }
  }

  function clearTimers() {
    timers.forEach(function (timer) { window.clearTimeout(timer); });
    timers = [];
  }

  function showNotice(reason) {
    report(reason);
    if (frame && reason === "refused") {
      clearTimers();
      panel.removeChild(frame);
      frame = null;
    } else if (frame) {
      frame.hidden = true;  // kept: if it starts late after all, it is shown
    }
    panel.classList.add("vardvagen-refused");
    if (notice.hidden) {
      notice.hidden = false;
      if (!panel.hidden) { notice.focus(); }
    }
  }

  function showFrame() {
    panel.classList.remove("vardvagen-refused");
    notice.hidden = true;
    frame.hidden = false;
  }

  function focusChat() {
    frame.focus();
    frame.contentWindow.postMessage({ type: "vardvagen:focus" }, origin);
  }

  function notStarted() {
    if (!ready && frame) { showNotice("timeout"); }
  }

  function addFrame() {
    frame = element("iframe", "vardvagen-frame");
    frame.title = TEXT.title;
    frame.src = origin + "/chat?embed=1";
    // "Kopiera koden" in the frame may write to the clipboard; nothing else is delegated.
    frame.setAttribute("allow", "clipboard-write");
    frame.addEventListener("load", function () {
      if (!ready) { timers.push(window.setTimeout(notStarted, AFTER_LOAD_MS)); }
    });
    timers.push(window.setTimeout(notStarted, READY_MS));
    panel.appendChild(frame);
  }

  function onReady() {
    ready = true;
    clearTimers();
    showFrame();
    if (!panel.hidden) { focusChat(); }
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    document.documentElement.classList.add("vardvagen-open");
    if (framing === "refused") {
      showNotice("refused");
      notice.focus();
    } else if (!frame) {
      addFrame();
    } else if (ready) {
      focusChat();
    } else if (!notice.hidden) {
      notice.focus();
    }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    document.documentElement.classList.remove("vardvagen-open");
    launcher.focus();
  }

  // Ask the chat service before framing. If the check cannot be made (an
  // older service, the site's connect-src), the frame's ready message decides.
  function checkFraming() {
    if (framing !== "unknown" || typeof window.fetch !== "function") { return; }
    var url = origin + "/chat/embed-check?origin=" + encodeURIComponent(here);
    window.fetch(url, { credentials: "omit", mode: "cors", referrerPolicy: "no-referrer" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        // A frame that already started wins over an answer (it may be a minute old).
        if (!answer || typeof answer.allowed !== "boolean" || framing !== "unknown" || ready) { return; }
        framing = answer.allowed ? "allowed" : "refused";
        if (framing === "refused") {
          if (panel.hidden) { report("refused"); } else { showNotice("refused"); }
        }
      })
      .catch(function () { /* the ready message decides */ });
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(); } else { close(); }
  });
  noticeClose.addEventListener("click", close);
  [panel, launcher].forEach(function (node) {
    node.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) { close(); }
    });
  });
  window.addEventListener("message", function (event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow || !event.data) { return; }
    if (event.data.type === "vardvagen:ready") { onReady(); }
    if (event.data.type === "vardvagen:close") { close(); }
  });

  document.body.appendChild(panel);
  document.body.appendChild(launcher);
  checkFraming();
})();
