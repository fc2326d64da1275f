// Start GOV.UK Frontend's components. Loaded as a module, so old browsers skip it
// and get the no-JavaScript version of every page.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
