// Small progressive enhancements for every page, one module per job.
// Every page works without this file: search is a plain form, the outline
// a list, the theme follows the system. Pages with a demo also load
// demo-page.js. Module scripts run once the document is parsed.
import { registerServiceWorker } from "./offline.js";
import { setUpOutline } from "./outline.js";
import { setUpProgress } from "./progress.js";
import { setUpShortcuts } from "./shortcuts.js";
import { setUpThemeToggle } from "./theme-toggle.js";
import { followSections } from "./toc.js";

setUpThemeToggle();
// Loaded only when needed: most visits never search, and many pages show no code.
const searchBox = document.querySelector("[data-search-box]");
if (searchBox) {
  searchBox.addEventListener(
    "focus",
    () => import("./search.js").then((search) => search.setUpSearch()),
    { once: true }
  );
}
if (document.querySelector(".lesson-body .highlight pre")) {
  import("./copy.js").then((copy) => copy.setUpCopyButtons());
}
setUpShortcuts();
setUpOutline();
setUpProgress();
followSections();
registerServiceWorker();
