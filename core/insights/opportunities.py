"""Opportunities in the insights: where they came from and how far each source got (referral against a cold
application against a recruiter), and the referral asks made to one-way or cold relationships. The rules live
with the opportunities (core.opportunities.insights); this is where the insights page finds them."""

from core.opportunities.insights import SOURCE_STEPS, referral_asks_to_cold, source_funnel

__all__ = ["SOURCE_STEPS", "referral_asks_to_cold", "source_funnel"]
