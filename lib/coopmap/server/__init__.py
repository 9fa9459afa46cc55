"""Serve the dashboard with Voila, locally and offline.

:func:`coopmap.server.launch.serve` starts Voila on ``127.0.0.1`` (all interfaces,
behind a token, only with ``--public``) with the dashboard notebook
(``dashboards/longling.ipynb``) at the root URL, so that ``/?coop=<uscc>`` or
``/?township=<code>&lang=en`` is a link a colleague can open. The server is set up for
an office laptop without internet:

- the project's Voila template (``coopmap/app/templates/coopmap``) extends Voila's
  ``lab`` template without its CDN links, and visitors cannot switch template or theme;
- kernels are preheated (``--pool-size``, default 2): the notebook's imports and the
  app are built before a visitor arrives, and the notebook reads the query string
  after ``voila.utils.wait_for_request()``;
- notebook sources are stripped and tracebacks are never shown in the page (the
  server log keeps them);
- the registry and boundary files reach the kernels through the ``COOPMAP_REGISTRY``,
  ``COOPMAP_BOUNDARIES`` and ``COOPMAP_BOUNDARIES_CRS`` environment variables, which
  :mod:`coopmap.data.sources` reads there;
- ``--public`` listens on every interface (``0.0.0.0``) for colleagues on the office
  network and then requires a Jupyter server token, generated at start and printed
  in the URL; ``--no-token`` turns that off explicitly, with a warning.
- a page frees its kernel when it is closed: Voila's page sends a shutdown request
  (a beacon) on leaving, with the ``_xsrf`` cookie's value, and the server sets that
  cookie with the page (Voila does not, so every request was refused with a 403:
  voila-dashboards/voila#1458). As a safety net, a kernel whose page is gone without
  saying so (a crashed browser, a laptop put to sleep) is shut down after
  ``--idle-timeout`` seconds without activity and without a connected page; an open
  page is never cut off, nor a preheated kernel;
- while a visitor waits, the page shows the title and what is being done, in the
  link's language, instead of Voila's spinner; an open page whose kernel is gone says
  that it must be reloaded (``templates/coopmap/static/page.js``);
- charts load one shared, cached vega bundle instead of one copy per chart widget.

The modules, one concern each:

- :mod:`coopmap.server.config`: the defaults, Voila's settings (:func:`~coopmap.server.config.voila_argv`)
  and :class:`~coopmap.server.config.ServeConfig`, the options checked before anything starts;
- :mod:`coopmap.server.voila`: the Voila application class, its page handler, the
  template's text and the shared chart bundle;
- :mod:`coopmap.server.launch`: the port and file checks and :func:`~coopmap.server.launch.launch`,
  the one launcher of ``coopmap serve`` and ``coopmap meeting`` (:mod:`coopmap.meeting.serve`);
- :mod:`coopmap.server.cli`: the ``coopmap serve`` options (``python -m coopmap.server``).
"""
