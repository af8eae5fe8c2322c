// What a page with a demo adds to site.js, loaded next to htmx and only
// where a demo runs (templates/base.html, the "htmx" block): the CSRF
// header, the click-replay queue, focus after swaps and the inspector.
import { sendCsrfHeader } from "./csrf.js";
import { keepDemoErrorsInTheirBox, replayQueuedClicks, sayDemosNeedAConnection } from "./demos.js";
import { keepFocusInDemos } from "./focus.js";
import { setUpInspectors } from "./inspector.js";

sendCsrfHeader();
keepDemoErrorsInTheirBox();
replayQueuedClicks();
keepFocusInDemos();
setUpInspectors();
sayDemosNeedAConnection();
