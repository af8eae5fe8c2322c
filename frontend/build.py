"""Build the exercises' browser runtime into static/exercises/build/ (git-ignored).

Called by ``./dev setup|serve|test``. It makes three things, all from pinned,
checksum-verified sources and nothing from a CDN at run time:

- ``editor.js``: CodeMirror 6 and fflate, bundled by esbuild from npm
  (versions and integrity hashes in frontend/package-lock.json).
- ``pyodide/``: the Python interpreter compiled to WebAssembly, copied from
  the ``pyodide`` npm package (same lock).
- ``django-<version>.tar``: Django's wheel from PyPI, at the version and
  sha256 of requirements/dev.lock, trimmed to what the exercises use in the
  browser (no translations, no admin, no other database backends).
- ``snapshot-<hash>.gz``: Python's memory once Django is imported, made by
  Pyodide under Node (frontend/src/snapshot.mjs); the worker starts from it
  instead of importing Django in the learner's browser.

Node.js 20 or newer runs these steps (``node --version``); see
docs/exercises.md, "Building the runtime".

Nothing is redone when the inputs have not changed since the last build, so
the second run costs a few milliseconds. A finished build is also kept
once per machine (``~/.cache/courseware/runtime/``, filed under the digest
of its inputs), so a fresh clone or another worktree with the same inputs
copies it instead of building again. ``COURSEWARE_RUNTIME_CACHE`` names
another folder, or ``off`` to always build from nothing.
"""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent
ROOT = FRONTEND.parent
OUT = ROOT / "static" / "exercises" / "build"
LOCK = ROOT / "requirements" / "dev.lock"
# Written last into a finished build: the digest of the inputs it was built from.
STAMP_NAME = ".inputs"

PYODIDE_FILES = [
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
]

# Parts of Django the exercises never import in the browser. Leaving them out
# makes the download smaller and unpacking faster.
DROP = re.compile(
    r"""^django/(
        contrib/(admin|admindocs|gis|postgres|flatpages|redirects|sitemaps|sites|syndication)/
      | db/backends/(mysql|oracle|postgresql)/
      | .*/locale/(?!en/|__init__\.py)
      | conf/app_template/ | conf/project_template/
      | .*/static/
    )""",
    re.VERBOSE,
)


def inputs_digest(pins: str) -> str:
    digest = hashlib.sha256(pins.encode())
    for path in [
        FRONTEND / "build.py",
        FRONTEND / "package-lock.json",
        *sorted((FRONTEND / "src").rglob("*.*js")),
    ]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Django and what it imports at start-up; versions and hashes from dev.lock.
BROWSER_PACKAGES = ["django", "asgiref", "sqlparse"]


def requirements() -> tuple[str, list[str]]:
    """Django's version, and each package's pin with its hashes, as dev.lock states them."""
    text = LOCK.read_text()
    lines = []
    version = ""
    for name in BROWSER_PACKAGES:
        match = re.search(
            rf"^{name}==(\S+)((?:\s*\\\n\s*--hash=\S+)+)", text, re.MULTILINE
        )
        if not match:
            sys.exit(f"No pinned {name} with hashes in {LOCK}.")
        hashes = re.findall(r"--hash=(\S+)", match.group(2))
        lines.append(
            f"{name}=={match.group(1)} " + " ".join(f"--hash={h}" for h in hashes)
        )
        version = version or match.group(1)
    return version, lines


# Pyodide and esbuild both declare Node >= 18, but Pyodide is tested
# upstream on newer Node only and this build has been run on Node 20, the
# oldest release that is still maintained. Debian 12's nodejs is 18: refuse
# it with a clear message rather than fail half-way through a compile.
NODE_MAJOR = 20


def check_node() -> None:
    npm()  # installs Debian's nodejs and npm if both are missing
    node = shutil.which("node")
    if node is None:
        sys.exit("Node.js is missing: the exercise runtime is built with it.")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    if not match or int(match.group(1)) < NODE_MAJOR:
        sys.exit(
            f"Node.js {NODE_MAJOR} or newer is needed to build the exercise runtime; "
            f"{node} is {version or 'of an unknown version'}. Debian 12 ships Node 18: "
            "install Node 20 from Debian 13 or nodejs.org, put it first on PATH, "
            "and run ./dev setup again."
        )


def npm() -> str:
    found = shutil.which("npm")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's nodejs and npm to build the exercise editor ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            [
                "apt-get",
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "nodejs",
                "npm",
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        return shutil.which("npm") or sys.exit("npm is still missing.")
    sys.exit(
        "Node.js and npm are needed to build the exercise editor (apt-get install nodejs npm)."
    )


def install_node_packages() -> None:
    # npm ci installs exactly the lock and checks every package's integrity hash.
    marker = FRONTEND / "node_modules" / ".package-lock.json"
    lock = FRONTEND / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    print(
        "Installing the pinned editor and Pyodide packages from frontend/package-lock.json ..."
    )
    subprocess.run(
        [npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=FRONTEND,
        check=True,
    )


def bundle_editor(out: Path) -> None:
    subprocess.run(
        [
            str(FRONTEND / "node_modules" / ".bin" / "esbuild"),
            str(FRONTEND / "src" / "editor.js"),
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--log-level=warning",
            f"--outfile={out / 'editor.js'}",
        ],
        check=True,
    )


def pyodide_version() -> str:
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    return lock["packages"]["node_modules/pyodide"]["version"]


def copy_pyodide(out: Path) -> None:
    source = FRONTEND / "node_modules" / "pyodide"
    # The version in the folder name lets the server cache these files
    # forever (pyodide.mjs loads its siblings by their plain names).
    target = out / f"pyodide-{pyodide_version()}"
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(source / name, target / name)


def fetch_django(out: Path, version: str, pins: list[str]) -> Path:
    """Download Django's wheels with pip (hash-checked) and repack them trimmed."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "django.txt"
        req.write_text("\n".join(pins) + "\n")
        print(
            f"Downloading Django {version} (hash-checked) for the browser runtime ..."
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--require-hashes",
                "-r",
                str(req),
                "-d",
                tmp,
            ],
            check=True,
        )
        plain = Path(tmp) / "django.tar"
        # An uncompressed tar: the server compresses it for the wire (gzip,
        # brotli) and the worker unpacks it without inflating each file.
        with tarfile.open(plain, "w", format=tarfile.USTAR_FORMAT) as tar:
            for wheel in sorted(Path(tmp).glob("*.whl")):
                with zipfile.ZipFile(wheel) as source:
                    for item in source.infolist():
                        name = item.filename
                        if item.is_dir() or ".dist-info/" in name or DROP.match(name):
                            continue
                        data = source.read(item)
                        info = tarfile.TarInfo(name)
                        info.size = len(data)
                        info.mtime = 0
                        tar.addfile(info, io.BytesIO(data))
        target = out / f"django-{version}.tar"
        print("Compiling Django to bytecode for the browser's Python ...")
        subprocess.run(
            ["node", str(FRONTEND / "src" / "compile.mjs"), str(plain), str(target)],
            cwd=FRONTEND,
            check=True,
        )
        return target


def make_snapshot(out: Path, django: Path) -> Path:
    """Python's memory with Django imported, for the worker to start from."""
    print("Saving the browser's Python with Django imported (a start-up snapshot) ...")
    with tempfile.TemporaryDirectory() as tmp:
        warmup = Path(tmp) / "warmup.json"
        # The site lists the requests that warm it up (runtime_warmup).
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "runtime_warmup", str(warmup)],
            cwd=ROOT,
            check=True,
        )
        packed = Path(tmp) / "snapshot.gz"
        subprocess.run(
            [
                "node",
                str(FRONTEND / "src" / "snapshot.mjs"),
                str(django),
                str(warmup),
                str(packed),
            ],
            cwd=FRONTEND,
            check=True,
        )
        data = packed.read_bytes()
    # Named by its content: the server may cache it forever.
    target = out / f"snapshot-{hashlib.sha256(data).hexdigest()[:12]}.gz"
    target.write_bytes(data)
    return target


# How many builds the machine-wide cache keeps: the newest, by last use.
CACHE_KEEPS = 3


def cache_folder() -> Path | None:
    """The machine-wide folder of finished builds, or None when switched off."""
    setting = os.environ.get("COURSEWARE_RUNTIME_CACHE", "").strip()
    if setting.lower() in {"off", "0", "no", "false"}:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "courseware" / "runtime"


def is_complete(folder: Path, digest: str) -> bool:
    """A whole build of these inputs: the stamp is written last, so it is."""
    stamp = folder / STAMP_NAME
    return (
        stamp.exists()
        and stamp.read_text() == digest
        and (folder / "editor.js").exists()
    )


def restore(cache: Path | None, digest: str, out: Path) -> bool:
    """Copy the cached build of ``digest`` into ``out``; False if there is none."""
    if cache is None or not is_complete(cache / digest, digest):
        return False
    staging = out.with_name(out.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(cache / digest, staging)
    # Last used, so the cache keeps it longest.
    os.utime(cache / digest)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return True


def keep(cache: Path | None, digest: str, out: Path) -> None:
    """Copy a finished build into the cache. Only an optimisation: a cache
    that cannot be written (permissions, a full disk) changes nothing."""
    if cache is None or not is_complete(out, digest):
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        # A folder of its own, renamed into place whole: another checkout
        # building the same inputs at the same time never sees half a copy.
        partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=cache))
        try:
            shutil.copytree(out, partial, dirs_exist_ok=True)
            if not is_complete(cache / digest, digest):
                shutil.rmtree(cache / digest, ignore_errors=True)
                partial.rename(cache / digest)
        finally:
            shutil.rmtree(partial, ignore_errors=True)  # gone once renamed
        builds = sorted(
            (entry for entry in cache.iterdir() if not entry.name.startswith(".")),
            key=lambda entry: entry.stat().st_mtime,
            reverse=True,
        )
        for old in builds[CACHE_KEEPS:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        print(f"Could not keep the runtime in {cache} ({error}); carrying on.")


def main() -> None:
    version, pins = requirements()
    digest = inputs_digest(" ".join(pins))
    if is_complete(OUT, digest):
        return
    cache = cache_folder()
    if restore(cache, digest, OUT):
        print(f"Copied the exercise runtime built earlier from {cache}.")
        return
    check_node()
    install_node_packages()
    # Build into a fresh folder and swap it in, so an interrupted build never
    # leaves half a runtime behind a stamp that says it is complete.
    staging = OUT.with_name("build.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    bundle_editor(staging)
    copy_pyodide(staging)
    django = fetch_django(staging, version, pins)
    snapshot = make_snapshot(staging, django)
    # Where each piece is, for the server's manifest (exercises_browser.views).
    names = {
        "pyodide": f"exercises/build/pyodide-{pyodide_version()}/pyodide.mjs",
        "django": f"exercises/build/{django.name}",
        "snapshot": f"exercises/build/{snapshot.name}",
        "editor": "exercises/build/editor.js",
    }
    (staging / "runtime.json").write_text(json.dumps(names, indent=2) + "\n")
    (staging / STAMP_NAME).write_text(digest)
    shutil.rmtree(OUT, ignore_errors=True)
    staging.rename(OUT)
    print(f"Built the exercise runtime in {OUT.relative_to(ROOT)}.")
    keep(cache, digest, OUT)


if __name__ == "__main__":
    main()
