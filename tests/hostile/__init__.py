"""The hostile suite (issue 14): attacks on a real roomcast-server process.

``attacks.py`` holds the attackers (raw sockets, run in a process of their
own: ``python -m tests.hostile.attacks``), ``harness.py`` the honest clients,
the audit and the server's memory as ``/proc`` shows it; ``bench/abuse.py``
uses both. docs/hostile.md describes the cases and their bounds.
"""
