// The table of contents follows the reading: the section in view is marked
// (aria-current) and remembered as the place to resume from. On phones a
// "Back to top" link appears once the reader has scrolled past the contents.
import { rememberPlace } from "./progress.js";

export function followSections() {
  const lesson = document.querySelector("[data-lesson]");
  if (!lesson) {
    return;
  }
  const slug = lesson.dataset.lesson;
  const headings = Array.from(document.querySelectorAll(".lesson-body h2[id], .lesson-body h3[id]"));
  const links = Array.from(document.querySelectorAll(".toc a[href^='#']"));
  let current = null;

  function mark(id) {
    if (id === current) {
      return;
    }
    current = id;
    links.forEach((link) => {
      if (link.getAttribute("href") === "#" + id) {
        link.setAttribute("aria-current", "location");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    rememberPlace(slug, id || "");
  }

  // The current section is the last heading above the upper third of the window.
  function update() {
    const line = window.innerHeight / 3;
    let id = null;
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top <= line) {
        id = heading.id;
      } else {
        break;
      }
    }
    mark(id);
  }

  let queued = false;
  const onScroll = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        update();
      });
    }
  };
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("hashchange", update);
  update();

  const back = document.querySelector("[data-back-to-top]");
  const toc = document.querySelector(".lesson .toc") || document.querySelector(".page-head");
  if (back && toc && "IntersectionObserver" in window) {
    new IntersectionObserver(([entry]) => {
      back.hidden = entry.isIntersecting || entry.boundingClientRect.top > 0;
    }).observe(toc);
  }
}
