"""One emulator for the module's tests, which run in order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.modal_emulator import Emulator, running_emulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    yield from running_emulator(tmp_path_factory.mktemp("emulator"))
