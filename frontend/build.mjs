// Build Coproduce's static assets into coproduce/static/ (git-ignored).
// Run by `make assets`: compiles our Sass with GOV.UK Frontend and copies the
// vendor files the pages load. No network access: everything comes from node_modules.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const staticDir = join(here, "..", "coproduce", "static");
const vendor = join(staticDir, "vendor");

// A minified script ends with a sourceMappingURL comment; copy the map beside it,
// because production's collectstatic (ManifestStaticFilesStorage) fails on a
// reference to a file that is missing.
function cpScript(source, destination) {
  cpSync(source, destination);
  if (existsSync(`${source}.map`)) cpSync(`${source}.map`, `${destination}.map`);
}

rmSync(vendor, { recursive: true, force: true });
mkdirSync(join(staticDir, "coproduce"), { recursive: true });

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
cpSync(join(govuk, "assets"), join(vendor, "govuk", "assets"), { recursive: true });
cpScript(join(govuk, "govuk-frontend.min.js"), join(vendor, "govuk", "govuk-frontend.min.js"));
cpScript(join(modules, "htmx.org", "dist", "htmx.min.js"), join(vendor, "htmx", "htmx.min.js"));
for (const [pkg, file] of [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
]) {
  cpScript(join(modules, pkg, "build", file), join(vendor, "vega", file));
}
// Vega compiles expressions with `new Function` unless given an interpreter; our
// CSP forbids eval, so results pages load vega-interpreter (an ES module) with its
// one dependency, vega-util, copied beside it and imported by relative path.
mkdirSync(join(vendor, "vega", "vega-util"), { recursive: true });
for (const file of readdirSync(join(modules, "vega-util", "build"))) {
  // The maps too: production's collectstatic fails on a sourceMappingURL to a missing file.
  if (file.endsWith(".js") || file.endsWith(".js.map")) {
    cpSync(join(modules, "vega-util", "build", file), join(vendor, "vega", "vega-util", file));
  }
}
writeFileSync(
  join(vendor, "vega", "vega-interpreter.mjs"),
  readFileSync(join(modules, "vega-interpreter", "build", "vega-interpreter.js"), "utf8")
    .replace("from 'vega-util'", "from './vega-util/index.js'")
    .replace(/\/\/# sourceMappingURL=.*$/m, ""),
);
cpSync(join(here, "src", "init.mjs"), join(staticDir, "coproduce", "init.mjs"));
cpSync(join(here, "src", "charts.mjs"), join(staticDir, "coproduce", "charts.mjs"));
cpSync(join(here, "src", "voting.mjs"), join(staticDir, "coproduce", "voting.mjs"));

const result = sass.compile(join(here, "src", "coproduce.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "mixed-decls", "color-functions", "slash-div", "if-function"],
});
writeFileSync(join(staticDir, "coproduce", "coproduce.css"), result.css);
console.log(`Built assets into ${staticDir}`);
