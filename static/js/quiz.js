/* Quiz countdown: keeps "Time left" current between page loads. The server enforces the
   deadline; once it has passed, reloading the page lets the server finish the attempt.
   The page says how many seconds were left when it was served, so a wrong clock on the
   student's device does not matter. */
(function () {
  "use strict";

  function tick() {
    document.querySelectorAll("[data-seconds-left]").forEach(function (timer) {
      if (!timer.dataset.until) {
        var seconds = Number(timer.dataset.secondsLeft);
        if (!Number.isFinite(seconds)) {
          return;
        }
        timer.dataset.until = String(Date.now() + seconds * 1000);
      }
      var left = Number(timer.dataset.until) - Date.now();
      var minutes = timer.querySelector("[data-minutes]");
      if (minutes) {
        minutes.textContent = String(Math.max(0, Math.ceil(left / 60000)));
      }
      if (left <= 0 && !timer.dataset.expired) {
        timer.dataset.expired = "true";
        window.location.reload();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  window.setInterval(tick, 5000);
})();
