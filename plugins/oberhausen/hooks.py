"""Hook implementations of the Oberhausen plugin."""
