"""Taking over a network trained elsewhere (fine-tuned on My digits, off the GUI thread), Qt-free.

The shown network keeps its identity (every view holds it): only its weights and biases are replaced,
and only when the new ones fit it in every array, so a network is never half taken over.
"""

from __future__ import annotations

from engine.network import Network


def adoption_problem(shown: Network, new: Network, running: bool) -> str:
    """Why `new`'s weights cannot replace `shown`'s now ("" if they can)."""
    if running:
        return "Pause the training first: the network that learns would overwrite the new weights."
    def shape(net: Network) -> str:
        return f"{'-'.join(map(str, net.sizes))}, {net.activation}/{net.output}"

    if shape(new) != shape(shown):
        return (f"The new network ({shape(new)}) does not match the shown one ({shape(shown)}); "
                "nothing was changed.")
    if not new.parameters_finite():
        return "The new network has weights that are not finite numbers; nothing was changed."
    return ""
