/* Live pitch scoring: a countdown of the slot's pitch and question time, the anchor of the
   chosen score, and a light poll that reloads the page when the panel lead opens or closes a
   slot. Without JavaScript the form still posts, and a read-only page refreshes itself. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  var clock = document.getElementById("countdown");
  if (clock) {
    // Count against the server's clock: the phone's may be off by minutes.
    var skew = Date.parse(clock.dataset.now) - Date.now();
    var pitchEnds = Date.parse(clock.dataset.pitchEnds);
    var qaEnds = Date.parse(clock.dataset.qaEnds);
    var tick = function () {
      var now = Date.now() + skew;
      var phase = now < pitchEnds ? "pitch" : now < qaEnds ? "qa" : "over";
      clock.dataset.phase = phase;
      if (phase === "over") { clock.textContent = clock.dataset.labelOver; return; }
      var left = Math.ceil(((phase === "pitch" ? pitchEnds : qaEnds) - now) / 1000);
      var label = phase === "pitch" ? clock.dataset.labelPitch : clock.dataset.labelQa;
      clock.textContent = label + " " + Math.floor(left / 60) + ":" + pad(left % 60);
    };
    tick();
    window.setInterval(tick, 1000);
  }

  document.querySelectorAll(".sheet fieldset").forEach(function (set) {
    var out = set.querySelector(".chosen");
    var show = function () {
      var checked = set.querySelector("input:checked");
      if (!out) return;
      out.textContent = checked ? checked.value + (checked.dataset.anchor ? " — " + checked.dataset.anchor : "") : "";
    };
    set.addEventListener("change", show);
    show();
  });

  var url = root.dataset.stateUrl;
  var version = root.dataset.version;
  var busy = false;
  window.setInterval(function () {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && state.version !== version) window.location.reload();
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }, 3000);
})();
