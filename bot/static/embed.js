// Vårdvägen chat widget for any page of the municipality's site. One tag:
//   <script src="https://CHAT-SERVICE/chat/embed.js" defer></script>
// It adds a floating button; the button opens the chat (/chat?embed=1) in a
// frame from the chat service. Optional: data-label="..." changes the
// button's text. No inline style or script, so a strict CSP works
// (frame-src, style-src and script-src must allow the chat service).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("vardvagen-launcher")) { return; }
  var origin = new URL(script.src, window.location.href).origin;
  var label = script.getAttribute("data-label") || "Chatta om jobb i vården";

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = origin + "/static/embed.css";
  document.head.appendChild(css);

  var panel = document.createElement("div");
  panel.id = "vardvagen-panel";
  panel.className = "vardvagen-panel";
  panel.hidden = true;

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.id = "vardvagen-launcher";
  launcher.className = "vardvagen-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panel.id);
  var icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  icon.className = "vardvagen-icon";
  icon.textContent = "💬";
  launcher.appendChild(icon);
  launcher.appendChild(document.createTextNode(label));

  var frame = null;

  function focusChat() {
    frame.focus();
    frame.contentWindow.postMessage({ type: "vardvagen:focus" }, origin);
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.className = "vardvagen-frame";
      frame.title = "Vårdvägen – chatt om jobb i vården";
      frame.src = origin + "/chat?embed=1";
      frame.addEventListener("load", focusChat);
      panel.appendChild(frame);
    } else {
      focusChat();
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) { open(); } else { close(); }
  });
  window.addEventListener("message", function (event) {
    if (frame && event.origin === origin && event.source === frame.contentWindow &&
        event.data && event.data.type === "vardvagen:close") {
      close();
    }
  });

  document.body.appendChild(panel);
  document.body.appendChild(launcher);
})();
