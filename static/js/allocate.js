// Allocation: once a hub is chosen, the worker list shows only that hub's workers.
// Progressive enhancement: without JavaScript the list groups every worker by hub (one
// <optgroup> each) and the service refuses a worker from another hub. Each option carries
// its hub's id (data-hub, referrals.forms.allocation.WorkerSelect).
(function () {
  var select = document.querySelector('select[name="worker"]');
  var radios = document.querySelectorAll('input[type="radio"][name="hub"]');
  if (!select || !radios.length) return;

  function chosenHub() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) return radios[i].value;
    }
    return null;
  }

  function sync() {
    var hub = chosenHub();
    select.querySelectorAll('option[data-hub]').forEach(function (option) {
      var show = hub === null || option.dataset.hub === hub;
      option.hidden = !show;
      option.disabled = !show;
      if (!show && option.selected) select.value = '';
    });
    select.querySelectorAll('optgroup').forEach(function (group) {
      var shown = group.querySelector('option:not([hidden])');
      group.hidden = !shown;
      group.disabled = !shown;
    });
  }

  radios.forEach(function (radio) { radio.addEventListener('change', sync); });
  window.addEventListener('pageshow', sync);
  sync();
})();
