"""The Voila application ``coopmap serve`` runs, and what it serves besides the notebook.

:func:`voila_class` returns Voila with the project template
(``coopmap/app/templates/coopmap``) in front of ``lab``, whose waiting page takes its
text from :func:`page_texts`; compressed responses; a plain 404 for paths that climb
out of their folder; the status page (:mod:`coopmap.server.status`); and a page handler
that sets the ``_xsrf`` cookie, so that the page's kernel-shutdown request on leaving is
accepted (voila-dashboards/voila#1458).

Charts run offline. altair's offline mode (``alt.JupyterChart.enable_offline()``) puts
its 0.9 MB vega bundle into every chart widget's state; the dashboard has up to five
charts, and the page would receive (and evaluate) the bundle five times. So the server
writes the same bundle once, at start (:func:`write_chart_bundle`), into a static
folder that Voila serves from 127.0.0.1, and tells the kernels its address
(``COOPMAP_CHART_BUNDLE``): each chart widget then imports it from there, and the
browser loads it once and caches it. Without that variable (the notebook opened in
JupyterLab), the kernel falls back to ``enable_offline()``
(:func:`coopmap.app.slots.chart_widget_class`).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
import webbrowser
from pathlib import Path

from coopmap import i18n, paths
from coopmap.data import sources
from coopmap.errors import CoopmapError
from coopmap.presentation.html import esc
from coopmap.server.config import HOST, PUBLIC_HOST
from coopmap.server.status import StatusHandler

__all__ = ["BUNDLE_ENV", "TEMPLATE_DIR", "page_texts", "voila_class", "write_chart_bundle"]

TEMPLATE_DIR = paths.PACKAGE_DIR / "app" / "templates" / "coopmap"
#: Environment variable naming the chart bundle's URL path for the kernels.
BUNDLE_ENV = sources.CHART_BUNDLE_ENV


def page_texts(prefix: str) -> dict[str, dict[str, str]]:
    """Return the interface text whose keys start with ``prefix``, by language.

    The project template's ``coopmap_texts`` Jinja filter: ``{{ "page." | coopmap_texts }}``.

    Returns
    -------
    dict
        ``{"zh": {key: text}, "en": {key: text}}``.
    """
    keys = sorted(k for k in i18n.STRINGS if k.startswith(prefix))
    return {lang: {k: i18n.t(k, lang) for k in keys} for lang in i18n.LANGS}


def write_chart_bundle(folder: Path) -> str:
    """Write altair's offline chart bundle (vega, vega-lite, vega-embed) into ``folder``.

    Returns
    -------
    str
        The file's name, which holds a hash of its content (browsers may cache it).
    """
    import altair as alt

    alt.JupyterChart.enable_offline()
    source = alt.JupyterChart._esm  # what enable_offline() bundled with vl-convert
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    name = f"coopmap-charts-{digest}.js"
    (folder / name).write_text(source, encoding="utf-8")
    return name


def voila_class() -> type:
    """Return a Voila application class that looks in the project template first.

    Voila finds templates by name in the Jupyter data directories; the project's
    template lives in the package instead, so it is put in front of the ``lab``
    template's search path (its ``index.html.j2``, ``spinner.macro.html.j2``,
    ``page.html`` and ``error.html`` replace lab's, which extend lab's own by path).
    It also writes the chart bundle into a temporary static folder (removed at exit)
    and sets ``COOPMAP_CHART_BUNDLE``, and serves the page so that its kernel-shutdown
    request on leaving is accepted.

    Returns
    -------
    type
        A subclass of ``voila.app.Voila``; ``voila_class()()`` is the application.
    """
    import tornado.web
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):
        """Voila's page handler, setting the ``_xsrf`` cookie with the page.

        On leaving, Voila's page posts its kernel's shutdown with the value of the
        ``_xsrf`` cookie (a double-submit check). Tornado sets that cookie only when a
        handler reads ``xsrf_token``, and nothing serving the page did, so the request
        arrived without it and was refused (``403 ... '_xsrf' argument missing from
        POST``, voila-dashboards/voila#1458) and every closed page left its kernel
        running. XSRF checks stay as they are for every request.
        """

        async def get(self, path: str | None = None) -> None:
            self.xsrf_token  # noqa: B018 -- reading it sets the cookie
            await super().get(path)

    class CoopmapVoila(Voila):
        """Voila with the project template in front of ``lab``, one shared chart bundle,
        compressed responses and pages that free their kernel when closed."""

        def setup_template_dirs(self) -> None:
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATE_DIR))
            self.static_paths.insert(0, str(TEMPLATE_DIR / "static"))
            # The template's own text comes from the interface catalog (coopmap.i18n),
            # and its page is Chinese unless the link says otherwise (<html lang>).
            exporter = self.config.VoilaExporter
            exporter.filters = {**exporter.get("filters", {}), "coopmap_texts": f"{__name__}.page_texts"}
            exporter.language_code = "zh"  # nbconvert takes ISO 639-1 codes only ("zh-CN" becomes "en")
            self._share_chart_bundle()

        def init_settings(self) -> dict:
            settings = super().init_settings()
            # gzip text responses: Voila's own JavaScript is ~4 MB uncompressed.
            settings["compress_response"] = True
            return settings

        def init_handlers(self) -> list:
            # A path that climbs out of its folder ('..', also percent-encoded) gets a plain
            # 404 before Voila's file handlers see it (one answers such paths with a 500,
            # and others' error pages fail to render: tracebacks in the log).
            climbs = r"(?:.*(?:/|\\|%2[fF]|%5[cC]))?(?:\.|%2[eE]){2}(?:(?:/|\\|%2[fF]|%5[cC]).*)?"
            handlers = [_with_page_handler(h, TornadoVoilaHandler, PageHandler) for h in super().init_handlers()]
            if not any(len(h) > 1 and h[1] is PageHandler for h in handlers):
                raise CoopmapError("Voila no longer serves the page with voila.tornado.handler.TornadoVoilaHandler: "
                                   "update coopmap.server (closed pages would keep their kernels)")
            status = url_path_join(self.server_url, r"/coopmap/status(\.json)?")
            return [(climbs, tornado.web.ErrorHandler, {"status_code": 404}), (status, StatusHandler), *handlers]

        def _share_chart_bundle(self) -> None:
            # Kernels inherit the environment, so set it before the pool starts them.
            folder = Path(tempfile.mkdtemp(prefix="coopmap-static-"))
            atexit.register(shutil.rmtree, folder, True)
            name = write_chart_bundle(folder)
            self.static_paths.insert(0, str(folder))
            base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
            url = f"{base}voila/static/{name}"
            os.environ[BUNDLE_ENV] = url
            # The page starts fetching and compiling the bundle while Voila's own
            # scripts load, so the first chart widget finds it ready (anywidget gives
            # a widget two seconds to initialise).
            head = folder / "templates"
            head.mkdir()
            (head / "coopmap_head.html").write_text(
                f'<link rel="modulepreload" href="{esc(url)}">\n', encoding="utf-8")
            self.template_paths.insert(0, str(head))

        @property
        def connection_url(self) -> str:
            # Listening on 0.0.0.0 (--public), this machine's browser still goes to 127.0.0.1.
            return self._url(HOST if self.ip in ("", PUBLIC_HOST) else self.ip)

        def launch_browser(self) -> None:
            token = self.identity_provider.token if getattr(self, "identity_provider", None) else ""
            if not token:
                super().launch_browser()
                return
            # Voila's own page would open the URL without the token (a login page).
            url = f"{self.connection_url}?token={token}"
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    return CoopmapVoila


def _with_page_handler(handler: tuple, voila_handler: type, page_class: type) -> tuple:
    """Return a tornado handler spec with ``page_class`` in place of ``voila_handler``."""
    if len(handler) > 1 and handler[1] is voila_handler:
        return (handler[0], page_class, *handler[2:])
    return handler
