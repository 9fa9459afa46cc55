"""The programme's figures, one module per job.

:mod:`~coopmap.figures.catalog` (the metric catalog) and :mod:`~coopmap.figures.plugins`
(analysts' metrics loaded at start-up); :mod:`~coopmap.figures.tables` (county, township
and village tables); :mod:`~coopmap.figures.relations` (a union's members, comparison
peers, a named case's row); :mod:`~coopmap.figures.reconcile` (published against
computed).
"""
