"""The lab's "Whole cost" preset: the walkthrough's step as one Value graph, and clicks on its boxes.

During Step slowly the lab can show the step's whole cost (every sample of the batch through the
whole network, C at the end; see cost_graph.py) with its backward done. Offering it, building it,
forgetting it with its network and tying its boxes to the Session's selection is one idea, kept out
of the lab's forward/backward core as a mixin of NeuronLab (it uses the lab's combo box and graph view).
"""

from __future__ import annotations

from playground.views.lab.cost_graph import cost_expression
from playground.views.lab.cost_graph import fits as cost_graph_fits


class WholeCostMixin:
    """NeuronLab's whole-cost part: needs _session, preset, presetCombo, costButton, graphView, cost."""

    def _on_walkthrough(self) -> None:
        walk = self._session.walkthrough
        possible = walk is not None and cost_graph_fits(self._session.network)
        self.costButton.setEnabled(possible)
        self.costButton.setVisible(possible or self.preset == "cost")

    def show_whole_cost(self) -> None:
        """The walkthrough's step as one Value graph (its batch, the weights it starts from), backward
        done: every grad is ∂C/∂(that value). Raises ValueError for a network too big to draw."""
        walk = self._session.walkthrough
        if walk is None:
            raise ValueError("the whole cost is shown during Step slowly")
        cost_expression(walk.before, walk.X[:1], walk.Y[:1], self._session.cost_name)  # too big: refuse
        self._cost_batch = (walk.before.copy(), walk.X, walk.Y, self._session.cost_name)
        self._show_own_preset("cost", "The whole cost of the step (Step slowly)")
        self.backward(animated=False)

    def _forget_cost(self) -> None:
        """A new network: the whole cost of a step of the old one goes."""
        index = self.presetCombo.findData("cost")
        if index >= 0:
            if self.preset == "cost":
                self.show_preset("seed")
            self.presetCombo.removeItem(index)
        self._cost_batch = self.cost = None

    def _value_clicked(self, value) -> None:
        """A box of the whole cost clicked: select its neuron or weight, as a click in the network does."""
        where = self.cost.owner.get(id(value)) if self.preset == "cost" and self.cost else None
        if where is None or self.explained is None:
            return
        if where[0] == "neuron":
            self._session.select_neuron(where[1], where[2])
        else:
            self._session.select_weight(*where[1:])

    def _mark_cost_selection(self) -> None:
        """Frame the selected weight's box, else the selected neuron's (its first sample's) box."""
        s, cost = self._session, self.cost
        value = None
        if cost is not None and s.parameter is not None:
            value = cost.parameters.get(s.parameter)
        elif cost is not None and s.selected is not None:
            value = (cost.neurons.get(tuple(s.selected)) or [None])[0]
        self.graphView.mark(value)
