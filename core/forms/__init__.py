"""The declarative form engine: definitions, rendering, validation, storage, print."""
