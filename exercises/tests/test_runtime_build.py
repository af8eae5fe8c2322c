"""frontend/build.py keeps finished builds once per machine and reuses them.

A fresh clone, or a second worktree, with the same inputs (the same
digest) copies the runtime instead of building it again; anything else
builds. Building itself is proven by every ./dev setup from nothing (CI).
"""

import importlib.util
from pathlib import Path

import pytest

BUILD = Path(__file__).resolve().parents[2] / "frontend" / "build.py"
spec = importlib.util.spec_from_file_location("runtime_build", BUILD)
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def built(folder: Path, digest: str) -> Path:
    """A stand-in for a finished build: its files, then the stamp."""
    (folder / "pyodide-1").mkdir(parents=True)
    (folder / "pyodide-1" / "pyodide.mjs").write_text("pyodide")
    (folder / "editor.js").write_text(f"editor for {digest}")
    (folder / ".inputs").write_text(digest)
    return folder


def test_a_build_kept_in_the_cache_is_restored_whole(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "static" / "build"
    build.keep(cache, "abc", built(out, "abc"))
    (out / "editor.js").unlink()

    assert build.restore(cache, "abc", out)
    assert (out / "editor.js").read_text() == "editor for abc"
    assert (out / "pyodide-1" / "pyodide.mjs").read_text() == "pyodide"
    assert build.is_complete(out, "abc")


def test_other_inputs_or_an_unfinished_copy_are_not_restored(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "build"
    build.keep(cache, "abc", built(tmp_path / "first", "abc"))
    assert not build.restore(cache, "other", out)
    # A copy without its stamp was interrupted: it is not a build.
    (cache / "abc" / ".inputs").unlink()
    assert not build.restore(cache, "abc", out)
    assert not out.exists()


def test_the_cache_keeps_only_the_newest_builds(tmp_path):
    cache = tmp_path / "cache"
    for index in range(build.CACHE_KEEPS + 2):
        digest = f"d{index}"
        build.keep(cache, digest, built(tmp_path / digest, digest))
    kept = sorted(entry.name for entry in cache.iterdir())
    assert len(kept) == build.CACHE_KEEPS
    assert f"d{build.CACHE_KEEPS + 1}" in kept


def test_only_a_finished_build_of_these_inputs_is_kept(tmp_path):
    cache = tmp_path / "cache"
    build.keep(cache, "new", built(tmp_path / "out", "old"))
    assert not (cache / "new").exists()


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    build.keep(blocked / "cache", "abc", built(tmp_path / "out", "abc"))
    assert "Could not keep the runtime" in capsys.readouterr().out


@pytest.mark.parametrize("setting", ["off", "0"])
def test_the_cache_can_be_switched_off(monkeypatch, setting):
    monkeypatch.setenv("COURSEWARE_RUNTIME_CACHE", setting)
    assert build.cache_folder() is None


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSEWARE_RUNTIME_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert build.cache_folder() == tmp_path / "courseware" / "runtime"
