// The exercise worker: Python (Pyodide) running Django and the learner's
// project, entirely in the learner's browser. It is a module Web Worker, so a
// long or endless computation never freezes the page, and "Stop" is simply
// terminating it and starting another.
//
// Messages in:  {type: "init", urls: {pyodide, django, runtime, snapshot}}
//               {type: "call", id, request}   request = the runtime's JSON (docs/exercises.md)
// Messages out: {type: "progress", stage}     while starting
//               {type: "ready", ms, start}    set-up finished (ms since init);
//                                             start = {snapshot: bool, note, phases: {python, unpack, runtime}}
//               {type: "reply", id, reply}    reply = the runtime's JSON answer
//               {type: "failed", message}     the runtime itself could not start

let ready = null;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.arrayBuffer();
}

// Unpacking a tar in JavaScript, straight into Pyodide's file system, is
// many times faster than Python's tarfile module doing it inside the worker.
function untar(FS, buffer, root) {
  const bytes = new Uint8Array(buffer);
  const decoder = new TextDecoder();
  const field = (header, start, length) => {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
  };
  const made = new Set();
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (!name) break;
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = header[156];
    offset += 512;
    if (type === 48 || type === 0) {
      const path = `${root}/${prefix ? `${prefix}/` : ""}${name}`;
      const folder = path.slice(0, path.lastIndexOf("/"));
      if (!made.has(folder)) {
        FS.mkdirTree(folder);
        made.add(folder);
      }
      FS.writeFile(path, bytes.subarray(offset, offset + size));
    }
    offset += Math.ceil(size / 512) * 512;
  }
}

// The start-up snapshot (frontend/src/snapshot.mjs) is Python's memory with
// Django already imported, gzipped by the build. Some servers (Django's own
// static view) label a .gz file "Content-Encoding: gzip", and then the
// browser has inflated it already; otherwise the worker inflates it here.
async function fetchSnapshot(url) {
  const bytes = new Uint8Array(await fetchBytes(url));
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

// Pyodide's WebAssembly memory starts at 30 MB and a snapshot is larger.
// Pyodide asks for the snapshot's size (INITIAL_MEMORY) but its module
// ignores the request, so the memory is grown here before the restore
// copies the snapshot in; without it the copy fails ("offset is out of
// bounds").
async function roomForSnapshot(indexURL) {
  const { default: createPyodideModule } = await import(`${indexURL}pyodide.asm.mjs`);
  return async (settings) => {
    const module = await createPyodideModule(settings);
    if (settings.INITIAL_MEMORY && !module.growMemory(settings.INITIAL_MEMORY)) {
      throw new Error("There is not enough memory to restore the start-up snapshot.");
    }
    return module;
  };
}

async function loadPython(urls, indexURL) {
  const { loadPyodide } = await import(urls.pyodide);
  if (urls.snapshot) {
    try {
      const pyodide = await loadPyodide({
        indexURL,
        _loadSnapshot: fetchSnapshot(urls.snapshot),
        createPyodideModule: await roomForSnapshot(indexURL),
      });
      return { pyodide, snapshot: true, note: null };
    } catch (error) {
      // Slower, never broken: the full start imports Django itself.
      const note = `The start-up snapshot was not used (${String(error && error.message ? error.message : error)}).`;
      return { pyodide: await loadPyodide({ indexURL }), snapshot: false, note };
    }
  }
  return { pyodide: await loadPyodide({ indexURL }), snapshot: false, note: null };
}

async function start(urls) {
  const began = performance.now();
  // How long each part of the start took (ms since init), for the page and
  // the benchmark: whether the snapshot was used shows here too.
  const phases = {};
  const mark = (name) => {
    phases[name] = Math.round(performance.now() - began);
  };
  postMessage({ type: "progress", stage: "Loading Python" });
  // Downloads run while the interpreter starts: they do not depend on it.
  const django = fetchBytes(urls.django);
  const runtime = fetchBytes(urls.runtime);
  const indexURL = new URL(".", new URL(urls.pyodide, self.location.href)).href;
  const { pyodide, snapshot, note } = await loadPython(urls, indexURL);
  mark("python");
  postMessage({ type: "progress", stage: "Unpacking Django" });
  untar(pyodide.FS, await django, "/opt/site-packages");
  pyodide.unpackArchive(await runtime, "zip", { extractDir: "/opt/runtime" });
  mark("unpack");
  postMessage({ type: "progress", stage: "Starting Django" });
  pyodide.runPython(`
import importlib, os, random, sys
sys.path[:0] = ["/opt/runtime", "/opt/site-packages"]
# The folders were filled after a snapshot saw them: look again.
importlib.invalidate_caches()
# A snapshot holds the random generator's state too: without a new seed
# every learner would draw the same "random" numbers at every start.
random.seed()
# Pyodide runs an event loop; Django's async-safety check would refuse every
# query from "inside" it although nothing here is concurrent.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# No .pyc can be written usefully: the file system is gone on reload.
sys.dont_write_bytecode = True
from exercises.runtime import handle
`);
  const handle = pyodide.globals.get("handle");
  mark("runtime");
  return { pyodide, handle, ms: Math.round(performance.now() - began), start: { snapshot, note, phases } };
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    ready = start(message.urls);
    try {
      const { ms, start } = await ready;
      postMessage({ type: "ready", ms, start });
    } catch (error) {
      postMessage({ type: "failed", message: String(error && error.message ? error.message : error) });
    }
    return;
  }
  if (message.type === "call") {
    let reply;
    try {
      const { handle } = await ready;
      // The runtime never raises for the learner's mistakes: JSON in, JSON out.
      reply = JSON.parse(handle(JSON.stringify(message.request)));
    } catch (error) {
      const text = String(error && error.message ? error.message : error);
      reply = {
        ok: false,
        error: { type: "RuntimeError", message: text, summary: `The Python runtime failed (press Stop to restart it): ${text}`, traceback: [] },
      };
    }
    postMessage({ type: "reply", id: message.id, reply });
  }
};
