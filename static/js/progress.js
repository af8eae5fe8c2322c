// Progress without an account, kept in this browser only, so lesson pages
// stay the same bytes for every visitor. The format is shared with the
// exercises' script, which records passes in the same key:
//   {"lessons": {"<slug>": {"done": true}},
//    "exercises": {"<exercise slug>": {"passed": true}},
//    "last": {"lesson": "<slug>", "section": "<anchor>"}}
// and every change is announced with a "courseware:progress" event on document.
export const KEY = "courseware.progress.v1";
export const EVENT = "courseware:progress";

function empty() {
  return { lessons: {}, exercises: {}, last: null };
}

export function readProgress() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) || "null");
    if (stored && typeof stored === "object" && !Array.isArray(stored)) {
      const progress = empty();
      for (const part of ["lessons", "exercises"]) {
        if (stored[part] && typeof stored[part] === "object") {
          progress[part] = stored[part];
        }
      }
      if (stored.last && typeof stored.last.lesson === "string") {
        progress.last = stored.last;
      }
      return progress;
    }
  } catch {
    // Unreadable (blocked storage, or edited by hand): start afresh.
  }
  return empty();
}

export function changeProgress(change) {
  // Read, change, write at once: the exercises' script writes the same key.
  const progress = readProgress();
  change(progress);
  try {
    localStorage.setItem(KEY, JSON.stringify(progress));
  } catch {
    // Storage is blocked or full: the page still shows the change until reload.
  }
  document.dispatchEvent(new CustomEvent(EVENT, { detail: progress }));
  return progress;
}

function isDone(progress, slug) {
  const lesson = progress.lessons[slug];
  return Boolean(lesson && lesson.done);
}

function markOutline(progress) {
  document.querySelectorAll("[data-lesson-link]").forEach((link) => {
    const done = isDone(progress, link.dataset.lessonLink);
    link.classList.toggle("is-done", done);
    let note = link.querySelector(".done-note");
    if (done && !note) {
      note = document.createElement("span");
      note.className = "done-note";
      note.textContent = " (done)";
      link.append(note);
    } else if (!done && note) {
      note.remove();
    }
  });
  document.querySelectorAll("[data-course-progress]").forEach((box) => {
    const total = parseInt(box.dataset.total, 10) || 0;
    // The page lists only nearby lessons on a long course, so count the
    // stored marks (capped: a removed lesson may still be in storage).
    const marked = Object.keys(progress.lessons).filter((slug) => isDone(progress, slug));
    const done = Math.min(marked.length, total);
    box.querySelector("progress").value = done;
    box.querySelector("[data-progress-text]").textContent =
      `${done} of ${total} lesson${total === 1 ? "" : "s"} done`;
    box.removeAttribute("data-pending");
  });
}

function showDoneButton(progress) {
  const button = document.querySelector("[data-mark-done]");
  if (!button) {
    return;
  }
  const done = isDone(progress, button.dataset.markDone);
  // The label stays the same; aria-pressed (and the tick) say whether it is done.
  button.setAttribute("aria-pressed", done ? "true" : "false");
  button.hidden = false;
}

function humanize(anchor) {
  const words = anchor.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function offerResume(progress) {
  const box = document.querySelector("[data-resume]");
  const last = progress.last;
  if (!box || !last) {
    return;
  }
  const link = document.querySelector(`[data-lesson-link="${CSS.escape(last.lesson)}"]`);
  if (!link) {
    return; // A lesson that no longer exists.
  }
  const target = box.querySelector("a");
  target.href = link.getAttribute("href") + (last.section ? "#" + encodeURIComponent(last.section) : "");
  box.querySelector("[data-resume-lesson]").textContent =
    link.querySelector(".outline-title")?.textContent || link.textContent.replace(" (done)", "");
  box.querySelector("[data-resume-section]").textContent = last.section ? humanize(last.section) : "";
  box.querySelector("[data-resume-at]").hidden = !last.section;
  box.querySelector("[data-resume-label]").textContent = "Continue where you left off:";
}

function show(progress) {
  markOutline(progress);
  showDoneButton(progress);
  offerResume(progress);
}

// Where the reader is: the lesson, and the section the table of contents
// highlights (toc.js reports it).
export function rememberPlace(lesson, section) {
  const last = readProgress().last;
  if (last && last.lesson === lesson && last.section === section) {
    return;
  }
  changeProgress((progress) => {
    progress.last = { lesson, section };
  });
}

export function setUpProgress() {
  const button = document.querySelector("[data-mark-done]");
  if (button) {
    button.addEventListener("click", () => {
      const slug = button.dataset.markDone;
      changeProgress((progress) => {
        if (isDone(progress, slug)) {
          delete progress.lessons[slug];
        } else {
          progress.lessons[slug] = { ...progress.lessons[slug], done: true };
        }
      });
    });
  }
  document.addEventListener(EVENT, (event) => show(event.detail || readProgress()));
  // Another tab changed it.
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) {
      show(readProgress());
    }
  });
  show(readProgress());
}
