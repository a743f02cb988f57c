"""Where each box of a Value graph goes: columns in topological order, rows without crossings. Qt-free.

Geometry as plain functions the lab's GraphView calls (as the network view's layout.py does), so it can
be tested without drawing anything.
"""

from __future__ import annotations

import networkx as nx


def layout(g: nx.DiGraph) -> dict[str, tuple[int, float]]:
    """(column, row) for every node of a draw_dot-shaped graph (operator nodes included).

    Columns: the topological generations (networkx) counted back from the output, so every value sits
    as far right as it can, just before its first use: a bias added at the end is drawn near the end.
    Rows: leaves take one row each in depth-first order from the output (operands in order), a result
    sits at the mean row of its operands, and rows inside a column are then pushed apart to at least 1.
    For a tree that order has no crossings; shared values (a + a) only add a little push.
    """
    column: dict[str, int] = {}
    generations = list(nx.topological_generations(g.reverse(copy=False)))
    for distance, generation in enumerate(generations):
        for node in generation:
            column[node] = len(generations) - 1 - distance

    root = next(n for n in g.nodes if g.out_degree(n) == 0)
    names = {id(a["value"]): n for n, a in g.nodes(data=True) if a["kind"] == "value"}
    row: dict[str, float] = {}
    next_leaf = 0.0
    stack: list[tuple[str, bool]] = [(root, False)]
    while stack:  # depth-first, without recursion (graphs can be deep)
        node, operands_done = stack.pop()
        if node in row:
            continue
        operands = _operands_in_order(g, node, names)
        if not operands:
            row[node] = next_leaf
            next_leaf += 1.0
        elif operands_done:
            row[node] = sum(row[p] for p in operands) / len(operands)
        else:
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(operands) if p not in row)

    by_column: dict[int, list[str]] = {}
    for node, c in column.items():
        by_column.setdefault(c, []).append(node)
    for nodes in by_column.values():
        nodes.sort(key=lambda n: row[n])
        for above, below in zip(nodes, nodes[1:], strict=False):
            row[below] = max(row[below], row[above] + 1.0)
    return {n: (column[n], row[n]) for n in g.nodes}


def _operands_in_order(g: nx.DiGraph, node: str, names: dict[int, str]) -> list[str]:
    """A node's operands in the order the expression wrote them (a value's operand is its operator)."""
    if g.nodes[node]["kind"] == "value":
        return list(g.predecessors(node))
    result = next(iter(g.successors(node)))
    seen: list[str] = []
    for child in g.nodes[result]["value"]._prev:
        name = names[id(child)]
        if name not in seen:
            seen.append(name)
    return seen
