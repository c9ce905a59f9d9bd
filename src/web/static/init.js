// Starts govuk-frontend's components (ES module; loaded only by browsers that support modules).
import { initAll } from "/static/govuk-frontend.min.js";

initAll();
