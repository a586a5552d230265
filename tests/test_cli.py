"""The command line: --json prints exactly to_dict(), human output cites, bad input exits non-zero."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from summarizer import Collection
from summarizer.cli import main

from .conftest import ROOT, SEEDS


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_STORE", str(tmp_path / "default-store"))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_is_exactly_to_dict(capsys, embedder):
    code, out, _ = run(capsys, "ask", "What did Baerbock ask?", "--json", "--docs", str(SEEDS))
    assert code == 0
    col = Collection(embedder=embedder)
    col.add_files([SEEDS])
    assert json.loads(out) == col.ask("What did Baerbock ask?").to_dict()


def test_summarize_json_is_exactly_to_dict(capsys, embedder):
    code, out, _ = run(capsys, "--docs", str(SEEDS), "summarize", "--words", "80", "--json")
    assert code == 0
    col = Collection(embedder=embedder)
    col.add_files([SEEDS])
    got = json.loads(out)
    assert got == col.summarize(max_words=80).to_dict()
    assert got["word_count"] <= 80
    for s in got["sentences"]:
        for c in s["citations"]:
            assert col.document(c["doc_id"]).text[c["start"] : c["end"]] == c["text"]


def test_human_output_numbers_citations(capsys):
    code, out, _ = run(capsys, "ask", "What did Baerbock ask?", "--docs", str(SEEDS))
    assert code == 0
    assert out.startswith("1. ") and "[1]" in out
    assert "Sources:" in out and "  [1] " in out and "characters" in out


def test_store_add_docs_remove(capsys, tmp_path):
    store = str(tmp_path / "s")
    code, out, _ = run(capsys, "--store", store, "docs", "--json")
    seeded = json.loads(out)
    assert code == 0 and len(seeded) == 3  # a new store starts with the seeds
    extra = tmp_path / "extra.md"
    extra.write_text("# Talks\n\nThe ministers met in Geneva on Monday. They agreed to meet again.\n")
    code, out, _ = run(capsys, "--store", store, "add", str(extra), "--json")
    added = json.loads(out)
    assert code == 0 and added[0]["id"] == "extra" and added[0]["sentence_count"] == 3
    code, out, _ = run(capsys, "--store", store, "docs")
    assert "extra" in out and len(out.strip().splitlines()) == 4
    code, out, _ = run(capsys, "--store", store, "remove", "extra")
    assert code == 0 and "removed extra" in out
    code, out, _ = run(capsys, "--store", store, "docs", "--json")
    assert [d["id"] for d in json.loads(out)] == [d["id"] for d in seeded]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["ask", "", "--docs", str(SEEDS)], "empty question"),
        (["ask", "x", "--docs", "/no/such/path"], "no such file"),
        (["remove", "nope"], "unknown document id"),
        (["summarize", "--words", "0", "--docs", str(SEEDS)], "max_words"),
    ],
)
def test_bad_input_exits_non_zero_with_message(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert words in err and "Traceback" not in err


def test_store_and_docs_together_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["--store", str(tmp_path), "ask", "x", "--docs", str(SEEDS)])
    assert info.value.code == 2


def test_python_m_summarizer_subprocess(tmp_path):
    env = {**os.environ, "SUMMARIZER_STORE": str(tmp_path / "store")}
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", "ask", "What did Baerbock ask?", "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["question"] == "What did Baerbock ask?" and data["sentences"]
    bad = subprocess.run([sys.executable, "-m", "summarizer", "remove", "nope"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=300)
    assert bad.returncode == 1 and "unknown document id" in bad.stderr


def test_rebuild_restores_a_damaged_vector_index(capsys, tmp_path):
    store = tmp_path / "s"
    code, before, _ = run(capsys, "--store", str(store), "ask", "What did Baerbock ask?", "--json")
    assert code == 0
    (store / "vectors.faiss").write_bytes(b"\x00" * 64)
    code, out, _ = run(capsys, "--store", str(store), "rebuild", "--json")
    assert code == 0 and json.loads(out)["vectors"] > 50
    code, after, _ = run(capsys, "--store", str(store), "ask", "What did Baerbock ask?", "--json")
    assert json.loads(after) == json.loads(before)


def test_summarize_and_compare_with_query_say_what_they_cover(capsys):
    code, out, _ = run(capsys, "summarize", "--query", "Jaishankar meeting", "--json", "--docs", str(SEEDS))
    data = json.loads(out)
    assert code == 0 and "most related to 'Jaishankar meeting'" in data["message"]
    assert any(d.startswith("003") for d in data["doc_ids"]) and len(data["doc_ids"]) < 3
    code, out, _ = run(capsys, "compare", "--query", "Jaishankar meeting", "--docs", str(SEEDS))
    assert code == 0 and "most related to 'Jaishankar meeting'" in out


@pytest.mark.parametrize("ray_args", [["--ray"], ["--ray", "127.0.0.1:6379"]])
def test_add_with_ray_names_the_extra_when_ray_is_missing(capsys, tmp_path, monkeypatch, ray_args):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    store = str(tmp_path / "s")
    code, out, err = run(capsys, "--store", store, "add", *ray_args, str(SEEDS))  # `--ray DIR`: DIR is a path
    assert code == 1 and "pip install 'mdsum[ray]'" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as info:
        main(["--store", store, "add", "--ray", "127.0.0.1:6379"])  # an address and no path
    assert info.value.code == 2
