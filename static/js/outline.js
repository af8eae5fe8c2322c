// The lesson list beside a lesson: open on wide screens, where it has its
// own column; closed on phones, where it would push the lesson far down.
export function setUpOutline() {
  const list = document.querySelector("details.course-outline");
  if (list && window.matchMedia("(min-width: 64rem)").matches) {
    list.open = true;
  }
}
