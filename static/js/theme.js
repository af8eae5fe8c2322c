// Applies the reader's remembered theme before the page paints. Without a
// stored choice the page follows the system setting through CSS alone.
(function () {
  try {
    var theme = localStorage.getItem("courseware-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (error) {
    // Storage can be blocked (private modes); the system theme still applies.
  }
})();
