// An exercise, open in the lesson: editor tabs, Run (the learner's app in a
// sandboxed preview frame), Check (the exercise's requirements, each passed
// or failed, with the trace of every request), hints, the solution, Reset,
// Stop and a download of the learner's files. Python runs in a Web Worker
// (static/exercises/worker.js); nothing about the learner reaches the server.
// The JSON exchanged with the worker is specified in docs/exercises.md.

const PROGRESS_KEY = "courseware.progress.v1";
const stateKey = (slug) => `courseware.exercise.${slug}`;

// --- Small DOM helpers: learner text only ever goes in as textContent. ----

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const code = (text) => h("code", {}, text);

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// --- Progress, shared with the outline (engineer "reading" draws it). -----

function readJSON(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value && typeof value === "object" ? value : fallback;
  } catch {
    return fallback;
  }
}

function writeJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused (private mode): the exercise still works, it
    // just will not be remembered.
  }
}

export function recordPassed(slug, lesson, lessonExercises) {
  const progress = readJSON(PROGRESS_KEY, {});
  progress.exercises ||= {};
  progress.lessons ||= {};
  progress.exercises[slug] = { ...(progress.exercises[slug] || {}), passed: true };
  if (lesson && lessonExercises.every((name) => progress.exercises[name]?.passed)) {
    progress.lessons[lesson] = { ...(progress.lessons[lesson] || {}), done: true };
  }
  writeJSON(PROGRESS_KEY, progress);
  document.dispatchEvent(new CustomEvent("courseware:progress"));
}

// --- The worker: one per Django app, shared by the exercises of a page. ---

class Runtime {
  constructor(urls) {
    this.urls = urls;
    this.pending = new Map();
    this.listeners = new Set();
    this.loaded = null; // the files the worker holds, as JSON, to skip needless loads
    this.start();
  }

  start() {
    this.worker = new Worker(this.urls.worker, { type: "module", name: "exercise runtime" });
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") resolve(message);
        else if (message.type === "failed") reject(new Error(message.message));
        else if (message.type === "progress") this.emit(message.stage);
        else if (message.type === "reply") {
          const done = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (done) done.resolve(message.reply);
        }
      };
      this.worker.onerror = (event) => reject(new Error(event.message || "The Python worker failed to start."));
    });
    this.ready.catch(() => {});
    this.worker.postMessage({ type: "init", urls: this.urls });
    this.loaded = null;
  }

  emit(stage) {
    for (const listener of this.listeners) listener(stage);
  }

  async call(request) {
    await this.ready;
    const id = ++uid;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "call", id, request });
    });
  }

  async load(app, files) {
    const key = JSON.stringify([app, files]);
    if (this.loaded === key) return { ok: true, restart: false, error: null };
    let reply = await this.call({ op: "load", app, files });
    if (reply.restart) {
      this.restart();
      reply = await this.call({ op: "load", app, files });
    }
    this.loaded = reply.ok ? key : null;
    return reply;
  }

  // Stop: whatever Python is doing (an endless loop too) ends with the worker.
  restart() {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error("Stopped."));
    this.pending.clear();
    this.start();
  }
}

const runtimes = new Map();
function runtimeFor(app, urls) {
  if (!runtimes.has(app)) runtimes.set(app, new Runtime(urls));
  return runtimes.get(app);
}

// --- The inspector's look, for traces made in the worker. ------------------
// Same structure and classes as sandbox_apps/templates/sandbox_apps/inspector/_chain.html,
// so a learner's request reads exactly like a demo's.

function step(term, ...details) {
  return h("div", { class: "hop-step" }, h("dt", {}, term), h("dd", {}, ...details));
}

function list(items) {
  return h("ul", { class: "hop-list" }, items);
}

function statusClass(status) {
  return `${String(status).charAt(0)}xx`;
}

function renderHop(hop, difference) {
  // The first difference between the learner's trace and the model answer's, marked on both sides.
  const marked = difference
    ? h(
        "p",
        { class: "hop-difference" },
        "First difference: ",
        code(difference.field),
        difference.onReference ? [" is ", code(difference.reference), " here; yours is ", code(difference.mine)] : [" is ", code(difference.mine), " here; the model answer's is ", code(difference.reference)],
      )
    : null;
  const steps = h("dl", { class: "hop-steps" });
  steps.append(
    step(
      "URL pattern",
      typeof hop.route === "string" ? [code(hop.route || '""'), hop.url_name ? [", named ", code(hop.url_name)] : null] : "No pattern matched this path.",
    ),
  );
  if (hop.arguments?.length) {
    steps.append(step("Arguments", list(hop.arguments.map((a) => h("li", {}, code(`${a.name}=${a.text}`), " ", h("span", { class: "hop-type" }, `(${a.type})`))))));
  }
  if (hop.view) steps.append(step("View", code(hop.view), hop.view_called === false ? ": not called." : null));
  if (hop.error) {
    steps.append(
      h(
        "div",
        { class: "hop-step hop-error" },
        h("dt", {}, "Error"),
        h("dd", {}, h("p", {}, code(hop.error.type), hop.error.message ? `: ${hop.error.message}` : ""), renderTraceback(hop.error.traceback)),
      ),
    );
  }
  steps.append(
    step(
      "Data received",
      hop.data?.length
        ? list(hop.data.map((f) => h("li", {}, h("span", { class: "hop-type" }, f.where), " ", code(f.name), " = ", f.masked ? h("span", { class: "masked" }, "hidden") : code(f.text))))
        : "None.",
    ),
  );
  steps.append(
    step(
      "Queries",
      hop.query_count
        ? [
            `${hop.query_count} quer${hop.query_count === 1 ? "y" : "ies"}`,
            h(
              "ol",
              { class: "hop-queries" },
              (hop.queries || []).map((q) =>
                h(
                  "li",
                  {},
                  h("pre", { class: "hop-sql", tabindex: "0" }, code(q.sql)),
                  q.params?.length ? h("p", { class: "hop-params" }, "Parameters: ", q.params.map((p, i) => [i ? ", " : "", p.masked ? h("span", { class: "masked" }, "hidden") : code(p.text ?? p)])) : null,
                ),
              ),
            ),
          ]
        : "None in the view.",
    ),
  );
  steps.append(
    step(
      "Templates",
      hop.templates?.length
        ? list(
            hop.templates.map((t) =>
              h(
                "li",
                {},
                code(t.name),
                " ",
                t.how === "rendered"
                  ? ["rendered by the view", t.keys?.length ? [" with ", t.keys.map((k, i) => [i ? ", " : "", code(k)])] : " with no context"]
                  : t.how === "extended"
                    ? ["extended by ", code(t.by)]
                    : "included",
              ),
            ),
          )
        : "None.",
    ),
  );
  if (hop.session) {
    const changes = hop.session.changes || [];
    steps.append(
      step(
        "Session",
        changes.length
          ? list(
              changes.map((c) =>
                h(
                  "li",
                  { class: `session-${c.kind}` },
                  h("span", { class: "hop-kind" }, c.kind),
                  " ",
                  c.name ? [code(c.name), ": "] : null,
                  c.kind === "added" ? code(c.after) : c.kind === "removed" ? code(c.before) : [code(c.before), h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "visually-hidden" }, " to "), code(c.after)],
                ),
              ),
            )
          : "unchanged.",
        hop.session.rotated ? h("p", { class: "hop-note" }, "The session got a new key; the old one no longer works.") : null,
      ),
    );
  }
  steps.append(step("Response", `${hop.status} ${hop.reason || ""}`, hop.location ? [", redirect to ", code(hop.location)] : null, hop.ms !== undefined ? `, in ${hop.ms} ms` : ""));
  return h(
    "li",
    { class: `inspector-hop${difference ? " hop-differs" : ""}` },
    h(
      "p",
      { class: "hop-request" },
      h("span", { class: "hop-method" }, hop.method),
      " ",
      h("code", { class: "hop-path" }, hop.path),
      " ",
      h("span", { class: `hop-status hop-status-${statusClass(hop.status)}` }, `${hop.status} ${hop.reason || ""}`),
      hop.location ? h("span", { class: "hop-redirect" }, h("span", { "aria-hidden": "true" }, "→"), " redirect to ", code(hop.location)) : null,
    ),
    marked,
    steps,
  );
}

function renderChain(hops, difference, heading) {
  return h(
    "li",
    { class: "inspector-chain" },
    heading ? h("p", { class: "inspector-chain-head" }, heading, hops.length > 1 ? [" ", h("span", { class: "inspector-tag" }, `${hops.length} requests`)] : null) : null,
    h(
      "ol",
      { class: "inspector-hops" },
      hops.map((hop, index) => renderHop(hop, difference && difference.hop === index ? difference : null)),
    ),
  );
}

function renderTraceback(frames) {
  if (!frames?.length) return null;
  return h(
    "ol",
    { class: "exercise-traceback", "aria-label": "Where in your files" },
    frames.map((f) => h("li", {}, code(f.path), `, line ${f.line}, in `, code(f.function), f.code ? h("pre", {}, code(f.code)) : null)),
  );
}

function renderError(error) {
  if (!error) return null;
  return h("div", { class: "exercise-python-error", role: "alert" }, h("p", {}, error.summary || `${error.type}: ${error.message}`), renderTraceback(error.traceback));
}

// --- One open exercise. -----------------------------------------------------

class Exercise {
  constructor(block, urls, bundle, editorModule) {
    this.block = block;
    this.urls = urls;
    this.bundle = bundle;
    this.editor = editorModule;
    this.slug = bundle.slug;
    this.saved = readJSON(stateKey(this.slug), {});
    this.hintsShown = Math.min(this.saved.hints || 0, bundle.hints.length);
    this.checked = Boolean(this.saved.checked);
    this.views = new Map();
    this.path = bundle.entry || "/";
    this.history = [];
    this.playground = bundle.kind === "playground";
  }

  get runtime() {
    return runtimeFor(this.bundle.app || this.bundle.kind, this.urls);
  }

  // The learner's current files, whole project (the worker and the zip need all of them).
  currentFiles() {
    const files = {};
    for (const file of this.bundle.files) {
      const view = this.views.get(file.path);
      files[file.path] = file.editable && view ? view.state.doc.toString() : this.editedText(file);
    }
    return files;
  }

  editedText(file) {
    const kept = this.saved.files?.[file.path];
    return file.editable && typeof kept === "string" ? kept : file.text;
  }

  save() {
    const files = {};
    for (const file of this.bundle.files) {
      if (!file.editable) continue;
      const text = this.views.get(file.path)?.state.doc.toString();
      if (text !== undefined && text !== file.text) files[file.path] = text;
    }
    this.saved = { version: this.bundle.version, files, checked: this.checked, hints: this.hintsShown };
    writeJSON(stateKey(this.slug), this.saved);
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  busy(working) {
    for (const button of [this.runButton, this.checkButton]) if (button) button.disabled = working;
    this.stopButton.disabled = !working;
  }

  render() {
    const b = this.bundle;
    const id = nextId("exercise");
    this.status = h("p", { class: "exercise-status", role: "status" }, "Starting Python…");
    this.runButton = this.playground ? null : h("button", { type: "button", class: "button", onclick: () => this.run() }, "Run");
    this.checkButton = this.playground || !b.checks.length ? null : h("button", { type: "button", class: "button button-primary", onclick: () => this.check() }, "Check");
    this.stopButton = h("button", { type: "button", class: "button", disabled: true, onclick: () => this.stop() }, "Stop");
    const toolbar = h(
      "div",
      { class: "exercise-toolbar", role: "group", "aria-label": "Exercise actions" },
      this.runButton,
      this.checkButton,
      this.stopButton,
      h("button", { type: "button", class: "button", onclick: () => this.reset() }, "Reset"),
      h("button", { type: "button", class: "button", onclick: () => this.download() }, "Download my files"),
    );

    const task = h("div", { class: "exercise-task" });
    // task_html is the course's own Markdown, rendered and sanitized on the server.
    task.innerHTML = b.task_html;

    const tabs = h("div", { class: "exercise-tabs", role: "tablist", "aria-label": "Files" });
    const panels = h("div", { class: "exercise-panels" });
    const shown = b.files.filter((f) => !f.hidden);
    shown.forEach((file, index) => {
      const tabId = `${id}-tab-${index}`;
      const panelId = `${id}-panel-${index}`;
      const tab = h(
        "button",
        { type: "button", role: "tab", id: tabId, "aria-controls": panelId, "aria-selected": index === 0 ? "true" : "false", tabindex: index === 0 ? "0" : "-1", class: "exercise-tab" },
        file.path,
        file.editable ? null : h("span", { class: "exercise-readonly" }, " (read-only)"),
      );
      const panel = h("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, class: "exercise-panel", hidden: index !== 0 });
      tab.addEventListener("click", () => this.selectTab(tabs, panels, index));
      tab.addEventListener("keydown", (event) => {
        const move = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!move) return;
        const next = (index + move + shown.length) % shown.length;
        this.selectTab(tabs, panels, next);
        tabs.children[next].focus();
      });
      tabs.append(tab);
      panels.append(panel);
      const view = this.editor.createEditor(panel, {
        doc: this.editedText(file),
        language: file.language === "django-html" ? "django" : file.language,
        label: `${file.path}${file.editable ? "" : " (read-only)"}`,
        readOnly: !file.editable,
        onChange: () => this.edited(),
      });
      // The editor lives in a shadow root, so the page's own key handlers
      // (shortcuts.js: "n" opens the next lesson; the presenter's keys) see
      // its keys as coming from the editor's host element, not from an
      // editable field, and would act on every letter typed. What is typed
      // in an editor is the editor's alone.
      view.root.host.addEventListener("keydown", (event) => event.stopPropagation());
      this.views.set(file.path, view);
    });

    this.hintList = h("ol", { class: "exercise-hints" });
    this.hintButton = h("button", { type: "button", class: "button", onclick: () => this.showHint() });
    this.solutionButton = h("button", { type: "button", class: "button", onclick: () => this.showSolution() }, "Show the solution");
    this.solution = h("div", { class: "exercise-solution" });
    this.solutionNote = h("p", { class: "exercise-note" });
    const help = h("div", { class: "exercise-help" });
    if (b.hints.length) help.append(h("h3", {}, "Hints"), this.hintList, this.hintButton);
    if (!this.playground) help.append(this.solutionButton, this.solutionNote, this.solution);

    this.results = h("div", { class: "exercise-results", "aria-live": "polite" });
    this.frame = this.playground ? null : h("iframe", { class: "exercise-frame", title: `Your app: ${b.title}`, sandbox: "allow-scripts allow-forms", src: this.urls.preview });
    this.address = h("input", { type: "text", value: this.path, "aria-label": "Path in your app", spellcheck: "false", autocomplete: "off" });
    this.requests = h("ol", { class: "inspector-chains", "aria-label": "Requests to your app, newest first" });
    const preview = this.playground
      ? h("div", { class: "exercise-playground-output" })
      : h(
          "div",
          { class: "exercise-preview" },
          h(
            "form",
            { class: "exercise-address", onsubmit: (event) => { event.preventDefault(); this.navigate("GET", this.address.value || "/", null); } },
            h("button", { type: "button", class: "button", onclick: () => this.back(), "aria-label": "Back" }, "←"),
            this.address,
            h("button", { type: "submit", class: "button" }, "Go"),
          ),
          this.frame,
          h(
            "section",
            { class: "inspector exercise-inspector", "aria-label": "What happened in your app" },
            h("details", { class: "inspector-details", open: true }, h("summary", {}, h("span", { class: "inspector-title" }, "What happened on the server (your code)")), this.requests),
          ),
        );
    this.playgroundOutput = this.playground ? preview : null;

    this.workspace = h(
      "div",
      { class: "exercise-workspace", id },
      task,
      h("p", { class: "exercise-keys" }, "In the editor, Tab indents. To leave the editor with the keyboard, press Escape, then Tab."),
      toolbar,
      this.status,
      h("div", { class: "exercise-files" }, tabs, panels),
      preview,
      this.results,
      help,
    );
    this.block.append(this.workspace);
    this.updateHelp();
    if (this.frame) {
      this.frameReady = new Promise((resolve) => {
        this.onFrameMessage = (event) => {
          if (event.source !== this.frame.contentWindow) return;
          const message = event.data || {};
          if (message.type === "ready") resolve();
          else if (message.type === "navigate") this.navigate(String(message.method), String(message.path), message.data);
        };
        window.addEventListener("message", this.onFrameMessage);
      });
    }
  }

  selectTab(tabs, panels, index) {
    [...tabs.children].forEach((tab, i) => {
      tab.setAttribute("aria-selected", i === index ? "true" : "false");
      tab.tabIndex = i === index ? 0 : -1;
      panels.children[i].hidden = i !== index;
    });
  }

  edited() {
    this.save();
    if (this.playground) {
      clearTimeout(this.playTimer);
      this.playTimer = setTimeout(() => this.play(), 250);
    }
  }

  async withRuntime(label, work) {
    this.busy(true);
    this.setStatus(label);
    try {
      const loaded = await this.runtime.load(this.bundle.app, this.currentFiles());
      if (!loaded.ok) {
        this.setStatus("Your project does not start: see the error below.");
        this.results.replaceChildren(renderError(loaded.error));
        return null;
      }
      return await work();
    } catch (error) {
      this.setStatus(error.message === "Stopped." ? "Stopped. Python was restarted; your files are kept." : `Python failed: ${error.message}`);
      return null;
    } finally {
      this.busy(false);
    }
  }

  async run() {
    this.history = [];
    await this.navigate("GET", this.bundle.entry || "/", null);
  }

  back() {
    const previous = this.history.pop();
    if (previous) this.navigate("GET", previous, null, false);
  }

  async navigate(method, path, data, remember = true) {
    const reply = await this.withRuntime(`${method} ${path}…`, () => this.runtime.call({ op: "request", method, path, data, follow: true }));
    if (!reply) return;
    if (remember && this.path !== reply.url) this.history.push(this.path);
    this.path = reply.url || path;
    this.address.value = this.path;
    await this.frameReady;
    this.frame.contentWindow.postMessage({ type: "show", html: reply.body || "", url: this.path }, "*");
    this.requests.prepend(renderChain(reply.chain || [], null, `${method} ${path}`));
    while (this.requests.children.length > 10) this.requests.lastChild.remove();
    this.setStatus(reply.error ? `Your code raised ${reply.error.type}: see the trace below the preview.` : `${reply.status} ${reply.reason || ""}: ${this.path}`);
    this.results.replaceChildren(reply.error ? renderError(reply.error) : "");
  }

  async check() {
    const report = await this.withRuntime("Checking…", () => this.runtime.call({ op: "check", reference: this.bundle.reference || null }));
    if (!report) return;
    // A count of finished Checks, for scripts that wait on one (tests, bench/exercises.py).
    this.block.dataset.checks = String(Number(this.block.dataset.checks || 0) + 1);
    this.checked = true;
    this.save();
    this.updateHelp();
    if (!report.ok && report.error) {
      this.setStatus("Your project does not start: see the error below.");
      this.results.replaceChildren(renderError(report.error));
      return;
    }
    const all = report.passed === report.total;
    this.setStatus(all ? `All ${report.total} requirements pass. Well done!` : `${report.passed} of ${report.total} requirements pass.`);
    this.results.replaceChildren(
      h("h3", {}, "Requirements"),
      h("ol", { class: "exercise-requirements" }, report.results.map((result) => this.renderResult(result))),
    );
    if (all) recordPassed(this.slug, this.bundle.lesson, (this.block.dataset.lessonExercises || this.slug).split(" "));
  }

  renderResult(result) {
    const passed = result.status === "passed";
    const reference = this.bundle.reference?.[result.id];
    const trace = result.trace?.length
      ? h(
          "details",
          { class: "exercise-trace" },
          h("summary", {}, `The ${result.trace.length === 1 ? "request" : `${result.trace.length} requests`} this check made`),
          h(
            "div",
            { class: passed || !reference ? "exercise-trace-one" : "exercise-trace-pair" },
            h("div", {}, h("h4", {}, "Your code"), h("ol", { class: "inspector-chains" }, renderChain(result.trace, result.difference, null))),
            !passed && reference ? h("div", {}, h("h4", {}, "The model answer"), h("ol", { class: "inspector-chains" }, renderChain(reference, result.difference ? { ...result.difference, onReference: true } : null, null))) : null,
          ),
        )
      : null;
    return h(
      "li",
      { class: `exercise-requirement exercise-${result.status}` },
      h("p", {}, h("span", { class: "exercise-mark" }, passed ? "✓ Passed: " : result.status === "error" ? "✗ Error: " : "✗ Not yet: "), result.requirement),
      passed ? null : h("p", { class: "exercise-message" }, result.message),
      renderTraceback(result.traceback),
      trace,
    );
  }

  stop() {
    this.runtime.restart();
    this.setStatus("Stopped. Python was restarted; your files are kept.");
  }

  reset() {
    if (!window.confirm("Put the starter files back? Your changes to this exercise will be lost.")) return;
    for (const file of this.bundle.files) {
      const view = this.views.get(file.path);
      if (file.editable && view) this.editor.setText(view, file.text);
    }
    this.save();
    this.results.replaceChildren();
    this.setStatus("The starter files are back.");
  }

  download() {
    const files = {};
    for (const [path, text] of Object.entries(this.currentFiles())) files[`${this.slug}/${path}`] = text;
    const blob = new Blob([this.editor.zipFiles(files)], { type: "application/zip" });
    const link = h("a", { href: URL.createObjectURL(blob), download: `${this.slug}.zip`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  updateHelp() {
    const hints = this.bundle.hints;
    this.hintList.replaceChildren(
      ...hints.slice(0, this.hintsShown).map((html) => {
        const item = h("li");
        item.innerHTML = html; // the course's own Markdown, rendered on the server
        return item;
      }),
    );
    this.hintButton.hidden = this.hintsShown >= hints.length;
    this.hintButton.textContent = `Show a hint (${this.hintsShown + 1} of ${hints.length})`;
    this.solutionButton.disabled = !this.checked;
    this.solutionNote.textContent = this.checked ? "" : "The solution can be shown after your first Check.";
  }

  showHint() {
    this.hintsShown = Math.min(this.hintsShown + 1, this.bundle.hints.length);
    this.save();
    this.updateHelp();
    this.hintList.lastElementChild?.setAttribute("tabindex", "-1");
    this.hintList.lastElementChild?.focus();
  }

  showSolution() {
    if (!this.checked) return;
    this.solution.replaceChildren(
      h("h3", { tabindex: "-1" }, "The model answer"),
      Object.entries(this.bundle.solution).map(([path, text]) => h("figure", {}, h("figcaption", {}, code(path)), h("pre", { tabindex: "0" }, code(text)))),
    );
    this.solution.firstChild.focus();
  }

  async play() {
    const files = this.currentFiles();
    const tool = this.bundle.playground?.tool;
    const request =
      tool === "resolve"
        ? { op: "resolve", patterns: files["urls.py"] ?? "", url: (files["url.txt"] ?? "").trim() }
        : {
            op: "render_template",
            template: files["template.html"] ?? "",
            context: files["context.json"] ?? "{}",
            // What the template may extend or include: every other .html file.
            templates: Object.fromEntries(Object.entries(files).filter(([path]) => path.endsWith(".html") && path !== "template.html")),
          };
    let reply;
    try {
      reply = await this.runtime.call(request);
    } catch (error) {
      this.setStatus(`Python failed: ${error.message}`);
      return;
    }
    this.setStatus(reply.ok ? "Updated." : "There is an error: see below.");
    this.playgroundOutput.replaceChildren(tool === "resolve" ? renderResolution(reply) : renderRendering(reply));
  }

  async open() {
    this.render();
    this.runtime.listeners.add((stage) => this.setStatus(`${stage}…`));
    let ready;
    try {
      ready = await this.runtime.ready;
    } catch (error) {
      this.setStatus(`Python could not start: ${error.message}`);
      return;
    }
    // How Python started (from the snapshot or from scratch) and how long
    // each part took: read by the tests and bench/exercises.py.
    this.block.dataset.runtimeStart = ready.start.snapshot ? "snapshot" : "full";
    this.block.dataset.runtimePhases = JSON.stringify(ready.start.phases);
    if (ready.start.note) this.block.dataset.runtimeNote = ready.start.note;
    this.setStatus("Ready: edit the files, then Run or Check.");
    if (this.playground) this.play();
  }
}

function renderResolution(reply) {
  if (!reply.ok) return renderError(reply.error);
  if (!reply.match) return h("div", {}, h("p", {}, "No pattern matches this URL: Django answers 404."), h("p", {}, "Tried, in order: ", (reply.tried || []).map((t, i) => [i ? ", " : "", code(t || "''")])));
  const m = reply.match;
  return h(
    "dl",
    { class: "hop-steps" },
    step("URL pattern", code(m.route), m.name ? [", named ", code(m.name)] : null),
    step("View", code(m.view)),
    step("Arguments", m.kwargs?.length ? list(m.kwargs.map((a) => h("li", {}, code(`${a.name}=${a.text}`), " ", h("span", { class: "hop-type" }, `(${a.type})`)))) : "None."),
  );
}

function renderRendering(reply) {
  if (!reply.ok) return h("div", { role: "alert" }, h("p", {}, reply.error?.line ? `Line ${reply.error.line}: ` : "", reply.error?.message || "The template could not be rendered."));
  return h("div", {}, h("h3", {}, "Output"), h("pre", { class: "exercise-output", tabindex: "0" }, code(reply.output)));
}

// --- Entry points, called by loader.js. -------------------------------------

// Start Python for an exercise that scrolled into view, before the learner
// opens it (loader.js does this only for learners who have opened one before,
// so a first-time reader never downloads the runtime by scrolling past).
export function prestart(urls, app) {
  runtimeFor(app, urls);
  editorModule ||= import(urls.editor);
}

let editorModule = null;
let stylesheet = null;

export async function mount(block, urls) {
  stylesheet ||= new Promise((resolve) => {
    const link = h("link", { rel: "stylesheet", href: urls.css });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.append(link);
  });
  editorModule ||= import(urls.editor);
  const response = await fetch(block.dataset.bundle);
  if (!response.ok) throw new Error(`the exercise's files answered ${response.status}.`);
  const bundle = await response.json();
  const [editor] = await Promise.all([editorModule, stylesheet]);
  const exercise = new Exercise(block, urls, bundle, editor);
  try {
    localStorage.setItem(`courseware.exercise.${bundle.slug}.open`, "1");
    localStorage.setItem("courseware.exercises.used", "1");
  } catch {
    // Not remembered: the exercise still works.
  }
  await exercise.open();
  return exercise;
}
