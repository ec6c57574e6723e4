"""What the hostile-input sweep shares: every route the URL resolver knows, a snapshot
of every row in the database, the hostile values, and the check that an answer is a
readable refusal.

The sweep (``test_input_sweep.py`` for the pages and the API, ``test_admin_sweep.py``
for the admin) sends each write route a valid baseline with one kind of field made
hostile at a time, so a refusal is caused by that field and not by something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

MB = 1024 * 1024

HUGE_TEXT = "x" * (MB + 1)
HUGE_INTS = (2**63, 10**30)
LONG_ID = "9" * 400
NOT_UTF_8 = b"\xff\xfe\xc3(\xa0\xa1"
NUL = "a\x00b"
FOREIGN_CHARSETS = ("zlib_codec", "utf-16", "latin-1")
QUERY_NOT_UTF_8 = "?q=%FF%FE&page=%C3%28&document=%FF"


# --- Routes -----------------------------------------------------------------------------


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def all_routes() -> list[str]:
    """Every route of config.urls (admin and API included), as the resolver spells it."""
    return list(_walk(get_resolver().url_patterns))


# --- The database -----------------------------------------------------------------------

VOLATILE = {
    # A session holds the messages the next page shows; it is not the app's data.
    "sessions.Session",
    # The log-in lock-out's own records of failed log-ins: writing them is its job.
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
}
VOLATILE_FIELDS = {
    "accounts.User": {"last_login"},
    "accounts.DeviceToken": {"expiry"},
}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model (but sessions), field by field, ordered by key: compare
    two to prove that a request wrote nothing at all, not even one field."""
    rows: dict[str, list[tuple]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in VOLATILE:
            continue
        skip = VOLATILE_FIELDS.get(label, set())
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        rows[label] = list(model._base_manager.order_by("pk").values_list(*names))
    return rows


def changes(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    """The models whose rows differ, for an assertion message."""
    return [label for label in before if before[label] != after[label]]


# --- Answers ----------------------------------------------------------------------------

_HTML_MESSAGE = re.compile(r'role="alert"|class="errorlist|class="errornote|class="[^"]*error')


def readable_refusal(response: HttpResponse) -> str | None:
    """Why ``response`` is not a 4xx that tells the user what was wrong (None if it is)."""
    status = response.status_code
    if not 400 <= status < 500:
        return f"answered {status}"
    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if isinstance(data, dict) and "detail" not in data and data:
            # DRF's own shape for a serializer's errors: each field with its messages.
            named = all(isinstance(v, list) and v and all(map(str, v)) for v in data.values())
            return None if named else f"a JSON {status} without messages: {body[:300]}"
        if not (isinstance(data, dict) and str(data.get("detail", "")).strip()):
            return f"a JSON {status} without a detail: {body[:300]}"
        for item in data.get("errors", []):
            if not str(item.get("message", "")).strip():
                return f"an error without a message: {item}"
        return None
    if status == 405:
        return None if response.get("Allow") else "a 405 without an Allow header"
    if content_type.startswith("text/html") and _HTML_MESSAGE.search(body):
        return None
    text = re.sub(r"<[^>]+>", " ", body).strip()
    if content_type.startswith("text/plain") or status in (404, 413):
        return None if text else f"an empty {status}"
    if status == 400 and "Bad Request" in text:
        return None  # Django's own refusal of a body too large or with too many fields
    return f"a {status} that shows no error message: {text[:300]!r}"


# --- Cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One hostile request: a form post (``data``), or raw bytes with a content type."""

    name: str
    data: dict | None = None
    body: bytes | None = None
    content_type: str | None = None
    query: str = ""
    extra: dict = field(default_factory=dict)


def form_variants(baseline: dict[str, object], kinds: dict[str, str]) -> list[Variant]:
    """The hostile versions of a form post. ``kinds`` names each field's kind: ``text``,
    ``int`` (a number or an id), ``uuid``, ``datetime``, ``bool``, ``choice``, ``list``
    or ``json`` (text holding JSON)."""

    def with_kinds(wanted: set[str], value: object) -> dict[str, object]:
        return {**baseline, **{name: value for name, kind in kinds.items() if kind in wanted}}

    texts = {"text"}
    numbers = {"int"}
    # Not "bool": any value ticks a checkbox, as in a browser.
    typed = {"int", "uuid", "datetime", "choice"}
    variants = [
        Variant("no-body", data={}),
        Variant("all-blank", data={name: "" for name in {**baseline, **kinds}}),
        Variant("query-not-utf-8", data={name: "" for name in kinds}, query=QUERY_NOT_UTF_8),
        Variant(
            "form-as-json", body=json.dumps(baseline).encode(), content_type="application/json"
        ),
    ]
    if set(kinds.values()) & texts:
        variants += [
            Variant("huge-text", data=with_kinds(texts, HUGE_TEXT)),
            Variant("nul-bytes", data=with_kinds(texts, NUL)),
            Variant(
                "not-utf-8",
                body=_urlencoded_raw(baseline, {n for n, k in kinds.items() if k in texts}),
                content_type="application/x-www-form-urlencoded",
            ),
        ]
    if "json" in kinds.values():
        variants += [
            Variant("json-huge", data=with_kinds({"json"}, json.dumps([HUGE_TEXT]))),
            Variant("json-nul", data=with_kinds({"json"}, json.dumps([NUL]))),
            Variant("json-wrong-shape", data=with_kinds({"json"}, '{"a": [1, {"b": null}]}')),
            Variant("json-deep", data=with_kinds({"json"}, "[" * 100_000 + "]" * 100_000)),
        ]
    if set(kinds.values()) & numbers:
        variants += [
            Variant("int-2**63", data=with_kinds(numbers, str(HUGE_INTS[0]))),
            Variant("int-10**30", data=with_kinds(numbers, str(HUGE_INTS[1]))),
            Variant("long-id", data=with_kinds(numbers, LONG_ID)),
            Variant("negative", data=with_kinds(numbers, "-1")),
        ]
    if set(kinds.values()) & typed:
        variants.append(Variant("text-for-typed", data=with_kinds(typed, "not-a-value")))
    if "list" in kinds.values():
        variants.append(
            Variant("huge-list", data=with_kinds({"list"}, [str(n) for n in range(10_000)]))
        )
    for charset in FOREIGN_CHARSETS:
        variants.append(
            Variant(
                f"charset-{charset}",
                body=_urlencoded_raw(baseline, set()),
                content_type=f"application/x-www-form-urlencoded; charset={charset}",
            )
        )
    return variants


def _urlencoded_raw(baseline: dict[str, object], broken: set[str]) -> bytes:
    """``baseline`` urlencoded by hand, the ``broken`` fields holding bytes that are not
    UTF-8 (percent-encoded, as a browser would send them)."""
    from urllib.parse import quote_from_bytes

    parts = []
    for name, value in baseline.items():
        raw = NOT_UTF_8 if name in broken else str(value).encode()
        parts.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}")
    for name in broken - set(baseline):
        parts.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(NOT_UTF_8)}")
    return "&".join(parts).encode()


# --- JSON bodies ---------------------------------------------------------------------


def _set(body: object, path: tuple, value: object) -> object:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


WRONG_TYPES = {
    "string": [["a"], {"a": 1}, 12, True, None],
    "int": ["12", 1.5, ["1"], {"n": 1}, True, None],
    "uuid": [12, ["x"], {}, "not-a-uuid", None],
    "datetime": [12, "yesterday", "2026-13-45T99:00:00+00:00", ["x"], None],
    "list": ["x", {"a": 1}, 12, None],
    # A multiple-choice answer is the option's id, anything else is text.
    "text-or-id": [["a"], {"a": 1}, True, 1.5],
    "int-or-null": ["12", 1.5, ["1"], {"n": 1}, True],
}


def api_variants(baseline: dict[str, object], fields: dict[tuple, str]) -> list[Variant]:
    def raw(value: object) -> Variant:
        return Variant("", body=json.dumps(value).encode(), content_type="application/json")

    def named(name: str, variant: Variant) -> Variant:
        return Variant(name, body=variant.body, content_type=variant.content_type)

    variants = [
        Variant("no-body", body=b"", content_type="application/json"),
        named("empty-object", raw({})),
        named("array", raw([])),
        named("null", raw(None)),
        named("all-blank", raw({path[0]: "" for path in fields if len(path) == 1})),
        Variant(
            "query-not-utf-8",
            body=b"{}",
            content_type="application/json",
            query=QUERY_NOT_UTF_8,
        ),
        Variant("not-utf-8", body=b'{"a": "' + NOT_UTF_8 + b'"}', content_type="application/json"),
        Variant(
            "json-as-form",
            data={
                k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in baseline.items()
            },
        ),
        Variant("text-plain", body=json.dumps(baseline).encode(), content_type="text/plain"),
    ]
    for charset in FOREIGN_CHARSETS:
        variants.append(
            Variant(
                f"charset-{charset}",
                body=json.dumps(baseline).encode(),
                content_type=f"application/json; charset={charset}",
            )
        )
    for path, kind in fields.items():
        where = ".".join(map(str, path))
        for wrong in WRONG_TYPES[kind]:
            variants.append(
                named(f"{where}={json.dumps(wrong)}", raw(_set(baseline, path, wrong)))
            )
        if kind in ("string", "text-or-id"):
            variants += [
                named(f"{where}-huge", raw(_set(baseline, path, HUGE_TEXT))),
                named(f"{where}-nul", raw(_set(baseline, path, NUL))),
                Variant(
                    f"{where}-lone-surrogate",
                    body=json.dumps(_set(baseline, path, "@@")).replace("@@", "\\ud800").encode(),
                    content_type="application/json",
                ),
            ]
        if kind in ("int", "int-or-null"):
            variants += [
                named(f"{where}={n}", raw(_set(baseline, path, n))) for n in (*HUGE_INTS, -1)
            ]
        if kind == "list":
            item = baseline[path[0]][0]
            variants += [
                named(f"{where}-10000-items", raw(_set(baseline, path, [0] * 10_000))),
                named(f"{where}-10000-copies", raw(_set(baseline, path, [item] * 10_000))),
            ]
    return variants


# --- Sending -----------------------------------------------------------------------------


def send(client: Client, url: str, variant: Variant, **headers: str) -> HttpResponse:
    target = url + variant.query
    if variant.body is not None:
        return client.generic(
            "POST", target, variant.body, content_type=variant.content_type, **headers
        )
    return client.post(target, variant.data, **headers)


def assert_refused_and_nothing_written(
    client: Client, url: str, variant: Variant, **headers: str
) -> HttpResponse:
    """Send ``variant``; assert a readable 4xx and an unchanged database."""
    before = snapshot()
    response = send(client, url, variant, **headers)
    problem = readable_refusal(response)
    assert problem is None, f"{variant.name}: {problem}"
    after = snapshot()
    assert before == after, f"{variant.name} wrote to {changes(before, after)}"
    return response
