"""The language a notebook speaks: Korean at the top level, English under ``en/``.

The Korean and English notebooks share their code cells exactly, so whatever code prints or
draws picks its words here, Korean first: ``tr("리전", "Region")``.

The language is ``WORKSHOP_LANG`` (``ko`` or ``en``) when it is set; otherwise ``en`` when the
kernel runs in a folder named ``en`` (Jupyter starts a notebook's kernel in the notebook's
folder), otherwise ``ko``.
"""

from __future__ import annotations

import os
from pathlib import Path

LANGUAGES = ("ko", "en")
ENV_VAR = "WORKSHOP_LANG"


def language() -> str:
    """``"ko"`` or ``"en"``, as the module docstring says."""
    chosen = os.environ.get(ENV_VAR, "").strip().lower()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"{ENV_VAR} must be one of {', '.join(LANGUAGES)}, not {chosen!r}")
        return chosen
    return "en" if Path.cwd().name == "en" else "ko"


def tr(ko: str, en: str) -> str:
    """The Korean or the English text, whichever the running notebook speaks."""
    return en if language() == "en" else ko
