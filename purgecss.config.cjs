// `make css`: Bootstrap 5.3.9 trimmed to the selectors our pages can use.
// The full file stays in assets/ (not served); the trimmed one is committed in static/.
// Scanned: our templates, scripts and Python (css_class=...), and the crispy-bootstrap5
// templates and tags that render our forms. A page that starts to use another crispy
// template or Bootstrap component adds its file here and runs `make css` again.
const site = ".venv/lib/python3*/site-packages";
const crispy = `${site}/crispy_bootstrap5/templates/bootstrap5`;

module.exports = {
  css: ["assets/vendor/bootstrap/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "static/js/**/*.js",
    "screening/**/*.py",
    `${site}/crispy_forms/templatetags/*.py`,
    `${crispy}/{display_form,errors,field,inputs,uni_form,whole_uni_form}.html`,
    `${crispy}/layout/{attrs,field_errors,field_errors_block,fieldset,help_text,help_text_and_errors,radio_checkbox_select}.html`,
  ],
  // base.html builds the class of a Django message from its level: alert-{{ message.tags }}.
  safelist: [/^alert-(info|success|warning|danger)$/],
  variables: true,
  keyframes: true,
  fontFace: true,
  output: "static/vendor/bootstrap/bootstrap.trim.css",
};
