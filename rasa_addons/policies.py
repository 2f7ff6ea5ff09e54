"""RulePolicy with a rule search that stops, used in config.yml in place of
Rasa's `RulePolicy` (as `rasa_addons.policies.StoppingRulePolicy`).

Rasa's RulePolicy finds the rules that match a conversation by checking every
rule against every turn of it, from the last turn back to the first, on every
prediction, parsing and reversing the rule's states again for each check. A
rule that is shorter than the turns already checked matches whatever comes
before, so after the longest remaining rule nothing can change: this policy
stops there (or when no rule is left), and parses each rule once. The same
rules match (Rasa's own check, done with the parsed states); py-spy put the
search at a tenth of a Rasa worker's CPU time. tests/model/test_rasa_fixes.py
checks that it finds the same rules and predicts the same as Rasa's own
RulePolicy on every turn of our stories and rules.

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
from typing import Any, Dict, List, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain

from rasa_addons.patches import check_rasa_version

check_rasa_version()
# Rasa's validator looks for RulePolicy itself (`node.uses == RulePolicy`), not a subclass.
warnings.filterwarnings("ignore", message="'RulePolicy' is not included in the model's policy configuration",
                        category=UserWarning)

State = Dict[Text, Any]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class StoppingRulePolicy(RulePolicy):
    """Rasa's RulePolicy; its rule search parses each rule once and stops after the longest rule."""

    def _reversed_rule_states(self, key: Text) -> List[State]:
        # Each rule's states, last first, parsed once (Rasa parses and reverses them for every check).
        cache: Dict[Text, List[State]] = self.__dict__.setdefault("_reversed_rules", {})
        found = cache.get(key)
        if found is None:
            found = cache[key] = list(reversed(self._rule_key_to_state(key)))
        return found

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        possible_keys = list(lookup.keys())
        for i, state in enumerate(reversed(states)):
            # A rule matches every turn at or past its own length: past the longest one nothing changes.
            if not possible_keys or i >= max(len(self._reversed_rule_states(key)) for key in possible_keys):
                break
            # Rasa's _is_rule_applicable(key, i, state), with the rule's states parsed once.
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = []
            for key in possible_keys:
                rule_states = self._reversed_rule_states(key)
                if i >= len(rule_states):
                    kept.append(key)
                    continue
                rule_previous_action = rule_states[i].get(PREVIOUS_ACTION)
                if not rule_previous_action and not current_previous_action:
                    kept.append(key)
                elif rule_previous_action and current_previous_action and self._does_rule_match_state(rule_states[i], state):
                    kept.append(key)
            possible_keys = kept
        return set(possible_keys)

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        # Rasa's validator runs this check only for RulePolicy itself (`uses == RulePolicy`).
        self.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)
