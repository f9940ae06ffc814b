"""workshop.lang: which language the notebook's printed text is in."""

from __future__ import annotations

import pytest

from workshop import lang


def test_folder_decides_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(lang.ENV_VAR, raising=False)
    (tmp_path / "en").mkdir()
    monkeypatch.chdir(tmp_path)
    assert lang.tr("리전", "Region") == "리전"
    monkeypatch.chdir(tmp_path / "en")
    assert lang.tr("리전", "Region") == "Region"


def test_variable_wins_and_is_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(lang.ENV_VAR, "EN")
    assert lang.language() == "en"
    monkeypatch.setenv(lang.ENV_VAR, "fr")
    with pytest.raises(ValueError, match="WORKSHOP_LANG"):
        lang.language()
