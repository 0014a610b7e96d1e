// Show what a radio reveals (the element named by its data-reveals) only under the radio
// chosen. Used instead of GOV.UK Frontend's radios script, which reveals by aria-controls and
// hides the content from people without JavaScript: here, without JavaScript, everything
// shows (see templates/referrals/triage/crispy/conditional_question.html).
(function () {
  var radios = document.querySelectorAll('input[type="radio"][data-reveals]');
  function sync() {
    radios.forEach(function (radio) {
      var target = document.getElementById(radio.dataset.reveals);
      if (target) target.classList.toggle('govuk-radios__conditional--hidden', !radio.checked);
    });
  }
  radios.forEach(function (radio) { radio.addEventListener('change', sync); });
  window.addEventListener('pageshow', sync);
  sync();
})();
