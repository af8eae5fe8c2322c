// Save, at build time, the browser's Python as it is once Django is imported.
//
// Importing Django is most of an exercise's start-up: seconds of CPU in the
// learner's browser on every visit. Pyodide can save its whole memory once
// that work is done (a "memory snapshot") and start from it later, which
// costs a copy instead. The snapshot holds no learner's code and no
// settings: the worker restores it, then loads the learner's project as
// usual (static/exercises/worker.js).
//
// Two interpreters: the first runs sample requests through the real runtime
// to learn which modules a learner's session imports (see
// exercises/management/commands/runtime_warmup.py); the second, clean one
// imports only those modules, from the same paths the worker uses, and is
// saved. The runtime itself is left out, so editing it never makes the
// snapshot stale; it is imported fresh after each restore.
//
// usage: node snapshot.mjs <django.tar> <warmup.json> <target.gz>
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { loadPyodide } from "pyodide";

// Where worker.js puts Django and the runtime: a module's __file__ (and the
// templates beside it) must point where the browser will have them.
const SITE = "/opt/site-packages";
const RUNTIME = "/opt/runtime";

const [tarPath, warmupPath, target] = process.argv.slice(2);
const django = new Uint8Array(readFileSync(tarPath));
const warmup = JSON.parse(readFileSync(warmupPath, "utf8"));

async function interpreter(options) {
  const pyodide = await loadPyodide(options);
  pyodide.unpackArchive(django, "tar", { extractDir: SITE });
  return pyodide;
}

const probe = await interpreter({});
for (const [name, text] of Object.entries(warmup.runtime)) {
  const path = `${RUNTIME}/${name}`;
  probe.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
  probe.FS.writeFile(path, text);
}
probe.globals.set("OPS", JSON.stringify(warmup.ops));
const imported = JSON.parse(
  probe.runPython(`
import json, os, sys

sys.path[:0] = ["${RUNTIME}", "${SITE}"]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
from exercises.runtime import handle

for op in json.loads(OPS):
    reply = json.loads(handle(json.dumps(op)))
    if not reply.get("ok") and op["op"] != "load":
        sys.exit(f"The warm-up request {op['op']} failed: {reply.get('error')}")


def shipped(module):
    # Only the standard library's and Django's modules: never the runtime,
    # never the sample projects (their folders are temporary).
    places = [getattr(module, "__file__", None) or "", *getattr(module, "__path__", [])]
    return all(str(p).startswith(("/lib/", "${SITE}/")) for p in places if p)


json.dumps([
    name for name, module in list(sys.modules.items())
    if shipped(module) and not name.startswith(("exercises", "sandbox_apps", "__main__"))
])
`),
);

const pyodide = await interpreter({ _makeSnapshot: true });
pyodide.globals.set("NAMES", JSON.stringify(imported));
const summary = pyodide.runPython(`
import gc, importlib, json, os, sys

sys.path.insert(0, "${SITE}")
skipped = []
for name in json.loads(NAMES):
    if name not in sys.modules:
        try:
            importlib.import_module(name)
        except Exception:
            # Models and the like cannot import before settings exist;
            # they import after the restore, when the learner's project loads.
            skipped.append(name)
# The worker puts both folders in front again, the runtime's first.
sys.path.remove("${SITE}")
# Node's own process details have no business in a browser.
os.environ.pop("_", None)
gc.collect()
f"{len(sys.modules)} modules imported, {len(skipped)} left to import after the restore"
`);
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(target, packed);
const mb = (n) => (n / 1048576).toFixed(1);
console.log(`Start-up snapshot: ${summary}; ${mb(snapshot.length)} MB, ${mb(packed.length)} MB gzipped.`);
