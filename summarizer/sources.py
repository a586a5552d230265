"""Where documents come from: a file's, an upload's or a link's text and metadata as a document to add; feeds."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index import Document, NewDocument
from index.errors import FeedError, IngestError
from index.feeds import MAX_FEED_ENTRIES, Feed, parse_feed
from index.fetch import FETCH_LIMITS, FetchLimits, Fetched, fetch
from index.formats import Extracted, detect_format, extract, new_document
from index.documents import read_file_bytes

__all__ = ["FeedResult", "new_document", "fetch_source", "read_feed", "add_entries", "is_url", "MAX_FEED_ENTRIES"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedResult:
    """What adding a feed (or a link) did: the documents added, and each link that failed with the reason."""

    source: str
    title: str | None = None  # the feed's own title; None for a single article
    added: list[Document] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, what went wrong)
    skipped: int = 0  # entries past the limit, not read

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "added": [d.to_dict() for d in self.added],
            "failed": [{"url": u, "error": e} for u, e in self.failed],
            "skipped": self.skipped,
        }


def is_url(value: str | Path) -> bool:
    """True for a string with a URL scheme (``https://``, ``file:``, ``ftp://``): it goes to the fetcher, which
    says which schemes it reads; anything else is a path."""
    if not isinstance(value, str) or ":" not in value or Path(value).exists():
        return False
    head = value.split(":", 1)[0]
    return head.isascii() and head.isalpha() and len(head) > 1


def fetch_source(url: str, *, allow_private: bool, limits: FetchLimits = FETCH_LIMITS) -> tuple[Fetched, Extracted | None]:
    """Fetch a link: the response, and its extracted article (None when it is a feed)."""
    got = fetch(url, allow_private=allow_private, limits=limits)
    if got.format == "feed":
        return got, None
    return got, extract(got.data, got.url, content_type=got.content_type, url=got.url)


def read_feed(source: str | Path, *, allow_private: bool, max_entries: int = MAX_FEED_ENTRIES,
              limits: FetchLimits = FETCH_LIMITS) -> Feed:
    """The feed at a URL or in a file."""
    if is_url(source):
        got = fetch(str(source), allow_private=allow_private, limits=limits)
        if got.format != "feed":
            raise FeedError(f"{source}: not an RSS or Atom feed (it holds {got.format})")
        return parse_feed(got.data, str(source), base_url=got.url, max_entries=max_entries)
    data = read_file_bytes(source)
    if detect_format(data, str(source)) != "feed":
        raise FeedError(f"{source}: not an RSS or Atom feed")
    return parse_feed(data, str(source), max_entries=max_entries)


def add_entries(
    feed: Feed, source: str, add: Callable[[NewDocument], Document], *, allow_private: bool,
    progress: Callable[[int, int], None] | None = None, limits: FetchLimits = FETCH_LIMITS,
) -> FeedResult:
    """Fetch and add every article a feed links to, one at a time; a link that fails is skipped and reported."""
    added: list[Document] = []
    failed: list[tuple[str, str]] = []
    total = len(feed.entries)
    for i, entry in enumerate(feed.entries):
        try:
            _, article = fetch_source(entry.url, allow_private=allow_private, limits=limits)
            if article is None:
                raise FeedError(f"{entry.url}: links to another feed, not to an article")
            added.append(add(new_document(article, path=None, title=entry.title or entry.url, entry=entry)))
        except IngestError as exc:
            logger.warning("skipped: %s", exc)
            failed.append((entry.url, str(exc)))
        if progress:
            progress(i + 1, total)
    return FeedResult(source, feed.title, added, failed, feed.skipped)
