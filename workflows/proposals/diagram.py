"""The process diagram on the proposal page (and on an archive fonds's page): Viewflow lays a flow
out once; each page draws it in the reader's language with its process's steps marked done,
current or cancelled."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache

from viewflow.workflow.chart import calc_layout_data
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.proposals.flows import ProposalFlow

LINE_HEIGHT = 14
LABEL_WIDTH = 18  # characters per line inside a task box
CHAR_WIDTH = 8  # a generous average width of a character of the 12px labels (bold when current)
MARGIN = 4


@cache
def _layout(flow_class=ProposalFlow):
    return calc_layout_data(flow_class)


@dataclass
class Step:
    name: str
    title: str
    state: str  # "done", "current", "cancelled" or ""
    x: int
    y: int
    width: int
    height: int
    shape: str
    lines: list[tuple[str, float, float]]  # text, x, y inside the step


@dataclass
class Diagram:
    width: int
    height: int
    steps: list[Step]
    edges: list[str]  # SVG path data

    @property
    def current(self) -> list[Step]:
        return [step for step in self.steps if step.state == "current"]


def _states(tasks: list[Task]) -> dict[str, str]:
    """Each step's latest state in one process's ``tasks`` (oldest first)."""
    states: dict[str, str] = {}
    for task in tasks:
        node, status = task.flow_task, task.status
        ends_here = node.task_type == "END"
        if status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED) or (status == STATUS.DONE and ends_here):
            states[node.name] = "current"
        elif status == STATUS.DONE:
            states[node.name] = "done"
        elif status == STATUS.CANCELED:
            states[node.name] = "cancelled"
    return states


def _lines(title: str, width: int, height: int, inside: bool) -> list[tuple[str, float, float]]:
    if not inside:  # events and gateways: the label goes under the shape
        return [(line, width / 2, height + LINE_HEIGHT * (n + 1)) for n, line in enumerate(textwrap.wrap(title, 24))]
    wrapped = textwrap.wrap(title, LABEL_WIDTH)
    top = height / 2 - (len(wrapped) - 1) * LINE_HEIGHT / 2
    return [(line, width / 2, top + n * LINE_HEIGHT) for n, line in enumerate(wrapped)]


def diagram_for(tasks: list[Task]) -> Diagram:
    """A proposal's process, from its ``workflows.selectors.proposal_tasks``."""
    return diagram_of(ProposalFlow, tasks)


def diagram_of(flow_class, tasks) -> Diagram:
    """The diagram of ``flow_class`` with the steps of one of its processes (``tasks``, oldest
    first) marked."""
    grid = _layout(flow_class)
    states = _states(tasks)
    steps = []
    for cell in grid.cells:
        node, shape = cell.node, cell.shape
        title = str(node.task_title)
        inside = getattr(node, "shape", {}).get("text-align") == "middle"
        steps.append(
            Step(
                name=node.name,
                title=title,
                state=states.get(node.name, ""),
                x=shape.x,
                y=shape.y,
                width=shape.width,
                height=shape.height,
                shape=node.shape["svg"],
                lines=_lines(title, shape.width, shape.height, inside),
            )
        )
    # A label under a step is centred on it and may be wider than the grid's first or last
    # column ("Brouillon créé" under the start event): shift everything right by what sticks out
    # on the left, and widen the drawing by what sticks out on the right.
    left = min([0.0, *(step.x + x - _text_width(text) / 2 for step in steps for text, x, _y in step.lines)])
    right = max(
        [float(grid.width), *(step.x + x + _text_width(text) / 2 for step in steps for text, x, _y in step.lines)]
    )
    shift = round(-left) + MARGIN if left < 0 else 0
    for step in steps:
        step.x += shift
    edges = [
        " ".join(f"{'M' if n == 0 else 'L'}{x + shift},{y}" for n, (x, y) in enumerate(edge.segments))
        for edge in grid.edges
        if edge.segments
    ]
    width = round(right) + shift + (MARGIN if right > grid.width else 0)
    return Diagram(width=width, height=grid.height + 3 * LINE_HEIGHT, steps=steps, edges=edges)


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH
