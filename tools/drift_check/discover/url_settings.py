"""Each web function's settings: the environment variables a settings template or a guide
sets to its URL (`FLUX_URL=https://ryla--ryla-flux-comfyui-fastapi-app.modal.run`)."""

from __future__ import annotations

from tools.drift_check.discover.draft import DraftApp, DraftWeb
from tools.drift_check.discover.sources import Sources
from tools.drift_check.extract.markdown import MARKDOWN
from tools.drift_check.extract.settings import is_settings_template, settings_set
from tools.drift_check.extract.urls import urls_in


def url_settings(sources: Sources, paths: list[str], apps: list[DraftApp]) -> None:
    """Give each web function the settings set to its URL alone: a setting set to two web
    functions' URLs (one per environment, say) is left to the reader."""
    webs = {
        web.label or web.derived_label(str(app.name.value)): web for app in apps for web in app.webs
    }
    found: dict[str, list[DraftWeb]] = {}
    for path in paths:
        if not is_settings_template(path) and path.rpartition(".")[2].lower() not in MARKDOWN:
            continue
        source = sources.files.get(path)
        if source is None or ".modal.run" not in source.text:
            continue
        for setting in settings_set(source.text):
            for url in urls_in(setting.value):
                label = (url.label or "").removesuffix("-dev")  # `modal serve`'s URL
                web = webs.get(label)
                if web is not None and all(web is not w for w in found.get(setting.name, [])):
                    found.setdefault(setting.name, []).append(web)
    for name, given in sorted(found.items()):
        if len(given) == 1:
            given[0].settings.append(name)
