"""Stage decode: bytes -> text, with the encoding found and the repairs applied.

Order: reject empty and binary files (known file signatures, NUL bytes, control characters);
honour a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 without one when every other byte
is NUL; strict UTF-8; otherwise line by line: lines that are valid UTF-8 stay UTF-8 (a file
pasted together from two sources), the others are read in the legacy code page: cp1252, or
cp1254 when Turkish letters say so. Line ends are normalised to \\n. Mojibake repair is the
next stage (`pipeline.repair`), which `decode_document` runs too, so that parsers see
repaired text.

No detector library: registers are short and mostly ASCII, so a statistical detector has a
few dozen non-ASCII bytes to go on and guesses among dozens of code pages; the only choice
that matters here (cp1252 or cp1254) is settled by the six bytes on which they differ.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass

from pipeline.errors import DecodeError
from pipeline.records import Document, Repair
from pipeline.repair import LineRepair, explain_repairs, iter_changes, summarise

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Leading bytes of files that are not text, for a rejection that names what the file is.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (.docx, .xlsx?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE file (.doc, .xls?)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF executable"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
)
LEGACY_ENCODING = "cp1252"
# Bytes on which cp1252 and cp1254 differ in letters: Ð Ý Þ ð ý þ against Ğ İ Ş ğ ı ş.
TURKISH_BYTES = frozenset(b"\xd0\xdd\xde\xf0\xfd\xfe")
# Letters Icelandic writes beside ð, þ, ý and Turkish does not: Æ æ Á á Í í Ó ó Ú ú.
ICELANDIC_BYTES = frozenset(b"\xc6\xe6\xc1\xe1\xcd\xed\xd3\xf3\xda\xfa")


def _sloppy_table(page: str) -> str:
    """A charmap decoding table for `page` in which the bytes it has no character for decode
    to the C1 control of the same number (as in Latin-1), so no byte is ever lost."""
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode(page))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars)


SLOPPY_TABLES = {page: _sloppy_table(page) for page in ("cp1252", "cp1254")}
# A line and its end, as bytes: "\r\n", "\n" or a lone "\r" (old Mac files).
LINE_BYTES_RE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r|$)")
SAMPLE = 8192  # bytes looked at for NULs


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str, list[Repair]]:
    """Text, encoding name and repairs for a document's bytes. Raises DecodeError for
    empty and binary files.

    >>> decode_bytes(b"\\xef\\xbb\\xbfa\\r\\nb", "x.md")[0:2]
    ('a\\nb', 'utf-8-sig')
    >>> decode_bytes(b"caf\\xe9 \\x96 ok", "x.md")[0:2]
    ('café – ok', 'cp1252')
    >>> decode_bytes("Şirket başarı".encode("cp1254"), "x.md")[0:2]
    ('Şirket başarı', 'cp1254')
    """
    if not data.strip():
        raise DecodeError("empty file: nothing to parse", path)
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(f"binary file ({kind}), not a text document: convert it to Markdown, HTML or text", path)
    repairs: list[Repair] = []
    text, encoding = _unicode(data, path, repairs)
    if text is None:
        text, encoding = _legacy(data, repairs)
    if "\r" in text:
        crlf = text.count("\r\n")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        repairs.append(Repair("newlines:crlf" if crlf else "newlines:cr", count=crlf or 1))
    if _looks_binary(text):
        raise DecodeError("binary file (control characters), not a text document", path)
    return text, encoding, repairs


def _unicode(data: bytes, path: str, repairs: list[Repair]) -> tuple[str | None, str]:
    """Text from a byte-order mark, UTF-16 without one, or strict UTF-8; None if none applies."""
    for bom, name in BOMS:
        if data.startswith(bom):
            repairs.append(Repair(f"bom:{name}"))
            return _strict(data[len(bom) :], name, path), "utf-8-sig" if name == "utf-8" else name
    if b"\x00" in data[:SAMPLE]:
        name = utf16_without_bom(data[:SAMPLE])
        if name is None:
            raise DecodeError("binary file (NUL bytes), not a text document", path)
        repairs.append(Repair(f"decode:{name}", detail="no byte-order mark; every other byte is NUL"))
        return _strict(data, name, path), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None, ""


def utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when the NULs sit in every other byte, as in mostly-ASCII UTF-16.

    >>> utf16_without_bom("Risk register".encode("utf-16-le")), utf16_without_bom(b"\\x89PNG\\x00\\x00\\x01")
    ('utf-16-le', None)
    """
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sum(1 for k in range(0, 2 * pairs, 2) if sample[k] == 0)
    odd = sum(1 for k in range(1, 2 * pairs, 2) if sample[k] == 0)
    if odd >= 0.5 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.5 * pairs and odd == 0:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DecodeError(
            f"{encoding} expected but byte {err.start} is not ({err.reason}): save the file again in one encoding",
            path,
            line,
        ) from err


def legacy_page(data: bytes) -> str:
    """cp1254 when the bytes cp1252 reads as Ð Ý Þ ð ý þ outnumber the other letters Icelandic
    (the one language that writes ð, þ, ý) uses with them; cp1252 otherwise.

    >>> legacy_page("Ağrı şirket".encode("cp1254")), legacy_page("Þórður á Ísafirði".encode("cp1252"))
    ('cp1254', 'cp1252')
    """
    turkish = sum(1 for b in data if b in TURKISH_BYTES)
    icelandic = sum(1 for b in data if b in ICELANDIC_BYTES)
    return "cp1254" if turkish > icelandic else LEGACY_ENCODING


def _utf8_line(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _legacy(data: bytes, repairs: list[Repair]) -> tuple[str, str]:
    """Not UTF-8 as a whole: each line that is UTF-8 stays UTF-8, the others are read in the
    legacy code page (a byte that page has no character for becomes the C1 control of the
    same number, as in Latin-1)."""
    page = legacy_page(data)
    lines = [m.group() for m in LINE_BYTES_RE.finditer(data) if m.group()]
    utf8 = [_utf8_line(raw) for raw in lines]
    # Lines valid as UTF-8 count as UTF-8 only if some of them hold what UTF-8 files do and a
    # code page cannot spell (dashes, quotes, arrows, emoji): "É©" is cp1252, not "ɩ".
    mixed = any(t and any(0x2000 <= ord(c) <= 0x2FFF or ord(c) >= 0x1F000 for c in t) for t in utf8)
    out: list[str] = []
    legacy_lines: list[int] = []
    utf8_lines = 0
    for number, (raw, text) in enumerate(zip(lines, utf8, strict=True), 1):
        if text is not None and (mixed or raw.isascii()):
            out.append(text)
            utf8_lines += not raw.isascii()
        else:
            out.append(codecs.charmap_decode(raw, "strict", SLOPPY_TABLES[page])[0])
            legacy_lines.append(number)
    encoding = f"utf-8+{page}" if utf8_lines else page
    detail = "not valid UTF-8" + (f"; {utf8_lines} lines are UTF-8 and were kept" if utf8_lines else "")
    repairs.append(Repair(f"decode:{page}", count=len(legacy_lines), line=legacy_lines[0], detail=detail))
    return "".join(out), encoding


# C0 control characters other than the line and page breaks text uses (\n \t \f \v).
CONTROL_RE = re.compile(r"[\x00-\x08\x0d-\x1f]")


def _looks_binary(text: str) -> bool:
    r"""Whether the start of a decoded text has more control characters than text has.

    >>> _looks_binary("a\tb\n" * 100), _looks_binary("\x00\x01\x02" * 100)
    (False, True)
    """
    sample = text[:4096]
    return len(CONTROL_RE.findall(sample)) > max(8, len(sample) // 100)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text as the parsers see it, and everything done to get there."""

    text: str
    encoding: str
    decode_repairs: tuple[Repair, ...]  # byte-order mark, code page, line ends
    line_repairs: tuple[LineRepair, ...]  # mojibake undone, line by line

    @property
    def repairs(self) -> tuple[Repair, ...]:
        """All repairs, one record per kind of step, for `documents.repairs`."""
        return self.decode_repairs + tuple(summarise(self.line_repairs))


def decode_and_repair(data: bytes, path: str = "<bytes>") -> Decoded:
    """Bytes decoded (`decode_bytes`) and mojibake repaired (`pipeline.repair`): what the
    pipeline parses and what `riskreg repair` prints.

    >>> decode_and_repair("Status: âœ… done\\r\\n".encode("utf-8")).text
    'Status: ✅ done\\n'
    """
    text, encoding, repairs = decode_bytes(data, path)
    text, changes = explain_repairs(text)
    return Decoded(text, encoding, tuple(repairs), tuple(changes))


def explanation(decoded: Decoded, path: str) -> list[str]:
    """One line per repair, "path:line: what", for `riskreg repair --explain`.

    >>> decoded = decode_and_repair(b"\\xef\\xbb\\xbfa \\xc3\\xa2\\xc5\\x93\\xe2\\x80\\xa6\\r\\n")
    >>> for line in explanation(decoded, "x.md"):
    ...     print(line)
    x.md: encoding utf-8-sig
    x.md: byte-order mark utf-8 removed
    x.md: line ends: 1 CRLF -> LF
    x.md:1: ftfy encode:sloppy-windows-1252, decode:utf-8
    """
    out = [f"{path}: encoding {decoded.encoding}"]
    for r in decoded.decode_repairs:
        kind, _, name = r.step.partition(":")
        if kind == "bom":
            out.append(f"{path}: byte-order mark {name} removed")
        elif kind == "newlines":
            out.append(f"{path}: line ends: {r.count} {name.upper()} -> LF")
        else:
            where = f"{path}:{r.line}" if r.line else path
            out.append(
                f"{where}: decoded as {name} ({r.detail}; {r.count} lines)"
                if r.line
                else f"{where}: decoded as {name} ({r.detail})"
            )
    out.extend(f"{path}:{line}" for line in iter_changes(decoded.line_repairs))
    return out


def decode_document(path: str, data: bytes, sha256: str | None = None) -> Document:
    """A Document from raw bytes: decoded, then repaired (see pipeline.repair). `sha256`: the
    bytes' hash when the caller has it already."""
    decoded = decode_and_repair(data, path)
    return Document(
        path=path,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        size=len(data),
        text=decoded.text,
        encoding=decoded.encoding,
        repairs=decoded.repairs,
    )
