"""klong.entrypoints reads installed metadata by hand (start-up time): it must
give what importlib.metadata gives, on this environment's real distributions."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest

from klong import entrypoints
from klong.entrypoints import Installed


def test_the_layout_here_is_read_by_hand() -> None:
    assert Installed().dirs is not None  # else the tests below compare importlib with itself


def test_the_importlib_metadata_backport_keeps_the_layout_plain() -> None:
    pytest.importorskip("importlib_metadata")  # dask needs it; importing it adds a path finder
    assert any(type(f).__module__.startswith("importlib_metadata") for f in sys.meta_path)
    assert Installed().dirs is not None


@pytest.mark.parametrize("group", ["klong.backends", "klong.repl", "console_scripts", "pytest11"])
def test_entry_points_are_importlib_metadatas(group: str) -> None:
    ours = Installed().entry_points(group)
    theirs = list(metadata.entry_points(group=group))
    assert [(e.name, e.value, e.group) for e in ours] == [(e.name, e.value, e.group) for e in theirs]
    for a, b in zip(ours, theirs):
        assert (a.dist.name, a.dist.version) == (b.dist.metadata["Name"], b.dist.version)
        assert a.dist.requires == b.dist.requires


def test_loading_an_entry_point_imports_its_object() -> None:
    (ep,) = [e for e in Installed().entry_points("klong.backends") if e.name == "numpy"]
    (ref,) = [e for e in metadata.entry_points(group="klong.backends") if e.name == "numpy"]
    assert ep.load() is ref.load()
    colon = entrypoints.EntryPoint("x", "klong.entrypoints:Installed.entry_points", "g", None)
    assert colon.load() is Installed.entry_points


def test_installed_names_are_importlib_metadatas() -> None:
    inst = Installed()
    names = {d.metadata["Name"] for d in metadata.distributions()}
    for name in sorted(names) + ["Klong_Core", "klong.numpy", "no-such-dist", "nosuch"]:
        try:
            metadata.distribution(name)
            expected = True
        except metadata.PackageNotFoundError:
            expected = False
        assert inst.has(name) == expected, name


def test_a_zip_on_the_path_hands_over_to_importlib_metadata(tmp_path, monkeypatch) -> None:
    import zipfile

    z = tmp_path / "dists.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("zipped_dist-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped-dist\n"
                   "Version: 1.0\n")
        f.writestr("zipped_dist-1.0.dist-info/entry_points.txt", "[klong.test]\nz = zmod\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(z)])
    inst = Installed()
    assert inst.dirs is None
    assert [e.name for e in inst.entry_points("klong.test")] == ["z"]
    assert inst.has("zipped-dist")
