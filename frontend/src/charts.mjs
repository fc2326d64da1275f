// Draw each results chart from its Vega-Lite spec (a json_script beside it).
// Loaded only on results pages. The HTML table next to each chart carries the
// same numbers, so a browser without JavaScript, or a failed chart, loses nothing.
// Our Content Security Policy forbids eval, so Vega runs expressions through its
// interpreter (`ast: true`), and vega-embed adds no inline styles or menus.
import { expressionInterpreter } from "../vendor/vega/vega-interpreter.mjs";

const embed = window.vegaEmbed;

for (const container of document.querySelectorAll("[data-chart-spec]")) {
  const source = document.getElementById(container.dataset.chartSpec);
  if (!source || !embed) continue;
  const spec = JSON.parse(source.textContent);
  embed(container, spec, {
    ast: true,
    expr: expressionInterpreter,
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    tooltip: false,
  }).catch(() => container.remove());
}
