"""Vietnamese claim matching, usable without Django.

from citydesk.matching import ClaimIndex, same_claim, normalize
"""

from .decision import same_claim
from .index import ClaimIndex
from .normalize import normalize

__all__ = ["ClaimIndex", "normalize", "same_claim"]
