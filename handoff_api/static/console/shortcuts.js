/* Guichet console: keyboard shortcuts, listed in the dialog that "?" opens. Ignored while typing in a field. */
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function moveInQueue(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("#queue-rows a[href^='/console/handoffs/']"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, index + step));
    links[next].focus();
  }

  function focus(id) {
    var element = document.getElementById(id);
    if (element) { element.focus(); return true; }
    return false;
  }

  function press(selector) {
    var button = document.querySelector(selector);
    if (button) { button.click(); }
  }

  var ACTIONS = {
    "j": function () { moveInQueue(1); },
    "k": function () { moveInQueue(-1); },
    "/": function () { focus("f-q"); },
    "r": function () { focus("reply"); },
    "n": function () { focus("note"); },
    "c": function () { press("form[action$='/claim'] button"); },
    "q": function () { window.location = "/console"; }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) { return; }
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || dialog.open) { return; }
      if (event.key === "?") {
        event.preventDefault();
        dialog.showModal();
        return;
      }
      var action = ACTIONS[event.key];
      if (action) { event.preventDefault(); action(); }
    });
    dialog.querySelector("button").addEventListener("click", function () { dialog.close(); });
  });
}());
