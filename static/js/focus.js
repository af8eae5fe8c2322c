// Keep keyboard and screen-reader users where they were in a demo. A swap
// replaces the demo's HTML, so the control the reader used is gone: find
// the same control in the new HTML and focus it, or else the demo's first
// heading (focusable by script only, so the tab order stays natural), and
// never the stage itself, which has no outline and means nothing when read.
import { stageOf } from "./demos.js";

// What identifies a control across a swap: its id, or its form's action
// with its own name, value and text.
function signature(element) {
  if (!element || element === document.body) {
    return null;
  }
  if (element.id) {
    return { id: element.id };
  }
  const form = element.form || element.closest("form");
  return {
    tag: element.tagName,
    action: form ? form.getAttribute("action") || "" : null,
    href: element.getAttribute("href"),
    name: element.getAttribute("name"),
    value: element.getAttribute("value"),
    text: element.textContent.trim(),
  };
}

function sameControl(stage, wanted) {
  if (wanted.id) {
    const found = document.getElementById(wanted.id);
    return found && stage.contains(found) ? found : null;
  }
  for (const candidate of stage.querySelectorAll(wanted.tag)) {
    const form = candidate.form || candidate.closest("form");
    if (
      (form ? form.getAttribute("action") || "" : null) === wanted.action &&
      candidate.getAttribute("href") === wanted.href &&
      candidate.getAttribute("name") === wanted.name &&
      candidate.getAttribute("value") === wanted.value &&
      candidate.textContent.trim() === wanted.text &&
      !candidate.disabled
    ) {
      return candidate;
    }
  }
  return null;
}

function landmarkIn(stage) {
  const preferred = stage.querySelector("[data-autofocus]");
  if (preferred) {
    return preferred;
  }
  const heading = stage.querySelector("h1, h2, h3, h4, [role='alert'], [role='status']");
  if (heading) {
    if (!heading.hasAttribute("tabindex")) {
      heading.setAttribute("tabindex", "-1");
    }
    return heading;
  }
  return stage.querySelector("button, a[href], input, select, textarea");
}

function focusVisibly(element) {
  element.focus({ preventScroll: true });
  const box = element.getBoundingClientRect();
  if (box.bottom < 0 || box.top > window.innerHeight) {
    element.scrollIntoView({ block: "nearest" });
  }
}

export function keepFocusInDemos() {
  // What each answer should give focus back to, by request: a request of
  // the same demo can start before an earlier answer settles.
  const wantedBy = new WeakMap();
  const lastUsed = new WeakMap();
  document.addEventListener("htmx:beforeRequest", (event) => {
    const stage = stageOf(event.detail.elt);
    if (!stage) {
      return;
    }
    const active = document.activeElement;
    const submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
      ? event.detail.requestConfig.triggeringEvent.submitter
      : null;
    const control = submitter || (stage.contains(active) ? active : null);
    if (control) {
      const wanted = signature(control);
      lastUsed.set(stage, wanted);
      wantedBy.set(event.detail.xhr, wanted);
    } else if (!active || active === document.body) {
      // A click held while an answer replaced its button is sent from the
      // stage, and focus left with the button: it is still the reader's
      // click on the control they used last.
      wantedBy.set(event.detail.xhr, lastUsed.get(stage) || null);
    }
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const stage = event.detail.target;
    if (!stage || !stage.classList || !stage.classList.contains("demo-stage")) {
      return;
    }
    const wanted = (event.detail.xhr && wantedBy.get(event.detail.xhr)) || null;
    // Only a demo the reader was using takes focus: the first, automatic
    // load of a demo scrolled into view must not pull focus from the text.
    const focusLost = !document.activeElement || document.activeElement === document.body;
    if (!wanted && !focusLost) {
      return;
    }
    if (!wanted && !stage.dataset.used) {
      return;
    }
    stage.dataset.used = "true";
    // A form answered with its errors: the first field to fix, as a
    // screen reader user expects; otherwise the control just used.
    const invalid = stage.querySelector("[aria-invalid='true']");
    const target = invalid || (wanted && sameControl(stage, wanted)) || landmarkIn(stage);
    if (target) {
      focusVisibly(target);
    }
  });
}

// A click is a press and a release on the same element. If an answer
// swaps the demo in between (a reader clicking fast, or pressing just as
// the board changes), the pressed button has left the page and the browser
// drops the click without a word. The reader still made it when the
// release lands on the same control in the new HTML, or when the pointer
// stayed where it was pressed and the new HTML moved the control away
// (a message appearing above the buttons): send it.
// How far a press may drift and still be a click: about a fingertip's
// wobble, the "touch slop" of mobile platforms.
const STILL = 10;

export function keepPressesAcrossSwaps() {
  const controls = "button, input[type='submit'], a[href]";
  let pressed = null;
  document.addEventListener(
    "pointerdown",
    (event) => {
      const control = event.target.closest ? event.target.closest(controls) : null;
      const stage = stageOf(control);
      pressed =
        stage && event.button === 0
          ? { control, stage, wanted: signature(control), x: event.clientX, y: event.clientY }
          : null;
    },
    true
  );
  document.addEventListener(
    "pointerup",
    (event) => {
      const was = pressed;
      pressed = null;
      // Still on the page: the browser makes the click itself.
      if (!was || was.control.isConnected || event.button !== 0) {
        return;
      }
      const same = sameControl(was.stage, was.wanted);
      if (!same) {
        return;
      }
      // Where the pointer is now: a touch's events stay with the element
      // first touched, which is gone.
      const under = document.elementFromPoint(event.clientX, event.clientY);
      const released = under ? under.closest(controls) : null;
      const stayed = Math.hypot(event.clientX - was.x, event.clientY - was.y) <= STILL;
      // Moved away on purpose (onto another control, say): no click, as
      // anywhere else.
      if (released === same || stayed) {
        same.click();
      }
    },
    true
  );
}
