"""Signed notes, checkpoints and the tlog-proof text, to the letter of the C2SP specs."""

from __future__ import annotations

import pytest

from fonds.proofs.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from fonds.proofs.merkle import ProofError
from fonds.proofs.note import SignerKey, VerifierKey, generate_key, key_id, open_note, sign_note
from fonds.proofs.tlog import TlogProof

# The example key and note of golang.org/x/mod/sumdb/note, the reference implementation.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_reference_example_signs_and_opens_byte_for_byte() -> None:
    signer = SignerKey.parse(GO_SIGNER)
    verifier = VerifierKey.parse(GO_VERIFIER)
    assert signer.verifier() == verifier
    assert str(signer) == GO_SIGNER and str(verifier) == GO_VERIFIER
    assert sign_note(GO_TEXT, signer) == GO_NOTE
    note = open_note(GO_NOTE, [verifier])
    assert note.text == GO_TEXT and [s.name for s in note.verified] == ["PeterNeumann"]
    assert "AYEKFALV" not in repr(signer)


def test_key_id_is_sha256_of_name_newline_type_and_key() -> None:
    import hashlib

    verifier = VerifierKey.parse(GO_VERIFIER)
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()
    assert key_id("PeterNeumann", verifier.public_key) == int.from_bytes(digest[:4], "big")
    assert f"{verifier.key_id:08x}" == "c74f20a3"


def test_an_altered_text_or_signature_fails() -> None:
    verifier = VerifierKey.parse(GO_VERIFIER)
    with pytest.raises(ProofError, match="does not verify"):
        open_note(GO_NOTE.replace("answer", "Answer"), [verifier])
    signature_start = GO_NOTE.index("x08go")
    altered = GO_NOTE[: signature_start + 10] + "A" + GO_NOTE[signature_start + 11 :]
    with pytest.raises(ProofError):
        open_note(altered, [verifier])
    for position in range(len(GO_NOTE.encode())):
        damaged = bytearray(GO_NOTE.encode())
        damaged[position] ^= 0x01
        with pytest.raises(ProofError):
            open_note(bytes(damaged), [verifier])


def test_unknown_keys_are_ignored_but_one_known_signature_is_needed() -> None:
    other = generate_key("witness.example")
    verifier = VerifierKey.parse(GO_VERIFIER)
    cosigned = GO_NOTE + sign_note(GO_TEXT, other).split("\n\n")[1]
    assert len(open_note(cosigned, [verifier]).unverified) == 1
    assert len(open_note(cosigned, [verifier, other.verifier()]).verified) == 2
    with pytest.raises(ProofError, match="not signed by a known key"):
        open_note(GO_NOTE, [other.verifier()])
    impostor = generate_key("PeterNeumann")  # same name, another key id: ignored
    with pytest.raises(ProofError, match="not signed by a known key"):
        open_note(sign_note(GO_TEXT, impostor), [verifier])


@pytest.mark.parametrize(
    "text",
    [
        "PeterNeumann+c74f20a3",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ApRc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
    ],
)
def test_malformed_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(ProofError):
        VerifierKey.parse(text)


def test_malformed_notes_are_refused() -> None:
    verifier = VerifierKey.parse(GO_VERIFIER)
    for bad in (
        GO_TEXT,  # no signatures
        GO_NOTE.rstrip("\n"),  # no final newline
        GO_NOTE.replace("— ", "-- "),
        GO_NOTE.replace("\n\n", "\n\r\n"),
        GO_NOTE.replace("=\n", "\n"),  # not canonical base64
    ):
        with pytest.raises(ProofError):
            open_note(bad, [verifier])
    with pytest.raises(ValueError):
        sign_note("no newline", SignerKey.parse(GO_SIGNER))


def test_a_checkpoint_is_three_lines_signed() -> None:
    signer = generate_key("example.org/log")
    checkpoint = Checkpoint("example.org/log", 20852163, bytes(range(32)))
    body = "example.org/log\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    assert checkpoint.body() == body
    signed = sign_checkpoint(checkpoint, signer)
    assert signed.startswith(body + "\n— example.org/log ")
    assert open_checkpoint(signed, signer.verifier()) == checkpoint
    with pytest.raises(ProofError, match="not of"):
        open_checkpoint(signed, signer.verifier(), "example.org/other")
    extended = Checkpoint("example.org/log", 0, bytes(32), ("ext one", "ext two"))
    assert open_checkpoint(sign_checkpoint(extended, signer), signer.verifier()) == extended


@pytest.mark.parametrize(
    "body",
    [
        "o\n0020\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n+20\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n２０\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n20\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n",
        "o\n20\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",
        "o\n20\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\nx\n",
        "\n20\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n20\n",
    ],
)
def test_malformed_checkpoints_are_refused(body: str) -> None:
    with pytest.raises(ProofError):
        Checkpoint.parse_body(body)


SPEC_EXAMPLE = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
"""


def test_the_tlog_proof_text_of_the_spec_reads_and_writes_back() -> None:
    proof = TlogProof.parse(SPEC_EXAMPLE)
    assert proof.index == 73894 and len(proof.path) == 5
    assert proof.extra is not None and proof.extra.startswith(b"age-v1.2.1-darwin")
    assert proof.checkpoint.startswith("example.com/fancylog\n109482\n")
    assert proof.text() == SPEC_EXAMPLE
    bare = TlogProof(0, (), "o\n1\nx\n\n— o y\n")
    assert bare.text() == "c2sp.org/tlog-proof@v1\nindex 0\n\no\n1\nx\n\n— o y\n"
    assert TlogProof.parse(bare.text()) == bare


@pytest.mark.parametrize(
    "change",
    [
        ("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        ("index 73894", "index 073894"),
        ("index 73894", "index -1"),
        ("index 73894\n", ""),
        ("extra YWdl", "extra !Wdl"),
        (
            "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=",
            "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vl=",
        ),
        ("AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=", "AHCioX9n"),
        ("\n\nexample.com", "\nexample.com"),
    ],
)
def test_malformed_tlog_proofs_are_refused(change: tuple[str, str]) -> None:
    with pytest.raises(ProofError):
        TlogProof.parse(SPEC_EXAMPLE.replace(*change, 1))
