"""An XML parser that refuses entity declarations and external references.

GPX and TCX never need entities beyond the five predefined ones, and an entity declaration is how
"billion laughs" and external-entity attacks start. defusedxml does the same checks but runs
ElementTree's pure-Python parser; driving expat directly with the same refusals lets the readers
handle only the elements they need, which is faster than a plain ElementTree iterparse.
"""

from __future__ import annotations

from typing import Any, NoReturn
from xml.parsers import expat

from backstride.errors import FileRefused, ImportFailed

#: Namespace and local name are joined by this in element names the parser reports.
NS_SEPARATOR = " "


def _refuse_entity(*_args: Any) -> NoReturn:
    raise FileRefused(
        "the XML declares entities, which activity files never need and attacks use; refused"
    )


def _refuse_external(*_args: Any) -> NoReturn:
    raise FileRefused("the XML refers to an external entity; refused")


def make_parser() -> Any:
    """A namespace-aware expat parser that refuses entity declarations and external entities."""
    parser = expat.ParserCreate(namespace_separator=NS_SEPARATOR)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def parse(parser: Any, data: bytes) -> None:
    """Feed `data` to `parser`; turn XML errors into a plain `ImportFailed`."""
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ImportFailed(
            f"the XML is damaged or cut off at line {exc.lineno}, column {exc.offset} "
            f"({expat.ErrorString(exc.code)})"
        ) from exc


def names(local: str, *namespaces: str) -> tuple[str, ...]:
    """Every way the parser may report element `local`: in each namespace, or in none."""
    return (local, *(f"{ns}{NS_SEPARATOR}{local}" for ns in namespaces))
