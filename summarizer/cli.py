"""Command line: `summarizer add|docs|remove|ask|summarize|compare|rebuild` on a store or ad hoc documents."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path
from typing import Sequence

from index.errors import (DocumentNotFoundError, EmptyQuestionError, FeedError, IngestError, InputTooLargeError,
                          MissingPathError, StoreError)
from index.formats import FEED_SUFFIXES

from .collection import Collection
from .defaults import STORE_ENV, default_store_dir, open_collection
from .results import cited_text, document_label
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
                   help="earlier questions of the conversation, one a line: a follow-up (he, it, and ...?, what else) "
                        "is resolved against them")
    p = cmd("summarize", "write the merged, cited summary")
    p.add_argument("--words", type=int, default=150, help="word budget (default 150)")
    p.add_argument("--sentences", type=int, default=None, help="at most this many sentences")
    p.add_argument("--ratio", type=float, default=RATIO,
                   help=f"stop once the summary holds this share of its sources' words (default {RATIO}; 1: fill the "
                        "word budget)")
    p.add_argument("--method", default="default", choices=METHODS, help="summary method (default: default)")
    p.add_argument("--query", default=None, help="summarize only the documents most related to this text")
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
    results = _add_sources(col, paths, args, ray)
    added = [d for r in results for d in r.added]
    failed = [(url, reason) for r in results for url, reason in r.failed]
    for url, reason in failed:
        print(f"summarizer: skipped {reason if reason.startswith(url) else f'{url}: {reason}'}", file=sys.stderr)
    if failed and not added:
        raise FeedError(f"nothing added: all {len(failed)} linked articles failed")
    return [d.to_dict() for d in added], "\n".join(
        f"added {d.id}  ({d.sentence_count} sentences)  {document_label(d.title, d.outlet, d.date)}" for d in added)


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
    lines = [f"{d.id}\t{d.sentence_count} sentences\t{document_label(d.title, d.outlet, d.date)}" for d in docs]
    return [d.to_dict() for d in docs], "\n".join(lines) if docs else "no documents"


def _remove(col: Collection, args: argparse.Namespace):
    doc = col.remove(args.doc_id)
    return doc.to_dict(), f"removed {doc.id}"


def _rebuild(col: Collection, args: argparse.Namespace):
    n = col.rebuild()
    return {"vectors": n, "store": str(col.path)}, f"rebuilt the vector index of {col.path}: {n} vectors"


def _ask(col: Collection, args: argparse.Namespace):
    ans = col.ask(args.question, k=args.k, history=_history(args.history))
    text = cited_text(ans.sentences, numbered=True, markdown=False) if ans.sentences else ans.message
    return ans.to_dict(), f"Answering: {ans.understood_as}\n\n{text}" if ans.understood_as else text


def _history(path: str | None) -> list[str]:
    """The earlier questions in a ``--history`` file, one a line (blank lines skipped)."""
    if path is None:
        return []
    if not Path(path).is_file():
        raise MissingPathError(f"--history {path}: no such file")
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--history {path}: cannot read it as UTF-8 text ({exc})") from exc
    return [line.strip() for line in lines if line.strip()]


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
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif text:
        print(text)
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
