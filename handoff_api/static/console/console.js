/* Guichet console: length counters, FAQ suggestions, SLA countdowns and the live queue. No build step. */
(function () {
  "use strict";

  /* X's weighting, approximately (the server counts exactly with twitter-text):
     a URL counts 23, an emoji 2, a character outside Latin/common punctuation ranges 2, others 1. */
  var URL_RE = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+(?:fr|com|org|net|eu|info|io|gouv\.fr)(?:\/[^\s]*)?/gi;
  var EMOJI_RE = /\p{Extended_Pictographic}(?:\uFE0F|\u20E3|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic}\uFE0F?)*/gu;

  function weightedLength(text) {
    var total = 0;
    var rest = text.normalize("NFC").replace(URL_RE, function () { total += 23; return ""; });
    rest = rest.replace(EMOJI_RE, function () { total += 2; return ""; });
    for (var ch of rest) {
      var c = ch.codePointAt(0);
      var light = c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) || (c >= 8242 && c <= 8247);
      total += light ? 1 : 2;
    }
    return total;
  }

  function plainLength(text) { return Array.from(text).length; }

  function setupCounter(area) {
    var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!counter) { return; }
    var limit = parseInt(area.dataset.limit, 10);
    var weighted = area.dataset.weighted === "true";
    function update() {
      var length = weighted ? weightedLength(area.value) : plainLength(area.value);
      counter.textContent = length + " / " + limit;
      var over = length > limit;
      counter.classList.toggle("over", over);
      area.setAttribute("aria-invalid", over ? "true" : "false");
    }
    area.addEventListener("input", update);
    update();
  }

  function setupInsert(button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.dataset.target);
      if (!area) { return; }
      area.value = button.dataset.insert;
      area.dispatchEvent(new Event("input"));
      area.focus();
    });
  }

  function duration(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) { return days + " j " + hours + " h"; }
    if (hours) { return hours + " h " + String(mins).padStart(2, "0"); }
    return mins + " min";
  }

  function updateCountdowns(root) {
    (root || document).querySelectorAll("[data-due]").forEach(function (el) {
      var seconds = (new Date(el.getAttribute("datetime")).getTime() - Date.now()) / 1000;
      el.textContent = seconds >= 0 ? "dans " + duration(seconds) : "dépassé de " + duration(seconds);
      el.classList.toggle("late", seconds < 0);
      el.classList.toggle("ok", seconds >= 0);
    });
  }

  function liveQueue(rows) {
    var status = document.getElementById("live-status");
    var form = document.querySelector("[data-queue-filters]");
    var timer = null;
    var page = new URLSearchParams(window.location.search).get("page");  /* kept until a filter changes */
    if (form) { form.addEventListener("change", function () { page = null; }); }
    function refresh(announce) {
      var params = form ? new URLSearchParams(new FormData(form)).toString() : "";
      if (page) { params += "&page=" + encodeURIComponent(page); }
      fetch(rows.dataset.rowsUrl + "?" + params, {credentials: "same-origin", headers: {"HX-Request": "true"}})
        .then(function (response) {
          if (response.status === 401) { window.location = response.headers.get("HX-Redirect") || "/console/login"; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) { return; }
          rows.innerHTML = html;
          updateCountdowns(rows);
          if (announce && status) { status.textContent = announce; }
        });
    }
    var source = new EventSource(rows.dataset.liveSource);
    function onEvent(message) {
      var data = {};
      try { data = JSON.parse(message.data); } catch (ignored) { /* keep defaults */ }
      var announce = data.type === "handoff" && !data.action ? "Nouvelle demande reçue." : "File mise à jour.";
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(announce); }, 300);
    }
    source.addEventListener("handoff", onEvent);
    source.addEventListener("message", onEvent);
    window.addEventListener("beforeunload", function () { source.close(); });
  }

  function liveConversation(transcript) {
    var notice = document.getElementById("conversation-notice");
    var source = new EventSource("/api/events/handoffs");
    source.addEventListener("message", function (message) {
      var data = {};
      try { data = JSON.parse(message.data); } catch (ignored) { return; }
      if (data.conversation_id === transcript.dataset.conversationId && notice) { notice.hidden = false; }
    });
    source.addEventListener("presence", function (message) {  /* shown by console-tools.js */
      try { document.dispatchEvent(new CustomEvent("guichet:presence", {detail: JSON.parse(message.data)})); }
      catch (ignored) { /* a malformed event changes nothing */ }
    });
    window.addEventListener("beforeunload", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-limit]").forEach(setupCounter);
    document.querySelectorAll("button[data-insert]").forEach(setupInsert);
    updateCountdowns();
    setInterval(updateCountdowns, 30000);
    var rows = document.querySelector("[data-live-source]");
    if (rows && window.EventSource) { liveQueue(rows); }
    var transcript = document.querySelector("[data-conversation-id]");
    if (transcript && window.EventSource) { liveConversation(transcript); }
    document.body.addEventListener("htmx:afterSwap", function (event) { updateCountdowns(event.target); });
  });

  window.guichetWeightedLength = weightedLength;
}());
