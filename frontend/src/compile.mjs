// Compile Django to bytecode for the browser's Python, at build time.
//
// The browser would otherwise compile every Django module from source on
// every start (seconds of CPU); host CPython cannot do it ahead of time
// because Pyodide's Python is a different version. So Pyodide itself runs
// here, under Node, and writes a tar holding .pyc files instead of the .py
// files they came from (data files, e.g. templates, stay as they are).
//
// usage: node compile.mjs <source.tar> <target.tar>
import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "pyodide";

const [source, target] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.unpackArchive(new Uint8Array(readFileSync(source)), "tar", { extractDir: "/src" });
pyodide.runPython(`
import compileall, os, sys, tarfile

if not compileall.compile_dir("/src", quiet=1, legacy=True):
    sys.exit("Compiling Django for the browser failed.")
with tarfile.open("/out.tar", "w", format=tarfile.USTAR_FORMAT) as tar:
    for folder, _, names in sorted(os.walk("/src")):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith(".py") and os.path.exists(path + "c"):
                continue
            info = tar.gettarinfo(path, os.path.relpath(path, "/src"))
            info.mtime = 0
            with open(path, "rb") as handle:
                tar.addfile(info, handle)
`);
writeFileSync(target, pyodide.FS.readFile("/out.tar"));
