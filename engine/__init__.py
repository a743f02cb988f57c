"""The engine: pure numpy (and networkx for graphs). Never imports Qt."""
