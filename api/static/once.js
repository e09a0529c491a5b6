// The new-dossier form's one-time token (api/web/dossier_form.py ONCE_FIELD). Set by a script, the
// field's value counts as typed, so the browser gives it back with the other fields when the proposer
// goes Back to the form: a second Save of the same form then leads to the dossier already saved.
document.querySelectorAll("input[data-once]").forEach(function (field) {
  if (!field.value) {
    field.value = field.dataset.once;
  }
});
