"""Learner-influenced engine calls run here: in a forked, locked-down worker process, never in the app.

- ``protocol``: length-prefixed JSON messages (never pickle);
- ``codec``: the engine's result dataclasses as plain data and back;
- ``zygote``: the warm process that imports torch once and forks workers;
- ``limits``: the operating system's limits a worker puts on itself;
- ``serve``: a worker's request loop; ``calls``: the table of what it may be asked;
- ``client``: the app's (and ``engine``'s public API's) side: time limits, kills, replacement.

Only ``client``, ``protocol`` and ``codec`` are imported in the app; they import no torch.
"""
