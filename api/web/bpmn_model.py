"""A BPMN file read for drawing and for following its paths: the flow nodes and sequence flows of
its process, with the layout its own diagram interchange (BPMN DI) gives them."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
_NOT_NODES = {"sequenceFlow", "laneSet", "extensionElements", "documentation", "textAnnotation", "association",
              "dataObject", "dataObjectReference", "dataStoreReference", "ioSpecification"}


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass
class Node:
    id: str
    kind: str  # the BPMN element's local name: userTask, exclusiveGateway, startEvent…
    name: str
    bounds: Bounds | None = None
    called: str | None = None  # callActivity: the process it calls
    attached_to: str | None = None  # boundaryEvent: the activity it sits on
    interrupting: bool = True
    timer: bool = False
    message: bool = False
    multi_instance: bool = False
    parent: str | None = None  # the expanded sub-process it is drawn inside
    event_subprocess: bool = False  # a sub-process started by an event (drawn dashed)
    expanded: bool = False  # a sub-process drawn open, its content inside it


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str
    waypoints: list[tuple[float, float]] = field(default_factory=list)
    default: bool = False


@dataclass
class Band:
    """A pool or a lane: a horizontal band with its name written along its left edge."""

    id: str
    name: str
    bounds: Bounds


@dataclass
class Model:
    process_id: str
    name: str
    nodes: dict[str, Node]
    flows: dict[str, Flow]
    bands: list[Band]

    def outgoing(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows.values() if f.source == node_id]

    def starts(self) -> list[str]:
        """The process's own start events (not those of the sub-processes inside it)."""
        return [n.id for n in self.nodes.values() if n.kind == "startEvent" and n.parent is None]

    def is_end(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.kind == "endEvent"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _bounds(shape: etree._Element) -> Bounds | None:
    box = shape.find("dc:Bounds", NS)
    if box is None:
        return None
    return Bounds(*(float(box.get(k, "0")) for k in ("x", "y", "width", "height")))


def _node(element: etree._Element) -> Node:
    kind = _local(element.tag)
    node = Node(element.get("id", ""), kind, " ".join((element.get("name") or "").split()))
    node.called = element.get("calledElement")
    node.attached_to = element.get("attachedToRef")
    node.interrupting = element.get("cancelActivity", "true") != "false"
    node.timer = element.find("bpmn:timerEventDefinition", NS) is not None
    node.message = element.find("bpmn:messageEventDefinition", NS) is not None
    node.multi_instance = element.find("bpmn:multiInstanceLoopCharacteristics", NS) is not None
    node.event_subprocess = element.get("triggeredByEvent") == "true"
    return node


def _collect(container: etree._Element, parent: str | None, nodes: dict[str, Node], flows: dict[str, Flow],
             lanes: dict[str, str], defaults: set[str]) -> None:
    """The flow nodes and sequence flows of a process, and of the sub-processes inside it."""
    for element in container:
        kind = _local(element.tag)
        if kind == "sequenceFlow":
            flows[element.get("id", "")] = Flow(element.get("id", ""), element.get("sourceRef", ""),
                                                element.get("targetRef", ""), element.get("name") or "")
        elif kind == "laneSet":
            lanes.update({lane.get("id", ""): lane.get("name") or "" for lane in element.iter(f"{{{BPMN}}}lane")})
        elif kind and kind not in _NOT_NODES:
            node = _node(element)
            node.parent = parent
            nodes[node.id] = node
            defaults.add(element.get("default") or "")
            if kind in ("subProcess", "transaction", "adHocSubProcess"):
                _collect(element, node.id, nodes, flows, lanes, defaults)


def parse(xml: str | bytes, process_id: str | None = None) -> Model:
    """The executable process (or `process_id`) of a BPMN document, laid out by its first diagram."""
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, _PARSER)
    processes = root.findall("bpmn:process", NS)
    process = next((p for p in processes if p.get("id") == process_id), None) if process_id else None
    if process is None:
        process = next((p for p in processes if p.get("isExecutable") == "true"), processes[0])
    nodes: dict[str, Node] = {}
    flows: dict[str, Flow] = {}
    lanes: dict[str, str] = {}
    defaults: set[str] = set()
    _collect(process, None, nodes, flows, lanes, defaults)
    names = {**lanes, **{p.get("id", ""): p.get("name") or "" for p in root.iter(f"{{{BPMN}}}participant")}}
    bands: list[Band] = []
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    for shape in plane.findall("bpmndi:BPMNShape", NS) if plane is not None else []:
        ref, box = shape.get("bpmnElement", ""), _bounds(shape)
        if ref in nodes:
            nodes[ref].bounds = box
            nodes[ref].expanded = shape.get("isExpanded") == "true"
        elif ref in names and box is not None:
            bands.append(Band(ref, names[ref], box))
    for edge in plane.findall("bpmndi:BPMNEdge", NS) if plane is not None else []:
        ref = edge.get("bpmnElement", "")
        if ref in flows:
            flows[ref].waypoints = [(float(p.get("x", "0")), float(p.get("y", "0")))
                                    for p in edge.findall("di:waypoint", NS)]
    for flow_id in defaults & set(flows):
        flows[flow_id].default = True
    return Model(process.get("id", ""), process.get("name") or "", nodes, flows, bands)
