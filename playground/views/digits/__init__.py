"""Views about digits: why the network reads a digit as it does, how it mixes digits up, and My digits."""
