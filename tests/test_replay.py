"""`python -m bot replay` end to end: every sample exact, bad lines reported, sheet written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.contract import compare, load_sample, sample_names

ROOT = Path(__file__).resolve().parents[1]


def run_replay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "replay", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", sample_names())
def test_sample_replays_exactly(name: str) -> None:
    transcript, expected = load_sample(name)
    done = run_replay(str(transcript))
    assert done.returncode == 0, done.stderr
    assert list(compare(expected, json.loads(done.stdout))) == []


def test_bad_lines_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    good = {"chat": "g1", "sender": "u1", "text": "#接龙 大米 45元/袋\n\n1. 3-101 张 1袋"}
    lines = ["{not json", json.dumps({"chat": "g1", "text": "no sender"}), json.dumps(good)]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_replay(str(path))
    assert done.returncode == 1
    assert ":1:" in done.stderr and ":2:" in done.stderr and "sender" in done.stderr
    orders = json.loads(done.stdout)["orders"]
    assert [(o["room"], o["items"][0]["qty"]) for o in orders] == [("101", 1)]


def test_output_is_utf8_json_never_escaped(tmp_path: Path) -> None:
    text = "#接龙 葡萄 35元/串\n\n1. 6-1-202 张 2串 <i>早上</i>送 =2*35元"
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"chat": "g", "sender": "u", "text": text}) + "\n", "utf-8")
    done = run_replay(str(path))
    assert "<i>早上</i>" in done.stdout and "\\u" not in done.stdout
    order = json.loads(done.stdout)["orders"][0]
    assert (order["name"], order["note"]) == ("张", "<i>早上</i>送 =2*35元")


def test_xlsx_sheet_is_written(tmp_path: Path) -> None:
    transcript, _ = load_sample("04-worker-paste-final-list") if sample_names() else (None, None)
    if transcript is None:
        pytest.skip("shared samples not present")
    out = tmp_path / "list.xlsx"
    done = run_replay(str(transcript), "--xlsx", str(out))
    assert done.returncode == 0, done.stderr
    ws = load_workbook(out)["接龙名单"]
    assert ws.max_row == 7 and ws.cell(row=5, column=7).value == "13900005678"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = run_replay(str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_an_image_line_is_read_as_the_same_text_pasted(tmp_path: Path) -> None:
    """A transcript line may carry "image" (relative to the transcript) instead of "text"."""
    from tests.picture_support import CHAIN, sheet_png

    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "list.png").write_bytes(sheet_png())
    as_text = tmp_path / "text.jsonl"
    as_text.write_text(json.dumps({"chat": "g1", "sender": "w", "text": CHAIN}) + "\n", "utf-8")
    as_image = tmp_path / "image.jsonl"
    lines = [
        {"chat": "g1", "sender": "w", "image": "pics/list.png"},
        {"chat": "g1", "sender": "w", "image": "pics/missing.png"},
        {"chat": "g1", "sender": "w", "image": 42},
    ]
    as_image.write_text("".join(json.dumps(ln) + "\n" for ln in lines), "utf-8")
    pasted, read = run_replay(str(as_text)), run_replay(str(as_image))
    assert read.returncode == 1
    assert ":2: skipped: cannot read image" in read.stderr and "missing.png" in read.stderr
    assert ":3: skipped: missing or non-text field: text (or image)" in read.stderr

    def fields(out: str) -> list[dict[str, object]]:
        keep = ("seq", "building", "unit", "room", "name", "items", "phone", "note", "status")
        return [{k: o[k] for k in keep} for o in json.loads(out)["orders"]]

    assert fields(read.stdout) == fields(pasted.stdout) and len(fields(read.stdout)) == 3
