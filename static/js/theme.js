// Applies the reader's remembered theme before the page paints. Without a
// stored choice the page follows the system setting through CSS alone.
(function () {
  // Lets CSS keep room for controls scripts add later (copy buttons), so
  // nothing moves when they appear.
  document.documentElement.classList.add("js");
  try {
    var theme = localStorage.getItem("courseware-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (error) {
    // Storage can be blocked (private modes); the system theme still applies.
  }
})();
