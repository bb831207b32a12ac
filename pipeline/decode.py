"""Stage decode: bytes -> text, with the encoding found and the repairs applied.

Order: reject empty and binary files; honour a byte-order mark; strict UTF-8; otherwise the
legacy code page (cp1252). Line ends are normalised to \\n. Mojibake repair is the next stage
(`pipeline.repair`), which `decode_document` runs too, so that parsers see repaired text.
"""

from __future__ import annotations

import codecs
import hashlib

from pipeline.errors import DecodeError
from pipeline.records import Document, Repair

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
LEGACY_ENCODING = "cp1252"


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str, list[Repair]]:
    """Text, encoding name and repairs for a document's bytes. Raises DecodeError for
    empty and binary files.

    >>> decode_bytes(b"\\xef\\xbb\\xbfa\\r\\nb", "x.md")[0:2]
    ('a\\nb', 'utf-8-sig')
    >>> decode_bytes("caf\\xe9".encode("cp1252"), "x.md")[0:2]
    ('café', 'cp1252')
    """
    if not data.strip():
        raise DecodeError("empty file: nothing to parse", path)
    repairs: list[Repair] = []
    text, encoding = None, None
    for bom, name in BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], name, path)
            encoding = "utf-8-sig" if name == "utf-8" else name
            repairs.append(Repair(f"bom:{name}"))
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise DecodeError("binary file (NUL bytes): not a text document", path)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _legacy(data, path), LEGACY_ENCODING
            repairs.append(Repair(f"decode:{LEGACY_ENCODING}", detail="not valid UTF-8"))
    if "\r" in text:
        crlf = text.count("\r\n")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        repairs.append(Repair("newlines:crlf" if crlf else "newlines:cr", count=crlf or 1))
    if _looks_binary(text):
        raise DecodeError("binary file (control characters): not a text document", path)
    return text, encoding, repairs


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise DecodeError(f"byte-order mark says {encoding} but byte {err.start} is not: {err.reason}", path) from err


def _legacy(data: bytes, path: str) -> str:
    """cp1252 has five undefined bytes; a file containing them is read as Latin-1 there."""
    try:
        return data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        return "".join(data[i:i + 1].decode(LEGACY_ENCODING, errors="strict") if data[i] not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                       else chr(data[i]) for i in range(len(data)))


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\t\f\v")
    return controls > max(8, len(sample) // 100)


def decode_document(path: str, data: bytes) -> Document:
    """A Document from raw bytes: decoded, then repaired (see pipeline.repair)."""
    from pipeline.repair import repair_text

    text, encoding, repairs = decode_bytes(data, path)
    text, repair_steps = repair_text(text)
    return Document(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data), text=text,
                    encoding=encoding, repairs=tuple(repairs + repair_steps))
