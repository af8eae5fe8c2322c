// Theme toggle: light <-> dark, remembered in this browser. theme.js (a
// classic script in <head>) applies the remembered choice before paint.
function currentTheme() {
  const chosen = document.documentElement.getAttribute("data-theme");
  if (chosen) {
    return chosen;
  }
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function showTheme(button) {
  const dark = currentTheme() === "dark";
  button.setAttribute("aria-pressed", dark ? "true" : "false");
  button.setAttribute("title", dark ? "Switch to the light theme (t)" : "Switch to the dark theme (t)");
}

export function toggleTheme() {
  const next = currentTheme() === "dark" ? "light" : "dark";
  document.documentElement.setAttribute("data-theme", next);
  try {
    localStorage.setItem("courseware-theme", next);
  } catch {
    // Not remembered, but still applied for this page.
  }
  const button = document.querySelector("[data-theme-toggle]");
  if (button) {
    showTheme(button);
  }
}

export function setUpThemeToggle() {
  const button = document.querySelector("[data-theme-toggle]");
  if (!button) {
    return;
  }
  button.hidden = false;
  showTheme(button);
  button.addEventListener("click", toggleTheme);
}
