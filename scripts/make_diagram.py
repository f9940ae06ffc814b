"""Draw static/architecture.png: notebooks → boto3 → AWS or personalize-local."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

OUT = Path(__file__).resolve().parents[1] / "static" / "architecture.png"


def box(ax, x, y, w, h, text, color):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=color, ec="black"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=10)


def arrow(ax, start, end, label=""):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15, lw=1.3))
    if label:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.03)
        ax.text(*mid, label, ha="center", fontsize=8, style="italic")


def main() -> None:
    fig = Figure(figsize=(9, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
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
    fig.savefig(OUT, dpi=110)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
