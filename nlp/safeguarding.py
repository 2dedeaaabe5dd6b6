"""The safeguarding detector: a separate, auditable decision on whether a comment may disclose harm.

Recall comes first. A comment is flagged when
  1. a safeguarding rule from the language's lexicon matched and no negation cue governs it
     (negation is honoured only for categories where it is safe, see NEGATABLE), or
  2. the safeguarding model's probability reaches the language's threshold (chosen on dev so
     that no dev disclosure is missed), or
  3. the text cannot be read (unknown script, empty after normalising, tagger error).
Time markers ("used to", "before care") never clear a flag: a past disclosure may still
matter, so they are only noted in the reason. Every flag carries the reasons that fired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nlp.rules import RuleHit

# Categories where "nobody hurts me" / "he never hits me" is a real denial. Not neglect, food,
# self-harm or suicide: "nobody feeds me", "I can't stop cutting", "I don't want to live"
# contain negations and are disclosures.
NEGATABLE: frozenset[str] = frozenset(
    {"physical_abuse", "sexual_abuse", "emotional_abuse", "frightening_adult", "missing"}
)


@dataclass
class SafeguardingDecision:
    """The flag, the reasons that raised it, and the matches that were deliberately set aside."""

    flag: bool
    reasons: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def decide(
    hits: Sequence[RuleHit],
    model_probability: float | None,
    threshold: float | None,
    past_markers: Sequence[str] = (),
) -> SafeguardingDecision:
    """Combine rule hits and the model score into an explainable safeguarding decision."""
    decision = SafeguardingDecision(flag=False)
    past = f" (past marker {past_markers[0]!r}: still flagged)" if past_markers else ""
    for hit in hits:
        if hit.kind != "sg":
            continue
        if hit.negated_by and hit.label in NEGATABLE:
            decision.suppressed.append(
                f"{hit.label}: matched {hit.text!r} negated by {hit.negated_by!r}"
            )
            continue
        decision.flag = True
        if hit.label not in decision.categories:
            decision.categories.append(hit.label)
        reason = f"{hit.label}: matched {hit.text!r}{past}"
        if reason not in decision.reasons:
            decision.reasons.append(reason)
    if model_probability is not None and threshold is not None and model_probability >= threshold:
        decision.flag = True
        decision.reasons.append(f"model: probability {model_probability:.2f} >= {threshold:.2f}")
    return decision


def unreadable(reason: str) -> SafeguardingDecision:
    """Text the tagger cannot read goes to a human: flagged with an 'unreadable' reason."""
    text = reason if reason.startswith("unreadable") else f"unreadable: {reason}"
    return SafeguardingDecision(flag=True, reasons=[text], categories=["unreadable"])
