"""The command line: --json prints exactly to_dict(), human output cites, bad input exits non-zero."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer import CitationNumbers, Collection
from summarizer.cli import main

from .conftest import ROOT, SEEDS
from .test_formats import PROSE, page, pdf_bytes
from .test_sources import GUARDIAN


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


def test_summarize_ratio_flag_is_the_api_ratio(capsys, seeds):
    outs = {}
    for ratio in ("0.1", "1"):
        code, out, _ = run(capsys, "--docs", str(SEEDS), "summarize", "--words", "400", "--ratio", ratio, "--json")
        assert code == 0
        outs[ratio] = json.loads(out)
        assert outs[ratio] == seeds.summarize(max_words=400, ratio=float(ratio)).to_dict()
    assert outs["0.1"]["word_count"] < outs["1"]["word_count"] <= 400


def test_human_summary_notes_where_sources_differ(capsys, seeds):
    code, out, _ = run(capsys, "--docs", str(SEEDS), "summarize", "--words", "150")
    assert code == 0
    expected = seeds.summarize(max_words=150)
    nums = CitationNumbers(expected.sentences)
    notes = [nums.difference_note(s) for s in expected.sentences if s.differences]
    assert notes, "the seeds' 150-word summary has a fact whose sources differ on a name or number"
    for note in notes:  # under its sentence, naming each differing source by its citation number
        assert f"({note})" in out and note.startswith("Sources differ: [")


def test_human_output_numbers_citations(capsys):
    code, out, _ = run(capsys, "ask", "What did Baerbock ask?", "--docs", str(SEEDS))
    assert code == 0
    assert out.startswith("1. ") and "[1]" in out
    assert "Sources:" in out and "  [1] " in out and "characters" in out


def test_ask_prints_the_note_on_an_answer_before_it(capsys, seeds):
    code, out, _ = run(capsys, "ask", "What did Jaishankar say?", "--docs", str(SEEDS))
    note = seeds.ask("What did Jaishankar say?").message
    assert code == 0 and note and out.startswith(f"{note}\n\n1. ")


def test_ask_with_a_history_file_says_how_it_understood_the_question(capsys, tmp_path, seeds):
    history = tmp_path / "earlier.txt"
    history.write_text("What did Blinken say in his speech that Russia must do?\n\n", encoding="utf-8")
    code, out, _ = run(capsys, "ask", "Who supported him?", "--history", str(history), "--docs", str(SEEDS))
    expected = seeds.ask("Who supported him?", history=["What did Blinken say in his speech that Russia must do?"])
    assert code == 0 and expected.understood_as
    assert out.startswith(f"Answering: {expected.understood_as}\n")
    assert expected.sentences[0].text in out
    code, out, _ = run(capsys, "ask", "Who supported him?", "--docs", str(SEEDS))  # no history: as asked
    assert code == 0 and "Answering:" not in out
    code, out, err = run(capsys, "ask", "Who?", "--history", str(tmp_path / "missing.txt"), "--docs", str(SEEDS))
    assert code == 1 and "--history" in err and "missing.txt" in err


def test_a_history_file_of_earlier_answers_resolves_she(capsys, tmp_path, seeds):
    """docs/chat.md's example through --history: the earlier answer (ask --json) names who "she" is."""
    first_q, follow_q = "Who confirmed that the meeting took place?", "What did she tell CNN?"
    first = seeds.ask(first_q)
    expected = seeds.ask(follow_q, history=[(first_q, first)])
    assert expected.resolved_question == "What did Maria Zakharova tell CNN?"
    turns = tmp_path / "turns.json"
    code, out, _ = run(capsys, "ask", first_q, "--json", "--docs", str(SEEDS))
    turns.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "ask", follow_q, "--history", str(turns), "--docs", str(SEEDS))
    assert code == 0 and out.startswith("Answering: What did Maria Zakharova tell CNN?\n")
    code, out, _ = run(capsys, "ask", follow_q, "--history", str(turns), "--docs", str(SEEDS), "--json")
    assert json.loads(out) == expected.to_dict()
    with turns.open("a", encoding="utf-8") as f:  # `ask --json >> turns.json` keeps the whole conversation
        f.write(out)
    code, out, _ = run(capsys, "ask", "What else did she say?", "--history", str(turns), "--docs", str(SEEDS), "--json")
    conversation = [(first_q, first), (follow_q, expected)]
    assert code == 0 and json.loads(out) == seeds.ask("What else did she say?", history=conversation).to_dict()
    pairs = tmp_path / "pairs.json"  # the HTTP service's history turns: {"question", "answer"}, or a question alone
    pairs.write_text(json.dumps(["What did Baerbock ask?", {"question": first_q, "answer": first.to_dict()}]))
    code, out, _ = run(capsys, "ask", follow_q, "--history", str(pairs), "--docs", str(SEEDS), "--json")
    assert code == 0 and json.loads(out) == seeds.ask(follow_q, history=["What did Baerbock ask?",
                                                                         (first_q, first)]).to_dict()
    (tmp_path / "bad.json").write_text('[{"question": "Who?", "answer": {"sentences": 3}}]')
    code, _, err = run(capsys, "ask", follow_q, "--history", str(tmp_path / "bad.json"), "--docs", str(SEEDS))
    assert code == 1 and "bad.json: turn 0" in err and "Traceback" not in err


def test_only_the_default_store_starts_with_the_seeds(capsys, tmp_path):
    code, out, _ = run(capsys, "docs", "--json")  # $SUMMARIZER_STORE: the default store, a demo
    assert code == 0 and sorted(Path(d["path"]).name for d in json.loads(out)) == sorted(p.name for p in SEEDS.glob("*.txt"))
    code, out, _ = run(capsys, "--store", str(tmp_path / "mine"), "docs")
    assert code == 0 and out.strip() == "no documents"


def test_store_add_docs_remove(capsys, tmp_path, seed_paths):
    store = str(tmp_path / "s")
    code, out, _ = run(capsys, "--store", store, "add", *map(str, seed_paths), "--json")
    seeded = json.loads(out)
    assert code == 0 and len(seeded) == 3
    extra = tmp_path / "extra.md"
    extra.write_text("# Talks\n\nThe ministers met in Geneva on Monday. They agreed to meet again.\n")
    code, out, _ = run(capsys, "--store", store, "add", str(extra), "--json")
    added = json.loads(out)
    assert code == 0 and added[0]["id"] == "extra" and added[0]["sentence_count"] == 3
    assert added[0]["title"] == "Talks"
    code, out, _ = run(capsys, "--store", store, "docs")
    lines = out.strip().splitlines()
    assert len(lines) == 4 and any(line.startswith("extra\t") and line.endswith("\tTalks") for line in lines)
    for d in seeded:  # titles, outlets and dates, never the file hash alone
        assert any(line.endswith(" · ".join(p for p in (d["outlet"], d["date"], d["title"]) if p)) for line in lines)
    assert "Hot News · US Secretary of State Anthony Blinken" in out
    code, out, _ = run(capsys, "--store", store, "remove", "extra")
    assert code == 0 and "removed extra" in out
    code, out, _ = run(capsys, "--store", store, "docs", "--json")
    assert [d["id"] for d in json.loads(out)] == [d["id"] for d in seeded]


def test_add_web_page_pdf_link_and_feed(capsys, tmp_path, site):
    store = str(tmp_path / "s")
    (tmp_path / "g.html").write_bytes(GUARDIAN)
    (tmp_path / "report.pdf").write_bytes(pdf_bytes([PROSE * 3]))
    code, out, err = run(capsys, "--store", store, "add", str(tmp_path / "g.html"), str(tmp_path / "report.pdf"))
    assert code == 0 and "The Guardian · 2023-03-02 · Blinken and Lavrov meet" in out, err
    code, out, err = run(capsys, "--store", store, "add", f"{site}/article.html")
    assert code == 0 and "Local News" in out and "Talks resume in Geneva" in out
    code, out, err = run(capsys, "--store", store, "add", f"{site}/feed.xml", "--json")
    data = json.loads(out)
    assert code == 0 and [d["url"] for d in data] == [f"{site}/article.html", f"{site}/doc"]
    assert f"skipped {site}/missing: the server answered 404" in err and f"skipped {site}/nav.html" in err
    code, out, _ = run(capsys, "--store", store, "ask", "How long did Blinken and Lavrov speak?")
    assert code == 0 and "The Guardian · 2023-03-02 · Blinken and Lavrov meet, sentence" in out


def test_add_reports_texts_already_stored(capsys, tmp_path, seed_paths):
    store = str(tmp_path / "s")
    assert run(capsys, "--store", store, "add", str(seed_paths[0]))[0] == 0
    first = seed_paths[0].stem
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed_paths[0].read_bytes())
    code, out, _ = run(capsys, "--store", store, "add", str(copy), str(seed_paths[1]))
    assert code == 0 and out.startswith(f"already stored: {first}  (") and f"added {first}" not in out
    assert f"added {seed_paths[1].stem}  (" in out
    code, out, _ = run(capsys, "--store", store, "add", str(seed_paths[2]), str(seed_paths[0]), "--json")
    assert [(d["id"], d["already_stored"]) for d in json.loads(out)] == [(seed_paths[2].stem, False), (first, True)]
    code, out, _ = run(capsys, "--store", store, "docs", "--json")
    assert sorted(d["id"] for d in json.loads(out)) == sorted(p.stem for p in seed_paths)


def test_a_skipped_feed_link_is_reported_once(tmp_path, site):
    env = {**os.environ, "SUMMARIZER_STORE": str(tmp_path / "store")}
    argv = [sys.executable, "-m", "summarizer", "--store", str(tmp_path / "s"), "add", f"{site}/feed.xml"]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count(f"{site}/missing") == 1 and proc.stderr.count(f"{site}/nav.html") == 1, proc.stderr
    assert f"summarizer: skipped {site}/missing: the server answered 404" in proc.stderr


def test_piping_into_head_ends_quietly(capsys, tmp_path):
    """`summarizer --store S compare | head -1`: the reader goes away; no BrokenPipeError traceback."""
    store = str(tmp_path / "s")
    assert run(capsys, "--store", store, "add", str(SEEDS))[0] == 0
    for argv in (["compare"], ["docs", "--json"]):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before anything is written, as `head` is after its first line
        try:
            proc = subprocess.run([sys.executable, "-m", "summarizer", "--store", store, *argv], stdout=write,
                                  stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=300)
        finally:
            os.close(write)
        assert proc.returncode == 141 and proc.stderr == "", (argv, proc.stderr)


def test_ad_hoc_docs_take_links(capsys, site):
    code, out, err = run(capsys, "ask", "When will the delegates continue the talks?", "--docs", f"{site}/article.html")
    assert code == 0, err
    assert "[1] Local News · Talks resume in Geneva, sentence" in out


@pytest.mark.parametrize(
    "target, words",
    [
        ("ftp://example.org/a.txt", "unsupported URL scheme (ftp:)"),
        ("file:///etc/passwd", "unsupported URL scheme (file:)"),
        ("{site}/missing", "the server answered 404"),
        ("{site}/nav.html", "no article text"),
        ("{site}/login", "login or subscription wall"),
        ("{tmp}/locked.pdf", "PDF is encrypted"),
        ("{tmp}/broken.pdf", "damaged PDF"),
        ("{tmp}/nav.html", "no article text"),
    ],
)
def test_bad_sources_exit_1_and_store_nothing(capsys, tmp_path, site, target, words):
    (tmp_path / "locked.pdf").write_bytes(pdf_bytes([PROSE], owner_password="o", user_password="u"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot a pdf")
    (tmp_path / "nav.html").write_bytes(page("<nav>" + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(30)) + "</nav>"))
    store = str(tmp_path / "s")
    code, out, err = run(capsys, "--store", store, "add", target.format(site=site, tmp=tmp_path))
    assert code == 1 and "summarizer: error: " in err and words in err and "Traceback" not in err
    code, out, _ = run(capsys, "--store", store, "docs", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    "argv, words",
    [
        (["ask", "", "--docs", str(SEEDS)], "empty question"),
        (["ask", "x", "--docs", "/no/such/path"], "no such file"),
        (["remove", "nope"], "unknown document id"),
        (["summarize", "--words", "0", "--docs", str(SEEDS)], "max_words"),
        (["summarize", "--ratio", "0", "--docs", str(SEEDS)], "ratio"),
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
    assert run(capsys, "--store", str(store), "add", str(SEEDS))[0] == 0
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
    assert "favours the sentences closest to" in data["message"]
    assert any("Jaishankar" in s["text"] for s in data["sentences"])  # the summary is about what was asked
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
