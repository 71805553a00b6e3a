"""Form engine latency: render and validate a 65-item checklist submission.

    .venv/bin/python -m bench.forms [--rounds 300]

Takes the Pflegesetting checklist from ``plugins/pflegesetting/forms/`` when a definition with at
least 60 items (options of multi fields, yes/no and choice fields) is there, else a synthetic
checklist of the same size (six areas of ticked items with fulfilment and remarks per area, two
extra need indicators, computed counts, a validator).
Measures, per submission: the HTML post turned into answers and checked (``parse_formdata`` +
``validate``), the form drawn with its answers and errors (``render_form``), both together (what
one POST that fails costs), and the A4 print view. Prints p50/p95/p99 in milliseconds. No
database work: the engine has none.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.datastructures import MultiDict

from bench.common import percentile

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("mobilitaet", "kognition", "verhalten", "selbstversorgung", "therapie", "alltag")


def synthetic_definition():
    """A 65-item checklist in the definition format (six areas, 10 or 11 items each)."""
    from core.forms.definitions import form_definition_from_dict

    sections = []
    item = 0
    for number, area in enumerate(AREAS):
        count = 11 if number < 5 else 10
        fields = []
        for n in range(count):
            item += 1
            fields.append({"key": f"{area}_{n + 1}", "type": "boolean", "label": f"Merkmal {item}"})
        fields += [
            {
                "key": f"{area}_erfuellt",
                "type": "choice",
                "label": "Bereich erfüllt",
                "options": [
                    {"key": "ja", "label": "ja"},
                    {"key": "teilweise", "label": "teilweise"},
                    {"key": "nein", "label": "nein"},
                ],
                "required": True,
            },
            {
                "key": f"{area}_anzahl",
                "type": "computed",
                "label": "Angekreuzte Merkmale",
                "compute": "count([" + ", ".join(f"{area}_{n + 1}" for n in range(count)) + "])",
            },
            {
                "key": f"{area}_bemerkungen",
                "type": "textarea",
                "label": "Bemerkungen",
                "required_if": f"{area}_erfuellt == 'teilweise'",
            },
        ]
        sections.append({"key": area, "title": f"Bereich {number + 1}", "fields": fields})
    sections.append(
        {
            "key": "bedarf",
            "title": "Weitere Hinweise auf Bedarf",
            "fields": [
                {"key": "hinweis_a", "type": "boolean", "label": "Hinweis A"},
                {"key": "hinweis_b", "type": "boolean", "label": "Hinweis B"},
                {
                    "key": "plausibel",
                    "type": "computed",
                    "label": "Pflegesetting plausibel",
                    "compute": "count(["
                    + ", ".join(f"{a}_erfuellt == 'ja'" for a in AREAS)
                    + "]) >= 2 or hinweis_a",
                    "format": "boolean",
                },
            ],
        }
    )
    data = {
        "key": "bench.checklist",
        "version": 1,
        "title": "Checkliste (synthetisch, 65 Merkmale)",
        "sections": sections,
        "validators": [
            {
                "rule": "count([" + ", ".join(f"{a}_erfuellt == 'nein'" for a in AREAS) + "]) < 6",
                "message": "Mindestens ein Bereich muss (teilweise) erfüllt sein.",
                "fields": ["mobilitaet_erfuellt"],
            }
        ],
    }
    return form_definition_from_dict(data, source_name="bench/forms.py (synthetic)")


def items(definition) -> int:
    """What a person ticks or chooses: every option of a multi, every yes/no, every choice."""
    return sum(
        len(spec.options) if spec.type == "multi" else 1
        for _path, spec in definition.walk()
        if spec.type in ("multi", "boolean", "choice", "scale")
    )


def shipped_definition():
    from core.forms.definitions import load_form_definitions

    folder = ROOT / "plugins" / "pflegesetting" / "forms"
    if not folder.is_dir():
        return None
    candidates = [d for d in load_form_definitions(folder) if items(d) >= 60]
    return max(candidates, key=items, default=None)


def post_for(definition, *, fill_ratio=0.5):
    """An HTML post that ticks about half of the items and answers every choice (with a
    mistake: one "teilweise" without remarks, so the form is drawn again with an error)."""
    post = MultiDict()
    for n, (path, spec) in enumerate(definition.walk()):
        name = path.replace(".", "-")
        if spec.type == "boolean" and n % int(1 / fill_ratio) == 0:
            post.add(name, "1")
        elif spec.type == "choice":
            post.add(name, "teilweise" if n % 3 == 0 else spec.options[0].key)
        elif spec.type == "multi":
            for number, option in enumerate(spec.options):
                if number % int(1 / fill_ratio) == 0 and option.key != "other":
                    post.add(name, option.key)
        elif spec.type in ("text", "textarea") and n % 4 == 0:
            post.add(name, "Bemerkung zum Bereich")
    return post


def timed(label: str, fn, rounds: int) -> list[float]:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:44} n={rounds:4}  p50 {statistics.median(samples):7.2f} ms  "
        f"p95 {percentile(samples, 0.95):7.2f} ms  p99 {percentile(samples, 0.99):7.2f} ms"
    )
    return samples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)

    from flask import g

    from core.app import create_app
    from core.forms.engine import parse_formdata, validate
    from core.forms.rendering import render_form, render_print
    from core.plugins.checks import stand_in_tenant

    tmp = Path(tempfile.mkdtemp(prefix="lotse-bench-forms-"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'x.sqlite3'}", "SECRET_KEY": "bench"}
    )
    start = time.perf_counter()
    definition = shipped_definition()
    source = "plugins/pflegesetting/forms"
    if definition is None:
        definition = synthetic_definition()
        source = "synthetic (no checklist of 60+ items in plugins/pflegesetting/forms yet)"
    loaded_ms = (time.perf_counter() - start) * 1000
    print(f"definition: {definition.key} v{definition.version} from {source}")
    print(f"fields: {len(list(definition.walk()))}, items to tick or choose: {items(definition)}")
    print(f"load + check of the definition: {loaded_ms:.1f} ms (once, at start-up)")
    post = post_for(definition)
    answers = parse_formdata(definition, post)
    result = validate(definition, answers)
    print(f"answers: {len(answers)}, errors in the sample post: {len(result.errors)}")

    with app.test_request_context("/startup-check/forms", headers={"Accept-Language": "de"}):
        g.tenant = stand_in_tenant()
        timed(
            "parse + validate",
            lambda: validate(definition, parse_formdata(definition, post)),
            args.rounds,
        )
        timed(
            "render (answers + errors)",
            lambda: render_form(definition, answers, result.errors),
            args.rounds,
        )

        def post_round_trip():
            raw = parse_formdata(definition, post)
            checked = validate(definition, raw)
            return render_form(definition, raw, checked.errors)

        timed("parse + validate + render (one failed POST)", post_round_trip, args.rounds)
        timed("A4 print view", lambda: render_print(definition, result.data), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
