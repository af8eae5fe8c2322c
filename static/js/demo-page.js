// What a page with a demo adds to site.js, loaded next to htmx and only
// where a demo runs (templates/base.html, the "htmx" block): the CSRF
// header, the click-replay queue, one demo request at a time, retries of
// lost clicks, focus and clicks kept across swaps, and the inspector.
import { sendCsrfHeader } from "./csrf.js";
import {
  keepDemoErrorsInTheirBox,
  keepToTheServersLimit,
  replayQueuedClicks,
  sayDemosNeedAConnection,
} from "./demos.js";
import { keepFocusInDemos, keepPressesAcrossSwaps } from "./focus.js";
import { setUpInspectors } from "./inspector.js";
import { offerRetries } from "./retry.js";

keepDemoErrorsInTheirBox();
offerRetries();
// The order of these two matters: the limit leaves alone a click that the
// replay queue holds (event.defaultPrevented), so it is counted once, when
// the replay queue sends it.
replayQueuedClicks();
keepToTheServersLimit();
sendCsrfHeader();
keepFocusInDemos();
keepPressesAcrossSwaps();
setUpInspectors();
sayDemosNeedAConnection();
