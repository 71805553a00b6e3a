"""Hook implementations of the KIM NRW plugin."""
