"""Command line: `summarizer add|docs|remove|ask|summarize|compare|rebuild` on a store or ad hoc documents."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from index.errors import (DocumentNotFoundError, EmptyQuestionError, FeedError, IngestError, InputTooLargeError,
                          MissingPathError, StoreError)
from index.formats import FEED_SUFFIXES

from . import sources
from .collection import Collection, already_stored
from .defaults import STORE_ENV, default_store_dir, open_collection
from .results import Answer, Citation, CitedSentence, cited_text, counted, document_label
from .sources import FeedResult, is_url
from .summary import METHODS, RATIO

__all__ = ["main", "build_parser"]

logger = logging.getLogger(__name__)

_EPILOG = f"""\
where documents come from:
  --store DIR      a persistent collection (default: ${STORE_ENV}, else {default_store_dir()});
                   the default store starts with the seed articles, any other new store starts empty
  --docs PATH...   ad hoc: these files/directories/links only, in memory, nothing saved

examples:
  summarizer ask "What did Baerbock ask?"
  summarizer summarize --words 100 --docs seeds/
  summarizer --store ./my-store add articles/*.txt page.html report.pdf
  summarizer --store ./my-store add https://example.org/story.html https://example.org/feed.rss
  summarizer --store ./my-store add --ray 10.0.0.5:6379 /shared/articles/
  summarizer ask "Who met Jaishankar?" --json
  summarizer ask "What did they speak about?" --history earlier-questions.txt
  summarizer ask "Who confirmed that the meeting took place?" --json > turn1.json
  summarizer ask "What did she tell CNN?" --history turn1.json
"""


def _common(p: argparse.ArgumentParser, suppress: bool) -> None:
    d = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    p.add_argument("--store", metavar="DIR", default=d(None), help="persistent collection directory")
    p.add_argument("--docs", metavar="PATH", nargs="+", default=d(None),
                   help="ad hoc documents (files, directories or links), in memory only")
    p.add_argument("--json", action="store_true", default=d(False), help="print the result's to_dict() as JSON")
    p.add_argument("-v", "--verbose", action="store_true", default=d(False), help="log progress to stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Merged, cited summaries and cited answers over several articles about one story.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        _common(p, suppress=True)
        return p

    p = cmd("add", "add files or directories (.txt, .md, .html, .pdf), links (http/https) and RSS/Atom feeds "
                   "(a URL or a .rss/.atom/.xml file) to the store")
    p.add_argument("paths", metavar="PATH_OR_URL", nargs="*")
    p.add_argument("--ray", metavar="ADDRESS", nargs="?", const=True, default=None,
                   help="read, split and embed files on a Ray cluster: ADDRESS (host:port, ray://..., auto), else "
                        "$RAY_ADDRESS, else a local Ray instance (pip install 'mdsum[ray]')")
    cmd("docs", "list the documents")
    p = cmd("remove", "remove a document by id")
    p.add_argument("doc_id", metavar="ID")
    p = cmd("ask", "answer a question with cited sentences")
    p.add_argument("question", metavar="QUESTION")
    p.add_argument("-k", type=int, default=3, help="at most this many answer points (default 3)")
    p.add_argument("--history", metavar="FILE", default=None,
                   help="the earlier turns of the conversation: a follow-up (he, it, and ...?, what else) is resolved "
                        "against them. A text file of questions, one a line, or JSON: the --json output of earlier "
                        "asks (one, several appended, or a list), questions, or {\"question\", \"answer\"} turns")
    p = cmd("summarize", "write the merged, cited summary")
    p.add_argument("--words", type=int, default=150, help="word budget (default 150)")
    p.add_argument("--sentences", type=int, default=None, help="at most this many sentences")
    p.add_argument("--ratio", type=float, default=RATIO,
                   help=f"stop once the summary holds this share of its sources' words (default {RATIO}; 1: fill the "
                        "word budget)")
    p.add_argument("--method", default="default", choices=METHODS, help="summary method (default: default)")
    p.add_argument("--query", default=None,
                   help="summarize only the documents most related to this text, favouring their sentences about it")
    cmd("rebuild", "rebuild the vector index from the stored embeddings (after damage or a crash)")
    p = cmd("compare", "compare the sources: shared and unique facts, rewrites, differing words")
    p.add_argument("--query", default=None, help="compare only the documents most related to this text")
    from .service.cli import add_serve_parser  # `summarizer serve`: the HTTP service (issue 12)

    add_serve_parser(sub)
    return parser


def _open(args: argparse.Namespace) -> Collection:
    if args.docs and args.store:
        raise _UsageError("give either --store or --docs, not both")
    if args.docs:
        if args.command in ("add", "remove", "rebuild"):
            raise _UsageError(f"'{args.command}' changes a store: use --store DIR, not --docs")
        col = Collection()
        files = [d for d in args.docs if not is_url(d)]
        if files:
            col.add_files(files, progress=_progress(args))
        for url in (d for d in args.docs if is_url(d)):
            col.add_link(url, progress=_progress(args, "fetching"))
        return col
    return open_collection(args.store)


class _UsageError(Exception):
    pass


def _progress(args: argparse.Namespace, desc: str = "indexing"):
    if args.json or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="", file=sys.stderr, leave=False)
        bar["bar"].n = done
        bar["bar"].refresh()
        if done >= total:
            bar.pop("bar").close()

    return update


_RAY_ADDRESS = re.compile(r"auto|local|\w+://.*|[\w.-]+:\d+")


def _add(col: Collection, args: argparse.Namespace):
    """`add`: files and directories in one go (one bad file adds nothing), then each link and feed.

    A feed's links that fail are skipped and reported on stderr; when nothing at all was added, FeedError
    (exit code 1). With ``--ray``, files and directories are read, split and embedded on a Ray cluster.
    """
    paths, ray = _add_paths(args)
    before = {d.id for d in col.documents}
    with _quiet(sources.logger):  # the feed reader's "skipped" warnings: reported below, once
        results = _add_sources(col, paths, args, ray)
    docs = [d for r in results for d in r.added]
    failed = [(url, reason) for r in results for url, reason in r.failed]
    for url, reason in failed:
        print(f"summarizer: skipped {reason if reason.startswith(url) else f'{url}: {reason}'}", file=sys.stderr)
    if failed and not docs:
        raise FeedError(f"nothing added: all {len(failed)} linked articles failed")
    stored = already_stored(docs, before)  # one entry per document found, a copy's too
    return ([{**d.to_dict(), "already_stored": s} for d, s in zip(docs, stored)],
            "\n".join(_added_line(d, s) for d, s in zip(docs, stored)))


def _added_line(doc, stored: bool) -> str:
    """`added ID  (N sentences)  label`, or `already stored: ID ...` for a text the store held before."""
    head = f"already stored: {doc.id}" if stored else f"added {doc.id}"
    return f"{head}  ({counted(doc.sentence_count, 'sentence')})  {document_label(doc.title, doc.outlet, doc.date)}"


@contextmanager
def _quiet(log: logging.Logger) -> Iterator[None]:
    """Within this block, ``log`` passes on errors only (what it would warn of is reported otherwise)."""

    def errors_only(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR

    log.addFilter(errors_only)
    try:
        yield
    finally:
        log.removeFilter(errors_only)


def _add_paths(args: argparse.Namespace) -> tuple[list[str], str | bool | None]:
    """The paths and links to add, and the Ray address (``True``: find one), checked against each other."""
    paths, ray = list(args.paths), args.ray
    if isinstance(ray, str) and not _RAY_ADDRESS.fullmatch(ray):  # `add --ray DIR`: DIR is a path, not an address
        paths, ray = [ray, *paths], True
    if not paths:
        raise _UsageError("add needs at least one PATH or URL")
    if ray and any(is_url(a) for a in paths):
        raise _UsageError("--ray reads files and directories; add links without --ray")
    return paths, ray


def _add_sources(col: Collection, paths: list[str], args: argparse.Namespace, ray) -> list[FeedResult]:
    links = [a for a in paths if is_url(a)]
    feeds = [a for a in paths if a not in links and Path(a).suffix.lower() in FEED_SUFFIXES]
    files = [a for a in paths if a not in links and a not in feeds]
    results: list[FeedResult] = []
    if files:
        results.append(FeedResult(", ".join(files), None, col.add_files(files, progress=_progress(args), ray=ray)))
    for url in links:
        results.append(col.add_link(url, progress=_progress(args, "fetching")))
    for feed in feeds:
        results.append(col.add_feed(feed, progress=_progress(args, "fetching")))
    return results


def _docs(col: Collection, args: argparse.Namespace):
    docs = col.documents
    lines = [f"{d.id}\t{counted(d.sentence_count, 'sentence')}\t{document_label(d.title, d.outlet, d.date)}"
             for d in docs]
    return [d.to_dict() for d in docs], "\n".join(lines) if docs else "no documents"


def _remove(col: Collection, args: argparse.Namespace):
    doc = col.remove(args.doc_id)
    return doc.to_dict(), f"removed {doc.id}"


def _rebuild(col: Collection, args: argparse.Namespace):
    n = col.rebuild()
    return {"vectors": n, "store": str(col.path)}, f"rebuilt the vector index of {col.path}: {n} vectors"


def _ask(col: Collection, args: argparse.Namespace):
    ans = col.ask(args.question, k=args.k, history=_history(args.history))
    parts = [ans.message] if ans.message else []  # no answer, or a note on the answer
    if ans.sentences:
        parts.append(cited_text(ans.sentences, numbered=True, markdown=False))
    text = "\n\n".join(parts)
    return ans.to_dict(), f"Answering: {ans.understood_as}\n\n{text}" if ans.understood_as else text


def _history(path: str | None) -> list[str | tuple[str, Answer | None]]:
    """The earlier turns in a ``--history`` file: questions one a line (blank lines skipped), or JSON (see
    :func:`_json_turns`) when the file starts with ``{`` or ``[``."""
    if path is None:
        return []
    if not Path(path).is_file():
        raise MissingPathError(f"--history {path}: no such file")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--history {path}: cannot read it as UTF-8 text ({exc})") from exc
    if text.lstrip()[:1] in ("{", "["):
        return _json_turns(text, f"--history {path}")
    return [line.strip() for line in text.splitlines() if line.strip()]


_SPACE = re.compile(r"\s*")


def _json_turns(text: str, name: str) -> list[str | tuple[str, Answer | None]]:
    """The turns of a JSON history, oldest first: one or more JSON values one after the other (``ask --json``
    outputs appended to one file), each a turn or a list of turns. A turn is a question string, an answer as
    ``ask --json`` prints it (``Answer.to_dict()``) or ``{"question", "answer"}`` (the answer may be null)."""
    decoder = json.JSONDecoder()
    turns: list = []
    at = _SPACE.match(text).end()
    while at < len(text):
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name}: not valid JSON ({exc})") from None
        turns.extend(value if isinstance(value, list) else [value])
        at = _SPACE.match(text, end).end()
    return [_json_turn(t, f"{name}: turn {i}") for i, t in enumerate(turns)]


def _json_turn(turn: object, name: str) -> str | tuple[str, Answer | None]:
    """One turn of a JSON history (see :func:`_json_turns`)."""
    if isinstance(turn, str):
        return turn
    if not isinstance(turn, dict) or not isinstance(turn.get("question"), str):
        raise ValueError(f"{name}: expected a question string or an object with a \"question\" string")
    if "sentences" in turn:  # an answer, as `ask --json` prints it
        return turn["question"], _answer_of(turn, name)
    answer = turn.get("answer")
    return turn["question"], None if answer is None else _answer_of(answer, name)


def _answer_of(data: object, name: str) -> Answer:
    """An :class:`Answer` from its ``to_dict()``: what a follow-up needs of it (the points and their citations)."""
    try:
        points = [CitedSentence(p["text"], tuple(Citation(**c) for c in p["citations"]), float(p.get("score", 0)))
                  for p in data["sentences"] if p["citations"]]
        return Answer(str(data["question"]), points, str(data.get("message", "")),
                      str(data.get("resolved_question", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{name}: not an answer as `summarizer ask --json` prints it ({exc!r})") from None


def _summarize(col: Collection, args: argparse.Namespace):
    summ = col.summarize(max_words=args.words, max_sentences=args.sentences, method=args.method, query=args.query,
                         ratio=args.ratio)
    parts = [summ.message] if summ.message else []
    if summ.sentences:
        parts.append(cited_text(summ.sentences, numbered=False, markdown=False))
    return summ.to_dict(), "\n\n".join(p.rstrip("\n") for p in parts)


def _compare(col: Collection, args: argparse.Namespace):
    comparison = col.compare(query=args.query)
    return comparison.to_dict(), comparison.to_text().rstrip("\n")


# command -> handler(collection, args) -> (what --json prints, what a person reads)
_HANDLERS = {"add": _add, "docs": _docs, "remove": _remove, "rebuild": _rebuild, "ask": _ask,
             "summarize": _summarize, "compare": _compare}


def _run(args: argparse.Namespace) -> int:
    col = _open(args)
    try:
        data, text = _HANDLERS[args.command](col, args)
    finally:
        col.close()
    if args.json:
        return _write(json.dumps(data, ensure_ascii=False, indent=2))
    return _write(text) if text else 0


SIGPIPE_EXIT = 141  # 128 + SIGPIPE: how a shell reports a program whose reader went away (`... | head -1`)


def _write(text: str) -> int:
    """Print ``text``; when the reader of stdout has gone (a pipe into ``head``), stop quietly with SIGPIPE_EXIT."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # stdout to /dev/null, so that the interpreter's last flush at exit does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return SIGPIPE_EXIT
    return 0


_COMMANDS = tuple(_HANDLERS)


def _docs_last(argv: list[str]) -> list[str]:
    """Move a ``--docs PATH...`` given before the command behind it, so its paths stop at the command."""
    if "--docs" not in argv:
        return argv
    i = argv.index("--docs")
    j = next((n for n in range(i + 1, len(argv)) if argv[n] in _COMMANDS or argv[n].startswith("-")), len(argv))
    if j == len(argv) or argv[j] not in _COMMANDS:
        return argv
    return argv[:i] + argv[j:] + argv[i:j]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_docs_last(list(sys.argv[1:] if argv is None else argv)))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return args.run(args)
    try:
        return _run(args)
    except _UsageError as exc:
        parser.error(str(exc))
    except (IngestError, DocumentNotFoundError, EmptyQuestionError, InputTooLargeError, StoreError, ValueError,
            ImportError) as exc:  # ImportError: an optional extra (Ray) is missing; the message says what to install
        print(f"summarizer: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("summarizer: interrupted; the store keeps its last complete state", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
