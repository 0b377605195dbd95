"""Guesses: what an endpoint serves, whether it is a side route, whether it may be retried."""

from __future__ import annotations

from typing import NamedTuple

from tools.drift_check.discover.draft import DraftEndpoint, Noted, guess

_AUXILIARY_WORDS = ("health", "status", "ready", "live", "list", "loras", "models", "docs")
# Words that name what an endpoint serves, most specific kind first: each must start a word
# of a path or a name (`upscaler` has `upscal`, `realesrgan` is its own word).
_KINDS = (
    ("faceswap", "faceswap face-swap swap-face reactor roop"),
    ("face-reference", "instantid pulid ip-adapter ipadapter face-ref photomaker"),
    ("upscale", "upscal esrgan realesrgan seedvr vsr flashvsr diffvsr video2x"),
    ("embedding", "embed"),
    ("ocr", "ocr"),
    ("audio", "audio tts speech whisper transcri music voice parakeet stt asr sound chatterbox"),
    ("video", "video wan ltx i2v t2v animat avatar hunyuan mochi multitalk infinitetalk"),
    ("image-edit", "edit inpaint outpaint img2img image-to-image kontext controlnet"),
    (
        "llm",
        "chat completion llm vllm ollama sgl gpt llama mistral deepseek falcon tgi lmdeploy "
        "trtllm vlm langserve",
    ),
    (
        "text-to-image",
        "text-to-image txt2img t2i flux sdxl diffusion image fooocus comfy a1111 dreambooth",
    ),
)


def kind_of(texts: list[str]) -> Noted:
    """The endpoint kind the first text that names one says: its path, then its names."""
    for text in texts:
        words = "-" + "-".join(words_of(text))
        for kind, keywords in _KINDS:
            for keyword in keywords.split():
                if f"-{keyword}" in words:
                    return guess(kind, f'"{keyword}" in {text}')
    named = ", ".join(t for t in texts if t)
    return guess("other", f"nothing in {named} names a kind" if named else "nothing names a kind")


def is_auxiliary(method: str, path: str) -> bool:
    """A GET health, status or listing route beside the product endpoints."""
    return method == "GET" and any(w.startswith(_AUXILIARY_WORDS) for w in words_of(path))


def words_of(text: str) -> list[str]:
    """The lower-case words of a path or a name: `FluxKontextService` is flux, kontext,
    service; `/v1/chat_completions` is v1, chat, completions."""
    spaced, previous = [], ""
    for char in text:
        if char.isupper() and previous.islower():
            spaced.append(" ")
        spaced.append(char.lower() if char.isalnum() else " ")
        previous = char
    return "".join(spaced).split()


def _idempotent(method: str) -> Noted:
    if method in ("GET", "PUT", "DELETE"):
        return guess(True, f"a {method}: retried once on a 408")
    return guess(False, f"a {method} may not be safe to repeat; true retries it once on a 408")


class Served(NamedTuple):
    """What a web function's endpoints are drafted with: the names that may say their kind
    (the route's handler, the method, class or function, the app, the file), and the lines of
    the app's other web functions, by file (several: each with its own timeout_s)."""

    names: list[str]
    others: list[tuple[str, range]]

    @property
    def several(self) -> bool:
        return bool(self.others)


def draft_endpoint(path: Noted, method: Noted, served: Served, timeout_s: int) -> DraftEndpoint:
    shown, verb = str(path.value), str(method.value)
    names = served.names
    texts = [shown, *names] if shown != "/" else names
    whose = "its web function's" if served.several else "the app's"
    # At `/`, the handler's name says what the path does not: a GET `health` is a side route.
    auxiliary = is_auxiliary(verb, shown) or (shown == "/" and is_auxiliary(verb, names[0]))
    return DraftEndpoint(
        path=path,
        method=method,
        kind=(
            guess("other", "a health or listing route")
            if auxiliary
            else kind_of([t for t in dict.fromkeys(texts) if t])
        ),
        client_timeout_s=guess(timeout_s, f"{whose} timeout_s: set how long clients wait"),
        idempotent=_idempotent(verb),
        auxiliary=guess(True, "a health or listing route") if auxiliary else None,
    )
