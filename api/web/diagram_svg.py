"""A BPMN process drawn as SVG from the file's own diagram interchange (BPMN DI), on the server and
without JavaScript: pools and lanes, tasks, events, gateways and sequence flows where the modeler
put them, with the path taken and the current position marked.

`render_svg` is a pure function: the BPMN XML, the ids of the active nodes and of the nodes and
flows taken, in; an SVG document (a string) out. Colours come from presentation attributes, so the
file stands alone; the page's stylesheet refines them through the classes.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from api.web.bpmn_model import Band, Bounds, Flow, Model, Node, parse

FONT = 12
CHAR_WIDTH = 6.4  # average advance of a Vietnamese sans-serif letter at FONT px
LINE = FONT + 3
SCALE = 0.8  # drawn size per diagram unit; wide processes scroll sideways on small screens
PAD = 12
LABEL_WIDTH = 120  # of the label under an event or above a gateway
ACTIVITIES = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess"}
GATEWAY_MARK = {"exclusiveGateway": "x", "parallelGateway": "+", "inclusiveGateway": "o", "eventBasedGateway": "o"}
STROKE = {"": "#5b6470", "taken": "#1b7f3b", "active": "#a34700"}
FILL = {"": "#ffffff", "taken": "#e8f5ec", "active": "#fff1dd"}


def wrap(text: str, width: float) -> list[str]:
    """Words in lines that fit `width` at FONT px (a word longer than a line stands alone)."""
    limit = max(4, int(width // CHAR_WIDTH))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _text(lines: list[str], x: float, y: float, cls: str = "label") -> str:
    """Lines centred on x, the block's middle at y."""
    top = y - (len(lines) - 1) * LINE / 2 + FONT / 3
    spans = "".join(f'<tspan x="{x:.1f}" y="{top + i * LINE:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="{cls}" text-anchor="middle" font-size="{FONT}" fill="#1f2933">{spans}</text>'


def _state(element_id: str, active: set[str], taken: set[str]) -> str:
    return "active" if element_id in active else "taken" if element_id in taken else ""


def _band(band: Band) -> str:
    b = band.bounds
    label_x, label_y = b.x + 15, b.y + b.height / 2
    lines = wrap(band.name, b.height - 10)
    top = label_y - 0  # rotated: the lines run up the left edge
    spans = "".join(f'<tspan x="{label_x + (i - (len(lines) - 1) / 2) * LINE:.1f}" y="{top:.1f}">{escape(line)}'
                    "</tspan>" for i, line in enumerate(lines))
    return (f'<g class="band"><rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" fill="none" '
            f'stroke="#9aa5b1" stroke-width="1"/><text class="band-label" text-anchor="middle" font-size="{FONT}" '
            f'fill="#3e4c59" transform="rotate(-90 {label_x:.1f} {label_y:.1f})">{spans}</text></g>')


def _icon(node: Node, b: Bounds) -> str:
    x, y = b.x + 8, b.y + 8
    if node.kind == "userTask":
        return (f'<g class="icon" fill="none" stroke="#3e4c59" stroke-width="1.2"><circle cx="{x + 6}" cy="{y + 4}" '
                f'r="3.5"/><path d="M{x} {y + 16} q0 -7 6 -7 q6 0 6 7 z"/></g>')
    if node.kind in ("scriptTask", "serviceTask"):
        return (f'<g class="icon" fill="none" stroke="#3e4c59" stroke-width="1.2"><rect x="{x}" y="{y}" width="11" '
                f'height="14" rx="1"/><path d="M{x + 3} {y + 4} h5 M{x + 3} {y + 7} h5 M{x + 3} {y + 10} h5"/></g>')
    return ""


def _container(node: Node, b: Bounds, state: str) -> str:
    """An expanded sub-process: a frame with its name at the top left; its content is drawn over it."""
    dash = ' stroke-dasharray="6 4"' if node.event_subprocess else ""
    lines = wrap(node.name, b.width - 20)[:2]
    spans = "".join(f'<tspan x="{b.x + 10:.1f}" y="{b.y + 18 + i * LINE:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" rx="10" fill="{FILL[state]}" '
            f'stroke="{STROKE[state]}" stroke-width="{2.5 if state else 1.5}"{dash}/>'
            f'<text class="label" font-size="{FONT}" fill="#1f2933">{spans}</text>')


def _activity(node: Node, b: Bounds, state: str) -> str:
    width = 4 if node.kind == "callActivity" else 2.5 if state else 1.5
    parts = [f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" rx="10" fill="{FILL[state]}" '
             f'stroke="{STROKE[state]}" stroke-width="{width}"/>', _icon(node, b)]
    if node.multi_instance:
        cx, base = b.x + b.width / 2, b.y + b.height - 5
        parts.append(f'<path d="M{cx - 6} {base} v-10 M{cx} {base} v-10 M{cx + 6} {base} v-10" '
                     'stroke="#3e4c59" stroke-width="2"/>')
    parts.append(_text(wrap(node.name, b.width - 12)[:4], b.x + b.width / 2, b.y + b.height / 2 + 3))
    return "".join(parts)


def _event(node: Node, b: Bounds, state: str) -> str:
    cx, cy = b.center
    r = b.width / 2
    width = 4 if node.kind == "endEvent" else 2.5 if state else 1.5
    dash = ' stroke-dasharray="4 3"' if not node.interrupting else ""
    parts = [f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{FILL[state]}" stroke="{STROKE[state]}" '
             f'stroke-width="{width}"{dash}/>']
    if node.kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r - 3}" fill="none" stroke="{STROKE[state]}" '
                     f'stroke-width="1.2"{dash}/>')
    if node.timer:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r - 7}" fill="#fff" stroke="#3e4c59" stroke-width="1.2"/>'
                     f'<path d="M{cx} {cy - r + 10} L{cx} {cy} L{cx + 5} {cy + 3}" fill="none" stroke="#3e4c59" '
                     'stroke-width="1.2"/>')
    elif node.message:
        parts.append(f'<rect x="{cx - 8}" y="{cy - 5}" width="16" height="11" fill="#fff" stroke="#3e4c59"/>'
                     f'<path d="M{cx - 8} {cy - 5} L{cx} {cy + 1} L{cx + 8} {cy - 5}" fill="none" stroke="#3e4c59"/>')
    if node.name:
        lines = wrap(node.name, LABEL_WIDTH - 10)
        parts.append(_text(lines, cx, b.y + b.height + 8 + LINE / 2 * len(lines)))
    return "".join(parts)


def _gateway(node: Node, b: Bounds, state: str) -> str:
    cx, cy = b.center
    w, h = b.width / 2, b.height / 2
    parts = [f'<path d="M{cx} {b.y} L{b.x + b.width} {cy} L{cx} {b.y + b.height} L{b.x} {cy} Z" '
             f'fill="{FILL[state]}" stroke="{STROKE[state]}" stroke-width="{2.5 if state else 1.5}"/>']
    mark = GATEWAY_MARK.get(node.kind, "")
    if mark == "x":
        parts.append(f'<path d="M{cx - w / 3} {cy - h / 3} L{cx + w / 3} {cy + h / 3} M{cx + w / 3} {cy - h / 3} '
                     f'L{cx - w / 3} {cy + h / 3}" stroke="#3e4c59" stroke-width="3"/>')
    elif mark == "+":
        parts.append(f'<path d="M{cx} {cy - h / 2} V{cy + h / 2} M{cx - w / 2} {cy} H{cx + w / 2}" '
                     'stroke="#3e4c59" stroke-width="3"/>')
    if node.name:
        lines = wrap(node.name, LABEL_WIDTH)
        parts.append(_text(lines, cx, b.y - 6 - (len(lines) - 1) * LINE / 2 - FONT / 2))
    return "".join(parts)


def _node(node: Node, active: set[str], taken: set[str]) -> str:
    if node.bounds is None:
        return ""
    state = _state(node.id, active, taken)
    if node.expanded:
        body = _container(node, node.bounds, state)
    elif node.kind in ACTIVITIES:
        body = _activity(node, node.bounds, state)
    elif node.kind.endswith("Gateway"):
        body = _gateway(node, node.bounds, state)
    elif node.kind.endswith("Event"):
        body = _event(node, node.bounds, state)
    else:
        return ""
    current = ' aria-current="step"' if state == "active" else ""
    return (f'<g class="node {node.kind} {state}" data-id={quoteattr(node.id)}{current}>'
            f"<title>{escape(node.name or node.id)}</title>{body}</g>")


def _flow(flow: Flow, taken: set[str]) -> str:
    if len(flow.waypoints) < 2:
        return ""
    state = "taken" if flow.id in taken else ""
    points = " ".join(f"{x:g},{y:g}" for x, y in flow.waypoints)
    parts = [f'<polyline points="{points}" fill="none" stroke="{STROKE[state]}" '
             f'stroke-width="{2.5 if state else 1.3}" marker-end="url(#arrow{"-taken" if state else ""})"/>']
    if flow.default:
        (x1, y1), (x2, y2) = flow.waypoints[0], flow.waypoints[1]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        mx, my = x1 + (x2 - x1) * 10 / length, y1 + (y2 - y1) * 10 / length
        parts.append(f'<path d="M{mx - 4:.1f} {my + 4:.1f} L{mx + 4:.1f} {my - 4:.1f}" stroke="{STROKE[state]}" '
                     'stroke-width="1.5"/>')
    if flow.name:
        (x1, y1), (x2, y2) = max(zip(flow.waypoints, flow.waypoints[1:], strict=False),
                                 key=lambda s: math.hypot(s[1][0] - s[0][0], s[1][1] - s[0][1]))
        parts.append(f'<text class="flow-label" text-anchor="middle" font-size="{FONT - 1}" fill="#3e4c59" '
                     f'x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 5:.1f}">{escape(flow.name)}</text>')
    return f'<g class="flow {state}">{"".join(parts)}</g>'


def _extent(model: Model) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    boxes = [b.bounds for b in model.bands] + [n.bounds for n in model.nodes.values() if n.bounds]
    for box in boxes:
        xs += [box.x, box.x + box.width]
        ys += [box.y, box.y + box.height + 3 * LINE]  # room for an event's label below
    for node in model.nodes.values():
        if node.bounds is not None and node.name and node.kind not in ACTIVITIES:
            cx, _ = node.bounds.center
            xs += [cx - LABEL_WIDTH / 2, cx + LABEL_WIDTH / 2]  # an event's or a gateway's label overhangs
    for flow in model.flows.values():
        xs += [x for x, _ in flow.waypoints]
        ys += [y for _, y in flow.waypoints]
    if not xs:
        return 0, 0, 100, 100
    return min(xs) - PAD, min(ys) - PAD - 2 * LINE, max(xs) + PAD, max(ys) + PAD


def render_svg(xml: str | bytes, active: Iterable[str] = (), taken: Iterable[str] = (), *, title: str = "",
               process_id: str | None = None) -> str:
    """The process of `xml` as an SVG document; `active` nodes are where the case stands now, `taken`
    nodes and flows the way it came."""
    model = parse(xml, process_id)
    active_set, taken_set = set(active), set(taken)
    x0, y0, x1, y1 = _extent(model)
    width, height = x1 - x0, y1 - y0
    name = title or model.name or model.process_id
    current = [model.nodes[i].name for i in sorted(active_set) if i in model.nodes]
    desc = ("Đang ở bước: " + "; ".join(current) + ".") if current else "Không có bước nào đang chờ xử lý."
    layers = ([n for n in model.nodes.values() if n.expanded],
              [n for n in model.nodes.values() if not n.expanded and n.kind != "boundaryEvent"],
              [n for n in model.nodes.values() if n.kind == "boundaryEvent"])
    body = ([_band(band) for band in model.bands] + [_node(n, active_set, taken_set) for n in layers[0]]
            + [_flow(flow, taken_set) for flow in model.flows.values()]
            + [_node(n, active_set, taken_set) for layer in layers[1:] for n in layer])
    markers = "".join(
        f'<marker id="arrow{suffix}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="{colour}"/></marker>'
        for suffix, colour in (("", STROKE[""]), ("-taken", STROKE["taken"])))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn" role="img" aria-label={quoteattr(name)} '
            f'viewBox="{x0:g} {y0:g} {width:g} {height:g}" width="{width * SCALE:.0f}" '
            f'height="{height * SCALE:.0f}" font-family="Segoe UI, Roboto, Noto Sans, Arial, sans-serif">'
            f"<title>{escape(name)}</title><desc>{escape(desc)}</desc><defs>{markers}</defs>"
            + "".join(body) + "</svg>")
