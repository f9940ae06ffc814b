"""The checkpoint file: written whole or not at all, never trusted when it does not check out."""

from __future__ import annotations

import json
import logging
from contextlib import nullcontext
from pathlib import Path

import pytest

from personalize_local import checkpoint
from personalize_local.checkpoint import FILE_NAME, FORMAT, TEMP_NAME
from personalize_local.config import Settings
from personalize_local.store.journal import Journal
from personalize_local.store.state import Emulator

RECORDS = [{"kind": "personalize", "op": "CreateSchema", "t": float(n)} for n in range(5)]


def journaled(directory: Path) -> tuple[int, str]:
    journal = Journal(directory, fsync=False)
    journal.open(seed=3)
    for record in RECORDS:
        journal.append(record)
    position = journal.position()
    journal.close()
    return position


@pytest.fixture
def written(tmp_path: Path) -> Path:
    records, last = journaled(tmp_path)
    checkpoint.write(tmp_path, records, last, b"the state", fsync=False)
    return tmp_path / FILE_NAME


def test_a_checkpoint_covers_the_journal_it_was_taken_of(written: Path) -> None:
    assert checkpoint.read(written.parent, RECORDS) == (5, b"the state")
    assert written.stat().st_mode & 0o777 == 0o600
    # Records appended later are the tail: the checkpoint still covers the first five.
    assert checkpoint.read(written.parent, [*RECORDS, {"kind": "moto", "t": 9.0}]) == (
        5,
        b"the state",
    )


def test_a_temporary_file_left_by_a_crash_is_removed_and_never_read(written: Path) -> None:
    (written.parent / TEMP_NAME).write_bytes(FORMAT + b'{"records": 5, "la')
    assert checkpoint.read(written.parent, RECORDS) == (5, b"the state")
    assert not (written.parent / TEMP_NAME).exists()


def _meta(path: Path, **changes: object) -> None:
    header, meta, payload = path.read_bytes().split(b"\n", 2)
    changed = {**json.loads(meta), **changes}
    path.write_bytes(header + b"\n" + json.dumps(changed).encode() + b"\n" + payload)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-1] + b"!"), "do not match their digest"),
        (lambda p: p.write_bytes(p.read_bytes()[:40]), "Unterminated string"),
        (lambda p: _meta(p, code="an older personalize-local"), "another version"),
        (lambda p: p.write_bytes(b"personalize-local-checkpoint/0\n"), "not a checkpoint"),
        (lambda p: _meta(p, last="0" * 64), "no longer starts with"),
    ],
    ids=["payload", "truncated", "old version", "old format", "other journal"],
)
def test_a_checkpoint_that_does_not_check_out_is_ignored_with_a_warning(
    written: Path, damage, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    damage(written)
    with caplog.at_level(logging.WARNING, logger="personalize_local.checkpoint"):
        assert checkpoint.read(written.parent, RECORDS) is None
    assert reason in caplog.text
    assert "replaying the whole journal" in caplog.text


def test_a_journal_shorter_than_the_checkpoint_is_not_covered(written: Path) -> None:
    # /moto-api/reset started the journal over: the checkpoint is of another history.
    assert checkpoint.read(written.parent, RECORDS[:3]) is None


def test_a_checkpoint_is_due_every_checkpoint_records_records(tmp_path: Path) -> None:
    emulator = Emulator(Settings(checkpoint_records=3))
    emulator.journal = Journal(tmp_path, fsync=False)
    emulator.journal.open(seed=3)
    keeper = checkpoint.Checkpointer(emulator, tmp_path, nullcontext(), covered=0, jobs_covered=0)
    for record in RECORDS[:2]:
        emulator.journal.append(record)
    assert not keeper.due()
    emulator.journal.append(RECORDS[2])
    assert keeper.due()
    emulator.journal.close()


def test_the_checkpoint_settings_keep_their_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().checkpoint and Settings().checkpoint_records == 10_000
    monkeypatch.setenv("PERSONALIZE_LOCAL_CHECKPOINT", "0")
    monkeypatch.setenv("PERSONALIZE_LOCAL_CHECKPOINT_RECORDS", "250")
    assert not Settings().checkpoint
    assert Settings().checkpoint_records == 250
