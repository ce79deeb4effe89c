"""The behavioural rates of the communications generator, in one place.

Every number that shapes the synthetic call records lives here with the reason for its value,
so the README can quote them and a test or benchmark can change one without touching the code
that uses it. Ranges are (low, high) and drawn uniformly unless a comment says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LineRates:
    """How a deal line, its holder, controllers, runners and customers use their phones."""

    # Flares: practitioners describe "several times a day"; each reaches most, not all, of
    # the list because the holder sends from a partial group or some numbers bounce.
    flare_bursts_per_day: tuple[int, int] = (2, 5)
    flare_reach: tuple[float, float] = (0.60, 0.90)
    flare_spread_minutes: tuple[float, float] = (2.0, 8.0)
    # "New number, same line": the first flare from a replacement number goes to nearly the
    # whole list, and the number starts this many hours after local midnight of its start day.
    new_number_flare_reach: tuple[float, float] = (0.80, 0.95)
    new_number_delay_hours: tuple[float, float] = (8.0, 40.0)
    # Customer churn: share of the list already buying when the line starts (the rest join
    # evenly over the period) and share who stop buying before the period ends.
    customer_initial_share: float = 0.6
    customer_leave_share: float = 0.35
    # Orders a customer places per day: lognormal across customers (daily users to occasional).
    orders_per_customer_day: float = 0.30
    orders_sigma: float = 0.9
    order_by_call_share: float = 0.6
    order_call_seconds: tuple[int, int] = (10, 60)
    reply_to_text_order: float = 0.70
    text_after_call_order: float = 0.15
    dispatch_to_runner: float = 0.75
    runner_contacts_customer: float = 0.35
    # Gang phones: the line phone is held in the hub and talks to the controllers; controllers
    # check in with each deployed runner.
    holder_controller_contacts_per_day: float = 6.0
    controller_runner_contacts_per_day: float = 3.0
    runner_runner_contacts_per_day: float = 0.5
    controller_controller_contacts_per_day: float = 2.0
    # A deployed runner sometimes goes back to the hub for a few hours to re-supply.
    resupply_trip: float = 0.15
    resupply_hours: tuple[int, int] = (11, 17)


@dataclass(frozen=True, slots=True)
class BackgroundRates:
    """How ordinary people use their phones (only calls and SMS are visible in operator data;
    app messaging is not, which is why SMS volumes are modest)."""

    events_per_phone_day: float = 6.0  # outgoing calls and texts before replies
    activity_sigma: float = 0.8  # lognormal spread between light and heavy users
    sms_share: tuple[float, float] = (0.2, 0.7)  # per phone
    reply_to_text: float = 0.55
    second_reply: float = 0.30
    missed_call: float = 0.10  # voice record with 0 s
    call_back_after_missed: float = 0.5
    call_median_seconds: float = 75.0
    call_sigma: float = 1.1
    weekend_volume: float = 0.9
    # Social graph: households, two rounds of friend groups, then weak ties (mostly same town).
    household_sizes: tuple[int, ...] = (1, 2, 3, 4, 5)
    household_weights: tuple[float, ...] = (0.25, 0.30, 0.20, 0.18, 0.07)
    friend_group_sizes: tuple[int, int] = (3, 10)
    friend_group_rounds: int = 2
    weak_ties_per_phone: float = 6.0
    weak_tie_same_town: float = 0.85
    tie_weight_household: float = 8.0
    tie_weight_friend: float = 3.0
    tie_weight_weak: float = 0.5
    handset_upgrade_share: float = 0.04  # of phones, over the whole period
    # Cell choice: at night the phone is at home; by day mostly at a second usual place.
    home_cell_at_night: float = 0.9
    day_cell_by_day: float = 0.6
    home_cell_by_day: float = 0.15


@dataclass(frozen=True, slots=True)
class LookalikeRates:
    """Innocent numbers that share one or more features of a deal line."""

    phones_per_taxi_firm: int = 3000
    taxi_calls_per_day: tuple[float, float] = (40.0, 200.0)
    taxi_confirmation_text: float = 0.7
    taxi_outside_text: float = 0.4
    phones_per_takeaway: int = 2000
    takeaway_calls_per_day: tuple[float, float] = (15.0, 70.0)
    takeaway_confirmation_text: float = 0.5
    clientele_share: float = 0.25  # of the town's phones who ever use a given business
    phones_per_marketing_sender: int = 8000
    # Lists of fixed size (capped at half the phones) and one sender per so many phones keep
    # marketing texts near 0.25 a phone a day whatever the county's size.
    marketing_list_size: tuple[int, int] = (2000, 20000)
    marketing_campaign_per_weekday: float = 0.35
    marketing_reach: tuple[float, float] = (0.5, 1.0)
    marketing_stop_reply: float = 0.005
    phones_per_reminder_sender: int = 5000
    reminders_per_weekday: tuple[float, float] = (20.0, 80.0)
    reminder_reply: float = 0.2
    phones_per_promoter: int = 6000
    promoter_list_size: tuple[int, int] = (80, 300)
    promoter_blasts_per_week: tuple[float, float] = (1.0, 3.0)
    promoter_reach: tuple[float, float] = (0.6, 0.95)
    promoter_inbound_per_blast: float = 0.08
    group_chat_share: float = 0.03  # of ordinary phones in an SMS group chat
    group_chat_sizes: tuple[int, int] = (4, 8)
    group_messages_per_day: float = 5.0
    group_reply: float = 0.3
    large_contact_share: float = 0.005
    large_contact_ties: tuple[int, int] = (200, 600)
    large_contact_activity: float = 2.5


@dataclass(frozen=True, slots=True)
class CommsRates:
    line: LineRates = field(default_factory=LineRates)
    background: BackgroundRates = field(default_factory=BackgroundRates)
    lookalike: LookalikeRates = field(default_factory=LookalikeRates)
