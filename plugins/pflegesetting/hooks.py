"""Hook implementations of the Pflegesetting plugin."""
