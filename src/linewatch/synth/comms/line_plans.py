"""Deal lines laid out in time: when each number is live, who the customers are on each day,
where the runners are. Built once from the spec; lines.py turns a plan into each day's records.

Conventions, since the spec gives dates only:
- a LineNumberPeriod's `end` is its last day of use (inclusive); a replacement number starts
  some hours into its `start` day (rates.new_number_delay_hours) with a flare to the list;
- `closed_on` is the first day the line is silent for good;
- a runner whose phone is also a population phone uses it before and after their active span
  (their own phone); otherwise it is a work phone that exists only while they are active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from linewatch.synth.comms.cells import CellPlan
from linewatch.synth.comms.clock import Profile, local_midnight_utc
from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.numbering import NumberSource, export_digits
from linewatch.synth.comms.phonebook import PhonebookBuilder, Role, Subscriber
from linewatch.synth.comms.rates import LineRates
from linewatch.synth.comms_spec import CommsSpec, LineSpec, PersonPhone

BURNER_NETWORKS = ("Lebara", "Lycamobile", "giffgaff", "Vodafone", "EE", "O2", "Three")
FALSE_NAMES = ("Mickey Mouse", "John Smith", "A B", "Joe Bloggs", "Tony Montana", "Mr X", "Jay")


@dataclass(slots=True)
class NumberLive:
    """When one of a line's numbers is in use, in epoch seconds."""

    phone: int
    begin: int
    end: int  # exclusive
    replacement: bool  # starts with a "new number, same line" flare


@dataclass(slots=True)
class RunnerPlan:
    phone: int
    number: str  # E.164
    person_id: str
    market_town: int
    home_town: int
    first_day: int  # day indices, inclusive
    last_day: int
    night_cell: int  # the cuckooed address (or a market-town cell) while deployed
    work_cell: int
    work_phone: bool  # exists only while active


@dataclass(slots=True)
class LinePlan:
    spec: LineSpec
    origin_town: int
    numbers: list[NumberLive]
    first_day: int
    stop_day: int  # exclusive: first day with no line activity
    controllers: np.ndarray
    runners: list[RunnerPlan]
    customers: np.ndarray
    customer_town: np.ndarray
    joined: np.ndarray  # day index from which a customer buys
    left: np.ndarray  # day index from which they no longer buy
    order_rate: np.ndarray
    customer_numbers: list[str] = field(default_factory=list)
    _numbers_table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def number_at(self, times: np.ndarray) -> np.ndarray:
        """The phone of the number live at each time, or -1 when no number is live."""
        if len(self.numbers) == 0:
            return np.full(len(times), -1, dtype=np.int32)
        begins, ends, phones = self._number_table()
        slot = np.searchsorted(begins, times, side="right") - 1
        live = (slot >= 0) & (times < ends[np.maximum(slot, 0)])
        return np.where(live, phones[np.maximum(slot, 0)], -1).astype(np.int32)

    def _number_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._numbers_table is None:
            self._numbers_table = (
                np.asarray([n.begin for n in self.numbers], dtype=np.int64),
                np.asarray([n.end for n in self.numbers], dtype=np.int64),
                np.asarray([n.phone for n in self.numbers], dtype=np.int32),
            )
        return self._numbers_table

    def customers_on(self, day: int) -> np.ndarray:
        """Positions (into `customers`) of the customers buying on `day`."""
        return np.flatnonzero((self.joined <= day) & (day < self.left))


def _day_index(start: date, day: date) -> int:
    return (day - start).days


def plan_lines(
    spec: CommsSpec,
    builder: PhonebookBuilder,
    town_index: dict[str, int],
    persons: dict[str, PersonPhone],
    source: NumberSource,
    rng: np.random.Generator,
    rates: LineRates,
) -> list[LinePlan]:
    """Add every line's numbers, gang phones and customers to the builder and plan them."""
    period_end = spec.start + timedelta(days=spec.days)
    plans: list[LinePlan] = []
    for position, line in enumerate(spec.lines):
        where = f"lines[{position}] {line.line_id!r}"
        origin = _town(town_index, line.origin_town, f"{where} origin_town")
        for market in line.market_towns:
            _town(town_index, market, f"{where} market_towns")
        if not line.numbers:
            raise CommsSpecError(f"{where}: has no numbers; a line is known by its number")
        if len(line.customer_phones) != len(line.customer_towns):
            raise CommsSpecError(
                f"{where}: {len(line.customer_phones)} customer_phones but "
                f"{len(line.customer_towns)} customer_towns (they must be parallel)"
            )
        stop = min(line.closed_on or period_end, period_end)
        numbers = _plan_numbers(spec, line, builder, origin, stop, rng, rates, where)
        controllers = [
            _gang_phone(builder, source, rng, persons, phone, origin, Role.controller, line, person, where)
            for phone, person in zip(
                line.controller_phones,
                _parallel_ids(line.controller_person_ids, len(line.controller_phones)),
                strict=True,
            )
        ]
        runners = [
            _plan_runner(spec, builder, persons, town_index, origin, line, i, rng) for i in range(len(line.runners))
        ]
        customers, towns = [], []
        for i, (phone, town_name) in enumerate(zip(line.customer_phones, line.customer_towns, strict=True)):
            town = _town(town_index, town_name, f"{where} customer_towns[{i}]")
            digits = export_digits(phone, f"{where} customer_phones[{i}]")
            person = persons.get(phone)
            index = builder.add(
                digits,
                town_index[person.town] if person else town,
                person.imei if person else source.imei(),
                Role.customer,
                social=True,
                profile=Profile.standard,
                kind="customer",
                line_id=line.line_id,
                person_id=person.person_id if person else "",
            )
            customers.append(index)
            towns.append(town)
        first_day = max(_day_index(spec.start, line.numbers[0].start), 0)
        stop_day = _day_index(spec.start, stop)
        joined, left, rate = _customer_churn(rng, len(customers), first_day, stop_day, rates)
        plans.append(
            LinePlan(
                line,
                origin,
                numbers,
                first_day,
                stop_day,
                np.asarray(controllers, dtype=np.int32),
                runners,
                np.asarray(customers, dtype=np.int32),
                np.asarray(towns, dtype=np.int32),
                joined,
                left,
                rate,
                list(line.customer_phones),
            )
        )
    return plans


def _town(town_index: dict[str, int], name: str, where: str) -> int:
    if name not in town_index:
        raise CommsSpecError(f"{where}: town {name!r} is not one of the spec's towns")
    return town_index[name]


def _parallel_ids(person_ids: tuple[str, ...], count: int) -> list[str]:
    # controller_person_ids and controller_phones need not pair up one to one; when they do
    # not, each phone is credited to all the line's controllers.
    if len(person_ids) == count:
        return list(person_ids)
    return [";".join(person_ids)] * count


def _plan_numbers(
    spec: CommsSpec,
    line: LineSpec,
    builder: PhonebookBuilder,
    origin: int,
    stop: date,
    rng: np.random.Generator,
    rates: LineRates,
    where: str,
) -> list[NumberLive]:
    stop_time = local_midnight_utc(stop)
    spec_start = local_midnight_utc(spec.start)
    begins: list[int] = []
    for i, period in enumerate(line.numbers):
        begin = local_midnight_utc(period.start)
        if i > 0:
            begin += int(rng.uniform(*rates.new_number_delay_hours) * 3600)
        begins.append(max(begin, spec_start) if i == 0 else begin)
    numbers: list[NumberLive] = []
    for i, period in enumerate(line.numbers):
        digits = export_digits(period.number, f"{where} numbers[{i}]")
        end = stop_time
        if period.end is not None:
            end = min(end, local_midnight_utc(period.end + timedelta(days=1)))
        if i + 1 < len(line.numbers):
            end = min(end, begins[i + 1])
        phone = builder.add(
            digits,
            origin,
            period.imei,
            Role.line,
            social=False,
            profile=Profile.gang,
            kind="deal_line",
            line_id=line.line_id,
        )
        # Line numbers are pay-as-you-go SIMs bought days before use, mostly unregistered.
        builder.subscribers[phone] = _burner_subscriber(rng, period.start)
        if end > begins[i]:
            numbers.append(NumberLive(phone, begins[i], end, replacement=i > 0))
    return numbers


def _burner_subscriber(rng: np.random.Generator, first_use: date) -> Subscriber:
    named = rng.random() < 0.4
    return Subscriber(
        name=str(rng.choice(FALSE_NAMES)) if named else "",
        address="",
        registered=first_use - timedelta(days=int(rng.integers(1, 21))),
        pay_as_you_go=True,
        network=str(rng.choice(BURNER_NETWORKS)),
    )


def _gang_phone(
    builder: PhonebookBuilder,
    source: NumberSource,
    rng: np.random.Generator,
    persons: dict[str, PersonPhone],
    phone: str,
    origin: int,
    role: Role,
    line: LineSpec,
    person_id: str,
    where: str,
) -> int:
    digits = export_digits(phone, f"{where} controller_phones")
    person = persons.get(phone)
    # A population phone is already in the builder, which keeps its own town and handset.
    index = builder.add(
        digits,
        origin,
        person.imei if person else source.imei(),
        role,
        social=True,
        profile=Profile.gang,
        kind="controller",
        line_id=line.line_id,
        person_id=person_id,
    )
    if person is None and index not in builder.subscribers:
        builder.subscribers[index] = _burner_subscriber(rng, line.numbers[0].start)
    return index


def _plan_runner(
    spec: CommsSpec,
    builder: PhonebookBuilder,
    persons: dict[str, PersonPhone],
    town_index: dict[str, int],
    origin: int,
    line: LineSpec,
    position: int,
    rng: np.random.Generator,
) -> RunnerPlan:
    runner = line.runners[position]
    where = f"lines {line.line_id!r} runners[{position}]"
    market = _town(town_index, runner.town, f"{where} town")
    digits = export_digits(runner.phone, f"{where} phone")
    person = persons.get(runner.phone)
    home = town_index[person.town] if person else origin
    index = builder.add(
        digits,
        home,
        person.imei if person else runner.imei,
        Role.runner,
        social=person is not None,
        profile=Profile.gang,
        kind="own_phone" if person else "work_phone",
        line_id=line.line_id,
        person_id=runner.person_id,
    )
    first = max(_day_index(spec.start, runner.active_from), 0)
    last = spec.days - 1 if runner.active_to is None else _day_index(spec.start, runner.active_to)
    if person is not None:
        # Gangs hand runners a new handset: the number moves into it while they are active.
        builder.swap_handset(first, index, runner.imei)
        if runner.active_to is not None:
            builder.swap_handset(last + 1, index, person.imei)
    elif index not in builder.subscribers:
        builder.subscribers[index] = _burner_subscriber(rng, runner.active_from)
    return RunnerPlan(
        index,
        runner.phone,
        runner.person_id,
        market,
        home,
        first,
        min(last, spec.days - 1),
        -1,
        -1,
        work_phone=person is None,
    )


def place_runners(plans: list[LinePlan], cells: CellPlan, rng: np.random.Generator) -> None:
    """Choose each runner's night cell (the cuckooed address if known) and work cell."""
    for plan in plans:
        for runner, spec in zip(plan.runners, plan.spec.runners, strict=True):
            if spec.cuckooed_latitude is not None and spec.cuckooed_longitude is not None:
                runner.night_cell = cells.nearest_cell(
                    runner.market_town, spec.cuckooed_latitude, spec.cuckooed_longitude
                )
            else:
                runner.night_cell = int(cells.random_cells(rng, np.asarray([runner.market_town]))[0])
            runner.work_cell = int(cells.random_cells(rng, np.asarray([runner.market_town]))[0])


def _customer_churn(
    rng: np.random.Generator, count: int, first_day: int, stop_day: int, rates: LineRates
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join and leave days and order rates: some buy from the start, others join over time,
    some stop; rates are lognormal so a few buy daily and many now and then."""
    span = max(stop_day - first_day, 1)
    initial = rng.random(count) < rates.customer_initial_share
    joined = np.where(initial, first_day, first_day + rng.integers(0, span, size=count))
    leaves = rng.random(count) < rates.customer_leave_share
    stay = rng.integers(7, span + 8, size=count)
    left = np.where(leaves, joined + stay, np.iinfo(np.int32).max)
    sigma = rates.orders_sigma
    mu = np.log(rates.orders_per_customer_day) - sigma**2 / 2
    return joined.astype(np.int32), left.astype(np.int64), rng.lognormal(mu, sigma, size=count)
