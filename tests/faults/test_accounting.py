"""The judge judged: harness.account finds each broken promise it is there to find.

No server here: clients are filled in by hand with what they would have
seen, so that a scenario's green means "nothing broke", not "nothing was
looked at".
"""

from __future__ import annotations

import time

from tests.faults.client import Ack, ProtocolClient, Seen
from tests.faults.harness import Audit, account

EPOCH = "e1"


def stored(*ids: str) -> list[Seen]:
    return [Seen(n, mid, mid.split("-")[0], mid) for n, mid in enumerate(ids, 1)]


def client(key: str, view: list[Seen], *, posted: tuple[str, ...] = (), epoch: str = EPOCH):
    c = ProtocolClient(key, ["ws://127.0.0.1:1/"])
    c.view, c.epoch, c.you = list(view), epoch, key
    c.last_seq = view[-1].seq if view else 0
    c.posted = list(posted)
    by_id = {m.id: m.seq for m in view}
    c.acks = {mid: Ack(mid, by_id[mid], epoch, 0.01) for mid in posted if mid in by_id}
    return c


def judge(clients: list[ProtocolClient], messages: list[Seen], *, may_lose: bool = False):
    audit = Audit("ws://node/", EPOCH, len(messages), [c.key for c in clients], messages)
    return account("t", clients, [audit], store_may_lose=may_lose, started=time.monotonic())


def test_all_well() -> None:
    s = stored("a-0", "b-0", "a-1")
    report = judge([client("a", s, posted=("a-0", "a-1")), client("b", s, posted=("b-0",))], s)
    assert report.problems == []
    assert (report.sent, report.acknowledged, report.lost, report.duplicated) == (3, 3, 0, 0)
    assert report.delivered == {"a": 3, "b": 3}


def test_a_client_that_misses_a_stored_message() -> None:
    s = stored("a-0", "b-0", "a-1")
    b = client("b", [s[0], s[2]], posted=("b-0",))
    b.acks = {"b-0": Ack("b-0", 2, EPOCH, 0.01)}
    b.gaps = [(1, 3)]
    report = judge([client("a", s, posted=("a-0", "a-1")), b], s)
    assert report.lost == 1
    assert any("b misses 1 stored message" in p for p in report.problems)
    assert any("not 1..n" in p for p in report.problems)


def test_an_id_stored_twice() -> None:
    s = stored("a-0", "a-0")
    report = judge([client("a", s, posted=("a-0",))], s)
    assert report.duplicated == 1
    assert any("twice" in p for p in report.problems)


def test_a_message_never_acknowledged() -> None:
    s = stored("a-0")
    a = client("a", s, posted=("a-0", "a-1"))
    a.pending = {"a-1": "a:1"}
    report = judge([a], s)
    assert any("never acknowledged" in p for p in report.problems)


def test_an_acknowledged_message_the_store_does_not_have() -> None:
    s = stored("a-0")
    a = client("a", s, posted=("a-0", "a-1"))
    a.acks["a-1"] = Ack("a-1", 2, EPOCH, 0.01)
    report = judge([a], s)
    assert report.lost == 1


def test_a_client_left_in_an_old_epoch() -> None:
    s = stored("a-0")
    report = judge([client("a", s, posted=("a-0",), epoch="old")], s)
    assert any("is in epoch old" in p for p in report.problems)


def test_loss_with_the_store_is_counted_apart_and_allowed_only_where_said() -> None:
    s = stored("a-1")
    a = client("a", s, posted=("a-0", "a-1"))
    a.acks["a-0"] = Ack("a-0", 1, "gone", 0.01)  # acknowledged before the store was lost
    report = judge([a], s, may_lose=True)
    assert (report.lost_by_store, report.lost, report.problems) == (1, 0, [])
    strict = judge([a], s, may_lose=False)
    assert any("lost with an epoch change" in p for p in strict.problems)


def test_two_clients_holding_one_name() -> None:
    s = stored("a-0")
    a, b = client("a", s, posted=("a-0",)), client("b", s)
    b.you = "a"
    report = judge([a, b], s)
    assert any("two clients hold one name" in p for p in report.problems)
