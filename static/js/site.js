// Small progressive enhancements for every page, one module per job.
// Every page works without this file: search is a plain form, the outline
// a list, the theme follows the system. Pages with a demo also load
// demo-page.js. Module scripts run once the document is parsed.
import { setUpCopyButtons } from "./copy.js";
import { registerServiceWorker } from "./offline.js";
import { setUpOutline } from "./outline.js";
import { setUpProgress } from "./progress.js";
import { setUpSearch } from "./search.js";
import { setUpShortcuts } from "./shortcuts.js";
import { setUpThemeToggle } from "./theme-toggle.js";
import { followSections } from "./toc.js";

setUpThemeToggle();
setUpCopyButtons();
setUpSearch();
setUpShortcuts();
setUpOutline();
setUpProgress();
followSections();
registerServiceWorker();
