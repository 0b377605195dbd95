"""Lookups the rules share, derived once from the registry: labels, hosts, retired names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from tools.core.registry import modal_names
from tools.drift_check.facts_cache import remembered
from tools.drift_check.source import SourceFile

if TYPE_CHECKING:  # the rules' catalogue imports this module; the model loads with a registry
    from tools.core.registry.model import (
        App,
        Endpoint,
        Registry,
        RetiredApp,
        RetiredEndpoint,
        RetiredFile,
        RetiredFunction,
        RetiredSecret,
        WebFunction,
    )

# A name of several words: `start_http`, `Service.start`, `WhisperSTT`, `LLMService`.
_SEVERAL_WORDS = re.compile(r"[_.]|[a-z0-9][A-Z]|[A-Z]{2}[a-z]")
# What stands before a colon, read backwards from it: blanks, a closing quote, the key. Matched
# only at colons, in the reversed text, so no position but a colon's is ever tried.
_KEY_BEFORE_COLON = re.compile(r"""[ \t]*["'`]?([A-Za-z0-9_./-]+)""")

# Paths every web app answers besides its endpoints (FastAPI's own and the shared /health).
STANDARD_PATHS = frozenset({"/", "/health", "/docs", "/openapi.json", "/redoc"})


class Retired(NamedTuple):
    """One retired thing as it appears in text (what the registry names, or a label of a
    retired app's URL) and what to say of it."""

    # "app", "url", "endpoint", "file", "secret"; "function", "web" (its URL label);
    # "object" (a function or class that served no URL)
    kind: str
    text: str
    reason: str
    hint: str
    app: str = ""  # of a URL label: the retired app's name


@dataclass
class RegistryIndex:
    registry: Registry

    @cached_property
    def web_by_label(self) -> dict[str, tuple[App, WebFunction]]:
        """Each URL label: the app and the web function it is of."""
        return {web.url_label: (app, web) for app, web in self.registry.web_functions()}

    @cached_property
    def web_by_setting(self) -> dict[str, tuple[App, WebFunction]]:
        """Each setting clients read a URL from: the app and the web function it is of."""
        return {
            setting: (app, web)
            for app, web in self.registry.web_functions()
            for setting in web.settings
        }

    def served(self, label: str, path: str) -> Endpoint | None:
        """The endpoint at `path` of the web function whose URL label is `label`."""
        found = self.web_by_label.get(label)
        return found[1].endpoints.get(path) if found is not None else None

    @cached_property
    def retired_secrets(self) -> frozenset[str]:
        """The names of the retired secrets: FL003 reports them, the other rules leave them."""
        return frozenset(secret.name for secret in self.registry.retired.secrets)

    @cached_property
    def app_by_name(self) -> dict[str, App]:
        return {app.name: app for app in self.registry.apps.values()}

    @cached_property
    def app_by_entry(self) -> dict[str, App]:
        return {app.entry_path: app for app in self.registry.apps.values()}

    @cached_property
    def app_by_target(self) -> dict[str, App]:
        """Each app by what `modal deploy` takes for it: `file.py`, or `file.py::app_x`."""
        return {app.deploy_target: app for app in self.registry.apps.values()}

    @cached_property
    def app_by_path(self) -> dict[str, App]:
        """The app of each path clients name endpoints by (`Endpoint.keyed`)."""
        return {path: app for app, path, e in self.registry.endpoints() if e.keyed}

    @cached_property
    def endpoint_by_path(self) -> dict[str, Endpoint]:
        """The endpoint at each path clients name endpoints by (`Endpoint.keyed`)."""
        return {path: e for _, path, e in self.registry.endpoints() if e.keyed}

    def endpoint_of_key(self, key: str) -> str | None:
        """The endpoint a map key names: its path, also written without the leading slash
        (`"wan2"` for `/wan2`) unless it is an app's name too (`flux`: an app map's key);
        None when it names none."""
        if key in self.app_by_path:
            return key
        slashed = f"/{key}"
        if key.startswith("/") or slashed not in self.app_by_path or key in self._app_aliases:
            return None
        return slashed

    @cached_property
    def _app_aliases(self) -> frozenset[str]:
        prefix = f"{self.registry.workspace}-"
        return frozenset(
            alias
            for app in self.registry.apps.values()
            for alias in (
                app.key,
                app.name,
                app.folder_name,
                app.name.removeprefix(prefix),
            )
        )

    @cached_property
    def retired_folders(self) -> tuple[str, ...]:
        """The folders that are a retired app's alone (its files' folders, where no live app
        lives): what is written in them is the app's own documentation."""
        folders = {
            f"{path.rsplit('/', 1)[0]}/"
            for app in self.registry.retired.apps
            for path in app.files
            if "/" in path
        }
        live = [f"{app.dir}/" for app in self.registry.apps.values() if not app.at_root]
        return tuple(
            sorted(f for f in folders if not any(d.startswith(f) or f.startswith(d) for d in live))
        )

    @cached_property
    def _by_name_length(self) -> list[App]:
        return sorted(
            (a for a in self.registry.apps.values() if a.web is not None),
            key=lambda a: -len(a.name),
        )

    def web_meant_by(self, label: str) -> tuple[App, WebFunction] | None:
        """The web function an unknown label was meant for: one whose label it misspells (two
        edits at most), else the one of the app whose name it starts with whose custom label
        follows that name (`my-app-agent-invoke` for `agent-invoke`), else the first of it
        (`ryla-flux-old-fastapi-app`; the longest such name, so `ryla-flux-dev-...` is
        ryla-flux-dev's); else the first of the one app whose name it cuts short, in two parts
        or more (`music-ai-separator` for `music-ai-separator-zfturbo-complete`). None: an app
        outside the fleet."""
        for app in self._by_name_length:
            if label == app.name or label.startswith(f"{app.name}-"):
                near = [w for w in app.webs if within_edits(label, w.url_label, TYPO_EDITS)]
                # the app's name before a custom label: `my-app-agent-invoke`, `agent-invoke`
                rest = label.removeprefix(f"{app.name}-")
                named = [w for w in app.webs if w.url_label == rest]
                named = named or [w for w in app.webs if w.url_label.endswith(f"-{rest}")]
                named = named or [w for w in app.webs if w.url_label.startswith(f"{rest}-")]
                return app, (near or named or app.webs)[0]
        misspelt = next(
            (
                (a, w)
                for a in self._by_name_length
                for w in a.webs
                if within_edits(label, w.url_label, TYPO_EDITS)
            ),
            None,
        )
        if misspelt is not None:
            return misspelt
        named = self.web_named(label)
        if named is not None or "-" not in label:
            return named
        cut = [a for a in self._by_name_length if a.name.startswith(f"{label}-")]
        if len(cut) == 1:
            return cut[0], cut[0].webs[0]
        # The label without the app name's first part (`qwen-vl--serve` for
        # `sacmat-qwen-vl-serve`): its parts end one web function's label.
        parts = [part for part in label.split("-") if part]
        if len(parts) < 3:
            return None
        tail = "-" + "-".join(parts)
        ends = [(a, w) for a in self._by_name_length for w in a.webs if w.url_label.endswith(tail)]
        return ends[0] if len(ends) == 1 else None

    def web_named(self, label: str) -> tuple[App, WebFunction] | None:
        """The one web function whose own name the label is (`generate-video` for
        `generate_video`, `upscale` for `Upscaler.upscale`), or that name without the word
        that says it is an endpoint (`generate` for `generate_endpoint`), where Modal serves
        it under another label: the label a reader guesses from the code. None when no web
        function, or more than one, has that name, or a retired one had it too."""

        def own(name: str) -> set[str]:  # `Upscaler.upscale` -> `upscale`, as Modal writes it
            label = modal_names.default_label(name.rsplit(".", 1)[-1])
            return {label, label.removesuffix("-endpoint")} - {""}

        named = [
            (app, web)
            for app in self._by_name_length
            for web in app.webs
            if web.url_label != label and label in own(web.callable)
        ]
        retired = any(label in own(f.function) for f in self.registry.retired.functions)
        return named[0] if len(named) == 1 and not retired else None

    def sources_of(self, app: App) -> dict[str, str]:
        """The hosts' part before `--` an app is served under, by environment."""
        workspace = app.workspace or self.registry.workspace
        return {
            modal_names.web_source(workspace, env.web_suffix): name
            for name, env in self.registry.environments.items()
        }

    @cached_property
    def fleet_sources(self) -> frozenset[str]:
        """Every workspace[-suffix] the fleet's apps are served under."""
        found = set(self.environment_by_source)
        for app in self.registry.apps.values():
            found |= set(self.sources_of(app))
        return frozenset(found)

    @cached_property
    def environment_by_source(self) -> dict[str, str]:
        """`ryla` -> main, `ryla-staging` -> staging: the part of a host before `--`."""
        return {
            modal_names.web_source(self.registry.workspace, env.web_suffix): name
            for name, env in self.registry.environments.items()
        }

    @cached_property
    def retired_endpoints(self) -> dict[str, RetiredEndpoint]:
        return {e.path: e for e in self.registry.retired.endpoints}

    @cached_property
    def retired_labels(self) -> dict[str, RetiredApp]:
        labels = {}
        for retired in self.registry.retired.apps:
            labels[modal_names.default_label(retired.name, "comfyui", "fastapi_app")] = retired
            if retired.url and "--" in retired.url:
                host = retired.url.split("://", 1)[-1].split("/", 1)[0]
                labels[host.split("--", 1)[1].removesuffix(f".{modal_names.MODAL_RUN_DOMAIN}")] = (
                    retired
                )
        return labels

    @cached_property
    def retired_function_labels(self) -> dict[str, Retired]:
        """The URL label of each retired web function of a live app."""
        found = {}
        for retired in self.registry.retired.functions:
            if not retired.web:
                continue
            app = self.registry.apps[retired.app]
            label = retired.url_label(app.name)
            found[label] = Retired(
                "web",
                label,
                retired.reason,
                self._function_hint(app, retired),
                f"{retired.function!r} of {app.name!r}",
            )
        return found

    @cached_property
    def _names_by_length(self) -> list[tuple[str, RetiredApp | None]]:
        """Every app name, live (None) and retired (the app), longest first: a label is of the
        longest name it starts."""
        names: list[tuple[str, RetiredApp | None]] = [
            (app.name, None) for app in self.registry.apps.values()
        ]
        names += [(app.name, app) for app in self.registry.retired.apps]
        return sorted(names, key=lambda pair: -len(pair[0]))

    def retired_label(self, label: str) -> Retired | None:
        """The URL label of a retired app's web function: one of `retired_labels`, or the
        app's name, or its name and `-` and more (`qwen3-tts-voice-clone-health`), that is no
        live web function's label (nor that and `-dev`) and that no live app's longer name
        starts (`qwen3-tts-voice-clone-06b-health` is the live qwen3-tts-voice-clone-06b's).
        None for any other label."""
        function = self.retired_function_labels.get(label)
        if function is not None:
            return function
        app = self.retired_labels.get(label)
        if app is None and not self._live_label(label):
            app = self._app_of_label(label)
        if app is None:
            return None
        return Retired("url", label, app.reason, self._replacement_hint(app), app.name)

    def _live_label(self, label: str) -> bool:
        """Whether a live web function serves under `label` (`modal serve`: and `-dev`)."""
        return label in self.web_by_label or label.removesuffix("-dev") in self.web_by_label

    def _app_of_label(self, label: str) -> RetiredApp | None:
        """The retired app whose name is the longest app name that `label` is or starts (then
        a `-`); None when that is a live app's name, or no name is."""
        for name, app in self._names_by_length:
            if label == name or label.startswith(f"{name}-"):
                return app
        return None

    @cached_property
    def retired(self) -> list[Retired]:
        found = [
            Retired("url", label, app.reason, self._replacement_hint(app), app.name)
            for label, app in self.retired_labels.items()
        ]
        found += [
            Retired("app", app.name, app.reason, self._replacement_hint(app))
            for app in self.registry.retired.apps
        ]
        found += [
            Retired("endpoint", e.path, e.reason, self._endpoint_hint(e))
            for e in self.registry.retired.endpoints
        ]
        found += [Retired("file", f.path, f.reason, self._file_hint(f)) for f in self.retired_files]
        found += [
            Retired("secret", secret.name, secret.reason, _secret_hint(secret))
            for secret in self.registry.retired.secrets
        ]
        # A deleted file by its name alone (`hannah_modal_app.py` for src/hannah_modal_app.py),
        # when the name is of several words: `app.py` is any folder's.
        paths = {f.path for f in self.retired_files}
        for deleted in self.retired_files:
            name = deleted.path.rsplit("/", 1)[-1]
            stem = name.rsplit(".", 1)[0]
            if name not in paths and ("_" in stem.strip("_") or "-" in stem):
                paths.add(name)
                found.append(Retired("file", name, deleted.reason, self._file_hint(deleted)))
        found += list(self.retired_function_labels.values())
        # A live function of that name (another app's `fastapi_app`, the app's own function
        # that no longer serves the web): the name is theirs.
        live = {
            name for _, web in self.registry.web_functions() for name in (web.shown, web.callable)
        }
        live |= {name for app in self.registry.apps.values() for name in app.functions}
        for retired in self.registry.retired.functions:
            # A name of several words (`lalal_start_http`, `Service.start`, `WhisperSTT`)
            # names it; one word (`predict`, `Model`) is any function's or class's.
            if retired.function in live or retired.function.rsplit(".", 1)[-1] in live:
                continue
            if _SEVERAL_WORDS.search(retired.function.strip("_")):
                app = self.registry.apps[retired.app]
                hint = self._function_hint(app, retired)
                kind = "function" if retired.web else "object"
                found.append(Retired(kind, retired.function, retired.reason, hint, app.name))
                # As the end of its URL label: `'lalal-start-http'`, `<base>--lalal-start-http`.
                kebab = modal_names.default_label(*retired.function.split("."))
                if retired.web and kebab != retired.function:
                    found.append(Retired("function", kebab, retired.reason, hint, app.name))
        return found

    @cached_property
    def retired_files(self) -> list[RetiredFile]:
        from tools.core.registry.model import RetiredFile

        files = list(self.registry.retired.files)
        for app in self.registry.retired.apps:
            # Fields of a validated registry: nothing to validate (and no validator to build).
            files += [RetiredFile.model_construct(path=p, reason=app.reason) for p in app.files]
        return files

    @cached_property
    def _retired_tokens(self) -> list[tuple[Retired, re.Pattern[str]]]:
        """Each retired text with its pattern as a token, longest text first."""
        parts = sorted(self.retired, key=lambda r: -len(r.text))
        return [(r, re.compile(_token(r))) for r in parts]

    def retired_matches(self, text: str) -> Iterator[tuple[int, int, Retired]]:
        """Each mention of a retired text as a token, left to right, the longest at a place,
        none inside another: each text found by `str.find` (C speed), then its token's
        boundaries checked there. One alternation of every token, tried at every position of
        a large document, took seconds."""
        found: dict[int, tuple[int, Retired]] = {}
        for retired, pattern in self._retired_tokens:
            at = text.find(retired.text)
            while at >= 0:
                match = pattern.match(text, at)
                if match is not None and match.start() not in found:
                    found[match.start()] = (match.end(), retired)
                at = text.find(retired.text, at + 1)
        end = 0
        for start in sorted(found):
            stop, retired = found[start]
            if start >= end:
                yield start, stop, retired
                end = stop

    @cached_property
    def app_name_regex(self) -> re.Pattern[str]:
        """Any registry app's Modal name, as a whole token."""
        names = "|".join(re.escape(n) for n in sorted(self.app_by_name, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")

    @cached_property
    def apps_in_folder(self) -> dict[str, int]:
        """How many registry apps live in each app folder."""
        counts: dict[str, int] = {}
        for app in self.registry.apps.values():
            counts[app.dir] = counts.get(app.dir, 0) + 1
        return counts

    @cached_property
    def app_order(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.registry.apps)}

    def mentions_retired(self, text: str) -> bool:
        """A cheap test before the regex: substring search runs at C speed."""
        return any(retired.text in text for retired in self.retired)

    @cached_property
    def map_keys(self) -> frozenset[str]:
        """Endpoint paths and app names: the keys that make a map worth reading."""
        keys = {*self.app_by_path, *self.retired_endpoints}
        prefix = f"{self.registry.workspace}-"
        for app in self.registry.apps.values():
            keys |= {app.key, app.name, app.folder_name, app.name.removeprefix(prefix)}
        return frozenset(keys)

    def may_hold_maps(self, source: SourceFile) -> bool:
        """Whether a key the registry knows stands before a colon: a cheap pre-filter.

        One simple pattern and a set lookup; an alternation of a thousand names is far slower.
        """
        cached = source.cache.get("map_hint")
        if cached is None:
            tokens = remembered(
                "keys-before-colon",
                source,
                lambda: _keys_before_colons(source.text),
                list[str],
            )
            cached = source.cache["map_hint"] = not self.map_keys.isdisjoint(tokens)
        return bool(cached)

    def _replacement_hint(self, app: RetiredApp) -> str:
        if not app.replaced_by:
            return "remove the reference"
        names = ", ".join(self.registry.apps[k].name for k in app.replaced_by)
        return f"use the app that serves the endpoint ({names}); `fleet registry urls` lists them"

    def _function_hint(self, app: App, retired: RetiredFunction) -> str:
        web = next((w for w in app.webs if w.shown == retired.replaced_by), None)
        if web is not None:
            return f"use {web.shown} ({self.registry.url(app, web=web)})"
        if retired.replaced_by is not None:
            return f"use {retired.replaced_by} of {app.name}"
        return "remove the reference"

    def _endpoint_hint(self, endpoint: RetiredEndpoint) -> str:
        if endpoint.replaced_by is None:
            return "remove the call"
        app = self.app_by_path[endpoint.replaced_by]
        url = self.registry.endpoint_url(app, self.endpoint_by_path[endpoint.replaced_by])
        return f"use {endpoint.replaced_by} ({url})"

    def _file_hint(self, retired: RetiredFile) -> str:
        return "deploy with `fleet deploy APP`; the registry lists the apps and their files"


def _secret_hint(secret: RetiredSecret) -> str:
    if secret.replaced_by is None:
        return "remove the reference"
    return f"use the secret {secret.replaced_by!r}"


TYPO_EDITS = 2


def within_edits(a: str, b: str, limit: int) -> bool:
    """Whether `a` becomes `b` in at most `limit` insertions, deletions or substitutions
    (Levenshtein, rows cut short once every cell is over the limit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def resembles(name: str, other: str) -> bool:
    """Whether an app name looks meant for another: a typo of it (`TYPO_EDITS`), the start of
    it or it the start (`lift-sys`, `lift-sys-inference`), a typo of it then more parts, or
    the same last or first two `-`
    parts (`quantifire-monitor-worker`, `pulsepoint-monitor-worker`)."""
    if within_edits(name, other, TYPO_EDITS):
        return True
    if other.startswith(f"{name}-") or name.startswith(f"{other}-"):
        return True
    # A typo of it, then more parts (`memetic-demo-main` for `mimetic-demo`).
    for cut in range(max(1, len(other) - TYPO_EDITS), len(other) + TYPO_EDITS + 1):
        if name[cut : cut + 1] == "-" and within_edits(name[:cut], other, TYPO_EDITS):
            return True
    mine, theirs = name.split("-"), other.split("-")
    return (
        len(mine) > 2 and len(theirs) > 2 and (mine[-2:] == theirs[-2:] or mine[:2] == theirs[:2])
    )


def path_matches(pattern: str, path: str) -> bool:
    """Whether a URL's path is the registry path `pattern`, where `{name}` is any segment."""
    if "{" not in pattern:
        return pattern == path
    wanted, given = pattern.split("/"), path.split("/")
    return len(wanted) == len(given) and all(
        w == g or (w.startswith("{") and w.endswith("}") and g != "")
        for w, g in zip(wanted, given, strict=True)
    )


def _token(retired: Retired) -> str:
    text = re.escape(retired.text)
    if retired.kind == "endpoint":
        # The leading slash is a boundary of its own: a path right after a host counts.
        # A full stop ends a sentence, not the path (paths do hold dots: /wan2.6).
        return f"{text}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])"
    if retired.kind == "file":
        return f"(?<![A-Za-z0-9_.-]){text}(?![A-Za-z0-9_])"
    if retired.kind in ("function", "object"):
        return _function_token(text)
    if retired.kind in ("url", "web") and "-" not in retired.text:
        # A label of one word (`loras`) is a word of any text: only after a host's `--`.
        return f"(?<=--){text}(?![A-Za-z0-9_-])"
    if retired.kind in ("url", "web"):
        # A label stands after the `--` of a host, or alone.
        return f"(?:(?<=--)|(?<![A-Za-z0-9_-])){text}(?![A-Za-z0-9_-])"
    return f"(?<![A-Za-z0-9_-]){text}(?![A-Za-z0-9_-])"


def _function_token(text: str) -> str:
    """A retired web function's name as a token: the end of its URL label (`lalal-start-http`,
    after `-` or `--` too); its Python name where it is looked up (`from_name(app,
    "start_http")`, `app.py::start_http`, `start_http.remote()`, prose), not where code
    defines, calls, assigns or reaches a function of that name through a module (`def
    start_http(`, `class WhisperSTT`, `start_http(...)`, `x.start_http = ...`): that is any
    module's."""
    if "-" in text:
        return f"(?<![A-Za-z0-9_]){text}(?![A-Za-z0-9_-])"
    return (
        rf"(?<![A-Za-z0-9_.-])(?<!def )(?<!class ){text}"
        r"(?![A-Za-z0-9_-])(?![ \t]*\()(?![ \t]*=[^=])"
    )


def _keys_before_colons(text: str) -> list[str]:
    """Every run of key characters that a colon follows (after a quote and blanks, maybe)."""
    backwards = text[::-1]
    keys = set()
    at = backwards.find(":")
    while at != -1:
        key = _KEY_BEFORE_COLON.match(backwards, at + 1)
        if key is not None:
            keys.add(key[1][::-1])
        at = backwards.find(":", at + 1)
    return sorted(keys)
