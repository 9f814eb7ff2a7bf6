"""Antrean's envelope dialect, checked on the protocol notes' synthetic vectors (§9, AV1-AV3),
which were built with node crypto and lz-string 1.5.0, not with our code."""

from __future__ import annotations

import msgspec
import pytest

from vclaim_async import AlreadyRecordedError, APIError, DecodeError, NotFoundError
from vclaim_async._envelope import ANTREAN, VCLAIM, decode_answer
from vclaim_async.antrean import DashboardRow, Dokter, Poli, Task

CONS_ID, SECRET = "743627386", "s3cr3tK3y"

AV1 = (
    "1700000000",
    b'{"metadata":{"code":1,"message":"OK"},"response":"wRWRQ4ze9sbM998b6Yt3GKz9nK9azdCNBjzWc2gq'
    b"OLKq5nPMxyqGq0AVRCEVKKVcGOCTGkBLCaoAOLgLfrcngTVEoiGejcFmSrg8rykeNZvqqxaimvEW17YkDge7YAJU9g"
    b'0u6aPmubgfKpLaqSd0Dc+zUnSoiNjYguJLhqqRGPo="}',
)
AV2 = (
    "1700000001",
    b'{"metadata":{"code":200,"message":"OK"},"response":"Jc4Dv5/0KamzSra/cX3hF6jTTfdp1bk8GKDfLq5C'
    b"Jah4BnjAd/BjIJ7+UJEojcZJ7u5bYpVz3NsmPZHM3eFaLIx434bGIWfki0Rw3CCn1KqSLvhTf2rMIwKlm3adhqRkFeY"
    b"vkaDrGoTTcfAv7HVTHOd7gdRwQfDbVIoUB0J5CGyKCrRbgNDjX3HwZ/lzPhWD6p0sjmi2+5q8zX+/VlJFbuCkYGVwE"
    b'ITRsnCSdqZ/YTWLGrNl8a/DVpDFVPqlE8pi"}',
)
AV3 = (
    "1700000002",
    b'{"metadata":{"code":1,"message":"OK"},"response":"hTwxBd7H7AofcNqQgadSqWhx7zLhIaT+uaNr8UtXmW91'
    b'A1JDx38MIW2/kYb987TCIy07JuqnAo2jZ8llU2vNaXP4w44GZ5Y9In+3zNrvy4F59blFKdWJQM0YS5rvPdxm"}',
)


def decode(body: bytes, model: type, timestamp: str = "1700000000", **kw: object) -> object:
    return decode_answer(
        200,
        body,
        timestamp=timestamp,
        encrypted=kw.pop("encrypted", True),  # type: ignore[arg-type]
        model=model,
        cons_id=CONS_ID,
        secret=SECRET,
        dialect=kw.pop("dialect", ANTREAN),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_av1_bare_array_with_code_1() -> None:
    stamp, body = AV1
    assert decode(body, list[Poli], stamp) == [
        Poli(
            nmpoli="ANAK",
            nmsubspesialis="ANAK ALERGI IMUNOLOGI",
            kdsubspesialis="027",
            kdpoli="ANA",
        )
    ]


def test_av2_getlisttask_with_code_200() -> None:
    stamp, body = AV2
    tasks = decode(body, list[Task], stamp)
    assert isinstance(tasks, list)
    (task,) = tasks
    assert (task.taskid, task.kodebooking, task.wakturs) == (
        1,
        "16032021A001",
        "16-03-2021 11:32:49 WIB",
    )


def test_av3_wrapped_list_is_unwrapped() -> None:
    stamp, body = AV3
    assert decode(body, list[Dokter], stamp) == [Dokter(namadokter="dr. CONTOH", kodedokter=12345)]


def test_vclaim_dialect_does_not_take_code_1_as_success() -> None:
    stamp, body = AV1
    with pytest.raises(APIError) as caught:
        decode(body, list[Poli], stamp, dialect=VCLAIM)
    assert caught.value.code == "1"


def test_plain_dashboard_passes_through() -> None:
    body = b'{"metadata":{"code":200,"message":"OK"},"response":{"list":[]}}'
    assert decode(body, list[DashboardRow], encrypted=False) == []


def test_write_answer_without_response() -> None:
    body = b'{"metadata":{"message":"Ok","code":200}}'
    assert decode(body, str, encrypted=False, nullable=True) is None


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"metadata":{"code":208,"message":"TaskId=1 sudah ada"}}', AlreadyRecordedError),
        (
            b'{"metadata":{"code":"208","message":"Terdapat duplikasi Kode Booking"}}',
            AlreadyRecordedError,
        ),
        # Some middlewares keep VClaim's casing; the key is read either way.
        (b'{"metaData":{"code":"201","message":"No Content"}}', NotFoundError),
    ],
)
def test_refusals_are_typed(body: bytes, error: type[APIError]) -> None:
    with pytest.raises(error):
        decode(body, str, encrypted=False, nullable=True)


def test_a_wrapped_object_that_is_not_a_list_is_a_decode_error() -> None:
    body = msgspec.json.encode(
        {"metadata": {"code": 200, "message": "OK"}, "response": {"lists": []}}
    )
    with pytest.raises(DecodeError):
        decode(body, list[DashboardRow], encrypted=False)
