"""Demo stage: score addresses for cuckooing, find hotspots, peer groups and the routes lines
run on, and write the flagged places screening reads and the map layers."""

from __future__ import annotations

from linewatch.demo.context import DemoContext
from linewatch.places.pipeline import run_places


def places_stage(ctx: DemoContext) -> list[str]:
    with ctx.console.status("Places and routes") as status:
        outcome = run_places(ctx.settings, ctx.engine, progress=lambda step: status.update(step))
    lines = [f"As of {outcome.as_of:%d %b %Y}; {', '.join(f'{k} {v:.1f}s' for k, v in outcome.seconds.items())}"]
    cuckooing = outcome.cuckooing or []
    flagged = [a for a in cuckooing if a.flagged]
    lines.append(f"Cuckooing: {len(flagged)} address(es) flagged of {len(cuckooing):,} with any signal; first:")
    for a in flagged[:5]:
        top = "; ".join(r.text for r in a.reasons[:2])
        lines.append(f"  {a.rank}. {a.address}: {a.level.value} {a.score:.2f}, {a.status}; {top}")
    hotspots = outcome.hotspots or []
    lines.append(f"Hotspots: {len(hotspots)} ({sum(h.flagged for h in hotspots)} flagged); first:")
    for h in hotspots[:5]:
        lines.append(f"  {h.rank}. {h.label}: {h.young_people} young people, {h.events} events ({h.trend()})")
    lines.append(f"Peer groups: {len(outcome.peers or [])}")
    corridors = outcome.corridors or []
    lines.append(f"Routes: {len(corridors)} corridors; first:")
    for c in corridors[:6]:
        lines.append(f"  {c.rank}. {c.describe()}")
    lines.append(f"{outcome.flagged} flagged place(s) for screening; map layers: {', '.join(outcome.layers)}")
    lines.append(f"Outputs: {outcome.out_dir}")
    return lines
