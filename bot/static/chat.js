// Simple chat page: sends messages to the bot web service, shows replies.
// Everything is shown with textContent, so typed HTML is never run.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("message");
  var sender = "web-" + Array.from(crypto.getRandomValues(new Uint8Array(12)))
    .map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");

  function add(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function addButtons(buttons) {
    var row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      row.appendChild(btn);
    });
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    add(shown || message, "user");
    fetch("/chat/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message })
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        (data.messages || []).forEach(function (m) {
          if (m.text) { add(m.text, "bot"); }
          if (m.buttons && m.buttons.length) { addButtons(m.buttons); }
        });
      })
      .catch(function () { add("Chatten fungerar inte just nu. Försök igen om en stund.", "bot"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });

  send("/greet", "Hej");
})();
