"""What an instrument definition file may say, checked with pydantic when it is loaded (ASM-5).

A definition declares its items and their answer options (each with a score), the scoring
rule, subscales, bands over the total, thresholds (with what a positive one leads to) and its
licence. The checks here refuse a definition that could score a reading wrongly: duplicate
ids, an option scored outside the declared range, a subscale naming an unknown item, bands
that overlap, leave a gap or do not cover exactly the totals the items can produce.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    # A misspelt key ("lable") is an error, not a silently ignored line.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Licence(Strict):
    note: Text
    source: Text
    url: str = ""


class Range(Strict):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Option(Strict):
    """One answer. ``value`` is what a reading stores; it defaults to the score as text."""

    value: str = ""
    label: Text
    score: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _value_from_score(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("value") in (None, "") and data.get("score") is not None:
            data = {**data, "value": str(data["score"])}
        elif isinstance(data, dict) and isinstance(data.get("value"), int):
            data = {**data, "value": str(data["value"])}
        return data

    @field_validator("value")
    @classmethod
    def _value_given(cls, value: str) -> str:
        if not value:
            raise ValueError("an option needs a value or a score")
        return value


class Item(Strict):
    id: Identifier
    text: Text
    hint: str = ""
    # Unscored items (the substance an SDS reading is about) count for completeness only.
    scored: bool = True
    required: bool = True
    required_message: str = ""
    options: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _options(self):
        values = [option.value for option in self.options]
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise ValueError(f"item {self.id!r} repeats the option value(s) {', '.join(repeated)}")
        for option in self.options:
            if self.scored and option.score is None:
                raise ValueError(f"item {self.id!r}: option {option.value!r} has no score")
        return self

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


class Subscale(Strict):
    id: Identifier
    title: Text
    items: list[Identifier] = Field(min_length=1)


class Scoring(Strict):
    method: Literal["sum", "subscale_sum", "weighted_sum"] = "sum"
    subscale: Identifier | None = None  # subscale_sum: the total is this subscale's score
    weights: dict[Identifier, int] = Field(default_factory=dict)  # weighted_sum: item -> multiplier


class Band(Strict):
    min: int
    max: int | None = None  # open above ("20 or more") only for the last band
    label: Text
    meaning: str = ""


class Threshold(Strict):
    """A cut-off: met when the score (the total, or a subscale) is at least ``at_least``,
    optionally only when an unscored item has a given answer (the SDS cut-off by substance)."""

    id: Identifier
    label: Text
    meaning: str = ""
    at_least: int
    of: Identifier = "total"
    when: dict[Identifier, str] = Field(default_factory=dict)
    leads_to: Identifier | None = None
    source: str = ""


class Definition(Strict):
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    description: str = ""
    kind: Literal["questionnaire", "star"] = "questionnaire"
    licence: Licence
    # Named option lists an item may use by name (the five AUDIT frequencies, the 1-10 scale).
    option_sets: dict[Identifier, list[Option]] = Field(default_factory=dict)
    option_scores: Range | None = None  # every option's score lies within this, when declared
    total: Range
    items: list[Item] = Field(min_length=1)
    scoring: Scoring = Field(default_factory=Scoring)
    subscales: list[Subscale] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)
    # When a positive screen leads on to this instrument, answers to items with the same id
    # are carried over from it (AUDIT-C's three questions open the full AUDIT).
    carries_answers_from: Identifier | None = None

    @model_validator(mode="before")
    @classmethod
    def _resolve_option_sets(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            return data
        sets = data.get("option_sets") or {}
        items = []
        for item in data["items"]:
            if isinstance(item, dict) and isinstance(item.get("options"), str):
                name = item["options"]
                if name not in sets:
                    raise ValueError(f"item {item.get('id')!r} uses the option set {name!r}, which is not declared")
                item = {**item, "options": sets[name]}
            items.append(item)
        return {**data, "items": items}

    # --- Cross-field checks ------------------------------------------------------------------

    @model_validator(mode="after")
    def _consistent(self):
        ids = [item.id for item in self.items]
        repeated = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
        if repeated:
            raise ValueError(f"items: duplicate item id(s) {', '.join(repeated)}")
        self._check_option_scores()
        self._check_scoring(set(ids))
        low, high = self.possible_total()
        if (low, high) != (self.total.min, self.total.max):
            raise ValueError(
                f"total: declared {self.total.min}-{self.total.max}, but the items and scoring give {low}-{high}"
            )
        self._check_bands()
        self._check_thresholds()
        return self

    def _check_option_scores(self) -> None:
        if self.option_scores is None:
            return
        for item in self.scored_items:
            for option in item.options:
                if not self.option_scores.min <= option.score <= self.option_scores.max:
                    raise ValueError(
                        f"item {item.id!r}: option {option.value!r} scores {option.score}, outside the declared "
                        f"option_scores range {self.option_scores.min}-{self.option_scores.max}"
                    )

    def _check_scoring(self, ids: set[str]) -> None:
        subscale_ids = [subscale.id for subscale in self.subscales]
        if len(set(subscale_ids)) != len(subscale_ids) or "total" in subscale_ids:
            raise ValueError("subscales: ids must be unique and not 'total'")
        scored = {item.id for item in self.scored_items}
        for subscale in self.subscales:
            unknown = [item_id for item_id in subscale.items if item_id not in ids]
            if unknown:
                raise ValueError(f"subscale {subscale.id!r} names unknown item(s) {', '.join(unknown)}")
            unscored = [item_id for item_id in subscale.items if item_id not in scored]
            if unscored:
                raise ValueError(f"subscale {subscale.id!r} names unscored item(s) {', '.join(unscored)}")
        rule = self.scoring
        if rule.method == "subscale_sum" and rule.subscale not in subscale_ids:
            raise ValueError(f"scoring: subscale_sum needs a declared subscale, not {rule.subscale!r}")
        if rule.method != "subscale_sum" and rule.subscale is not None:
            raise ValueError("scoring: subscale is only used with method subscale_sum")
        if rule.method != "weighted_sum" and rule.weights:
            raise ValueError("scoring: weights are only used with method weighted_sum")
        unknown = [item_id for item_id in rule.weights if item_id not in scored]
        if unknown:
            raise ValueError(f"scoring: weights name unknown or unscored item(s) {', '.join(unknown)}")
        if any(weight < 1 for weight in rule.weights.values()):
            raise ValueError("scoring: weights must be whole numbers of 1 or more")

    def _check_bands(self) -> None:
        expected = self.total.min
        for index, band in enumerate(self.bands):
            last = index == len(self.bands) - 1
            high = self.total.max if band.max is None else band.max
            if band.max is None and not last:
                raise ValueError(f"bands: only the last band may leave out max ({band.label!r})")
            if band.min != expected:
                problem = "overlaps the band before it" if band.min < expected else f"leaves a gap from {expected}"
                raise ValueError(f"bands: {band.label!r} starts at {band.min} and {problem}")
            if high < band.min:
                raise ValueError(f"bands: {band.label!r} ends ({high}) before it starts ({band.min})")
            expected = high + 1
        if self.bands and expected - 1 != self.total.max:
            raise ValueError(f"bands: they end at {expected - 1}, but the total can reach {self.total.max}")

    def _check_thresholds(self) -> None:
        threshold_ids = [threshold.id for threshold in self.thresholds]
        if len(set(threshold_ids)) != len(threshold_ids):
            raise ValueError("thresholds: ids must be unique")
        for threshold in self.thresholds:
            low, high = self.score_range(threshold.of)
            if not low <= threshold.at_least <= high:
                raise ValueError(
                    f"threshold {threshold.id!r}: at_least {threshold.at_least} is outside the possible "
                    f"{threshold.of} {low}-{high}"
                )
            for item_id, value in threshold.when.items():
                item = self.item(item_id)
                if item is None or item.option(value) is None:
                    raise ValueError(f"threshold {threshold.id!r}: when {item_id} = {value!r} is not a known answer")

    # --- Reading the definition ---------------------------------------------------------------

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def scored_items(self) -> list[Item]:
        return [item for item in self.items if item.scored]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def subscale(self, subscale_id: str) -> Subscale | None:
        return next((subscale for subscale in self.subscales if subscale.id == subscale_id), None)

    def weight(self, item_id: str) -> int:
        return self.scoring.weights.get(item_id, 1)

    def total_items(self) -> list[str]:
        """The items the total adds up."""
        if self.scoring.method == "subscale_sum":
            return list(self.subscale(self.scoring.subscale).items)
        return [item.id for item in self.scored_items]

    def _range_of(self, item_ids: list[str]) -> tuple[int, int]:
        low = high = 0
        for item_id in item_ids:
            scores = [option.score for option in self.item(item_id).options]
            low += min(scores) * self.weight(item_id)
            high += max(scores) * self.weight(item_id)
        return low, high

    def possible_total(self) -> tuple[int, int]:
        return self._range_of(self.total_items())

    def score_range(self, of: str) -> tuple[int, int]:
        if of == "total":
            return self.total.min, self.total.max
        subscale = self.subscale(of)
        if subscale is None:
            raise ValueError(f"{of!r} is neither 'total' nor a declared subscale")
        return self._range_of(subscale.items)

    def threshold(self, threshold_id: str) -> Threshold | None:
        return next((threshold for threshold in self.thresholds if threshold.id == threshold_id), None)
