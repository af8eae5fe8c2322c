// A copy button on every code block in a lesson. It copies what a reader
// would type: no line numbers, and no "$ " prompts in console blocks.
function codeText(pre) {
  const clone = pre.cloneNode(true);
  // .linenos: source line numbers; .gp: a console prompt ("$ ", ">>> ").
  clone.querySelectorAll(".linenos, .gp").forEach((part) => part.remove());
  return clone.textContent.replace(/\n$/, "");
}

export function setUpCopyButtons() {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll(".lesson-body .highlight pre").forEach((pre) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(codeText(pre)).then(
        () => {
          button.textContent = "Copied";
          setTimeout(() => {
            button.textContent = "Copy";
          }, 1500);
        },
        () => {
          button.textContent = "Copy failed";
        }
      );
    });
    pre.parentNode.insertBefore(button, pre);
  });
}
