"""Stage decode: byte-order marks, strict UTF-8, legacy code pages, line ends, binary files,
and `decode_document` recording the encoding and the repairs."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decode import decode_and_repair, decode_bytes, decode_document, explanation, legacy_page
from pipeline.errors import DecodeError

TEXT = "# Register\n| ID | Risk |\n|---|---|\n| R1 | Café “outage” – ✅ |\n"


@pytest.mark.parametrize(
    ("bom", "encoding", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, encoding: str, name: str) -> None:
    text, found, repairs = decode_bytes(bom + TEXT.encode(encoding), "x.md")
    assert (text, found) == (TEXT, name)
    assert repairs[0].step == f"bom:{encoding}"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding: str) -> None:
    text, found, repairs = decode_bytes(TEXT.encode(encoding), "x.md")
    assert (text, found) == (TEXT, encoding)
    assert repairs[0].detail.startswith("no byte-order mark")


def test_bom_lies_about_the_encoding() -> None:
    with pytest.raises(DecodeError, match="utf-8 expected but byte") as err:
        decode_bytes(codecs.BOM_UTF8 + b"ok\nline two \xe9 here", "x.md")
    assert err.value.line == 2


def test_utf8_is_kept_as_is() -> None:
    assert decode_bytes(TEXT.encode("utf-8"), "x.md") == (TEXT, "utf-8", [])


def test_cp1252_bom_free_with_crlf() -> None:
    data = "Owner: Zoë\r\n| R1 | “Vault” token – €5 |\r\n".encode("cp1252")
    text, found, repairs = decode_bytes(data, "x.md")
    assert (text, found) == ("Owner: Zoë\n| R1 | “Vault” token – €5 |\n", "cp1252")
    assert [r.step for r in repairs] == ["decode:cp1252", "newlines:crlf"]
    assert repairs[1].count == 2


def test_cp1254_when_turkish_letters_say_so() -> None:
    data = "Sahibi: Güvenlik ekibi\nRisk: Şifre sızıntısı, İzmir ağı\n".encode("cp1254")
    assert decode_bytes(data, "x.md")[:2] == ("Sahibi: Güvenlik ekibi\nRisk: Şifre sızıntısı, İzmir ağı\n", "cp1254")


def test_icelandic_stays_cp1252() -> None:
    assert legacy_page("Þórður Guðmundsson á Ísafirði, ný útgáfa".encode("cp1252")) == "cp1252"


def test_bytes_cp1252_lacks_are_kept_not_lost() -> None:
    text, found, _ = decode_bytes(b"caf\xe9 \x81 ok", "x.md")
    assert (text, found) == ("café \x81 ok", "cp1252")


def test_file_pasted_together_from_utf8_and_cp1252() -> None:
    data = "Owner: José ✅\n".encode() + "Risk: “outage” – Zoë\n".encode("cp1252")
    text, found, repairs = decode_bytes(data, "x.md")
    assert (text, found) == ("Owner: José ✅\nRisk: “outage” – Zoë\n", "utf-8+cp1252")
    assert (repairs[0].count, repairs[0].line) == (1, 2)


def test_lone_cr_line_ends() -> None:
    assert decode_bytes(b"a\rb\rc", "x.md")[0] == "a\nb\nc"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"some text\x00\x01\x02\x00binary\x00", "NUL bytes"),
        (bytes(range(1, 32)) * 10, "control characters"),
    ],
)
def test_binary_files_are_rejected_as_binary(data: bytes, kind: str) -> None:
    with pytest.raises(DecodeError, match=rf"binary file \({kind}") as err:
        decode_bytes(data, "img.md")
    assert str(err.value).startswith("img.md: binary file")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t"])
def test_empty_files_are_rejected(data: bytes) -> None:
    with pytest.raises(DecodeError, match="empty file"):
        decode_bytes(data, "x.md")


def test_document_records_encoding_and_repairs() -> None:
    # UTF-8 read as cp1254 with the undefined bytes dropped, saved again as UTF-8 with CRLF.
    data = "# Assessment\r\n## ⚠️ Risks\r\n- ❌ not done\r\n".encode().decode("cp1254", errors="ignore").encode()
    doc = decode_document("a.md", data)
    assert doc.text == "# Assessment\n## ⚠️ Risks\n- ❌ not done\n"
    steps = {r.step: r for r in doc.repairs}
    assert doc.encoding == "utf-8"
    assert steps["newlines:crlf"].count == 3
    assert steps["recover:undefined-bytes"].count == 2
    assert steps["recover:undefined-bytes"].line == 2
    assert "EF B8 [8F]" in steps["recover:undefined-bytes"].detail


def test_explanation_names_every_repair_with_its_line() -> None:
    data = codecs.BOM_UTF8 + b"ok\r\n" + "- ❌ no\r\n".encode().decode("cp1252", errors="ignore").encode()
    lines = explanation(decode_and_repair(data, "x.md"), "x.md")
    assert lines[:3] == [
        "x.md: encoding utf-8-sig",
        "x.md: byte-order mark utf-8 removed",
        "x.md: line ends: 2 CRLF -> LF",
    ]
    assert lines[3].startswith("x.md:2:3: recovered lost byte: âŒ = E2 [9D] 8C -> ❌ (U+274C")
    assert lines[4] == "x.md:2: ftfy encode:sloppy-windows-1252, decode:utf-8"


# Text a register may hold: no NUL or other C0 controls (those make a file binary).
# Text that begins with U+FEFF is left out: encoded, that is a UTF-8 byte-order mark, which
# decoding takes as the encoding's signature and drops (test_byte_order_marks).
REGISTER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r", min_codepoint=9), min_size=1
).filter(
    lambda t: t.strip() and not t.startswith("\ufeff") and sum(1 for c in t if ord(c) < 32 and c not in "\n\t\f\v") == 0
)


@settings(max_examples=150, deadline=None)
@given(REGISTER_TEXT, st.sampled_from(["\n", "\r\n", "\r"]))
def test_utf8_text_comes_back_with_lf(text: str, newline: str) -> None:
    data = text.replace("\n", newline).encode("utf-8")
    assert decode_bytes(data, "x.md")[0] == text


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from("abc XYZ 123|-:\néèàçœ€“”‘’–—…•™©°±×ÀÉÖÜß"), min_size=1))
def test_cp1252_bytes_come_back(text: str) -> None:
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # also valid UTF-8 (ASCII, or cp1252 that happens to spell UTF-8): read as UTF-8
        return
    if text.strip():
        assert decode_bytes(data, "x.md")[0] == text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        text, encoding, _ = decode_bytes(data, "x.bin")
    except DecodeError as err:
        assert err.path == "x.bin"
    else:
        assert "\r" not in text and encoding
