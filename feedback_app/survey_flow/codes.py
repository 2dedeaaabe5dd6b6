"""References and "save and come back later" codes.

A reference is shown on the confirmation page (8 characters from an alphabet without look-alike
letters). A resume code is two everyday words and a number ("apple-river-274"): easy to copy down
and to type on a phone. Only a keyed hash of the resume code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import current_app

# Crockford-style: no I, L, O, U, 0, 1 so a reference read aloud over the phone is unambiguous.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

# Short, concrete, easy to spell words; no words that could upset or embarrass a child.
RESUME_WORDS = ["acorn", "apple", "arrow", "badge", "baker", "bamboo", "banjo", "basket", "beach", "bean", "bell", "berry", "bike", "biscuit", "blanket", "boat", "bonnet", "book", "boot", "bottle", "bramble", "bread", "breeze", "brick", "bridge", "brush", "bubble", "bucket", "button", "cabin", "cactus", "cake", "camel", "candle", "canoe", "card", "carrot", "castle", "cedar", "chalk", "cherry", "chess", "cloud", "clover", "coat", "comet", "cookie", "copper", "coral", "corn", "cotton", "crayon", "cricket", "crown", "cup", "daisy", "desk", "dolphin", "donkey", "dragon", "drum", "duck", "eagle", "easel", "engine", "feather", "fern", "fiddle", "field", "fig", "flag", "flute", "forest", "fox", "frog", "garden", "gate", "giraffe", "glove", "goat", "grape", "guitar", "hammer", "harbor", "hat", "hazel", "hedge", "helmet", "hill", "honey", "horse", "igloo", "island", "jacket", "jam", "jelly", "jigsaw", "kayak", "kettle", "kite", "kiwi", "koala", "ladder", "lake", "lamp", "lantern", "lemon", "lily", "lime", "lion", "llama", "lotus", "magnet", "mango", "maple", "marble", "meadow", "melon", "mint", "mitten", "moon", "moose", "muffin", "nest", "noodle", "oak", "oar", "ocean", "olive", "orange", "otter", "owl", "paddle", "panda", "paper", "parrot", "peach", "peanut", "pear", "pebble", "pencil", "penguin", "pepper", "piano", "pickle", "pillow", "pine", "planet", "plum", "pony", "poppy", "puffin", "pumpkin", "puzzle", "quilt", "rabbit", "radio", "rainbow", "raven", "ribbon", "river", "robin", "rocket", "rose", "ruler", "sail", "salad", "sandal", "scarf", "seal", "shell", "ship", "sock", "sofa", "spoon", "squash", "star", "stone", "straw", "sugar", "sun", "swan", "table", "teapot", "tent", "thimble", "tiger", "toast", "tomato", "torch", "tractor", "train", "tree", "tulip", "turnip", "umbrella", "valley", "van", "violin", "wagon", "walnut", "whale", "wheel", "willow", "window", "wolf", "yacht", "yoyo", "zebra"]

_CODE_PATTERN = re.compile(r"^([a-z]+)[^a-z0-9]*([a-z]+)[^a-z0-9]*([0-9]{3})$")


def new_reference() -> str:
    """A random reference such as ``K7M3-Q9XR``."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def new_resume_code() -> str:
    """A random code such as ``otter-maple-274``."""
    first, second = secrets.choice(RESUME_WORDS), secrets.choice(RESUME_WORDS)
    return f"{first}-{second}-{secrets.randbelow(900) + 100}"


def normalise_resume_code(typed: str) -> str | None:
    """Accept what people type ("Otter Maple 274", "otter-maple274"); None if it cannot be a code."""
    cleaned = re.sub(r"\s+", " ", typed.strip().lower())
    match = _CODE_PATTERN.match(cleaned)
    if not match:
        return None
    return "-".join(match.groups())


def resume_code_hash(code: str) -> str:
    """Keyed hash stored instead of the code, so a database copy cannot be used to resume."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def new_draft_token() -> str:
    """The secret that ties a page's form to its draft when the session has expired."""
    return secrets.token_urlsafe(32)
