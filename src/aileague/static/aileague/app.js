/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Team form: the Chinese province is asked only when the country is China.
  function toggleProvince(form) {
    var country = form.querySelector("select[name=country]");
    var field = form.querySelector("[data-show-when-country]");
    if (!country || !field) return;
    var select = field.querySelector("select");
    function apply() {
      var show = country.value === field.getAttribute("data-show-when-country");
      field.hidden = !show;
      if (select) {
        select.disabled = !show;
        select.required = show;
      }
    }
    country.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-country-form]").forEach(toggleProvince);
  });
})();
