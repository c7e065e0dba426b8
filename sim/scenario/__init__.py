"""The scenario language: reading YAML safely, the schema, the claim ledger, cross-checks and loading.

Add an event type in :mod:`sim.scenario.schema` (``EVENT_KINDS``); an assumption in
``seeds/assumptions.yaml``; a check that needs the whole file in :mod:`sim.scenario.checks`.
"""
