"""The /docs page: the OpenAPI document rendered as one self-contained HTML page (no scripts, no
CDN), listing each route with the permission it needs and the s.62 operation it performs."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, select_autoescape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ info.title }} API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1b1b1b;line-height:1.4}
h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.route{border:1px solid #ddd;border-radius:6px;margin:.8rem 0;padding:.6rem .9rem}
.method{font-weight:bold;display:inline-block;min-width:4.5rem}
.GET{color:#0b5394}.POST{color:#38761d}.PATCH{color:#b45f06}.DELETE{color:#990000}
code{background:#f4f4f4;padding:0 .25rem;border-radius:3px}
.tag{font-size:.8rem;background:#eef;border-radius:3px;padding:0 .3rem;margin-left:.4rem}
table{border-collapse:collapse;margin:.4rem 0}
td,th{border:1px solid #e2e2e2;padding:.15rem .5rem;text-align:left;font-size:.9rem}
</style></head><body>
<h1>{{ info.title }} <small>{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Sign in with <code>POST /auth/login</code>; the
session is an HttpOnly cookie, and every POST or PATCH sends the <code>X-CSRF-Token</code> header returned at
sign-in. Errors are RFC 9457 problem details (<code>application/problem+json</code>).</p>
{% for tag, routes in groups %}
<h2>{{ tag }}</h2>
{% for r in routes %}<div class="route">
<span class="method {{ r.method }}">{{ r.method }}</span> <code>{{ r.path }}</code>
<span class="tag">permission: {{ r.permission }}</span><span class="tag">s.62: {{ r.operation }}</span>
<p><b>{{ r.summary }}</b>{% if r.description %} — {{ r.description }}{% endif %}</p>
{% if r.parameters %}<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>about</th></tr>
{% for p in r.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p["in"] }}</td>
<td>{{ "yes" if p.required else "" }}</td><td>{{ p.type }}</td><td>{{ p.description }}</td></tr>{% endfor %}
</table>{% endif %}
{% if r.body %}<p>Body: <code>{{ r.body }}</code></p>{% endif %}
<p>Responses: {% for code in r.responses %}<code>{{ code }}</code> {% endfor %}</p>
</div>{% endfor %}{% endfor %}
</body></html>"""

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _environment.from_string(_TEMPLATE)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    return str(schema.get("format") or schema.get("type") or "object")


def render_docs(openapi: dict[str, Any]) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, methods in openapi.get("paths", {}).items():
        for method, operation in methods.items():
            body: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
            first: dict[str, Any] = next(iter(body.values()), {}) if body else {}
            body_schema = first.get("schema")
            route = {
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "permission": operation.get("x-linewatch-permission", "?"),
                "operation": operation.get("x-linewatch-operation", "?"),
                "parameters": [
                    {**p, "type": _type(p.get("schema", {})), "description": p.get("description", "")}
                    for p in operation.get("parameters", [])
                ],
                "body": _type(body_schema) if body_schema else None,
                "responses": sorted(operation.get("responses", {})),
            }
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(route)
    return _template.render(info=openapi.get("info", {}), groups=list(groups.items()))
