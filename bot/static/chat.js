// Vårdvägen web chat: the /chat page, full page or inside the widget's frame.
// Talks to Rasa's socketio channel (session_request, user_uttered, bot_uttered).
// Every text from the user or the bot goes in with textContent, never as HTML.
// No inline script or style and no eval, so a strict Content-Security-Policy works.
(function () {
  "use strict";

  var params = new URLSearchParams(window.location.search);
  var tablet = params.get("tablet") === "1";
  var embedded = params.get("embed") === "1";
  // A counsellor's follow-up link: /chat?f=<code> opens the chat with its track and topic.
  var followupCode = /^[A-Za-z0-9_-]{8,40}$/.test(params.get("f") || "") ? params.get("f") : null;
  var root = document.documentElement;
  var log = byId("log");
  var form = byId("composer");
  var input = byId("message");
  var announcer = byId("announcer");
  var statusLine = byId("status");
  var newUserButton = byId("new-user");
  var closeButton = byId("close");
  var textSize = byId("text-size");
  var readRate = byId("read-rate");
  var autoRead = byId("auto-read");
  var speech = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function"
    ? window.speechSynthesis : null;
  // Browser storage only outside tablet mode: the next student must find nothing.
  var store = tablet ? null : sessionStore();
  var STORE_KEY = "vardvagen-chat";
  var TEXT = {
    connecting: "Chatten startar …",
    down: "Chatten fungerar inte just nu. Försök igen om en stund.",
    cleared: "Chatten är tom. Nu kan nästa person börja.",
    you: "Du:",
    bot: "Vårdvägen:",
    read: "Läs upp",
    stop: "Sluta läsa",
    choices: "Välj ett svar",
    answerFrom: "Svar från en vägledare",
    yourQuestion: "Din fråga:",
    readMore: "Läs mer:",
    newTab: "(öppnas i ny flik)",
    codeLabel: "Din kod",
    copy: "Kopiera koden",
    copied: "Koden är kopierad.",
    copyFailed: "Det gick inte att kopiera. Skriv av koden.",
    calendar: "Lägg till i kalendern",
    calendarFile: "(hämtar en fil till din kalender)",
    print: "Skriv ut eller spara som PDF",
    emptiesIn: "Chatten töms om {seconds} sekunder.",
    erased: "Samtalet är raderat. Du kan börja ett nytt.",
    eraseFailed: "Det gick inte att radera samtalet. Försök igen.",
    feedbackQuestion: "Hjälpte svaret?",
    feedbackYes: "Ja",
    feedbackYesMore: ", svaret hjälpte",
    feedbackNo: "Nej",
    feedbackNoMore: ", svaret hjälpte inte",
    feedbackThanks: "Tack för att du svarade!",
    askPerson: "Vill du fråga en vägledare?",
    askPersonButton: "Fråga en vägledare"
  };
  var HANDOFF = "/human_handoff";
  var RATE_FACTORS = { slow: 0.75, normal: 1, fast: 1.3 };
  var LANG_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
  var TEXT_SIZES = { normal: "", large: "text-large", larger: "text-larger" };

  var config = null;
  var glossary = null;      // { pattern: RegExp, byForm: {form: word} }
  var socket = null;
  var sessionId = null;
  var waiting = [];          // messages typed before the server gave the session id
  var history = [];         // what is on screen, kept in sessionStorage in normal mode
  var idleTimer = null;
  var usedSinceReset = false;
  var focusChoicesNext = false;
  var speaking = null;
  var termCount = 0;
  var shownAnswers = {};    // codes of counsellor answers already on screen
  var answerTimer = null;
  var feedbackBox = null;   // "Hjälpte svaret?" under the latest answer, until the next message
  var personAsked = false;  // the person's last message was typed: a question, not a button
  var lastWasPrompt = false; // the latest bot message asked for a form's answer (it has "Avbryt")
  var notice = "";          // a line under the intro until the person writes ("Samtalet är raderat.")
  var warningTimer = null;  // "Är du kvar?" before the tablet's idle reset
  var countdownTimer = null;
  var idleWarning = byId("idle-warning");
  var eraseButton = byId("erase");
  var eraseDialog = byId("erase-dialog");
  var PART_TYPES = { link: true, calendar: true, code: true, print: true };
  var CODE = /^[A-Za-z0-9-]{4,20}$/;

  function byId(id) { return document.getElementById(id); }

  function sessionStore() {
    try {
      var s = window.sessionStorage;
      s.getItem(STORE_KEY);
      return s;
    } catch (error) {
      return null;
    }
  }

  function loadSaved() {
    if (!store) { return null; }
    try {
      var saved = JSON.parse(store.getItem(STORE_KEY) || "null");
      if (saved && typeof saved.session === "string" && Array.isArray(saved.history)) { return saved; }
    } catch (error) { /* a broken entry is ignored */ }
    return null;
  }

  function save() {
    if (!store) { return; }
    try {
      store.setItem(STORE_KEY, JSON.stringify({
        session: sessionId, history: history, textSize: textSize.value, readRate: readRate.value,
        autoRead: autoRead.checked, answers: Object.keys(shownAnswers)
      }));
    } catch (error) { /* storage full or blocked: the chat still works */ }
  }

  function setStatus(text) { statusLine.textContent = text; }

  // ---- glossary words as buttons -------------------------------------------

  function escapeForPattern(text) {
    return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
  }

  function buildGlossary(words) {
    var byForm = {};
    var forms = [];
    words.forEach(function (word) {
      word.forms.forEach(function (form) {
        var key = form.toLocaleLowerCase("sv-SE");
        if (!byForm[key]) { byForm[key] = word; forms.push(form); }
      });
    });
    if (!forms.length) { return null; }
    forms.sort(function (a, b) { return b.length - a.length; });
    var pattern = new RegExp("(?<![\\p{L}\\p{N}])(?:" + forms.map(escapeForPattern).join("|") + ")(?![\\p{L}\\p{N}])", "giu");
    return { pattern: pattern, byForm: byForm };
  }

  // Fills `paragraph` with the text; each glossary word (first time only) becomes
  // a button that shows its explanation in `definitions`.
  function fillText(paragraph, text, definitions) {
    if (!glossary) { paragraph.textContent = text; return; }
    var seen = {};
    var last = 0;
    var match;
    glossary.pattern.lastIndex = 0;
    while ((match = glossary.pattern.exec(text)) !== null) {
      var word = glossary.byForm[match[0].toLocaleLowerCase("sv-SE")];
      if (!word || seen[word.term]) { continue; }
      seen[word.term] = true;
      paragraph.appendChild(document.createTextNode(text.slice(last, match.index)));
      paragraph.appendChild(termButton(match[0], word, definitions));
      last = match.index + match[0].length;
    }
    paragraph.appendChild(document.createTextNode(text.slice(last)));
  }

  function termButton(shown, word, definitions) {
    termCount += 1;
    var id = "term-" + termCount;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "term";
    button.textContent = shown;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    var definition = document.createElement("p");
    definition.className = "definition";
    definition.id = id;
    definition.hidden = true;
    var name = document.createElement("strong");
    name.textContent = word.term + ": ";
    definition.appendChild(name);
    definition.appendChild(document.createTextNode(word.text));
    definitions.appendChild(definition);
    button.addEventListener("click", function () {
      var open = definition.hidden;
      definition.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    return button;
  }

  // ---- read aloud ----------------------------------------------------------

  function currentRate() {
    var base = (config && config.read_aloud_rate) || 1;
    return Math.min(2, Math.max(0.5, base * (RATE_FACTORS[readRate.value] || 1)));
  }

  function swedishVoice() {
    var voices = speech.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^sv([-_]|$)/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }

  function showReading(button, on) {
    button.textContent = on ? TEXT.stop : TEXT.read;
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function stopReading() {
    if (!speech) { return; }
    speech.cancel();
    if (speaking) {
      showReading(speaking, false);
      speaking = null;
    }
  }

  // What "Läs upp" says: the text without any web address, which no one wants to hear spelt out.
  function spoken(text) {
    return text.replace(/\b(?:https?:\/\/|www\.)\S+/gi, "").replace(/[ \t]{2,}/g, " ");
  }

  // Reads a message aloud; its button says "Sluta läsa" while it does. A click
  // stops what is being read first; a new answer read by itself ("Läs upp nya
  // svar automatiskt") waits for the one before it.
  function readAloud(button, text, lang, queued) {
    if (!queued) { stopReading(); }
    var utterance = new window.SpeechSynthesisUtterance(spoken(text));
    utterance.lang = lang || "sv-SE";
    utterance.rate = currentRate();
    var voice = lang ? null : swedishVoice();
    if (voice) { utterance.voice = voice; }
    function started() {
      if (speaking && speaking !== button) { showReading(speaking, false); }
      speaking = button;
      showReading(button, true);
    }
    utterance.onend = utterance.onerror = function () {
      if (speaking === button) {
        showReading(button, false);
        speaking = null;
      }
    };
    if (queued) { utterance.onstart = started; } else { started(); }
    speech.speak(utterance);
  }

  // A small button under each bot message (chat.css .read): a speaker icon and "Läs upp".
  function readButton(text, lang) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "read";
    showReading(button, false);
    button.addEventListener("click", function () {
      if (speaking === button) { stopReading(); return; }
      readAloud(button, text, lang, false);
    });
    return button;
  }

  // ---- messages on screen --------------------------------------------------

  function iconFor(payload) {
    var icons = (config && config.icons) || {};
    if (Object.prototype.hasOwnProperty.call(icons, payload)) { return icons[payload]; }
    var intent = payload.charAt(0) === "/" ? payload.slice(1).split("{")[0] : "";
    return intent && Object.prototype.hasOwnProperty.call(icons, intent) ? icons[intent] : "";
  }

  function renderChoices(item, buttons) {
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.choices);
    buttons.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      var icon = iconFor(choice.payload);
      if (icon) {
        var span = document.createElement("span");
        span.className = "icon";
        span.setAttribute("aria-hidden", "true");
        span.textContent = icon;
        button.appendChild(span);
      }
      var title = document.createElement("span");
      title.textContent = choice.title;
      button.appendChild(title);
      button.addEventListener("click", function () {
        focusChoicesNext = true;
        sendToBot(choice.payload, choice.title);
      });
      group.appendChild(button);
    });
    item.appendChild(group);
    return group;
  }

  // ---- parts of a message: links, the calendar file, a code, printing -------

  // A link is shown only if it is one the service names (bot/chat/routes.py
  // link_rules): its own pages on the listed paths, or a source in the content.
  function allowedLink(url) {
    var rules = (config && config.links) || {};
    var parsed;
    try { parsed = new URL(url); } catch (error) { return false; }
    if ((parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.username || parsed.password) { return false; }
    if (Array.isArray(rules.sources) && rules.sources.indexOf(url) >= 0) { return true; }
    var own = parsed.origin === rules.service || parsed.origin === window.location.origin;
    return own && Array.isArray(rules.paths) && rules.paths.some(function (path) {
      return typeof path === "string" && parsed.pathname.indexOf(path) === 0;
    });
  }

  // Only the known kinds, with their fields as text; links only where allowed.
  function cleanParts(raw) {
    if (!Array.isArray(raw)) { return []; }
    return raw.filter(function (part) {
      if (!part || typeof part !== "object" || !PART_TYPES[part.type]) { return false; }
      if (part.type === "link") { return typeof part.title === "string" && typeof part.url === "string" && allowedLink(part.url); }
      if (part.type === "calendar") { return typeof part.url === "string" && allowedLink(part.url); }
      if (part.type === "code") { return typeof part.code === "string" && CODE.test(part.code); }
      return true;
    }).map(function (part) {
      return { type: part.type, title: part.title, url: part.url, code: part.code };
    });
  }

  function newTabLink(className, url, label, hint) {
    var link = document.createElement("a");
    link.className = className;
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = label;
    var more = document.createElement("span");
    more.className = "visually-hidden";
    more.textContent = " " + (hint || TEXT.newTab);
    link.appendChild(more);
    return link;
  }

  function codeBox(code) {
    var box = document.createElement("div");
    box.className = "code-box";
    var label = document.createElement("p");
    label.className = "code-label";
    label.textContent = TEXT.codeLabel;
    var value = document.createElement("p");
    value.className = "code";
    value.textContent = code;
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.textContent = TEXT.copy;
    var result = document.createElement("p");
    result.className = "copy-result";
    copy.addEventListener("click", function () {
      copyText(code, value).then(function (done) {
        result.textContent = done ? TEXT.copied : TEXT.copyFailed;
        announce(result.textContent);
      });
    });
    box.appendChild(label);
    box.appendChild(value);
    box.appendChild(copy);
    box.appendChild(result);
    return box;
  }

  // The clipboard where the browser allows it; else the code is selected for the person to copy.
  function copyText(text, element) {
    function bySelection() {
      var range = document.createRange();
      range.selectNodeContents(element);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      return done;
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, bySelection);
    }
    return Promise.resolve(bySelection());
  }

  function printButton(item) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "print";
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "🖨️ ";
    button.appendChild(icon);
    button.appendChild(document.createTextNode(TEXT.print));
    button.addEventListener("click", function () { printOne(item); });
    return button;
  }

  // Only this message on paper (chat.css @media print), through the browser's
  // print dialog, which also offers "Spara som PDF".
  function printOne(item) {
    Array.prototype.forEach.call(log.querySelectorAll(".print-this"), function (other) { other.classList.remove("print-this"); });
    item.classList.add("print-this");
    root.classList.add("print-one");
    window.print();
  }

  function renderParts(item, parts) {
    if (!parts.length) { return; }
    var box = item.querySelector(".parts");
    if (!box) {
      box = document.createElement("div");
      box.className = "parts";
      item.insertBefore(box, item.querySelector(".read, .feedback, .choices"));
    }
    var links = parts.filter(function (part) { return part.type === "link"; });
    parts.forEach(function (part) {
      if (part.type === "code") { box.appendChild(codeBox(part.code)); }
      if (part.type === "calendar") {
        var calendar = newTabLink("action calendar", part.url, TEXT.calendar, TEXT.calendarFile);
        calendar.removeAttribute("target");
        calendar.setAttribute("download", "");
        var icon = document.createElement("span");
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = "📅 ";
        calendar.insertBefore(icon, calendar.firstChild);
        box.appendChild(calendar);
      }
      if (part.type === "print") { box.appendChild(printButton(item)); }
    });
    if (links.length) {
      var list = document.createElement("p");
      list.className = "links";
      list.appendChild(document.createTextNode(TEXT.readMore + " "));
      links.forEach(function (part, index) {
        if (index) { list.appendChild(document.createTextNode(", ")); }
        list.appendChild(newTabLink("source", part.url, part.title));
      });
      box.appendChild(list);
    }
  }

  // Parts come right after the message they belong to: the latest bot message.
  function addParts(parts) {
    var entry = null;
    for (var i = history.length - 1; i >= 0; i--) {
      if (history[i].who === "bot") { entry = history[i]; break; }
    }
    var items = log.querySelectorAll(".msg.bot");
    var item = items.length ? items[items.length - 1] : null;
    if (!entry || !item) { return; }
    entry.parts = (entry.parts || []).concat(parts);
    save();
    renderParts(item, parts);
  }

  // ---- a counsellor's answer ------------------------------------------------

  function renderCounsellor(item, entry) {
    var from = document.createElement("p");
    from.className = "from";
    from.textContent = typeof entry.from === "string" ? entry.from : TEXT.answerFrom;
    var asked = document.createElement("p");
    asked.className = "asked";
    asked.dir = "auto";
    asked.textContent = TEXT.yourQuestion + " " + (typeof entry.question === "string" ? entry.question : "");
    item.insertBefore(asked, item.querySelector(".text"));
    item.insertBefore(from, asked);
  }

  function render(entry) {
    var item = document.createElement("li");
    item.className = "msg " + entry.who;
    if (entry.who !== "counsellor") {
      // Who said it, for screen readers (a counsellor's answer says so in its first line).
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = entry.who === "user" ? TEXT.you : TEXT.bot;
      item.appendChild(who);
    }
    var paragraph = document.createElement("p");
    paragraph.className = "text";
    item.appendChild(paragraph);
    if (entry.who === "counsellor") {
      renderCounsellor(item, entry);
      paragraph.dir = "auto";
      paragraph.textContent = entry.text;
      if (speech) { item.appendChild(readButton(item.querySelector(".from").textContent + ". " + entry.text)); }
    } else if (entry.who === "bot") {
      var definitions = document.createElement("div");
      if (entry.lang) {
        // A line in another language: its own language and direction, no Swedish glossary.
        paragraph.lang = entry.lang;
        paragraph.dir = entry.dir === "rtl" ? "rtl" : "ltr";
        paragraph.textContent = entry.text;
      } else {
        fillText(paragraph, entry.text, definitions);
      }
      item.appendChild(definitions);
      if (speech && entry.text) { item.appendChild(readButton(entry.text, entry.lang)); }
      if (entry.buttons && entry.buttons.length) { renderChoices(item, entry.buttons); }
      renderParts(item, cleanParts(entry.parts));
    } else {
      // The person may write Arabic or Dari: the browser finds the direction.
      paragraph.dir = "auto";
      paragraph.textContent = entry.text;
    }
    log.appendChild(item);
    return item;
  }

  function removeChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (group) { group.remove(); });
    history.forEach(function (entry) { delete entry.buttons; });
  }

  function announce(text) {
    var line = document.createElement("p");
    line.textContent = text;
    announcer.appendChild(line);
    while (announcer.childNodes.length > 3) { announcer.removeChild(announcer.firstChild); }
  }

  // ---- "Hjälpte svaret?" under an answer ------------------------------------

  // An answer: a text that is no question (buttons for what comes next may follow it),
  // to a message the person typed (not the greeting, not what a button starts).
  function isAnswer(entry) {
    return personAsked && !entry.lang && entry.text && !/\?\s*$/.test(entry.text) && !isPrompt(entry);
  }

  // A question of a form (booking, a question to a counsellor, the walk-through):
  // it has the content's "Avbryt" button. What the person types there is an answer, not a question.
  function isPrompt(entry) {
    var cancel = config && config.cancel_button;
    return Boolean(cancel) && (entry.buttons || []).some(function (b) { return b.title === cancel; });
  }

  function removeFeedback() {
    if (feedbackBox && !feedbackBox.classList.contains("given")) { feedbackBox.remove(); }
    feedbackBox = null;
  }

  // The name is the visible word and what it means ("Ja, svaret hjälpte"); the thumb is decoration.
  function thumbButton(symbol, label, more, helpful) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.setAttribute("aria-pressed", "false");
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = symbol;
    button.setAttribute("aria-label", label + more);
    button.appendChild(icon);
    button.appendChild(document.createTextNode(" " + label));
    button.addEventListener("click", function () { giveFeedback(button, helpful); });
    return button;
  }

  function addFeedback(item) {
    removeFeedback();
    termCount += 1;
    var box = document.createElement("div");
    box.className = "feedback";
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", "feedback-" + termCount);
    var question = document.createElement("p");
    question.id = "feedback-" + termCount;
    question.textContent = TEXT.feedbackQuestion;
    box.appendChild(question);
    box.appendChild(thumbButton("👍", TEXT.feedbackYes, TEXT.feedbackYesMore, true));
    box.appendChild(thumbButton("👎", TEXT.feedbackNo, TEXT.feedbackNoMore, false));
    // Right under the answer's text, before the buttons for what comes next.
    item.insertBefore(box, item.querySelector(".choices"));
    feedbackBox = box;
  }

  function giveFeedback(button, helpful) {
    var box = button.parentNode;
    if (box.classList.contains("given")) { return; }
    box.classList.add("given");
    Array.prototype.forEach.call(box.querySelectorAll(".thumb"), function (thumb) {
      thumb.disabled = thumb !== button;
    });
    button.setAttribute("aria-pressed", "true");
    fetch("/chat/feedback", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation: sessionId, helpful: helpful })
    }).catch(function () { /* a lost vote only makes the statistics a little smaller */ });
    var thanks = document.createElement("p");
    thanks.className = "feedback-thanks";
    thanks.textContent = helpful ? TEXT.feedbackThanks : TEXT.feedbackThanks + " " + TEXT.askPerson;
    box.appendChild(thanks);
    announce(thanks.textContent);
    if (!helpful) {
      var group = renderChoices(box, [{ title: TEXT.askPersonButton, payload: HANDOFF }]);
      group.querySelector(".choice").focus();
    }
    if (feedbackBox === box) { feedbackBox = null; }
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") { return; }
    var text = typeof data.text === "string" ? data.text : "";
    if (!text && Array.isArray(data.parts)) { addParts(cleanParts(data.parts)); return; }
    var raw = Array.isArray(data.quick_replies) ? data.quick_replies : (Array.isArray(data.buttons) ? data.buttons : []);
    var buttons = raw.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) { return { title: b.title, payload: b.payload }; });
    if (!text && !buttons.length) { return; }
    var entry = { who: "bot", text: text, buttons: buttons };
    // A line in another language (actions/languages.py): {text, lang, dir}.
    if (text && typeof data.lang === "string" && LANG_TAG.test(data.lang)) {
      entry.lang = data.lang;
      entry.dir = data.dir === "rtl" ? "rtl" : "ltr";
    }
    history.push(entry);
    save();
    var item = render(entry);
    var read = item.querySelector(".read");
    if (read && autoRead.checked) { readAloud(read, entry.text, entry.lang, true); }
    if (isAnswer(entry)) { addFeedback(item); }
    lastWasPrompt = isPrompt(entry);
    if (text) { announce(text); }
    item.scrollIntoView({ block: "nearest" });
    var first = item.querySelector(".choice");
    if (first && focusChoicesNext && (document.activeElement === input || document.activeElement === document.body) && !input.value) {
      focusChoicesNext = false;
      first.focus();
    }
  }

  // ---- talking to Rasa -----------------------------------------------------

  function sendToBot(message, shown) {
    if (!socket) { return; }
    if (notice) { notice = ""; setStatus(""); }
    usedSinceReset = true;
    restartIdleTimer();
    removeChoices();
    removeFeedback();
    personAsked = message === shown && message.charAt(0) !== "/" && !lastWasPrompt;
    if (shown) {
      var entry = { who: "user", text: shown };
      history.push(entry);
      render(entry).scrollIntoView({ block: "nearest" });
    }
    save();
    if (document.activeElement === document.body || !document.activeElement) { input.focus(); }
    if (!sessionId) {
      // The server has not given this conversation its id yet: send on session_confirm.
      waiting.push(message);
      return;
    }
    socket.emit("user_uttered", uttered(message));
  }

  // A message for Rasa. In tablet mode it carries the one marker the channel keeps (for the statistics).
  function uttered(message) {
    var data = { message: message, session_id: sessionId };
    if (tablet) { data.metadata = { tablet: true }; }
    return data;
  }

  function connect(greet) {
    setStatus(TEXT.connecting);
    var current = window.io(config.socket_url, {
      path: config.socket_path,
      transports: config.socket_transports,
      forceNew: true,
      reconnection: true,
      withCredentials: false
    });
    socket = current;
    var greeted = !greet;
    current.on("connect", function () {
      current.emit("session_request", { session_id: sessionId });
    });
    current.on("session_confirm", function (issued) {
      if (socket !== current) { return; }
      if (typeof issued === "string" && issued !== sessionId) {
        sessionId = issued;
        save();
      }
      setStatus(notice);
      if (!greeted) {
        greeted = true;
        current.emit("user_uttered", uttered(greeting()));
      }
      waiting.splice(0).forEach(function (message) {
        current.emit("user_uttered", uttered(message));
      });
    });
    current.on("bot_uttered", function (data) {
      if (socket === current) { onBotMessage(data); }
    });
    current.on("connect_error", function () {
      if (socket === current) { setStatus(TEXT.down); }
    });
  }

  function greeting() {
    return followupCode ? "/start_followup" + JSON.stringify({ followup_code: followupCode }) : config.greeting;
  }

  // ---- answers from a counsellor, in the same browser session ---------------

  // A question handed to a counsellor is answered in the dashboard; while this
  // conversation is open its answer appears here (and with the code any time).
  function checkAnswers() {
    if (!sessionId || document.visibilityState === "hidden") { return; }
    var asked = sessionId;
    fetchJson("/chat/answers?conversation=" + encodeURIComponent(asked)).then(function (data) {
      if (asked !== sessionId || !data || !Array.isArray(data.answers)) { return; }
      data.answers.forEach(function (item) {
        if (!item || typeof item.reference !== "string" || shownAnswers[item.reference]) { return; }
        if (typeof item.answer !== "string" || typeof item.question !== "string") { return; }
        shownAnswers[item.reference] = true;
        showCounsellorAnswer({
          who: "counsellor", text: item.answer, question: item.question,
          from: typeof item.answered_by === "string" && item.answered_by ? item.answered_by : TEXT.answerFrom
        });
      });
    }).catch(function () { /* tried again at the next round */ });
  }

  // Its own look and the counsellor's name, announced, and scrolled so that its start is on screen.
  function showCounsellorAnswer(entry) {
    history.push(entry);
    save();
    var item = render(entry);
    var read = item.querySelector(".read");
    if (read && autoRead.checked) { readAloud(read, entry.from + ". " + entry.text, null, true); }
    announce(entry.from + ": " + entry.text);
    item.scrollIntoView({ block: "start" });
  }

  // The content sets how often; ?poll=N can only make it more often.
  function pollSeconds() {
    var configured = config.answer_poll_seconds;
    var asked = parseInt(params.get("poll") || "", 10);
    return asked > 0 && asked < configured ? asked : configured;
  }

  function startAnswerPolling() {
    window.clearInterval(answerTimer);
    answerTimer = window.setInterval(checkAnswers, pollSeconds() * 1000);
  }

  // Ends the conversation on the server (/restart), empties the screen and starts
  // a new conversation with a new id. Used by "Ny användare" and the idle timer.
  function startOver() {
    var old = socket;
    var oldSession = sessionId;
    clearScreen();
    var done = false;
    function next() {
      if (done) { return; }
      done = true;
      if (old) { old.disconnect(); }
      connect(true);
      showNotice(TEXT.cleared);
      announce(TEXT.cleared);
    }
    if (old && old.connected) {
      old.off("bot_uttered");
      // The ack comes after Rasa has handled the restart.
      old.timeout(5000).emit("user_uttered", { message: config.restart, session_id: oldSession }, next);
    } else {
      next();
    }
  }

  // "Radera samtalet", after the person said yes: no more messages on the old
  // socket, the service erases the conversation (POST /chat/erase), and only
  // then the screen is emptied. If erasing fails, nothing is lost.
  function eraseConversation() {
    var old = socket;
    var oldSession = sessionId;
    if (!oldSession) { startOver(); return; }
    socket = null;
    if (old) { old.off("bot_uttered"); old.disconnect(); }
    fetch("/chat/erase", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation: oldSession })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      clearScreen();
      notice = TEXT.erased;
      showNotice(TEXT.erased);
      connect(true);
      announce(TEXT.erased);
      input.focus();
    }).catch(function () {
      connect(false);
      setStatus(TEXT.eraseFailed);
      announce(TEXT.eraseFailed);
    });
  }

  // A line at the top of an emptied chat ("Samtalet är raderat."), where the person
  // looks; not kept in the history. The greeting comes under it.
  function showNotice(text) {
    var item = document.createElement("li");
    item.className = "notice";
    item.textContent = text;
    log.insertBefore(item, log.firstChild);
    item.scrollIntoView({ block: "nearest" });
  }

  // Nothing of the conversation left on the screen or in the browser.
  function clearScreen() {
    window.clearTimeout(idleTimer);
    window.clearTimeout(warningTimer);
    idleTimer = null;
    hideIdleWarning();
    socket = null;
    stopReading();
    log.replaceChildren();
    announcer.replaceChildren();
    input.value = "";
    history = [];
    shownAnswers = {};
    feedbackBox = null;
    personAsked = false;
    lastWasPrompt = false;
    waiting.length = 0;
    usedSinceReset = false;
    focusChoicesNext = false;
    sessionId = null;  // the server issues a signed one in session_confirm
    save();
  }

  function restartIdleTimer() {
    if (!tablet || !config) { return; }
    window.clearTimeout(idleTimer);
    window.clearTimeout(warningTimer);
    hideIdleWarning();
    if (!usedSinceReset) { return; }
    var idle = idleSeconds();
    var warning = Math.min(config.tablet_warning_seconds || 30, Math.floor(idle / 2));
    idleTimer = window.setTimeout(startOver, idle * 1000);
    if (warning > 0) { warningTimer = window.setTimeout(function () { showIdleWarning(warning); }, (idle - warning) * 1000); }
  }

  // "Är du kvar?" with a countdown: seen, announced (role=alertdialog, focus on
  // its button), and any touch or key keeps the chat (restartIdleTimer).
  function showIdleWarning(seconds) {
    var left = seconds;
    var count = byId("idle-countdown");
    function tick() { count.textContent = TEXT.emptiesIn.replace("{seconds}", String(left)); }
    tick();
    idleWarning.hidden = false;
    byId("idle-stay").focus();
    window.clearInterval(countdownTimer);
    countdownTimer = window.setInterval(function () {
      left = Math.max(0, left - 1);
      tick();
    }, 1000);
  }

  function hideIdleWarning() {
    window.clearInterval(countdownTimer);
    countdownTimer = null;
    if (idleWarning) { idleWarning.hidden = true; }
  }

  // The content sets the time; ?idle=N can only make it shorter.
  function idleSeconds() {
    var configured = config.tablet_idle_seconds;
    var asked = parseInt(params.get("idle") || "", 10);
    return asked > 0 && asked < configured ? asked : configured;
  }

  // ---- settings ------------------------------------------------------------

  function applyTextSize() {
    Object.keys(TEXT_SIZES).forEach(function (key) {
      if (TEXT_SIZES[key]) { root.classList.toggle(TEXT_SIZES[key], textSize.value === key); }
    });
  }

  function setUpControls() {
    if (tablet) { root.classList.add("tablet"); newUserButton.hidden = false; }
    if (embedded) { root.classList.add("embedded"); closeButton.hidden = false; }
    if (!speech) {
      readRate.hidden = true;
      byId("read-rate-label").hidden = true;
      byId("auto-read-row").hidden = true;
    }
    textSize.addEventListener("change", function () { applyTextSize(); save(); });
    readRate.addEventListener("change", save);
    autoRead.addEventListener("change", function () {
      if (!autoRead.checked) { stopReading(); }
      save();
    });
    newUserButton.addEventListener("click", startOver);
    byId("idle-stay").addEventListener("click", restartIdleTimer);
    window.addEventListener("afterprint", function () { root.classList.remove("print-one"); });
    eraseButton.addEventListener("click", function () {
      eraseDialog.showModal();
      byId("erase-keep").focus();  // "Nej" first: erasing cannot be undone
    });
    eraseDialog.addEventListener("close", function () {
      if (eraseDialog.returnValue === "erase") { eraseConversation(); } else { eraseButton.focus(); }
      eraseDialog.returnValue = "";
    });
    closeButton.addEventListener("click", closeWidget);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) { return; }
      input.value = "";
      focusChoicesNext = false;
      sendToBot(text, text);
    });
    if (tablet) {
      ["pointerdown", "keydown", "input"].forEach(function (name) {
        document.addEventListener(name, restartIdleTimer, { passive: true });
      });
    }
    if (embedded) {
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !eraseDialog.open) { closeWidget(); }
      });
      window.addEventListener("message", function (event) {
        if (event.source === window.parent && event.data && event.data.type === "vardvagen:focus") { input.focus(); }
      });
      // The widget (embed.js) shows its "cannot be shown here" message unless the frame says it started.
      if (window.parent !== window) { window.parent.postMessage({ type: "vardvagen:ready" }, "*"); }
    }
  }

  function closeWidget() {
    stopReading();
    if (window.parent !== window) { window.parent.postMessage({ type: "vardvagen:close" }, "*"); }
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
  }

  function showLatest() {
    var last = log.lastElementChild;
    if (last) { last.scrollIntoView({ block: "end" }); }
  }

  function start() {
    setUpControls();
    var saved = loadSaved();
    if (saved) {
      if (TEXT_SIZES.hasOwnProperty(saved.textSize)) { textSize.value = saved.textSize; }
      if (RATE_FACTORS.hasOwnProperty(saved.readRate)) { readRate.value = saved.readRate; }
      autoRead.checked = saved.autoRead === true && !!speech;
      applyTextSize();
    }
    if (typeof window.io !== "function") { setStatus(TEXT.down); return; }
    setStatus(TEXT.connecting);
    Promise.all([fetchJson("/chat/config.json"), fetchJson("/chat/glossary.json")])
      .then(function (results) {
        config = results[0];
        try { glossary = buildGlossary(results[1].words || []); } catch (error) { glossary = null; }
        if (saved && saved.history.length) {
          sessionId = saved.session;
          (Array.isArray(saved.answers) ? saved.answers : []).forEach(function (code) { shownAnswers[code] = true; });
          history = saved.history.filter(function (e) { return e && typeof e.text === "string"; });
          history.forEach(render);
          // Back where the person was: the latest message, not the top of a long chat.
          showLatest();
          connect(false);
        } else {
          sessionId = null;  // the server issues a signed one in session_confirm
          save();
          connect(true);
        }
        startAnswerPolling();
        if (!embedded) { input.focus(); }
      })
      .catch(function () { setStatus(TEXT.down); });
  }

  start();
})();
