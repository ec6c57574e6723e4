/* Study page keys: Space shows the answer, 1-4 press the rating buttons.
 *
 * One listener on the document that looks the buttons up on every key press, so it keeps
 * working after htmx swaps a new card in. Keys are ignored while the student types in a
 * text field, and Space keeps its own meaning on buttons, options and links. After htmx
 * swaps a card in, focus moves to its heading (front) or its answer (back).
 */
(function () {
  "use strict";

  var NON_TEXT_INPUTS = ["button", "checkbox", "radio", "reset", "submit", "image"];

  function isTextField(element) {
    if (!element || element.nodeType !== 1) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" && NON_TEXT_INPUTS.indexOf(element.type) === -1;
  }

  function press(button, event) {
    if (!button || button.disabled) {
      return;
    }
    event.preventDefault();
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (isTextField(target) || event.repeat) {
      return;
    }
    if (event.key === " " || event.key === "Spacebar") {
      if (target.closest && target.closest("button, input, a, summary, label")) {
        return;
      }
      press(document.querySelector("[data-study-reveal]"), event);
    } else if (/^[1-4]$/.test(event.key)) {
      press(document.querySelector('[data-study-key="' + event.key + '"]'), event);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "study") {
      return;
    }
    var focus = target.querySelector("[data-study-focus]");
    if (focus) {
      focus.focus();
    }
  });
})();
