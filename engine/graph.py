"""A ``Value`` expression graph as data: a networkx ``DiGraph``, or DOT text for graphviz users.

``to_networkx(root)`` gives one node per ``Value`` (attributes ``label, data, grad, op``) with edges
running operand -> result. ``to_networkx(root, operator_nodes=True)`` gives the shape micrograd's
``draw_dot`` draws: each operator is a node of its own between its operands and its result.
``to_dot(root)`` writes that second shape as DOT text, so nobody needs graphviz installed to export it.
"""

from __future__ import annotations

import networkx as nx

from engine.value import Value, topological_order


def value_ids(root: Value) -> dict[int, str]:
    """A stable name for every value in the graph: ``v0, v1, …`` in topological order (operands first)."""
    return {id(v): f"v{i}" for i, v in enumerate(topological_order(root))}


def operator_id(value_name: str) -> str:
    """The name of the operator node that produced the value called ``value_name``."""
    return f"{value_name}_op"


def to_networkx(root: Value, operator_nodes: bool = False) -> nx.DiGraph:
    """The graph of everything ``root`` depends on.

    Value nodes carry ``kind="value"`` plus ``label, data, grad, op`` (``op`` is ``""`` for a leaf) and
    ``value`` (the ``Value`` itself). Edges carry ``count``: how many times the operand is used (``a + a``
    has one edge with count 2, since a DiGraph cannot hold two parallel edges).
    With ``operator_nodes=True`` each operator becomes a node ``kind="op"`` with attribute ``op``,
    and the edges run operand -> operator -> result, as in micrograd's ``draw_dot``.
    """
    g = nx.DiGraph()
    names = value_ids(root)
    for v in topological_order(root):
        name = names[id(v)]
        g.add_node(name, kind="value", label=v.label, data=v.data, grad=v.grad, op=v._op, value=v)
        if not v._prev:
            continue
        target = name
        if operator_nodes:
            target = operator_id(name)
            g.add_node(target, kind="op", op=v._op)
            g.add_edge(target, name, count=1)
        for child in v._prev:
            source = names[id(child)]
            if g.has_edge(source, target):
                g.edges[source, target]["count"] += 1
            else:
                g.add_edge(source, target, count=1)
    return g


def record_label(label: str, data: float, grad: float) -> str:
    """The text of a value's box, as draw_dot writes it: ``{ label | data 2.0000 | grad -1.5000 }``."""
    return f"{{ {_escape_record(label)} | data {data:.4f} | grad {grad:.4f} }}"


def to_dot(root: Value, name: str = "G") -> str:
    """DOT text of the graph as micrograd's ``draw_dot`` renders it (left to right, record boxes).

    Render it with graphviz, e.g. ``dot -Tsvg graph.dot -o graph.svg``. A value used twice gets two
    edges, as graphviz draws them.
    """
    lines = [f"digraph {_quote(name)} {{", "\tgraph [rankdir=LR];", "\tnode [fontname=Helvetica];"]
    g = to_networkx(root, operator_nodes=True)
    for node, attrs in g.nodes(data=True):
        if attrs["kind"] == "value":
            label = record_label(attrs["label"], attrs["data"], attrs["grad"])
            lines.append(f"\t{_quote(node)} [label={_quote(label)}, shape=record];")
        else:
            lines.append(f"\t{_quote(node)} [label={_quote(attrs['op'])}];")
    for source, target, attrs in g.edges(data=True):
        lines.extend([f"\t{_quote(source)} -> {_quote(target)};"] * attrs["count"])
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    # In DOT's quoted strings the only escape is \" (a backslash before anything else stays as it is).
    return '"' + text.replace('"', '\\"') + '"'


def _escape_record(text: str) -> str:
    """Characters that structure a graphviz record label must be backslash-escaped inside a field."""
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text
