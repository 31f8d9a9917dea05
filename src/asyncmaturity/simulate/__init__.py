"""The simulator: a made-up organization's exports or evidence tables, deterministic per seed.

In the order a run flows through them:

* :mod:`~asyncmaturity.simulate.params`: the parameters, their validation and the metrics they
  plant;
* :mod:`~asyncmaturity.simulate.organization`: people, time zones, conversations, teams, logins;
* :mod:`~asyncmaturity.simulate.texts`: the text pools records pick from;
* :mod:`~asyncmaturity.simulate.chat`, :mod:`~asyncmaturity.simulate.meetings` and
  :mod:`~asyncmaturity.simulate.work_items`: the engines, one local day at a time;
* :mod:`~asyncmaturity.simulate.slack_writer`, :mod:`~asyncmaturity.simulate.ical_writer` and
  :mod:`~asyncmaturity.simulate.github_writer`: the export files;
* :mod:`~asyncmaturity.simulate.export` (the export folder) and
  :mod:`~asyncmaturity.simulate.parquet` (evidence tables, no export between): the entry points;
* :mod:`~asyncmaturity.simulate.profiles`: organizations planted at a maturity level, and their
  survey answers.

:mod:`~asyncmaturity.simulate.clock` and :mod:`~asyncmaturity.simulate.arrays` hold the time
units and the NumPy building blocks they share.
"""
