"""Tokenizers from in-memory byte and character vocabularies: no vocab files to download."""

from __future__ import annotations

import string
from functools import cache

from transformers import CLIPTokenizer, Qwen2Tokenizer, T5Tokenizer

QWEN_SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
)
# The part of the Qwen chat template that the Z-Image pipeline's apply_chat_template needs.
QWEN_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n"
    "{% endif %}{% endif %}"
)


@cache
def byte_characters() -> tuple[str, ...]:
    """The 256 printable stand-ins that GPT-2 style byte-level BPE uses for raw bytes."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return tuple(chr(code) for code in codes)


def clip_tokenizer(max_length: int = 77) -> CLIPTokenizer:
    """Byte-level CLIP BPE without merges: 2 specials + 256 bytes + 256 word-final bytes."""
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for suffix in ("", "</w>"):
        for character in byte_characters():
            vocab[character + suffix] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_length)


def t5_tokenizer(max_length: int = 512) -> T5Tokenizer:
    """Character-level unigram T5 tokenizer: <pad>=0, </s>=1, <unk>=2."""
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    pieces += [(c, -5.0) for c in string.ascii_letters + string.digits + string.punctuation]
    pieces += [("▁" + c, -4.0) for c in string.ascii_letters + string.digits]
    return T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=max_length)


def qwen_tokenizer(max_length: int = 2048) -> Qwen2Tokenizer:
    """Byte-level Qwen2 BPE without merges: 256 byte ids, then the special tokens."""
    vocab = {character: i for i, character in enumerate(byte_characters())}
    for token in QWEN_SPECIAL_TOKENS:
        vocab[token] = len(vocab)
    tokenizer = Qwen2Tokenizer(
        vocab=vocab, merges=[], model_max_length=max_length, chat_template=QWEN_CHAT_TEMPLATE
    )
    # Already in the vocabulary: this keeps their ids and stops the BPE from splitting them.
    tokenizer.add_tokens(list(QWEN_SPECIAL_TOKENS), special_tokens=True)
    return tokenizer


def token_id(tokenizer: Qwen2Tokenizer, token: str) -> int:
    return int(tokenizer.convert_tokens_to_ids(token))


def template_prefix_length(tokenizer: Qwen2Tokenizer, template: str) -> int:
    """Tokens of a Qwen prompt template before the user's text (the pipelines' drop index)."""
    prefix = template.split("<|im_start|>user\n", maxsplit=1)[0] + "<|im_start|>user\n"
    return len(tokenizer(prefix)["input_ids"])
