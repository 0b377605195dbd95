"""Secrets stay secret: what fleet knows to be secret is masked wherever it prints or writes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.core import redact
from tools.core.fs import write_output
from tools.core.redact import MaskedStream, Redactor, scrub

ENVIRON = {
    "MODAL_KEY": "wk-1",  # a known variable: masked from four characters
    "MODAL_TOKEN_SECRET": 'as-"quoted"/slash',
    "HF_TOKEN": "hf_abcdefgh",  # secret by its name
    "DB_PASSWORD": "short",  # secret by its name, too short to mask without masking words
    "GIT_TOKEN_REQUIRED": "true",
    "HOME": "/home/someone-with-a-long-name",
}


@pytest.fixture
def active() -> Iterator[Redactor]:
    redactor = Redactor(ENVIRON)
    redact.use(redactor)
    yield redactor
    redact.use(Redactor({}))


def test_known_and_named_secrets_are_masked_in_every_form() -> None:
    mask = Redactor(ENVIRON)
    text = (
        "key wk-1, token hf_abcdefgh, json "
        + json.dumps({"t": 'as-"quoted"/slash'})
        + ', url as-%22quoted%22%2Fslash, plain as-"quoted"/slash; short true /home/x'
    )
    assert mask(text) == (
        'key ***, token ***, json {"t": "***"}, url ***, plain ***; short true /home/x'
    )


def test_a_secret_that_holds_another_is_masked_whole() -> None:
    mask = Redactor({"MODAL_KEY": "abcd", "MODAL_SECRET": "abcdefgh"})
    assert mask("abcdefgh abcd") == "*** ***"


def test_names_limit_what_is_masked_and_without_spares_what_a_command_prints() -> None:
    only = Redactor(ENVIRON, names=["MODAL_KEY"])
    assert only("wk-1 hf_abcdefgh") == "*** hf_abcdefgh"
    spared = Redactor(ENVIRON).without(['as-"quoted"/slash'])
    assert spared('wk-1 as-"quoted"/slash') == '*** as-"quoted"/slash'
    assert not Redactor({"HOME": "/root"})


def test_the_stream_masks_a_secret_written_in_pieces(active: Redactor) -> None:
    out = io.StringIO()
    stream = MaskedStream(out)
    stream.write("token hf_abc")
    assert out.getvalue() == ""  # held until its line ends
    stream.write("defgh and more\nnext wk")
    stream.writelines(["-1 ", "done\n"])
    stream.write("tail wk-1")
    stream.flush()
    assert out.getvalue() == "token *** and more\nnext *** done\ntail ***"
    with pytest.raises(TypeError):
        stream.write(b"bytes")  # type: ignore[arg-type]
    assert stream.getvalue() == out.getvalue()  # the rest is the wrapped stream's


def test_files_written_for_the_user_are_masked_unless_they_hold_credentials_on_purpose(
    active: Redactor, tmp_path: Path
) -> None:
    report = tmp_path / "report.md"
    write_output(report, "called with Modal-Key wk-1\n")
    assert report.read_text() == "called with Modal-Key ***\n"
    env_file = tmp_path / "modal.env"
    write_output(env_file, "MODAL_KEY=wk-1\n", secret=True)
    assert env_file.read_text() == "MODAL_KEY=wk-1\n"
    assert env_file.stat().st_mode & 0o777 == 0o600


def test_a_local_server_starts_without_the_secrets() -> None:
    assert scrub({**ENVIRON, "PATH": "/bin", "AWS_SECRET_ACCESS_KEY": "x"}) == {
        "HOME": "/home/someone-with-a-long-name",
        "PATH": "/bin",
    }
