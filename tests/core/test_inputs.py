"""What a command read, and whether it still holds: git's rule for its index, file by file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tools.core import inputs, serial
from tools.core.inputs import RACY_NS, Changes, Inputs

OLD_NS = 1_600_000_000 * 10**9  # 2020: long before any recording in these tests


def _aged(path: Path) -> Path:
    """A file last modified years ago (its change time stays today's)."""
    os.utime(path, ns=(OLD_NS, OLD_NS))
    return path


def _record(tmp_path: Path, text: str = "a: 1\n") -> tuple[Path, Inputs]:
    target = tmp_path / "notes.yaml"
    target.write_text(text)
    with inputs.recording() as recorded:
        assert inputs.read_text(str(target)) == text
    return target, recorded


def test_a_recording_notes_each_read_with_its_signature_and_digest(tmp_path: Path) -> None:
    target = tmp_path / "notes.yaml"
    target.write_bytes(b"a: 1\r\nb: 2\n")
    _aged(target)
    missing = tmp_path / "gone.txt"
    with inputs.recording() as recorded:
        assert inputs.read_text(str(target)) == "a: 1\nb: 2\n"
        assert inputs.is_file(str(missing)) is False
        assert inputs.read_bytes(str(target), 4) == b"a: 1"
    stat = target.stat()
    assert recorded.reads == {
        str(target): [
            stat.st_size,
            OLD_NS,
            stat.st_ctime_ns,
            stat.st_ino,
            4,
            inputs.digest(b"a: 1"),
        ]
    }
    assert recorded.probes == {str(missing): False}


def test_nothing_is_noted_outside_a_recording(tmp_path: Path) -> None:
    target, recorded = _record(tmp_path)
    other = tmp_path / "other.md"
    other.write_text("b\n")
    assert inputs.read_text(str(other)) == "b\n"
    assert inputs.is_file(str(tmp_path / "gone")) is False
    assert (list(recorded.reads), recorded.probes) == ([str(target)], {})


def test_an_unchanged_file_holds_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, recorded = _record(tmp_path)
    recorded.started_ns = target.stat().st_ctime_ns + RACY_NS + 1  # long after the last write

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("read again")

    monkeypatch.setattr(inputs, "read_bytes", refuse)
    assert recorded.compare() == Changes()


def test_a_recent_file_with_the_same_signature_is_compared_by_content(tmp_path: Path) -> None:
    target, recorded = _record(tmp_path, "a: 1\n")
    # A write in the same timestamp tick: same size, same times, other bytes.
    [size, mtime, _, ino, count, _] = recorded.reads[str(target)]
    target.write_text("a: 2\n")
    os.utime(target, ns=(mtime, mtime))
    now = target.stat()
    recorded.reads[str(target)] = [
        size,
        mtime,
        now.st_ctime_ns,
        ino,
        count,
        inputs.digest(b"a: 1\n"),
    ]
    recorded.started_ns = now.st_ctime_ns  # the file is as recent as the recording
    assert recorded.compare() == Changes(files={str(target)})
    recorded.started_ns = now.st_ctime_ns + RACY_NS + 1  # old enough: the signature is trusted
    assert recorded.compare() == Changes()


def test_a_touched_file_with_the_same_bytes_holds_with_its_new_signature(tmp_path: Path) -> None:
    target, recorded = _record(tmp_path)
    os.utime(target, ns=(OLD_NS, OLD_NS))
    stat = target.stat()
    # Compared by content; while the touch is recent, the record is left as it was.
    assert recorded.compare(now=stat.st_ctime_ns + 1) == Changes()
    assert recorded.reads[str(target)][1] != OLD_NS
    later = stat.st_ctime_ns + RACY_NS + 1
    assert recorded.compare(now=later) == Changes(refreshed=True)
    assert recorded.reads[str(target)][:4] == [stat.st_size, OLD_NS, stat.st_ctime_ns, stat.st_ino]
    assert recorded.started_ns == later


@pytest.mark.parametrize(
    ("change", "gone"),
    [
        (lambda p: p.write_text("a: 2\n"), False),
        (lambda p: p.write_text("a: 10\n"), False),
        (lambda p: p.unlink(), True),
    ],
    ids=["same size", "longer", "deleted"],
)
def test_a_changed_or_deleted_file_does_not_hold(tmp_path: Path, change, gone: bool) -> None:
    target, recorded = _record(tmp_path)
    change(target)
    expected = Changes(whole=True) if gone else Changes(files={str(target)})
    assert recorded.compare() == expected


def test_a_probe_that_now_answers_otherwise_does_not_hold(tmp_path: Path) -> None:
    missing = tmp_path / "later.py"
    with inputs.recording() as recorded:
        assert inputs.is_file(str(missing)) is False
    assert recorded.compare() == Changes()
    missing.write_text("")
    assert recorded.compare() == Changes(whole=True)


def test_new_code_does_not_hold(tmp_path: Path) -> None:
    module = tmp_path / "rule.py"
    module.write_text("x = 0\n")
    _aged(module)
    recorded = Inputs(started_ns=module.stat().st_ctime_ns + RACY_NS + 1)
    recorded.note_files([str(module), str(tmp_path / "not-there.py")], wide=True)
    stat = module.stat()
    # Old enough to be trusted by its signature: no digest, so any change counts.
    assert recorded.reads == {str(module): [6, OLD_NS, stat.st_ctime_ns, stat.st_ino, 6, ""]}
    assert recorded.compare() == Changes()
    os.utime(module, ns=(OLD_NS + 1, OLD_NS + 1))  # touched, the same bytes
    assert recorded.compare() == Changes(whole=True)  # code is wide


def test_code_written_moments_ago_is_compared_by_content(tmp_path: Path) -> None:
    module = tmp_path / "rule.py"
    module.write_text("x = 0\n")
    recorded = Inputs()
    recorded.note_files([str(module)], wide=True)
    assert recorded.reads[str(module)][5] == inputs.digest(b"x = 0\n")
    assert recorded.compare() == Changes()
    module.write_text("x = 1\n")
    assert recorded.compare() == Changes(whole=True)


def test_a_record_survives_json(tmp_path: Path) -> None:
    _, recorded = _record(tmp_path)
    code = tmp_path / "code.py"
    code.write_text("")
    recorded.note_files([str(code)], wide=True)
    recorded.note_probe(str(tmp_path / "later.py"), False)
    assert serial.decode(Inputs, json.loads(json.dumps(serial.encode(recorded)))) == recorded


@pytest.mark.parametrize(
    "data",
    [{}, [], ["x", {}, {}, []], [1, [], {}, []], [1, {}, [], []], [1, {}, {}, {}]],
)
def test_a_malformed_record_is_refused(data: object) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        serial.decode(Inputs, data)


def test_a_record_with_malformed_entries_raises_instead_of_holding(tmp_path: Path) -> None:
    recorded = Inputs(reads={str(tmp_path / "a"): [1, 2]})
    (tmp_path / "a").write_text("")
    with pytest.raises((TypeError, ValueError, IndexError)):
        recorded.compare()


def test_compare_names_the_files_whose_bytes_changed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("one\n")
    second.write_text("two\n")
    with inputs.recording() as recorded:
        inputs.read_bytes(str(first))
        inputs.read_bytes(str(second))
    second.write_text("three\n")
    assert recorded.compare() == Changes(files={str(second)})


@pytest.mark.parametrize(
    "change",
    [
        lambda wide, other, probe: wide.write_text("version: 2\n"),
        lambda wide, other, probe: other.unlink(),
        lambda wide, other, probe: probe.write_text(""),
    ],
    ids=["wide input", "file gone", "probe"],
)
def test_compare_gives_up_on_file_by_file_when_more_than_bytes_changed(
    tmp_path: Path, change
) -> None:
    wide, other, probe = tmp_path / "fleet.yaml", tmp_path / "a.md", tmp_path / "later.md"
    wide.write_text("version: 1\n")
    other.write_text("one\n")
    with inputs.recording() as recorded:
        inputs.read_bytes(str(wide))
        inputs.note_wide(str(wide))
        inputs.read_bytes(str(other))
        inputs.is_file(str(probe))
    assert recorded.compare() == Changes()
    change(wide, other, probe)
    assert recorded.compare() == Changes(whole=True)


def test_a_file_that_could_not_be_read_counts_by_its_signature(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret\n")
    with inputs.recording() as recording:
        inputs.note_unread(str(locked))
    assert list(recording.reads) == [str(locked)]
    assert recording.wide == set()
    recorded = Inputs(started_ns=locked.stat().st_ctime_ns + RACY_NS + 1)  # long after
    recorded.note_files([str(locked)], wide=False)
    assert recorded.reads[str(locked)][5] == ""  # old enough: its signature alone
    assert recorded.compare() == Changes()
    locked.chmod(0o600)  # a new change time, the same bytes: it cannot tell, so it changed
    assert recorded.compare() == Changes(files={str(locked)})
