"""Cross-article merging of events (see `rasd.merge.rules`)."""
from rasd.merge.rules import (DEFAULT_POLICY, Claim, MergePolicy, claim_key, compatible, event_id_for, merge_block,
                              partition)

__all__ = ["Claim", "MergePolicy", "DEFAULT_POLICY", "claim_key", "compatible", "partition", "merge_block",
           "event_id_for"]
