"""Draw the repository's figures:

- ``static/personalize-flow-ko.png`` and ``static/personalize-flow-en.png``: the Amazon
  Personalize data flow the attendees build (notebook 00 shows it), after
  https://docs.aws.amazon.com/personalize/latest/dg/how-it-works.html
- ``static/architecture.png``: for maintainers (README), where the notebooks' requests go:
  AWS or personalize-local.

    .venv/bin/python scripts/make_diagram.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop import display  # noqa: E402  (the Korean font and its style)

STATIC = ROOT / "static"

#: The flow's words, per language: AWS's Korean documentation terms, API names in English.
FLOW_TEXT = {
    "ko": {
        "title": "Amazon Personalize 데이터 흐름",
        "s3": "Amazon S3\n상호 작용·아이템·사용자\nCSV 파일",
        "group": (
            "데이터 세트 그룹\n(dataset group)\n\n데이터 세트 + 스키마\n가져오기 작업 (import job)"
        ),
        "solution": (
            "솔루션 (solution)\n레시피 + 설정\n\n솔루션 버전\n(solution version) = 학습된 모델"
        ),
        "campaign": "캠페인 (campaign)\n실시간 추천\nGetRecommendations",
        "batch": "배치 추론 작업\n(batch inference job)\nS3에서 읽고 S3에 씀",
        "app": "여러분의\n애플리케이션",
        "tracker": "이벤트 트래커 (event tracker)\nPutEvents: 클릭·시청",
        "import": "가져오기",
        "train": "학습",
        "deploy": "배포",
        "batch_arrow": "일괄 추천",
        "recommend": "추천 요청",
        "events": "사용자 행동",
        "back": "새 상호 작용이 데이터 세트 그룹으로",
    },
    "en": {
        "title": "Amazon Personalize data flow",
        "s3": "Amazon S3\ninteractions, items,\nusers as CSV",
        "group": "Dataset group\n\ndatasets + schemas\nimport jobs",
        "solution": "Solution\nrecipe + configuration\n\nSolution version\n= a trained model",
        "campaign": "Campaign\nreal-time\nGetRecommendations",
        "batch": "Batch inference job\nreads and writes S3",
        "app": "Your\napplication",
        "tracker": "Event tracker\nPutEvents: clicks, watches",
        "import": "import",
        "train": "train",
        "deploy": "deploy",
        "batch_arrow": "batch",
        "recommend": "recommendations",
        "events": "user activity",
        "back": "new interactions flow back into the dataset group",
    },
}


def box(ax, x, y, w, h, text, color, fontsize=10):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.01", fc=color, ec="black"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, start, end, label="", offset=(0.0, 0.045), rad=0.0, **text):
    style = f"arc3,rad={rad}"
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=16, lw=1.4, connectionstyle=style
        )
    )
    if label:
        mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, label, ha="center", fontsize=9, style="italic", **text)


def canvas(width: float, height: float):
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    return fig, ax


def personalize_flow(lang: str) -> Figure:
    """The attendee's figure: S3 → dataset group → solution version → campaign / batch →
    application → event tracker → back into the dataset group."""
    t = FLOW_TEXT[lang]
    fig, ax = canvas(12, 5.6)
    ax.text(0.5, 0.95, t["title"], ha="center", va="center", fontsize=14, weight="bold")
    blue, orange, green, purple = "#dbe9f6", "#fde9c9", "#e3f3e0", "#f3e0ef"
    box(ax, 0.015, 0.50, 0.13, 0.22, t["s3"], orange)
    box(ax, 0.19, 0.44, 0.17, 0.34, t["group"], blue)
    box(ax, 0.405, 0.44, 0.17, 0.34, t["solution"], blue)
    box(ax, 0.625, 0.62, 0.16, 0.19, t["campaign"], green)
    box(ax, 0.625, 0.31, 0.16, 0.19, t["batch"], green)
    box(ax, 0.84, 0.62, 0.145, 0.19, t["app"], purple, fontsize=11)
    box(ax, 0.405, 0.06, 0.25, 0.14, t["tracker"], blue)
    arrow(ax, (0.145, 0.61), (0.19, 0.61), t["import"])
    arrow(ax, (0.36, 0.61), (0.405, 0.61), t["train"])
    arrow(ax, (0.575, 0.66), (0.625, 0.715), t["deploy"], offset=(-0.012, 0.03))
    arrow(ax, (0.575, 0.56), (0.625, 0.405), t["batch_arrow"], offset=(-0.03, -0.02))
    arrow(ax, (0.84, 0.735), (0.785, 0.735), t["recommend"], offset=(0.0, 0.03), rotation=0)
    arrow(ax, (0.785, 0.695), (0.84, 0.695))
    arrow(ax, (0.91, 0.62), (0.655, 0.13), t["events"], offset=(0.1, -0.02), rad=-0.25)
    arrow(ax, (0.405, 0.13), (0.275, 0.44), rad=-0.25)
    ax.text(0.17, 0.2, t["back"], ha="center", va="center", fontsize=9, style="italic", wrap=True)
    return fig


def architecture() -> Figure:
    """The maintainers' figure: notebooks → boto3 → AWS or personalize-local."""
    fig, ax = canvas(9, 4)
    box(
        ax,
        0.02,
        0.38,
        0.22,
        0.24,
        "Notebooks 00 → 06\n+ workshop/ helpers\n(%store hand-offs)",
        "#dbe9f6",
    )
    box(ax, 0.34, 0.4, 0.16, 0.2, "boto3\npersonalize, runtime,\nevents, s3, iam, sts", "#fde9c9")
    box(
        ax,
        0.62,
        0.64,
        0.35,
        0.28,
        "AWS (default endpoints)\nAmazon Personalize, S3, IAM,\nSTS, CloudFormation, SSM",
        "#e3f3e0",
    )
    box(
        ax,
        0.62,
        0.08,
        0.35,
        0.28,
        "personalize-local (AWS_ENDPOINT_URL)\nPersonalize: 79 operations, real training\n"
        "+ moto: S3, IAM, STS, CFN, SSM",
        "#f3e0ef",
    )
    arrow(ax, (0.24, 0.5), (0.34, 0.5))
    arrow(ax, (0.5, 0.55), (0.62, 0.76), "on AWS")
    arrow(ax, (0.5, 0.45), (0.62, 0.24), "offline")
    return fig


def write(fig: Figure, path: Path, dpi: int) -> None:
    path.write_bytes(display.render_png(fig, dpi=dpi))
    print("wrote", path.relative_to(ROOT))


def main() -> None:
    for lang in FLOW_TEXT:
        write(display._drawn(personalize_flow, lang), STATIC / f"personalize-flow-{lang}.png", 110)
    write(architecture(), STATIC / "architecture.png", 110)


if __name__ == "__main__":
    matplotlib.use("Agg")
    main()
