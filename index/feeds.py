"""RSS and Atom feeds (feedparser): the article links they hold, with each entry's title, date and author."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .errors import FeedError

__all__ = ["Feed", "FeedEntry", "parse_feed", "MAX_FEED_ENTRIES"]

logger = logging.getLogger(__name__)

MAX_FEED_ENTRIES = 100  # a feed's first this many article links are read; news feeds carry 10-50


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the article's link and what the feed says about it."""

    url: str
    title: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its entries with http(s) links, in feed order, without repeats."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    skipped: int = 0  # entries past ``max_entries``


def parse_feed(data: bytes, name: str, *, base_url: str | None = None, max_entries: int = MAX_FEED_ENTRIES) -> Feed:
    """The entries of an RSS or Atom feed's bytes. Relative links resolve against ``base_url`` (the feed's URL).

    Raises FeedError when the bytes are not a feed or the feed links to no http(s) article.
    """
    import feedparser

    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"feed data must be bytes, not {type(data).__name__}")  # a str would be fetched as a URL
    parsed = feedparser.parse(bytes(data), response_headers={"content-location": base_url} if base_url else None)
    version = parsed.get("version") or ""
    if not parsed.entries and (parsed.get("bozo") or not version):
        reason = parsed.get("bozo_exception")
        raise FeedError(f"{name}: not a readable RSS or Atom feed" + (f" ({reason})" if reason else ""))
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _link(entry, base_url)
        if link is None or link in seen:
            continue
        seen.add(link)
        entries.append(FeedEntry(link, _text(entry.get("title")), _date(entry), _text(entry.get("author"))))
    if not entries:
        raise FeedError(f"{name}: the feed has {len(parsed.entries)} entries but no http(s) article link")
    title = _text(parsed.feed.get("title")) if parsed.get("feed") else None
    return Feed(title, tuple(entries[:max_entries]), max(0, len(entries) - max_entries))


def _link(entry, base_url: str | None) -> str | None:
    candidates = [entry.get("link")]
    candidates += [li.get("href") for li in entry.get("links", []) if li.get("rel", "alternate") == "alternate"]
    for raw in candidates:
        if not raw:
            continue
        url = urljoin(base_url, raw.strip()) if base_url else raw.strip()
        if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).hostname:
            return url
    return None


def _text(value) -> str | None:
    if not value or not isinstance(value, str):
        return None
    return " ".join(value.split())[:300] or None


def _date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return None
