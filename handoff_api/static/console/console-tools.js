/* Guichet console: canned replies inserted with "/" in the reply box, and who else is on this handoff. */
(function () {
  "use strict";

  function csrfHeaders() {
    var headers = {"Content-Type": "application/json"};
    try { Object.assign(headers, JSON.parse(document.body.getAttribute("hx-headers") || "{}")); } catch (ignored) { /* none */ }
    return headers;
  }

  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function cannedPicker(area) {
    var data = document.getElementById(area.dataset.canned);
    var list = document.getElementById("canned-list");
    if (!data || !list) { return; }
    var replies = JSON.parse(data.textContent || "[]");
    var box = list.parentElement;
    var shown = [], active = -1, token = null;

    function close() {
      box.hidden = true; shown = []; active = -1; token = null;
      area.removeAttribute("aria-activedescendant");
    }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, index) {
        li.setAttribute("aria-selected", index === active ? "true" : "false");
      });
      if (active >= 0) { area.setAttribute("aria-activedescendant", "canned-option-" + shown[active].id); }
    }
    function insert(reply) {
      if (!reply.fits || token === null) { return; }
      var before = area.value.slice(0, token.start), after = area.value.slice(area.selectionStart);
      area.value = before + reply.text + after;
      var caret = before.length + reply.text.length;
      area.setSelectionRange(caret, caret);
      close();
      area.dispatchEvent(new Event("input"));
      area.focus();
    }
    function open() {
      var upto = area.value.slice(0, area.selectionStart);
      var found = /(^|\s)\/([^\s\/]*)$/.exec(upto);
      if (!found) { close(); return; }
      token = {start: upto.length - found[2].length - 1, query: fold(found[2])};
      shown = replies.filter(function (r) { return fold(r.title).indexOf(token.query) !== -1; });
      list.innerHTML = "";
      shown.forEach(function (reply, index) {
        var li = document.createElement("li");
        li.id = "canned-option-" + reply.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-disabled", reply.fits ? "false" : "true");
        var title = document.createElement("strong");
        title.textContent = reply.title;
        var detail = document.createElement("span");
        detail.textContent = reply.fits ? " · " + reply.length + " caractères" : " · trop longue pour ce canal (" + reply.length + ")";
        li.appendChild(title); li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); active = index; insert(reply); });
        list.appendChild(li);
      });
      if (!shown.length) { close(); return; }
      box.hidden = false;
      active = 0;
      mark();
    }
    area.addEventListener("input", function (event) { if (event.isTrusted) { open(); } });
    area.addEventListener("keydown", function (event) {
      if (box.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        mark();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        insert(shown[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function presence(line) {
    var url = "/api/handoffs/" + line.dataset.handoffId + "/presence";
    var me = parseInt(line.dataset.agentId, 10);
    var lastTyping = 0;
    function send(state, keepalive) {
      return fetch(url, {method: "POST", credentials: "same-origin", headers: csrfHeaders(), keepalive: !!keepalive,
                         body: JSON.stringify({state: state})})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) { if (body) { show(body.present); } })
        .catch(function () { /* the next heartbeat tries again */ });
    }
    var shown = null;
    function show(present) {
      var others = present.filter(function (p) { return p.agent_id !== me; });
      var key = JSON.stringify(others);
      if (key === shown) { return; }  /* unchanged: nothing re-announced to screen readers */
      shown = key;
      line.textContent = "";
      others.forEach(function (p) {
        var span = document.createElement("span");
        span.className = "who" + (p.typing ? " typing" : "");
        span.textContent = p.name + (p.typing ? " écrit une réponse…" : " consulte cette demande");
        line.appendChild(span);
      });
    }
    document.addEventListener("guichet:presence", function (event) {
      if (String(event.detail.handoff_id) === line.dataset.handoffId) { show(event.detail.present); }
    });
    var area = document.getElementById("reply");
    if (area) {
      area.addEventListener("input", function () {
        if (Date.now() - lastTyping > 3000) { lastTyping = Date.now(); send("typing"); }
      });
    }
    send("viewing");
    setInterval(function () { send(Date.now() - lastTyping < 5000 ? "typing" : "viewing"); },
                parseInt(line.dataset.heartbeat, 10) * 1000);
    window.addEventListener("pagehide", function () { send("gone", true); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-canned]").forEach(cannedPicker);
    var line = document.getElementById("presence");
    if (line) { presence(line); }
  });
}());
