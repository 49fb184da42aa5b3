/* Live submission states: while any submission is queued or scoring, ask the server every two
   seconds and swap the changed items in place. The server renders the items, so the texts stay
   translated and there is one template for the first load and for every update. */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var list = document.querySelector("ol[data-status-url]");
  if (!list) return;
  var url = list.getAttribute("data-status-url");
  var timer = null;

  function hasPending() {
    return list.querySelector('[data-state="queued"], [data-state="scoring"]') !== null;
  }

  function fromHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function apply(data) {
    data.submissions.forEach(function (item) {
      var current = list.querySelector('[data-id="' + item.id + '"]');
      if (current && current.getAttribute("data-state") === item.state) return;
      var fresh = fromHtml(item.html);
      if (current) {
        current.replaceWith(fresh);
      } else {
        list.prepend(fresh);
      }
    });
    var quota = document.getElementById("quota");
    if (quota && data.quota_html) quota.replaceWith(fromHtml(data.quota_html));
  }

  function poll() {
    timer = null;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(apply)
      .catch(function () { /* a missed beat is fine: try again at the next one */ })
      .then(schedule);
  }

  function schedule() {
    if (timer === null && hasPending()) timer = window.setTimeout(poll, INTERVAL_MS);
  }

  schedule();
})();
