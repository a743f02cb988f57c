"""graph.to_networkx and graph.to_dot: the right nodes, attributes and edges; DOT parses back."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from engine import graph
from engine.value import Value
from tests.engine.test_value import seed_neuron

# pydot (networkx's DOT reader) still calls pyparsing's old camelCase names
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")


def by_label(g: nx.DiGraph) -> dict[str, dict]:
    return {attrs["label"]: attrs for _, attrs in g.nodes(data=True) if attrs.get("label")}


def test_to_networkx_has_a_node_per_value_with_attributes_and_operand_to_result_edges():
    o, v = seed_neuron(through_exp=False)
    o.label = "o"
    o.backward()
    g = graph.to_networkx(o)
    assert isinstance(g, nx.DiGraph)
    # x1, x2, w1, w2, b, x1*w1, x2*w2, (x1w1 + x2w2), n, o
    assert g.number_of_nodes() == 10 and nx.is_directed_acyclic_graph(g)
    nodes = by_label(g)
    assert nodes["o"]["data"] == pytest.approx(0.7071067811865476)
    assert nodes["o"]["op"] == "tanh" and nodes["x1"]["op"] == ""
    assert nodes["x1"]["grad"] == pytest.approx(-1.5) and nodes["w2"]["grad"] == pytest.approx(0.0)
    name_of = {attrs["label"]: n for n, attrs in g.nodes(data=True) if attrs["label"]}
    # edges run operand -> result
    assert g.has_edge(name_of["b"], next(g.successors(name_of["b"])))
    assert list(g.successors(name_of["o"])) == []
    assert set(g.predecessors(name_of["o"])) == {graph.value_ids(o)[id(v["n"])]}
    assert sorted(d for _, d in g.in_degree()) == [0] * 5 + [1] + [2] * 4
    assert nx.descendants(g, name_of["x1"]) >= {name_of["o"]}


def test_operator_nodes_sit_between_operands_and_result():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    g = graph.to_networkx(b, operator_nodes=True)
    assert [g.nodes[n]["kind"] for n in nx.topological_sort(g)] == ["value", "op", "value"]
    a_id, op_id, b_id = nx.topological_sort(g)
    assert g.nodes[op_id]["op"] == "+"
    assert g.edges[a_id, op_id]["count"] == 2  # a is used twice
    assert g.edges[op_id, b_id]["count"] == 1
    assert g.nodes[b_id]["value"] is b


def parse_dot(text: str) -> nx.MultiDiGraph:
    """Read DOT with networkx (its pydot reader) and undo DOT quoting in the attributes."""
    pytest.importorskip("pydot", reason="networkx's read_dot needs pydot (in the test extra)")
    g = nx.nx_pydot.read_dot(io.StringIO(text))
    for _, attrs in g.nodes(data=True):
        for key, val in attrs.items():
            if val.startswith('"') and val.endswith('"'):
                attrs[key] = val[1:-1].replace('\\"', '"')
    return g


@pytest.mark.parametrize("through_exp", [False, True], ids=["tanh", "exp"])
def test_dot_parses_back_into_the_same_graph(through_exp):
    o, _ = seed_neuron(through_exp)
    o.label = "o"
    o.backward()
    text = graph.to_dot(o)
    parsed = parse_dot(text)
    expected = graph.to_networkx(o, operator_nodes=True)
    assert set(parsed.nodes) == set(expected.nodes)
    expected_edges = sorted((s, t) for s, t, c in expected.edges(data="count") for _ in range(c))
    assert sorted((s, t) for s, t, _ in parsed.edges(keys=True)) == expected_edges
    for node, attrs in expected.nodes(data=True):
        if attrs["kind"] == "value":
            assert parsed.nodes[node]["shape"] == "record"
            box = graph.record_label(attrs["label"], attrs["data"], attrs["grad"])
            assert parsed.nodes[node]["label"] == box
        else:
            assert parsed.nodes[node]["label"] == attrs["op"]


def test_dot_text_looks_like_draw_dot():
    o, _ = seed_neuron(through_exp=False)
    o.label = "o"
    o.backward()
    text = graph.to_dot(o)
    assert text.startswith('digraph "G" {') and "rankdir=LR" in text
    assert '[label="{ o | data 0.7071 | grad 1.0000 }", shape=record];' in text
    assert '[label="{ x1 | data 2.0000 | grad -1.5000 }", shape=record];' in text
    assert '[label="tanh"];' in text


def test_dot_of_a_value_used_twice_has_two_edges_and_escapes_special_labels():
    a = Value(3.0, label='a|{x}"')
    b = a + a
    text = graph.to_dot(b)
    parsed = parse_dot(text)
    assert parsed.number_of_edges("v0", "v1_op") == 2
    assert parsed.nodes["v0"]["label"] == '{ a\\|\\{x\\}" | data 3.0000 | grad 0.0000 }'
