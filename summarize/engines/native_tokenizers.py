"""Tokenizers for our model kinds on ``sentencepiece`` and ``tokenizers`` alone.

Why: importing transformers (and the torch it pulls in) costs 1.5–2 s per process, and the
CTranslate2 engine needs nothing of it but the tokenizer. These give exactly the ids, tokens and
decoded text of ``transformers.AutoTokenizer.from_pretrained(path)`` (transformers 5.23, which the
tests compare against) for Marian (opus-mt) with a shared vocabulary — ``MarianTokenizer`` and the
slow-tokenizer paths it uses, rewritten — and for byte-level BPE (BART, distilbart, RoBERTa) — the
very ``tokenizers.Tokenizer`` that ``RobertaTokenizer`` builds, so one Rust library does the work.

``load_native_tokenizer`` answers None for anything else, and for any tokenizer_config.json key or
file not known to be harmless: the caller then loads transformers' own rather than risk a
difference. Only the Hugging Face names the engines call are here: no tensors, padding or
truncation; a batch of texts to encode, one sequence of ids at a time to decode.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# What transformers reports as model_max_length when a checkpoint states none.
VERY_LARGE_INTEGER = int(1e30)
_SPECIAL_ATTRIBUTES = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
# The constructors' defaults, which apply when tokenizer_config.json leaves a token out.
_MARIAN_DEFAULTS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
_ROBERTA_DEFAULTS = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                     "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}
_ROBERTA_CLASSES = {"RobertaTokenizer", "RobertaTokenizerFast", "BartTokenizer", "BartTokenizerFast"}
_DEFAULT_CLASSES = {"marian": "MarianTokenizer", "bart": "RobertaTokenizer", "roberta": "RobertaTokenizer"}
# Keys that change nothing these tokenizers do, or that they read themselves. A key outside these
# (add_bos_token, do_lower_case, auto_map, a model-specific *_token …) sends the model to transformers.
_COMMON_KEYS = {*_SPECIAL_ATTRIBUTES, "tokenizer_class", "backend", "added_tokens_decoder", "model_max_length",
                "max_len", "clean_up_tokenization_spaces", "split_special_tokens", "name_or_path",
                "special_tokens_map_file", "model_input_names", "padding_side", "truncation_side",
                "extra_special_tokens", "additional_special_tokens", "_commit_hash"}
_MARIAN_KEYS = _COMMON_KEYS | {"separate_vocabs", "source_lang", "target_lang", "sp_model_kwargs",
                               "target_vocab_file", "tokenizer_file"}
_ROBERTA_KEYS = _COMMON_KEYS | {"add_prefix_space", "trim_offsets", "errors", "tokenizer_file",
                                "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output"}


def load_native_tokenizer(path: str | Path) -> Any | None:
    """A native tokenizer for the model folder ``path``, or None when it is not a kind this module
    reproduces exactly (the caller then loads transformers' own)."""
    folder = Path(path)
    config, settings = _read(folder / "config.json"), _read(folder / "tokenizer_config.json")
    if config is None or settings is None or (folder / "added_tokens.json").exists():
        return None  # added_tokens.json: legacy ids whose order we do not replicate
    model_type = config.get("model_type")
    kind = settings.get("tokenizer_class") or config.get("tokenizer_class") or _DEFAULT_CLASSES.get(model_type)
    try:
        if kind == "MarianTokenizer" and model_type == "marian" and set(settings) <= _MARIAN_KEYS:
            return MarianNativeTokenizer(folder, settings)
        if kind in _ROBERTA_CLASSES and model_type in ("bart", "roberta") and set(settings) <= _ROBERTA_KEYS:
            return ByteLevelNativeTokenizer(folder, settings)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        pass  # a file transformers may read differently or refuse: let it decide
    return None


def _read(path: Path) -> dict[str, Any] | None:
    """A JSON object file; {} when absent (transformers' defaults), None when unreadable."""
    try:
        value = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _token(value: Any) -> dict[str, Any] | str | None:
    """A special token as a config writes it: a string, or an AddedToken's fields (without __type)."""
    if value is not None and not isinstance(value, (str, dict)):
        raise TypeError(f"not a token: {value!r}")
    return {k: v for k, v in value.items() if k != "__type"} if isinstance(value, dict) else value


def _content(token: dict[str, Any] | str) -> str:
    return token["content"] if isinstance(token, dict) else token


def _special_tokens(folder: Path, settings: dict[str, Any], defaults: dict[str, str]) -> tuple[dict, list, list]:
    """The named special tokens, the extra ones, and ``all_special_tokens`` (both, as strings, each
    once), as ``from_pretrained`` resolves them: defaults, then tokenizer_config.json, then the
    legacy special_tokens_map.json when the config has no added_tokens_decoder."""
    named = {key: _token(settings.get(key, defaults.get(key))) for key in _SPECIAL_ATTRIBUTES}
    extra = settings.get("extra_special_tokens") or settings.get("additional_special_tokens") or []
    legacy = _read(folder / "special_tokens_map.json") if "added_tokens_decoder" not in settings else {}
    if legacy is None or not isinstance(extra, list) or not set(legacy) <= set(_SPECIAL_ATTRIBUTES):
        raise ValueError("special tokens this module does not resolve")
    for key, value in legacy.items():
        value = _token(value)
        named[key] = {**{k: v for k, v in value.items() if k != "special"}, "special": True} \
            if isinstance(value, dict) else value
    extra = [_token(token) for token in extra]
    return named, extra, list(dict.fromkeys(_content(t) for t in [*named.values(), *extra] if t is not None))


def _check_batch(texts: Any) -> None:
    # transformers takes one string too, and answers one row for it; here only batches are.
    if isinstance(texts, str):
        raise TypeError("tokenize a list of texts")


def _clean_up(text: str) -> str:
    """transformers' ``clean_up_tokenization``."""
    for before in (" .", " ?", " !", " ,", " ' ", " n't", " 'm", " 's", " 've", " 're"):
        text = text.replace(before, before[1:] if before != " ' " else "'")
    return text


class MarianNativeTokenizer:
    """transformers' MarianTokenizer with a shared vocabulary, without transformers."""

    separate_vocabs = False

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        import sentencepiece

        if settings.get("separate_vocabs") or settings.get("sp_model_kwargs") or (folder / "tokenizer.json").exists():
            raise ValueError("separate vocabularies, sampling, or a tokenizer.json's added tokens")
        self.encoder: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.decoder = {index: piece for piece, index in self.encoder.items()}
        self.spm_source, self.spm_target = (sentencepiece.SentencePieceProcessor() for _ in range(2))
        self.spm_source.Load(str(folder / "source.spm"))
        self.spm_target.Load(str(folder / "target.spm"))
        # An id missing from vocab.json is looked up in the target model until the first decode,
        # and in the source model after it: MarianTokenizer keeps _decode's choice in a flag.
        self._fallback = self.spm_target
        named, extra, self.all_special_tokens = _special_tokens(folder, settings, _MARIAN_DEFAULTS)
        self.unk_token, self.eos_token = _content(named["unk_token"]), _content(named["eos_token"])
        # Added tokens (id -> fields): the config's, then each special token it lacks, with plain flags,
        # at its vocab.json id (PreTrainedTokenizer._add_tokens; one outside vocab.json would get a new
        # id there, not replicated: KeyError, so transformers decides).
        self._added = {int(i): dict(fields) for i, fields in (settings.get("added_tokens_decoder") or {}).items()}
        self._added_ids = {fields["content"]: index for index, fields in self._added.items()}
        for token in self.all_special_tokens:
            if token not in self._added_ids:
                index = {**self.encoder, **self._added_ids}[token]
                self._added[index], self._added_ids[token] = {"content": token}, index
        self._no_split = _splitter(self._added_ids)
        self.split_special_tokens = bool(settings.get("split_special_tokens", False))
        self.clean_up_tokenization_spaces = bool(settings.get("clean_up_tokenization_spaces", False))
        # MarianTokenizer always passes its own default on, so a max_len key never counts.
        limit = settings.get("model_max_length", 512)
        self.model_max_length = VERY_LARGE_INTEGER if limit is None else limit
        self.eos_token_id = self.convert_tokens_to_ids(self.eos_token)
        self.unk_token_id = self.convert_tokens_to_ids(self.unk_token)
        self.pad_token = named["pad_token"] and _content(named["pad_token"])
        self.pad_token_id = self.pad_token and self.convert_tokens_to_ids(self.pad_token)
        self.all_special_ids = self.convert_tokens_to_ids(self.all_special_tokens)
        self.src_lang: str | None = None  # set by the engines for multilingual presets; Marian ignores it

    def __call__(self, texts: list[str], add_special_tokens: bool = True) -> dict[str, list[list[int]]]:
        _check_batch(texts)
        rows = [self.convert_tokens_to_ids(self.tokenize(text)) for text in texts]
        return {"input_ids": [row + [self.eos_token_id] if add_special_tokens else row for row in rows]}

    def tokenize(self, text: str) -> list[str]:
        """PreTrainedTokenizer.tokenize: added tokens written in the text stay whole (with their
        lstrip/rstrip/single_word rules), the rest goes through ``_tokenize``."""
        if self.split_special_tokens:
            return self._tokenize(text)
        chunks = [chunk for chunk in self._no_split.split(text) if chunk]
        for i, chunk in enumerate(chunks):
            if chunk not in self._added_ids:
                continue
            token = self._added[self._added_ids[chunk]]
            left = chunks[i - 1] if i > 0 else None
            right = chunks[i + 1] if i < len(chunks) - 1 else None
            if token.get("rstrip") and right:
                chunks[i + 1] = right.lstrip()
            if token.get("lstrip") and left:
                chunks[i - 1] = left.rstrip()
            if token.get("single_word") and left and left[-1] != " ":  # glued to its neighbour
                chunks[i - 1], chunks[i] = chunks[i - 1] + chunk, ""
            elif token.get("single_word") and right and right[0] != " ":
                chunks[i + 1], chunks[i] = chunk + chunks[i + 1], ""
        tokens: list[str] = []
        for chunk in filter(None, chunks):
            if chunk in self._added_ids or chunk in self.all_special_tokens:
                tokens.append(chunk)
            else:
                tokens.extend(self._tokenize(chunk))
        return tokens

    def _tokenize(self, text: str) -> list[str]:
        # A leading language code (>>fr<<) is a token of its own, before sentencepiece sees the rest.
        code = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[:end + 2]], text[end + 2:]
        return code + self.spm_source.encode(text, out_type=str)

    def convert_tokens_to_ids(self, tokens: str | list[str]) -> int | list[int]:
        if isinstance(tokens, str):
            if tokens in self._added_ids:
                return self._added_ids[tokens]
            return self.encoder.get(tokens, self.encoder[self.unk_token])
        return [self.convert_tokens_to_ids(token) for token in tokens]

    def convert_ids_to_tokens(self, ids: int | list[int], skip_special_tokens: bool = False) -> str | list[str]:
        if isinstance(ids, int):
            return self._id_to_token(ids)
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        return [self._id_to_token(int(index)) for index in ids if int(index) not in skip]

    def _id_to_token(self, index: int) -> str:
        if index in self._added:
            return self._added[index]["content"]
        return self.decoder[index] if index in self.decoder else self._fallback.IdToPiece(index) or self.unk_token

    def decode(self, ids: int | list[int], skip_special_tokens: bool = False) -> str:
        # transformers' _decode: use_source_tokenizer defaults to not separate_vocabs, so the source
        # model turns pieces back into text.
        self._fallback = self.spm_source
        tokens = self.convert_ids_to_tokens(ids, skip_special_tokens=skip_special_tokens)
        specials, pieces, text = set(self.all_special_tokens), [], ""
        for token in [tokens] if isinstance(tokens, str) else tokens:
            if token in specials:  # never through sentencepiece, and a space after it
                text, pieces = text + self.spm_source.decode_pieces(pieces) + token + " ", []
            else:
                pieces.append(token)
        text = (text + self.spm_source.decode_pieces(pieces)).replace("\u2581", " ").strip()
        return _clean_up(text) if self.clean_up_tokenization_spaces else text


def _splitter(tokens: dict[str, int]) -> re.Pattern[str]:
    """Splits text around the added tokens, leftmost first and the longest at a position, the tokens
    kept in the result: what transformers' Trie.split does when no token lies inside another. When
    one does, the Trie's lookahead can cut text into pieces that are no token at all ("babca" with
    b, aba, abbc gives b | abca), which a regular expression does not reproduce: ValueError."""
    if any(a != b and a in b for a in tokens for b in tokens):
        raise ValueError("an added token inside another")
    alternatives = sorted(tokens, key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, alternatives)) + ")" if alternatives else "(?!)")


class ByteLevelNativeTokenizer:
    """transformers' RobertaTokenizer (BartTokenizer is an alias of it), without transformers: the
    same Rust tokenizer, built from the same parts, whatever tokenizer.json says of the others."""

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        added: list[dict[str, Any]] = []
        if (folder / "tokenizer.json").exists():
            data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
            # Padding or truncation set in the file would apply to every encoding there.
            if data["model"].get("type") != "BPE" or data.get("padding") or data.get("truncation"):
                raise ValueError("not a plain BPE tokenizer.json")
            vocab = data["model"]["vocab"]
            merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
            added = sorted(data.get("added_tokens") or [], key=lambda token: token["id"])
        else:
            vocab, merges = BPE.read_file(str(folder / "vocab.json"), str(folder / "merges.txt"))
        if "added_tokens_decoder" in settings:  # it wins over the tokenizer.json's list
            saved = settings["added_tokens_decoder"]
            added = [saved[index] for index in sorted(saved, key=int)]
        named, extra, self.all_special_tokens = _special_tokens(folder, settings, _ROBERTA_DEFAULTS)
        prefix_space = bool(settings.get("add_prefix_space", False))
        self.backend_tokenizer = tokenizer = Tokenizer(BPE(vocab=vocab, merges=merges, dropout=None,
                                                           continuing_subword_prefix="", end_of_word_suffix="",
                                                           fuse_unk=False))
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix_space)
        tokenizer.decoder = decoders.ByteLevel()
        tokenizer.encode_special_tokens = bool(settings.get("split_special_tokens", False))
        # TokenizersBackend.__init__: the saved added tokens, then each special token they lack, all
        # in one call; a named one is made special after construction (its `normalized` stays). One
        # missing from the vocabulary would get a new id in an order not replicated here.
        tokens = [AddedToken(**{k: v for k, v in fields.items() if k not in ("id", "__type")}) for fields in added]
        known = {token.content for token in tokens}
        for token in [*named.values(), *extra]:
            if token is not None and _content(token) not in known:
                if _content(token) not in vocab:
                    raise ValueError(f"special token {_content(token)!r} is not in the vocabulary")
                tokens.append(AddedToken(**token) if isinstance(token, dict) else AddedToken(token, special=True))
                known.add(_content(token))
        named_contents = {_content(token) for token in named.values() if token is not None}
        for token in tokens:
            if not token.special and token.content in named_contents:
                token.special = True
        if tokens:
            tokenizer.add_tokens(tokens)
        self.unk_token = named["unk_token"] and _content(named["unk_token"])
        self.unk_token_id = self.unk_token and tokenizer.token_to_id(self.unk_token)
        ids = {key: value if value is None else self.convert_tokens_to_ids(_content(value))
               for key, value in named.items()}
        if named["sep_token"] is None or named["cls_token"] is None or self.unk_token_id is None:
            raise ValueError("no <s> … </s> around inputs, or no unknown token")
        tokenizer.post_processor = processors.RobertaProcessing(
            (_content(named["sep_token"]), ids["sep_token"]), (_content(named["cls_token"]), ids["cls_token"]),
            bool(settings.get("trim_offsets", True)), prefix_space)
        self.eos_token_id, self.pad_token_id = ids["eos_token"], ids["pad_token"]
        self.pad_token = named["pad_token"] and _content(named["pad_token"])
        self.all_special_ids = self.convert_tokens_to_ids(self.all_special_tokens)
        # transformers skips the clean-up for BPE models unless told twice.
        self.clean_up_tokenization_spaces = bool(settings.get("clean_up_tokenization_spaces", False)) and bool(
            settings.get("clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output", False))
        limit = settings.get("model_max_length", settings.get("max_len"))
        self.model_max_length = VERY_LARGE_INTEGER if limit is None else limit
        self.src_lang: str | None = None

    def __call__(self, texts: list[str], add_special_tokens: bool = True) -> dict[str, list[list[int]]]:
        _check_batch(texts)
        encodings = self.backend_tokenizer.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [encoding.ids for encoding in encodings]}

    def convert_tokens_to_ids(self, tokens: str | list[str]) -> int | list[int]:
        if isinstance(tokens, str):
            index = self.backend_tokenizer.token_to_id(tokens)
            return self.unk_token_id if index is None else index
        return [self.convert_tokens_to_ids(token) for token in tokens]

    def convert_ids_to_tokens(self, ids: int | list[int], skip_special_tokens: bool = False) -> Any:
        if isinstance(ids, int):
            return self.backend_tokenizer.id_to_token(ids)
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        return [self.backend_tokenizer.id_to_token(int(index)) for index in ids if int(index) not in skip]

    def decode(self, ids: int | list[int], skip_special_tokens: bool = False) -> str:
        ids = [ids] if isinstance(ids, int) else [int(index) for index in ids]
        text = self.backend_tokenizer.decode(ids, skip_special_tokens=skip_special_tokens)
        return _clean_up(text) if self.clean_up_tokenization_spaces else text
