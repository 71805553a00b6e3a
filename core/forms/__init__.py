"""The declarative form engine: forms are data that plugins ship (YAML definitions), not pages.

``definitions`` reads and checks a definition (sections, fields, validators, personas,
translations); ``rules`` is the one small expression language that drives visibility,
validation, computed values and the print view; ``engine`` turns an HTML post or a JSON body into
checked answers, builds the marshmallow and JSON schemas and runs a definition's personas;
``templates/forms/_macros.html`` renders every form (screen and A4 print). No module here touches
the database: submissions are stored by the domain built on top of this package.
"""
