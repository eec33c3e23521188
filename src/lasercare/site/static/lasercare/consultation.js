// The consultation's preview offers "Use “isotretinoin”" beside a medicine read uncertainly: the button puts the
// suggested name in the field and lets the form refresh the preview, as typing would. Without JavaScript the
// suggestion is still shown and the clinician corrects the field by hand.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-fill]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-fill"));
  if (!field) return;
  field.value = button.getAttribute("data-value");
  field.dispatchEvent(new Event("input", { bubbles: true }));
  field.dispatchEvent(new Event("change", { bubbles: true }));
  field.focus();
});
