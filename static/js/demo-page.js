// What a page with a demo adds to site.js, loaded next to htmx and only
// where a demo runs (templates/base.html, the "htmx" block): the CSRF
// header, the click-replay queue, one demo request at a time, focus
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

keepDemoErrorsInTheirBox();
// The order of these three matters: each leaves alone a request that an
// earlier one held back (event.defaultPrevented), and a held request is
// sent later without passing the later ones again. So a click the replay
// queue holds is not counted by the limit, and a demo load the limit holds
// is not also held by the first-visit CSRF wait, which would send all it
// held at once when the first answer came.
replayQueuedClicks();
keepToTheServersLimit();
sendCsrfHeader();
keepFocusInDemos();
setUpInspectors();
sayDemosNeedAConnection();
