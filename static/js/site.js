// Small progressive enhancements, one module per job. Every page works
// without this file: search is a plain form, demos are links, the outline
// is a list. Module scripts run after the document is parsed.
import { setUpCopyButtons } from "./copy.js";
import { sendCsrfHeader } from "./csrf.js";
import { keepDemoErrorsInTheirBox, replayQueuedClicks, sayDemosNeedAConnection } from "./demos.js";
import { keepFocusInDemos } from "./focus.js";
import { setUpInspectors } from "./inspector.js";
import { registerServiceWorker } from "./offline.js";
import { setUpProgress } from "./progress.js";
import { setUpSearch } from "./search.js";
import { setUpShortcuts } from "./shortcuts.js";
import { setUpThemeToggle } from "./theme-toggle.js";
import { followSections } from "./toc.js";
import { setUpOutline } from "./outline.js";

sendCsrfHeader();
keepDemoErrorsInTheirBox();
replayQueuedClicks();
keepFocusInDemos();
setUpThemeToggle();
setUpCopyButtons();
setUpInspectors();
setUpSearch();
setUpShortcuts();
setUpOutline();
setUpProgress();
followSections();
sayDemosNeedAConnection();
registerServiceWorker();
