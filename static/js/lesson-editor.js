// The admin's lesson body editor (lessons/widgets.py): a live preview from
// the site's own renderer, demos that run in it, and image uploads that ask
// for alt text and never write an error into the lesson.
import { sendCsrfHeader } from "./csrf.js";

const PREVIEW_DELAY_MS = 400;

// The admin page has no htmx-config meta (base.html's); the same settings,
// set before htmx starts on DOMContentLoaded.
if (window.htmx) {
  Object.assign(window.htmx.config, {
    includeIndicatorStyles: false,
    allowEval: false,
    allowScriptTags: false,
    selfRequestsOnly: true,
  });
  sendCsrfHeader();
}

function csrfToken(form) {
  const field = form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function post(url, form, data) {
  return fetch(url, {
    method: "POST",
    body: data,
    headers: { "X-CSRFToken": csrfToken(form) },
    credentials: "same-origin",
  });
}

// The server's words from a refusal (lessons/editor.py answers {"image": [message]}).
async function refusal(response) {
  try {
    const answer = await response.json();
    const messages = Object.values(answer).flat().filter((m) => typeof m === "string");
    if (messages.length) {
      return messages.join(" ");
    }
  } catch {
    // Not JSON: a proxy's error page, for instance.
  }
  return `The upload failed (${response.status}). The lesson is unchanged.`;
}

// Where the cursor was when the upload began: the dialog moves focus away.
function insertAt(textarea, [start, end], text) {
  const { value } = textarea;
  textarea.value = value.slice(0, start) + text + value.slice(end);
  textarea.selectionStart = textarea.selectionEnd = start + text.length;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function askForAlt(editor) {
  const dialog = editor.querySelector("dialog");
  const input = dialog.querySelector("[data-alt-text]");
  const error = dialog.querySelector("[data-alt-error]");
  input.value = "";
  error.textContent = "";
  return new Promise((done) => {
    const finish = (alt) => {
      insert.removeEventListener("click", onInsert);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onCancel);
      input.removeEventListener("keydown", onKey);
      dialog.close();
      done(alt);
    };
    const onInsert = () => {
      const alt = input.value.trim();
      if (!alt) {
        error.textContent = "Describe the image: readers who cannot see it get this text instead.";
        input.focus();
        return;
      }
      finish(alt);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    // Enter inside the dialog would submit the admin's whole form.
    const onKey = (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        onInsert();
      }
    };
    const insert = dialog.querySelector("[data-alt-insert]");
    const cancel = dialog.querySelector("[data-alt-cancel]");
    insert.addEventListener("click", onInsert);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onCancel);
    input.addEventListener("keydown", onKey);
    dialog.showModal();
    input.focus();
  });
}

function setUp(editor) {
  const textarea = editor.querySelector("textarea");
  const preview = editor.querySelector("[data-editor-preview]");
  const status = editor.querySelector("[data-editor-status]");
  const fileInput = editor.querySelector("[data-image-file]");
  const form = textarea.form;
  let timer = null;
  let latest = 0;

  async function refreshPreview() {
    const asked = ++latest;
    const data = new FormData();
    data.append("content", textarea.value);
    const response = await post(editor.dataset.previewUrl, form, data);
    // An older answer arriving late must not replace a newer one.
    if (asked !== latest || !response.ok) {
      return;
    }
    // The site's renderer made and sanitised this HTML (lessons/rendering).
    preview.innerHTML = await response.text();
    if (window.htmx) {
      window.htmx.process(preview);
    }
  }

  async function upload(file) {
    const cursor = [textarea.selectionStart, textarea.selectionEnd];
    status.textContent = `Uploading ${file.name}…`;
    const data = new FormData();
    data.append("image", file);
    let response;
    try {
      response = await post(editor.dataset.uploadUrl, form, data);
    } catch {
      status.textContent = "The upload failed: no connection. The lesson is unchanged.";
      return;
    }
    if (!response.ok) {
      status.textContent = await refusal(response);
      return;
    }
    const { url } = await response.json();
    status.textContent = "";
    const alt = await askForAlt(editor);
    textarea.focus();
    if (alt === null) {
      status.textContent = "Image not inserted.";
      return;
    }
    // Brackets in the alt text would end the Markdown image early.
    insertAt(textarea, cursor, `![${alt.replace(/[[\]\\]/g, "\\$&")}](${url})`);
  }

  function filesOf(transfer) {
    return transfer ? Array.from(transfer.files || []) : [];
  }

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  });
  textarea.addEventListener("paste", (event) => {
    const files = filesOf(event.clipboardData);
    if (files.length) {
      event.preventDefault();
      files.forEach(upload);
    }
  });
  textarea.addEventListener("dragover", (event) => event.preventDefault());
  textarea.addEventListener("drop", (event) => {
    const files = filesOf(event.dataTransfer);
    if (files.length) {
      event.preventDefault();
      files.forEach(upload);
    }
  });
  editor.querySelector("[data-insert-image]").addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    const [file] = fileInput.files;
    fileInput.value = "";
    if (file) {
      upload(file);
    }
  });
  refreshPreview();
}

document.querySelectorAll("[data-lesson-editor]").forEach(setUp);
