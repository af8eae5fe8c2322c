// What a page with a demo adds to site.js, loaded next to htmx and only
// where a demo runs (templates/base.html, the "htmx" block): the CSRF
// header, the click-replay queue, at most two demo requests at once, focus
// after swaps and the inspector.
import { sendCsrfHeader } from "./csrf.js";
import {
  keepDemoErrorsInTheirBox,
  keepToTheServersLimit,
  replayQueuedClicks,
  sayDemosNeedAConnection,
} from "./demos.js";
import { keepFocusInDemos } from "./focus.js";
import { setUpInspectors } from "./inspector.js";

sendCsrfHeader();
keepDemoErrorsInTheirBox();
replayQueuedClicks();
// After replayQueuedClicks: a click it holds back is not counted here.
keepToTheServersLimit();
keepFocusInDemos();
setUpInspectors();
sayDemosNeedAConnection();
