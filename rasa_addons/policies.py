"""RulePolicy with a rule search that stops, used in config.yml in place of
Rasa's `RulePolicy` (as `rasa_addons.policies.StoppingRulePolicy`).

Rasa's RulePolicy finds the rules that match a conversation by checking every
rule against every turn of it, from the last turn back to the first, on every
prediction, parsing and reversing the rule's states again for each check. A
rule that is shorter than the turns already checked matches whatever comes
before, so after the longest remaining rule nothing can change: this policy
stops there (or when no rule is left), and parses each rule once. At each turn
it checks only the rules that ask for that turn's intent and previous action
or for none (an index built once per lookup): a rule asking for another one
cannot match. The same rules match (Rasa's own check, done with the parsed
states). py-spy put the search at a tenth of a Rasa worker's CPU time before
this policy, and at 18 % again once the questions inside forms had expanded
the rules from 104 to 265 (2026-12-06, docs/performance.md); the index is the
answer to that. tests/model/test_rasa_fixes.py checks that it finds the same
rules and predicts the same as Rasa's own RulePolicy on every turn of our
stories and rules.

A subclass registered with Rasa's recipe, like any custom policy, instead of
a patch of RulePolicy: Rasa loads it from config.yml however it is started
(`rasa train`, `rasa test`, `rasa run`). It overrides RulePolicy's private
`_get_possible_keys` of Rasa 3.6.21, so it refuses another Rasa version on
import (rasa_addons/patches.py, `check_rasa_version`).

Rasa's recipe validator compares policies with `RulePolicy` by identity in
two places (3.6.21): it warns at training that no RulePolicy is configured
(and that /restart would not restart), which is not so for a subclass, and
this module hides exactly that warning when Rasa imports it from config.yml;
and it skips the check that the fallback action is in the domain, which
`train` here does instead.
Predictions name this class (`policy_1_StoppingRulePolicy` in the tracker's
events); `rasa test` counts them as not memorised in its "in training data"
fraction, which only looks at policy names.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, FrozenSet, List, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from rasa_addons.patches import check_rasa_version

check_rasa_version()
# Rasa's validator looks for RulePolicy itself (`node.uses == RulePolicy`), not a subclass.
warnings.filterwarnings("ignore", message="'RulePolicy' is not included in the model's policy configuration",
                        category=UserWarning)

State = Dict[Text, Any]


class _RuleIndex:
    """The rules of one lookup, each parsed once and reversed, with, per turn back,
    which rules can still match a given user intent and previous action.

    A rule whose state at that turn asks for intent X (or action X) cannot match a
    conversation whose state there has another one (RulePolicy's
    `_does_rule_match_state`), so the search checks only the rules that ask for the
    conversation's own intent and action or ask for none; those get Rasa's full check.
    """

    def __init__(self, keys: Set[Text], parse: Any) -> None:
        self.keys = frozenset(keys)
        self.states: Dict[Text, List[State]] = {key: list(reversed(parse(key))) for key in keys}
        self.depth = max((len(states) for states in self.states.values()), default=0)
        # Per turn back: the rules at least that long, and buckets by what they ask for.
        self.longer: List[FrozenSet[Text]] = []
        self.by_intent: List[Tuple[Dict[Text, FrozenSet[Text]], FrozenSet[Text]]] = []
        self.by_action: List[Tuple[Dict[Text, FrozenSet[Text]], FrozenSet[Text]]] = []
        for turn in range(self.depth):
            longer = {key for key, states in self.states.items() if len(states) > turn}
            self.longer.append(frozenset(longer))
            self.by_intent.append(self._buckets(longer, turn, USER, INTENT))
            self.by_action.append(self._buckets(longer, turn, PREVIOUS_ACTION, ACTION_NAME))

    def _buckets(self, keys: Set[Text], turn: int, part: Text, name: Text) -> Tuple[Dict[Text, FrozenSet[Text]], FrozenSet[Text]]:
        """{value: the rules asking for it or for nothing}, and the rules asking for nothing."""
        asking: Dict[Text, Set[Text]] = {}
        free: Set[Text] = set()
        for key in keys:
            value = self.states[key][turn].get(part, {}).get(name)
            if value and isinstance(value, str) and value != SHOULD_NOT_BE_SET:
                asking.setdefault(value, set()).add(key)
            else:
                free.add(key)
        return {value: frozenset(found | free) for value, found in asking.items()}, frozenset(free)

    def candidates(self, turn: int, state: State) -> FrozenSet[Text]:
        intents, no_intent = self.by_intent[turn]
        actions, no_action = self.by_action[turn]
        intent = state.get(USER, {}).get(INTENT)
        action = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        return intents.get(intent, no_intent) & actions.get(action, no_action)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class StoppingRulePolicy(RulePolicy):
    """Rasa's RulePolicy; its rule search parses each rule once, checks only the rules
    that can match a turn's intent and action, and stops after the longest rule."""

    def _rule_index(self, lookup: Dict[Text, Text]) -> _RuleIndex:
        # One index per lookup (rules, loop unhappy paths); rebuilt if training changed it.
        cache: Dict[int, _RuleIndex] = self.__dict__.setdefault("_rule_indexes", {})
        index = cache.get(id(lookup))
        if index is None or index.keys != lookup.keys():
            index = cache[id(lookup)] = _RuleIndex(set(lookup), self._rule_key_to_state)
        return index

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        index = self._rule_index(lookup)
        possible = set(index.keys)
        for i, state in enumerate(reversed(states)):
            # A rule matches every turn at or past its own length: past the longest one nothing changes.
            if i >= index.depth:
                break
            checked = possible & index.longer[i]
            if not checked:
                break
            # Rasa's _is_rule_applicable(key, i, state) for the rules that can match at all.
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = set()
            for key in checked & index.candidates(i, state):
                rule_state = index.states[key][i]
                rule_previous_action = rule_state.get(PREVIOUS_ACTION)
                if not rule_previous_action and not current_previous_action:
                    kept.add(key)
                elif rule_previous_action and current_previous_action and self._does_rule_match_state(rule_state, state):
                    kept.add(key)
            possible = (possible - checked) | kept
            if not possible:
                break
        return possible

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        # Rasa's validator runs this check only for RulePolicy itself (`uses == RulePolicy`).
        self.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)
