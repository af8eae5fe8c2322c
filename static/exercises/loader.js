// On a page with exercises, turn each exercise's link into an "open here"
// button. Everything heavy (editor, Python, Django) loads only when the
// learner opens one, so a lesson page costs this small file and nothing more.
const blocks = document.querySelectorAll("[data-exercise]");

let manifest = null;
function loadManifest(url) {
  manifest ||= fetch(url).then((response) => {
    if (!response.ok) throw new Error("The exercise runtime is not available on this server.");
    return response.json();
  });
  return manifest;
}

let module = null;
async function openExercise(block) {
  const urls = await loadManifest(block.dataset.manifest);
  module ||= import(urls.exercise);
  const { mount } = await module;
  await mount(block, urls);
}

// A learner who has opened an exercise before has the runtime in the
// browser's cache: start Python as soon as an exercise scrolls into view, so
// it is ready, or nearly, when they open it.
function remembered(key) {
  try {
    return localStorage.getItem(key) === "1";
  } catch {
    return false;
  }
}

const early = remembered("courseware.exercises.used")
  ? new IntersectionObserver(
      async (entries, observer) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          try {
            const urls = await loadManifest(entry.target.dataset.manifest);
            module ||= import(urls.exercise);
            (await module).prestart(urls, entry.target.dataset.app);
          } catch {
            // Opening the exercise will say what is wrong.
          }
        }
      },
      { rootMargin: "300px" },
    )
  : null;

for (const block of blocks) {
  const link = block.querySelector(".exercise-open");
  if (!link) continue;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button exercise-open";
  button.textContent = "Open the exercise here";
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "Opening…";
    try {
      await openExercise(block);
      button.remove();
    } catch (error) {
      button.disabled = false;
      button.textContent = "Open the exercise here";
      const note = block.querySelector(".exercise-error") || document.createElement("p");
      note.className = "exercise-error";
      note.setAttribute("role", "alert");
      note.textContent = `The exercise could not open: ${error.message} You can still work on it from its own page.`;
      button.after(note);
    }
  });
  link.before(button, " or ");
  link.firstChild.textContent = "work on it on its own page";
  // A learner who left an exercise open finds it open again after a reload.
  if (remembered(`courseware.exercise.${block.dataset.exercise}.open`)) button.click();
  else if (early && block.dataset.app) early.observe(block);
}
