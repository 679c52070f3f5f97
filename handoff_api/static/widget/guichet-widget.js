/* Guichet: the city's web chat, embedded with one tag (see docs/widget.md):
 *   <script src="https://guichet.example.fr/widget.js" defer></script>
 * Plain JavaScript, no dependency. Texts from citizens, the bot and agents only ever reach the page as
 * text nodes (links are built as <a> elements): never as HTML. */
(function () {
  "use strict";
  if (window.guichetWidget) return;

  const script = document.currentScript;
  const BASE = ((script && script.dataset.guichetUrl) || new URL(script ? script.src : location.href).origin)
    .replace(/\/+$/, "");
  const TITLE = (script && script.dataset.title) || "Une question pour la mairie ?";
  const MAX_CHARS = 5000;
  const STORE_KEY = "guichet-widget:" + BASE;
  const KINDS = ["answer", "clarify", "handoff", "smalltalk", "form", "info", "agent", "rating"];
  const URL_RE = /\bhttps?:\/\/[^\s<>"]+/g;
  const T = {
    launcher: "Une question ?",
    open: "Une question ? Ouvrir la discussion avec la mairie",
    unread: "Une question ? Nouveau message de la mairie",
    close: "Fermer la discussion",
    dialog: "Discussion avec la mairie",
    subtitle: "Un assistant automatique vous répond ; une personne de la mairie prend le relais si besoin.",
    intro: "Bonjour ! Posez votre question (horaires, démarches, signalement d'un problème…).",
    label: "Votre message",
    placeholder: "Écrivez votre question…",
    help: "Entrée : envoyer · Maj + Entrée : aller à la ligne",
    send: "Envoyer",
    restart: "Nouvelle conversation",
    you: "Vous", bot: "Assistant automatique", agent: "Agent de la mairie",
    handoff: "Transmis à une personne de la mairie",
    choices: "Questions proposées : choisissez-en une",
    newTab: " (nouvel onglet)",
    typing: "L'assistant écrit…",
    offline: "Vous semblez hors ligne. Vérifiez votre connexion Internet puis réessayez.",
    network: "Le message n'a pas pu être envoyé : le service ne répond pas. " +
             "Vérifiez votre connexion puis réessayez.",
    tooLong: "Votre message est trop long : 5 000 caractères au maximum.",
    empty: "Votre message est vide.",
    server: "Le service est momentanément indisponible. Réessayez dans quelques instants.",
    expired: "Cette conversation n'est plus disponible : une nouvelle conversation commence.",
    helpful: "Cette réponse vous aide ?",
    yes: "Oui", no: "Non",
    thanks: "Merci pour votre avis.",
    sorry: "Merci pour votre avis. Une personne de la mairie va reprendre votre question.",
    rate: "Votre avis sur l'aide reçue",
    rateUp: "Oui, l'aide reçue m'a été utile", rateDown: "Non, l'aide reçue ne m'a pas été utile",
  };

  function tooMany(seconds) {
    const wait = seconds > 90 ? Math.ceil(seconds / 60) + " minutes" : seconds + " secondes";
    return "Vous avez envoyé trop de messages d'un coup. Patientez " + wait + " puis réessayez.";
  }

  /* ---- storage: the conversation survives a reload (localStorage), the panel's state a navigation (session) */
  function load(store, key) {
    try { return JSON.parse(window[store].getItem(key) || "null"); } catch (failure) { return null; }
  }
  function save(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key);
      else window[store].setItem(key, JSON.stringify(value));
    } catch (failure) { /* storage disabled: the conversation lasts as long as the page */ }
  }

  const state = { conv: load("localStorage", STORE_KEY), lastId: 0, shown: new Set(), pending: [], sending: false,
                  source: null, retry: 0, suggestions: new Map(), choices: [], loaded: false };

  /* ---- DOM helpers */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children.filter(Boolean));
    return node;
  }

  function withLinks(text) {
    const paragraph = el("p", { class: "text" });
    let at = 0;
    for (const match of text.matchAll(URL_RE)) {
      const url = match[0].replace(/[.,;:!?)\]»]+$/, "");
      paragraph.append(text.slice(at, match.index));
      let safe = false;
      try { safe = ["http:", "https:"].includes(new URL(url).protocol); } catch (failure) { safe = false; }
      paragraph.append(safe ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url },
                                   el("span", { class: "sr-only", text: T.newTab })) : url);
      at = match.index + url.length;
    }
    paragraph.append(text.slice(at));
    return paragraph;
  }

  function when(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date)) return null;
    const today = date.toDateString() === new Date().toDateString();
    const options = today ? { hour: "2-digit", minute: "2-digit" }
                          : { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" };
    return el("time", { datetime: date.toISOString(), text: date.toLocaleString("fr-FR", options) });
  }

  function bubbleIcon() {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.append(path);
    return svg;
  }

  /* ---- the widget's elements, in a shadow root so the city's styles and ours never mix */
  const host = el("div", { class: "guichet-widget", style: "display:none" });
  const root = host.attachShadow({ mode: "open" });
  const styles = el("link", { rel: "stylesheet", href: BASE + "/widget.css" });
  const launcher = el("button", { type: "button", class: "launcher", "aria-label": T.open, "aria-expanded": "false",
                                  "aria-controls": "gw-panel" }, bubbleIcon(), el("span", { text: T.launcher }));
  const closer = el("button", { type: "button", class: "close", "aria-label": T.close, text: "×" });
  const restart = el("button", { type: "button", class: "restart", text: T.restart });
  const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages", tabindex: "0" },
                 el("p", { class: "intro", text: T.intro }));
  const typing = el("p", { class: "typing", "aria-hidden": "true", text: T.typing });
  const notice = el("p", { class: "error", role: "alert" });
  const status = el("p", { class: "sr-only", role: "status" });  // announces what a feedback button did
  const input = el("textarea", { id: "gw-input", rows: "2", maxlength: String(MAX_CHARS), placeholder: T.placeholder,
                                 "aria-describedby": "gw-help gw-counter" });
  const counter = el("span", { id: "gw-counter", class: "counter" });
  const sender = el("button", { type: "submit", class: "send", text: T.send });
  const form = el("form", { class: "composer" },
                  el("label", { for: "gw-input", class: "sr-only", text: T.label }), input,
                  el("div", { class: "row" }, el("span", { id: "gw-help", class: "help", text: T.help }), counter),
                  el("div", { class: "row" }, restart, sender));
  const panel = el("section", { id: "gw-panel", class: "panel", role: "dialog", "aria-label": T.dialog },
                   el("header", {}, el("h2", { text: TITLE }), closer, el("p", { text: T.subtitle })),
                   log, typing, notice, status, form);
  typing.hidden = true;
  notice.hidden = true;
  panel.hidden = true;
  root.append(styles, launcher, panel);
  styles.addEventListener("load", () => { host.style.display = ""; });
  styles.addEventListener("error", () => { host.style.display = ""; });

  function showError(text) { notice.textContent = text; notice.hidden = !text; }
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function updateCounter() {
    counter.textContent = input.value.length.toLocaleString("fr-FR") + " / 5 000";
    counter.classList.toggle("near", input.value.length > MAX_CHARS * 0.9);
  }

  function openPanel(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", T.open);
    launcher.classList.remove("unread");
    save("sessionStorage", STORE_KEY + ":open", true);
    scrollDown();
    if (focus) input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    save("sessionStorage", STORE_KEY + ":open", null);
    launcher.focus();
  }

  /* ---- messages: rendered once each, by id, from GET .../messages and the event stream */
  function bubble(message) {
    const kind = KINDS.includes(message.kind) ? message.kind : "info";
    const who = message.author === "citizen" ? T.you : message.author === "agent" ? T.agent
      : kind === "handoff" ? T.handoff : T.bot;
    const node = el("div", { class: "msg from-" + message.author + " kind-" + kind },
                    el("p", { class: "who" }, el("span", { text: who }), message.id ? when(message.created_at) : null),
                    withLinks(shownText(message)));
    if (message.id) node.dataset.id = String(message.id);
    const suggestions = message.suggestions && message.suggestions.length ? message.suggestions
      : state.suggestions.get(message.text) || [];
    if (message.author === "bot" && kind === "clarify" && suggestions.length) {
      state.choices = suggestions;
      const group = el("div", { class: "choices", role: "group", "aria-label": T.choices });
      suggestions.forEach((suggestion, index) => {
        const label = (index + 1) + ". " + suggestion.question;
        const choice = el("button", { type: "button", class: "choice", text: label });
        choice.addEventListener("click", () => { input.focus(); send(String(index + 1), suggestion.question); });
        group.append(choice);
      });
      node.append(group);
    }
    if (message.author === "bot" && message.id && (kind === "answer" || kind === "rating")) {
      node.append(verdictButtons(message, kind));
    }
    return node;
  }

  /* « Cette réponse vous aide ? Oui / Non » under each automatic answer, 👍/👎 under the rating request.
     Real buttons with aria-pressed; the last choice wins (the buttons stay usable); the status region says
     what happened; after a first « Non » the person's reply comes into the log and the focus goes to the
     message box, where the citizen can add details for that person. */
  function verdictButtons(message, kind) {
    const answer = kind === "answer";
    const labelId = "gw-verdict-" + message.id;
    const group = el("div", { class: "verdict", role: "group", "aria-labelledby": labelId },
                     el("span", { id: labelId, class: "verdict-label", text: answer ? T.helpful : T.rate }));
    const done = el("span", { class: "verdict-done", "aria-hidden": "true" });
    const buttons = [true, false].map((helpful) => {
      const button = answer
        ? el("button", { type: "button", class: "verdict-button", "aria-pressed": "false",
                         text: helpful ? T.yes : T.no })
        : el("button", { type: "button", class: "verdict-button", "aria-pressed": "false",
                         "aria-label": helpful ? T.rateUp : T.rateDown },
             el("span", { "aria-hidden": "true", text: helpful ? "👍 " : "👎 " }), helpful ? T.yes : T.no);
      button.dataset.helpful = String(helpful);
      button.addEventListener("click", () => giveVerdict(message, answer, helpful, buttons, done, button));
      group.append(button);
      return button;
    });
    group.append(done);
    if (typeof message.feedback === "boolean") pressed(buttons, done, message.feedback);
    return group;
  }

  function pressed(buttons, done, helpful) {
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.helpful === String(helpful)));
    done.textContent = T.thanks;
  }

  async function giveVerdict(message, answer, helpful, buttons, done, button) {
    const conv = state.conv;
    if (!conv || button.getAttribute("aria-busy") === "true") return;
    showError("");
    button.setAttribute("aria-busy", "true");
    const path = answer ? "/messages/" + message.id + "/feedback" : "/rating";
    try {
      const response = await api(conv, path, { method: "POST", headers: { "Content-Type": "application/json" },
                                               body: JSON.stringify({ helpful }) });
      if (!response.ok) throw new HttpError(response);
      const body = await response.json();
      pressed(buttons, done, helpful);
      const offered = answer && !helpful && body.replies && body.replies.length;
      status.textContent = "";
      status.textContent = offered ? T.sorry : T.thanks;
      if (offered) {
        await sync().catch(() => null);
        input.focus();
      }
    } catch (failure) {
      showError(explain(failure));
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  function shownText(message) {
    const number = message.author === "citizen" && /^\s*(\d+)\s*$/.exec(message.text);
    const choice = number && state.choices[Number(number[1]) - 1];
    return choice ? choice.question : message.text;
  }

  function disableChoices() {
    for (const button of log.querySelectorAll(".choice")) button.disabled = true;
  }

  function show(message) {
    if (state.shown.has(message.id)) return;
    state.shown.add(message.id);
    state.lastId = Math.max(state.lastId, message.id);
    // The citizen's own message, already shown faded while it was being sent, takes its id.
    const mine = message.author !== "citizen" ? -1
      : state.pending.findIndex((node) => node.dataset.sent === message.text);
    const pending = mine >= 0 && state.pending.splice(mine, 1)[0];
    if (pending) {
      pending.dataset.id = String(message.id);
      pending.classList.remove("pending");
      pending.querySelector(".who").append(...[when(message.created_at)].filter(Boolean));
    }
    const node = pending ? null : bubble(message);
    if (message.author === "citizen") {
      disableChoices();
      state.choices = [];
    }
    if (!node) return;
    const later = [...log.querySelectorAll(".msg")]
      .find((other) => !other.dataset.id || Number(other.dataset.id) > message.id);
    log.insertBefore(node, later || null);
    if (message.author !== "citizen" && panel.hidden && state.loaded) {
      launcher.classList.add("unread");
      launcher.setAttribute("aria-label", T.unread);
    }
    scrollDown();
  }

  /* ---- the web chat API */
  class HttpError extends Error {
    constructor(response) {
      super("HTTP " + response.status);
      this.status = response.status;
      this.retryAfter = Number(response.headers.get("Retry-After")) || 60;
    }
  }

  function explain(failure) {
    if (!(failure instanceof HttpError)) return navigator.onLine === false ? T.offline : T.network;
    if (failure.status === 429) return tooMany(failure.retryAfter);
    if (failure.status === 422) return T.tooLong;
    return T.server;
  }

  function api(conv, path, options) {
    const headers = Object.assign({ Authorization: "Bearer " + conv.token }, (options && options.headers) || {});
    return fetch(BASE + "/api/webchat/conversations/" + encodeURIComponent(conv.id) + path,
                 Object.assign({}, options, { headers }));
  }

  function forget() {
    if (state.source) state.source.close();
    clearTimeout(state.retry);
    Object.assign(state, { conv: null, lastId: 0, shown: new Set(), pending: [], source: null, choices: [] });
    save("localStorage", STORE_KEY, null);
    for (const node of log.querySelectorAll(".msg")) node.remove();
  }

  async function conversation() {
    if (state.conv) return state.conv;
    const response = await fetch(BASE + "/api/webchat/conversations", { method: "POST" });
    if (!response.ok) throw new HttpError(response);
    const body = await response.json();
    state.conv = { id: body.conversation_id, token: body.token };
    save("localStorage", STORE_KEY, state.conv);
    listen();
    return state.conv;
  }

  async function post(text) {
    const conv = await conversation();
    return api(conv, "/messages", { method: "POST", headers: { "Content-Type": "application/json" },
                                     body: JSON.stringify({ text }) });
  }

  async function sync() {
    const conv = state.conv;
    if (!conv) return;
    const response = await api(conv, "/messages?after=" + state.lastId);
    if (response.status === 401 || response.status === 404) {
      forget();
      showError(T.expired);
      return;
    }
    if (!response.ok) throw new HttpError(response);
    const body = await response.json();
    if (state.conv === conv) body.messages.forEach(show);
  }

  /* Live messages. The stream opens with a short-lived ticket: the conversation token never goes in a URL.
     When the stream breaks (and once the ticket has expired, the browser's own retry cannot reopen it),
     the missed messages are fetched and a new ticket opens a new stream. */
  async function listen() {
    if (state.source) state.source.close();
    state.source = null;
    clearTimeout(state.retry);
    const conv = state.conv;
    if (!conv || typeof EventSource === "undefined") return;
    const attempt = (state.listening = {});
    const again = () => {
      if (state.listening !== attempt) return;
      state.retry = setTimeout(() => sync().catch(() => null).then(() => { if (state.conv === conv) listen(); }), 3000);
    };
    let ticket;
    try {
      const response = await api(conv, "/stream-ticket", { method: "POST" });
      if (!response.ok) throw new HttpError(response);
      ticket = (await response.json()).ticket;
    } catch (error) {
      again();
      return;
    }
    if (state.listening !== attempt || state.conv !== conv) return;
    const source = new EventSource(BASE + "/api/webchat/conversations/" + encodeURIComponent(conv.id) +
                                   "/events?ticket=" + encodeURIComponent(ticket) + "&after=" + state.lastId);
    source.onmessage = (event) => { if (state.source === source) show(JSON.parse(event.data)); };
    source.onerror = () => {
      if (state.source !== source) return;
      source.close();
      state.source = null;
      again();
    };
    state.source = source;
  }

  /* Sends `text`; shows `display` (the question, for a clarify choice sent as its number) as the citizen's bubble. */
  async function send(text, display) {
    text = text.trim();
    if (!text) { showError(T.empty); return false; }
    if (text.length > MAX_CHARS) { showError(T.tooLong); return false; }
    if (state.sending) return false;
    state.sending = true;
    showError("");
    disableChoices();
    const pending = bubble({ author: "citizen", text: display || text });
    pending.classList.add("pending");
    pending.dataset.sent = text;
    log.append(pending);
    state.pending.push(pending);
    typing.hidden = false;
    scrollDown();
    try {
      let response = await post(text);
      if (response.status === 401 || response.status === 404) {
        forget();
        showError(T.expired);
        log.append(pending);
        state.pending.push(pending);
        response = await post(text);
      }
      if (!response.ok) throw new HttpError(response);
      for (const reply of (await response.json()).replies) {
        if (reply.suggestions && reply.suggestions.length) state.suggestions.set(reply.text, reply.suggestions);
      }
    } catch (failure) {
      state.pending = state.pending.filter((node) => node !== pending);
      pending.remove();
      showError(explain(failure));
      return false;
    } finally {
      state.sending = false;
      typing.hidden = true;
    }
    await sync().catch(() => null);  // the event stream brings them too; ids keep each message once
    return true;
  }

  /* ---- keyboard and pointer */
  launcher.addEventListener("click", () => (panel.hidden ? openPanel(true) : closePanel()));
  closer.addEventListener("click", closePanel);
  restart.addEventListener("click", () => { forget(); showError(""); input.focus(); });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); closePanel(); }
  });
  input.addEventListener("input", updateCounter);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim() || state.sending) return;
    input.value = "";
    updateCounter();
    if (!(await send(text)) && !input.value) { input.value = text; updateCounter(); }
  });
  window.addEventListener("offline", () => showError(T.offline));
  window.addEventListener("online", () => {
    showError("");
    sync().catch(() => null).then(() => { if (!state.source) listen(); });
  });

  function start() {
    document.body.append(host);
    updateCounter();
    const loaded = () => { state.loaded = true; listen(); };  // the history does not count as unread
    if (state.conv) sync().catch(() => null).then(loaded);
    else state.loaded = true;
    if (load("sessionStorage", STORE_KEY + ":open")) openPanel(false);
  }

  window.guichetWidget = { open: () => openPanel(true), close: closePanel };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
