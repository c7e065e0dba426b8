"""The compiled engine: many seeded runs of one World at once, each equal to the Mesa model's run."""
